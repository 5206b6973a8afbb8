"""Request middleware of the project: UI language, request ids, idle sessions, request size."""

import logging
import re
import time
import uuid
from contextvars import ContextVar

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation
from django.utils.log import log_response


class SwedishFirstLocaleMiddleware(LocaleMiddleware):
    """Swedish unless the user has chosen otherwise with the language switcher.

    Django's LocaleMiddleware follows the browser's Accept-Language, which would
    show English to the many staff whose browsers are set up in English. The
    region's working language is Swedish, so only an explicit choice (the
    language cookie set by the switcher) changes it.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


# The current request's id, for log records written while it is handled.
current_request_id: ContextVar[str] = ContextVar("current_request_id", default="-")


# What a request id from the proxy may be: 1-64 of letters, digits, ".", "_" and "-"
# (a UUID, hex, nginx's $request_id, AWS's "Root=1-..." without "=" and ";" ...).
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


class RequestIdMiddleware:
    """Gives each request an id, returned as ``X-Request-ID`` and written in every log line.

    A reverse proxy or load balancer that sets ``X-Request-ID`` has its id used, so one
    id follows the request through the proxy's log, gunicorn's access log
    (gunicorn.conf.py) and the app's. An id that is not 1-64 characters of
    ``[A-Za-z0-9._-]`` is ignored and one generated here instead, so no line break,
    space or markup a client sends reaches the logs or the error page. A client
    reaching the app past the proxy can choose its id: it is for finding log lines,
    never for anything that needs trust. Error pages show it: a user who reports it
    lets an administrator find the exact log lines, traceback included. First in
    MIDDLEWARE, so that everything logged while the request is handled carries it.
    """

    HEADER = "X-Request-ID"
    META_KEY = "HTTP_X_REQUEST_ID"

    def __init__(self, get_response):
        self.get_response = get_response

    @classmethod
    def request_id(cls, request) -> str:
        """The proxy's id if it is a valid one, else a new random one (32 hex digits)."""
        sent = request.META.get(cls.META_KEY, "")
        if VALID_REQUEST_ID.fullmatch(sent):
            return sent
        return uuid.uuid4().hex

    def __call__(self, request):
        request.request_id = self.request_id(request)
        token = current_request_id.set(request.request_id)
        try:
            response = self.get_response(request)
            if response.status_code >= 400:
                # Django logs a 4xx/5xx ("Not Found: /x/") after the middleware has
                # returned, outside the request's id; logged here it carries the id, and
                # Django, seeing it logged, does not log it again.
                log_response(
                    "%s: %s",
                    response.reason_phrase,
                    request.path,
                    response=response,
                    request=request,
                )
        finally:
            current_request_id.reset(token)
        response[self.HEADER] = request.request_id
        return response


class RequestIdLogFilter(logging.Filter):
    """Adds ``request_id`` (or "-" outside a request) to every log record a handler formats."""

    def filter(self, record):
        record.request_id = current_request_id.get()
        return True


class RequestSizeLimitMiddleware:
    """Refuses a request body over ``MAX_REQUEST_MB`` before anything reads it (413).

    Django streams uploaded files to disk without a size limit of its own; the import
    forms check each file's size only after it has arrived. This stops a far too large
    upload at its declared length, with a page that says what to do, so it fills
    neither memory nor disk. The reverse proxy should have a limit of its own too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit_mb = settings.MAX_REQUEST_MB
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit_mb * 1024 * 1024:
            return render(request, "413.html", {"limit_mb": limit_mb}, status=413)
        return self.get_response(request)


# When the session was last seen, in whole seconds since the epoch.
LAST_ACTIVITY_KEY = "_last_activity"


class IdleSessionMiddleware:
    """Makes ``SESSION_COOKIE_AGE`` an idle timeout: each request moves the expiry forward.

    Django's SESSION_SAVE_EVERY_REQUEST would do the same with a database write on
    every request. This writes at most once per ``REFRESH_SECONDS`` per session, by
    touching a timestamp in it, which makes SessionMiddleware save the session and
    renew its expiry and cookie. The timeout is thus exact to within that interval.
    After SessionMiddleware in MIDDLEWARE, so that it sees the response first.
    """

    REFRESH_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # is_empty() reads no data: anonymous visitors without a session cost nothing.
        if session is not None and not session.is_empty():
            now = int(time.time())
            if now - session.get(LAST_ACTIVITY_KEY, 0) >= self.REFRESH_SECONDS:
                session[LAST_ACTIVITY_KEY] = now
        return response


@receiver(user_logged_in, dispatch_uid="hubplan-session-last-activity")
def _note_login_activity(sender, request, user, **kwargs):
    """A login writes the session anyway: stamp it then, not on the next request."""
    if request is not None and hasattr(request, "session"):
        request.session[LAST_ACTIVITY_KEY] = int(time.time())
