"""gunicorn's settings for Hubplan in production: ``gunicorn -c gunicorn.conf.py``.

Every value can be set by the environment, so one file serves every machine:

- ``GUNICORN_BIND`` (``127.0.0.1:8000``): where to listen, behind the reverse proxy;
  several addresses separated by commas, or ``unix:/run/hubplan.sock``.
- ``WEB_CONCURRENCY``: sync workers; by default 2 × cores + 1, at most 8 (each one
  holds a database connection and 150-250 MB).
- ``GUNICORN_TIMEOUT`` (60 s): a worker silent for longer is killed and restarted. Long
  work (imports, checks, large exports) runs on the job worker (``manage.py
  procrastinate worker``), not in a request, so 60 s is generous.
- ``GUNICORN_GRACEFUL_TIMEOUT`` (30 s): on a reload (HUP) or stop, how long a worker may
  finish its requests.
- ``GUNICORN_MAX_REQUESTS`` (1000) and ``GUNICORN_MAX_REQUESTS_JITTER`` (100): a worker
  is replaced after about that many requests, so memory that a large page took is
  given back; the jitter keeps workers from restarting all at once.
- ``FORWARDED_ALLOW_IPS`` (``127.0.0.1,::1``): the proxies whose X-Forwarded-* headers
  are trusted.

The access log goes to standard error (as the app's log does), one line per request
with the request id in brackets, the same id the app's log lines carry and the
response's ``X-Request-ID`` header (hubplan.middleware.RequestIdMiddleware; the
proxy's own id when it sends one).
"""

import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


wsgi_app = "hubplan.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
workers = _int("WEB_CONCURRENCY", min(2 * _cores() + 1, 8))
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 100)
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Managed by signals (systemd's reload sends HUP, stop TERM). gunicorn's control socket
# has one default path per user, which two servers on one machine would fight over.
control_socket_disable = True

# Client address, request line, status, bytes, duration in ms, [request id], user agent.
# No cookies, no referrer: nothing personal beyond what the URL holds (and URLs hold no
# personal data in this app).
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms [%({x-request-id}o)s] "%(a)s"'

# Both logs to standard error through a handler of our own: "-" for accesslog would mean
# standard output, and /dev/stderr cannot be opened when stderr is journald's socket.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "stream": "ext://sys.stderr",
        }
    },
    "root": {"level": "INFO", "handlers": ["stderr"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["stderr"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["stderr"], "propagate": False},
    },
}
