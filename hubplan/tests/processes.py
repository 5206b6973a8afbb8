"""Real processes for the tests of durable work: the worker, app servers, a database.

Each is started from the test with ``subprocess``, pointed at the test database by
``DATABASE_URL``, and stopped (terminate, then kill) when its block ends; its output
goes to a log file the failing test prints. Tests using these need committed data:
mark them ``transactional_db``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)
# A fixed key for every child of one test, so sessions signed by one server hold on another.
TEST_SECRET_KEY = "test-only-key-for-child-processes-not-secret-" + "x" * 20


def database_url(settings_dict: dict | None = None) -> str:
    """``DATABASE_URL`` for the database the tests use (the embedded server's socket too)."""
    d = settings_dict or connection.settings_dict
    user = d.get("USER") or "postgres"
    auth = f"{user}:{d['PASSWORD']}" if d.get("PASSWORD") else user
    host = d.get("HOST") or ""
    if not host or host.startswith("/"):
        # A unix socket: django-environ passes ?host= on to psycopg as an option.
        return (
            f"postgres://{auth}@/{d['NAME']}?host={host}"
            if host
            else f"postgres://{auth}@/{d['NAME']}"
        )
    port = f":{d['PORT']}" if d.get("PORT") else ""
    return f"postgres://{auth}@{host}{port}/{d['NAME']}"


def child_env(**extra: str) -> dict[str, str]:
    """The environment of a child process: the test database, a fixed key, plain http."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "SECRET_KEY": TEST_SECRET_KEY,
        "DEBUG": "False",
        "SECURE_SSL_REDIRECT": "False",
        "SESSION_COOKIE_SECURE": "False",
        "CSRF_COOKIE_SECURE": "False",
        "PYTHONUNBUFFERED": "1",
        "CONN_MAX_AGE": "0",
    }
    env.update(extra)
    return env


def wait_until(predicate: Callable[[], object], *, deadline: float, what: str, every: float = 0.2):
    """Poll ``predicate`` until it returns something true, for at most ``deadline`` seconds."""
    end = time.monotonic() + deadline
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > end:
            raise AssertionError(f"timed out after {deadline:.0f} s waiting for {what}")
        time.sleep(every)


@contextlib.contextmanager
def process(args: list[str], *, log: Path, env: dict[str, str]) -> Iterator[subprocess.Popen]:
    """Run ``args`` for the length of the block; SIGTERM at the end, SIGKILL if it lingers."""
    with open(log, "ab") as out:
        proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            yield proc
        finally:
            stop(proc)


def stop(proc: subprocess.Popen, *, sig: int = signal.SIGTERM, timeout: float = 15) -> None:
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def live_workers() -> int:
    """Workers that sent a heartbeat in the last 30 s (procrastinate's own table)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM procrastinate_workers "
            "WHERE last_heartbeat > now() - interval '30 seconds'"
        )
        return cursor.fetchone()[0]


def worker_args() -> list[str]:
    return [sys.executable, "manage.py", "worker"]


@contextlib.contextmanager
def worker(log: Path, *, env: dict[str, str] | None = None, wait: bool = True):
    """A real worker (``manage.py worker``), ready once it has registered."""
    before = live_workers()
    with process(worker_args(), log=log, env=env or child_env()) as proc:
        if wait:
            wait_until(
                lambda: proc.poll() is not None or live_workers() > before,
                deadline=60,
                what=f"the worker to start (log: {log.name})",
            )
            assert proc.poll() is None, log.read_text()[-3000:]
        yield proc


@contextlib.contextmanager
def private_postgres(name: str = "hubplan_fault"):
    """A PostgreSQL server of the test's own (the embedded one's binaries), so that a
    test may restart it without disturbing the suite's database.

    Yields ``(database_url, restart)``; ``restart()`` is a fast restart (every
    connection dropped), as an upgrade or a crash-restart does.
    """
    import shutil
    import tempfile

    from hubplan.embedded_db import bin_dir

    # Not under pytest's tmp_path: as root, that is closed to the server's own user.
    directory = Path(tempfile.mkdtemp(prefix="hubplan-pg-"))
    data, sockets = directory / "pgdata", directory / "sock"
    sockets.mkdir(parents=True)
    # PostgreSQL refuses to run as root; the embedded server's own user runs it then.
    as_user: list[str] = []
    if os.geteuid() == 0:
        as_user = ["runuser", "-u", "pgserver", "--"]
        subprocess.run(["chown", "-R", "pgserver", str(directory)], check=True)
    pg_ctl = [*as_user, str(bin_dir() / "pg_ctl"), "-D", str(data), "-w", "-s"]
    options = f"-k {sockets} -c listen_addresses='' -c fsync=off"
    subprocess.run(
        [*as_user, str(bin_dir() / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"],
        check=True,
        capture_output=True,
    )
    subprocess.run([*pg_ctl, "-o", options, "-l", str(directory / "pg.log"), "start"], check=True)
    try:
        subprocess.run(
            [*as_user, str(bin_dir() / "createdb"), "-h", str(sockets), "-U", "postgres", name],
            check=True,
        )

        def restart() -> None:
            subprocess.run([*pg_ctl, "-m", "fast", "-o", options, "restart"], check=True)

        yield f"postgres://postgres@/{name}?host={sockets}", restart
    finally:
        subprocess.run([*pg_ctl, "-m", "immediate", "stop"], check=False)
        shutil.rmtree(directory, ignore_errors=True)


def manage(*args: str, env: dict[str, str], timeout: float = 300) -> str:
    """``manage.py <args>`` in a child process; its standard output."""
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


# --- App servers (gunicorn) ---------------------------------------------------------


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on at the moment of asking."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthz(base_url: str) -> int | None:
    """The status /healthz answers, None while nothing answers."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(f"{base_url}/healthz", timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


@contextlib.contextmanager
def start_gunicorn(
    port: int, env: dict[str, str] | None = None, *, log: Path, healthy: bool = True
) -> Iterator[str]:
    """A real app server: gunicorn with the repository's gunicorn.conf.py, one sync worker,
    on 127.0.0.1:``port``, for the length of the block; yields its base URL.

    Ready once /healthz answers (200 if ``healthy``, any answer otherwise: a server
    pointed at a database that is down answers 503), within 60 s.
    """
    env = {
        **(env or child_env()),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    base_url = f"http://127.0.0.1:{port}"
    args = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py")]
    with process(args, log=log, env=env) as proc:
        wait_until(
            lambda: (
                proc.poll() is not None
                or (_healthz(base_url) == 200 if healthy else _healthz(base_url) is not None)
            ),
            deadline=60,
            what=f"gunicorn on port {port} (log: {log.name})",
        )
        assert proc.poll() is None, log.read_text()[-3000:]
        yield base_url
