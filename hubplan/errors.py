"""The 500 page: rendered with as little as possible, since something already failed.

403 and 404 use Django's own views with templates/403.html and 404.html (in the
app's layout, with the menu). The 500 page is rendered without the request context
(no context processors, no database): only the request id, which hubplan.middleware
also writes in the log line of the error, so a user can quote it to support.
"""

import logging

from django.http import HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

from hubplan.middleware import current_request_id

logger = logging.getLogger(__name__)

# When even the template cannot be rendered: plain text in both languages.
FALLBACK = (
    "<!doctype html><title>Serverfel</title><h1>Serverfel / Server error</h1>"
    "<p>Felkod / Error code: {request_id}</p>"
)


@requires_csrf_token
def server_error(request, template_name="500.html"):
    request_id = getattr(request, "request_id", None) or current_request_id.get()
    try:
        html = loader.get_template(template_name).render({"request_id": request_id})
    except Exception:
        logger.exception("The 500 page could not be rendered")
        html = FALLBACK.format(request_id=request_id)
    return HttpResponseServerError(html)
