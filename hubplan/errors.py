"""Error views for 400 and 500: rendered with as little as possible, since something failed.

403 and 404 use Django's own views with templates/403.html and 404.html (in the
app's layout, with the menu). The 400 and 500 pages are rendered without the request
context (no context processors, no database), from templates/error_plain.html, with
only the request id, which hubplan.middleware also writes in the log line of the
error, so a user can quote it to support.
"""

import logging

from django.http import HttpResponseBadRequest, HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

from hubplan.middleware import current_request_id

logger = logging.getLogger(__name__)

# When even the template cannot be rendered: plain text in both languages.
FALLBACK = (
    "<!doctype html><title>Hubplan</title><h1>Fel / Error {status}</h1>"
    "<p>Felkod / Error code: {request_id}</p>"
)


def _plain_page(request, template_name: str, response_class):
    request_id = getattr(request, "request_id", None) or current_request_id.get()
    try:
        html = loader.get_template(template_name).render({"request_id": request_id})
    except Exception:
        logger.exception("The error page %s could not be rendered", template_name)
        html = FALLBACK.format(status=response_class.status_code, request_id=request_id)
    return response_class(html)


@requires_csrf_token
def bad_request(request, exception, template_name="400.html"):
    """A request Django refused (too much form data, a forged host): nothing was saved."""
    return _plain_page(request, template_name, HttpResponseBadRequest)


@requires_csrf_token
def server_error(request, template_name="500.html"):
    return _plain_page(request, template_name, HttpResponseServerError)
