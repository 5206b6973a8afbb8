"""WSGI entry point (gunicorn hubplan.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

from hubplan.devkey import require_configured_key

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hubplan.settings")
application = get_wsgi_application()
# After setup: a server with DEBUG off needs the SECRET_KEY every server shares.
require_configured_key()
