"""Hardened settings: a clean `check --deploy`, idle session timeout, password rules.

The settings are read in a fresh process with a controlled environment, so these
tests see what production would see rather than the test run's overrides.
"""

import json
import os
import secrets
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import global_settings
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hubplan.middleware import LAST_ACTIVITY_KEY

BASE_DIR = Path(__file__).resolve().parents[2]
# Variables of our own that settings.py reads besides Django's setting names.
OWN_VARIABLES = {"DATABASE_URL", "STATIC_MANIFEST", "MAP_STYLE", "LOG_LEVEL", "CONN_MAX_AGE"}

PROBE = """
import json
import django
from django.conf import settings
django.setup()
print(json.dumps({name: getattr(settings, name, None) for name in (
    "DEBUG", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE", "SECURE_PROXY_SSL_HEADER", "SESSION_COOKIE_AGE",
    "MIDDLEWARE",
)}))
"""


def _clean_environment(**variables: str) -> dict[str, str]:
    """The process environment without anything that configures Django, plus ``variables``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not hasattr(global_settings, key)
        and key not in OWN_VARIABLES
        # e.g. DJANGO_ALLOW_ASYNC_UNSAFE, which the browser tests set for themselves.
        and not key.startswith("DJANGO_")
    }
    env.update({"DJANGO_SETTINGS_MODULE": "hubplan.settings", **variables})
    return env


def _run(args: list[str], **variables: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=_clean_environment(**variables),
        capture_output=True,
        text=True,
        timeout=300,
    )


def _settings_with(**variables: str) -> dict:
    # With DEBUG off the settings need a key (hubplan/settings.py refuses to start without).
    variables = {"SECRET_KEY": secrets.token_urlsafe(60), **variables}
    out = _run(["-c", PROBE], DATABASE_URL="postgres://u@h.invalid/d", **variables)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


PRODUCTION = {
    "DEBUG": "False",
    "SECRET_KEY": secrets.token_urlsafe(60),
    "ALLOWED_HOSTS": "hubplan.example.se",
}


def test_check_deploy_is_clean_with_only_debug_key_and_hosts_set():
    out = _run(["manage.py", "check", "--deploy"], **PRODUCTION)
    assert out.returncode == 0, out.stderr
    assert "WARNING" not in out.stdout + out.stderr
    # Clean by configuration, not by silencing checks.
    assert "System check identified no issues (0 silenced)." in out.stdout


def test_check_deploy_warns_when_https_is_switched_off():
    out = _run(
        ["manage.py", "check", "--deploy"],
        **PRODUCTION,
        SECURE_SSL_REDIRECT="False",
        SESSION_COOKIE_SECURE="False",
    )
    assert "security.W008" in out.stdout + out.stderr
    assert "security.W012" in out.stdout + out.stderr


def test_production_defaults_are_secure_and_debug_relaxes_them():
    production = _settings_with(DEBUG="False")
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["CSRF_COOKIE_SECURE"] is True
    assert production["SECURE_PROXY_SSL_HEADER"] is None

    development = _settings_with(DEBUG="True")
    assert development["SECURE_SSL_REDIRECT"] is False
    assert development["SECURE_HSTS_SECONDS"] == 0
    assert development["SESSION_COOKIE_SECURE"] is False
    assert development["CSRF_COOKIE_SECURE"] is False


def test_a_tls_terminating_proxy_is_configured_by_environment():
    behind_proxy = _settings_with(
        DEBUG="False",
        SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https",
        SECURE_HSTS_SECONDS="600",
    )
    assert behind_proxy["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert behind_proxy["SECURE_HSTS_SECONDS"] == 600
    proxy_redirects = _settings_with(DEBUG="False", SECURE_SSL_REDIRECT="False")
    assert proxy_redirects["SECURE_SSL_REDIRECT"] is False


def test_the_session_is_an_idle_timeout_of_one_hour_by_default():
    s = _settings_with()
    assert s["SESSION_COOKIE_AGE"] == 3600
    assert "hubplan.middleware.IdleSessionMiddleware" in s["MIDDLEWARE"]
    assert _settings_with(SESSION_COOKIE_AGE="1800")["SESSION_COOKIE_AGE"] == 1800


def _idle_for(client, minutes: int) -> None:
    """As if the session's last request had been ``minutes`` ago."""
    session = client.session
    session[LAST_ACTIVITY_KEY] = int(time.time()) - minutes * 60
    session.save()
    Session.objects.filter(pk=session.session_key).update(
        expire_date=timezone.now() + timedelta(minutes=60 - minutes)
    )


@pytest.mark.django_db
def test_a_request_after_a_pause_moves_the_session_expiry_forward(client_for, viewer):
    client = client_for(viewer)
    _idle_for(client, 50)
    assert client.get(reverse("home")).status_code == 200
    renewed = Session.objects.get().expire_date
    assert renewed > timezone.now() + timedelta(minutes=59)


@pytest.mark.django_db
def test_requests_within_a_minute_do_not_write_the_session_again(client_for, viewer):
    client = client_for(viewer)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    assert not [q for q in queries if "UPDATE" in q["sql"] and "django_session" in q["sql"]]


@pytest.mark.django_db
def test_an_idle_session_has_expired_and_asks_for_login_again(client_for, viewer):
    client = client_for(viewer)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_the_admin_refuses_a_weak_password_for_a_new_user(client_for, superuser):
    response = client_for(superuser).post(
        reverse("admin:auth_user_add"),
        {
            "username": "ny-handlaggare",
            "usable_password": "true",
            "password1": "12345678",
            "password2": "12345678",
        },
    )
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors.get("password2", []))
    assert "för vanligt" in errors or "helt numeriskt" in errors
    assert not User.objects.filter(username="ny-handlaggare").exists()


@pytest.mark.django_db
def test_the_admin_accepts_a_strong_password(client_for, superuser):
    password = "Fjällbjörk-Hubb-" + secrets.token_hex(4)
    response = client_for(superuser).post(
        reverse("admin:auth_user_add"),
        {
            "username": "ny-handlaggare",
            "usable_password": "true",
            "password1": password,
            "password2": password,
        },
    )
    assert response.status_code == 302
    assert User.objects.get(username="ny-handlaggare").check_password(password)
