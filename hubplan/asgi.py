"""ASGI entry point."""

import os

from django.core.asgi import get_asgi_application

from hubplan.devkey import require_configured_key

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hubplan.settings")
application = get_asgi_application()
# After setup: a server with DEBUG off needs the SECRET_KEY every server shares.
require_configured_key()
