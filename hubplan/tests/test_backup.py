"""Backup and restore round-trip the demo data (pg_dump / pg_restore, docs/backup.md).

Transactional: pg_dump and pg_restore are separate processes and see only committed data.
"""

import io
import stat

import psycopg
import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from psycopg import sql

from hubplan.access import HR, PLANNER, VIEWER

# Tables that must hold demo data, so that the comparison compares something.
KEY_TABLES = (
    "auth_user",
    "mapping_municipality",
    "mapping_surveyresponse",
    "hubs_hub",
    "hubs_hubmonthlyuse",
    "remoteagreements_employee",
    "remoteagreements_distanceagreement",
    "actionplan_activity",
)


@pytest.fixture
def demo(transactional_db):
    for role in (VIEWER, PLANNER, HR):
        Group.objects.get_or_create(name=role)
    call_command("load_reference", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())


def _connect(dbname: str, autocommit: bool = False) -> psycopg.Connection:
    db = connection.settings_dict
    return psycopg.connect(
        dbname=dbname,
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
        autocommit=autocommit,
    )


def _row_counts(dbname: str) -> dict[str, int]:
    with _connect(dbname) as conn:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ]
        return {
            table: conn.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            ).fetchone()[0]
            for table in tables
        }


@pytest.fixture
def fresh_database():
    """An empty database on the same server, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restore"
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    with _connect("postgres", autocommit=True) as admin:
        admin.execute(drop)
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield name
    with _connect("postgres", autocommit=True) as admin:
        admin.execute(drop)


def test_the_demo_data_survives_backup_and_restore(demo, fresh_database, tmp_path):
    original = _row_counts(connection.settings_dict["NAME"])
    assert all(original[table] > 0 for table in KEY_TABLES), original

    out = io.StringIO()
    backup_file = tmp_path / "hubplan.dump"
    call_command("backup", output=backup_file, stdout=out)
    assert str(backup_file) in out.getvalue()
    # Personal data: only the owner may read the file.
    assert stat.S_IMODE(backup_file.stat().st_mode) == 0o600

    # Into an empty database: every table, every row.
    call_command(
        "restore", str(backup_file), "--no-input", database_name=fresh_database, stdout=out
    )
    assert _row_counts(fresh_database) == original

    # Over the live database (what `make restore` does): lost rows come back.
    from hubs.models import HubMonthlyUse

    HubMonthlyUse.objects.all().delete()
    call_command("restore", str(backup_file), "--no-input", stdout=out)
    assert _row_counts(connection.settings_dict["NAME"]) == original


def test_restore_refuses_a_missing_file_and_changes_nothing(db, tmp_path):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="Filen finns inte"):
        call_command("restore", str(tmp_path / "saknas.dump"), "--no-input")
