"""Shared machinery of the property-based (hypothesis) tests of imports and forms.

Every fuzz test runs with a fixed seed (``derandomize``) and a bounded number of
examples, keeps no example database (so ``.hypothesis/`` is never written), and
rolls each example back so examples never see each other's writes.

"Nothing was written" is checked with :func:`fingerprint`: the live row versions
of every project table. PostgreSQL gives an inserted or updated row a new ``ctid``,
so any insert, update or delete in a table changes its fingerprint.
"""

from __future__ import annotations

import contextlib
import datetime as dt

from django.apps import apps
from django.contrib.messages import constants as message_levels
from django.contrib.messages import get_messages
from django.db import connection, transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

PROJECT_APPS = ("hubplan", "mapping", "hubs", "remoteagreements", "actionplan")
# Written by reading, not by the input under test: the personnummer access log records
# that an unmasked number was shown (also on a re-rendered form).
NOT_FINGERPRINTED = {"remoteagreements.PersonnummerAccess"}


def fuzz_settings(max_examples: int) -> settings:
    """Fixed seed, bounded examples, no example database on disk."""
    return settings(
        max_examples=max_examples,
        derandomize=True,
        deadline=None,
        database=None,
        print_blob=False,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
        ],
    )


def project_tables() -> list[str]:
    """Every table of the project's apps, many-to-many and history tables included."""
    tables = set()
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label in PROJECT_APPS and model._meta.label not in NOT_FINGERPRINTED:
            tables.add(model._meta.db_table)
    return sorted(tables)


def fingerprint() -> dict[str, tuple[int, str]]:
    """table → (row count, hash of the live row versions), in one query."""
    qn = connection.ops.quote_name
    parts = [
        f"SELECT %s, count(*), md5(coalesce(string_agg(ctid::text, ',' ORDER BY ctid), '')) "
        f"FROM {qn(table)}"
        for table in project_tables()
    ]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), project_tables())
        return {table: (count, digest) for table, count, digest in cursor.fetchall()}


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(t for t in before if before[t] != after[t])


def counts(fp: dict) -> dict[str, int]:
    return {table: n for table, (n, _digest) in fp.items()}


@contextlib.contextmanager
def rolled_back():
    """Run the block in a savepoint that is always rolled back."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def forget_messages(client) -> None:
    """Drop flash messages left in the client's cookie by an earlier example."""
    client.cookies.pop("messages", None)


def error_messages(response) -> list[str]:
    """Error-level flash messages the response queued (a refusal that redirects)."""
    return [str(m) for m in get_messages(response.wsgi_request) if m.level >= message_levels.ERROR]


# --- Values ------------------------------------------------------------------------------------

# Cells and fields that have broken parsers, databases and spreadsheets elsewhere.
HOSTILE_TEXT = (
    "",
    " ",
    "\t",
    "=1+1",
    "=cmd|' /C calc'!A0",
    "+46 70",
    "-1",
    "@SUM(A1:A9)",
    "\x00",
    "a\x00b",
    "NaN",
    "nan",
    "inf",
    "-Infinity",
    "1e308",
    "1e-400",
    "1E+999999999",
    "9" * 40,
    "-" + "9" * 40,
    "0",
    "-0",
    "0,5",
    "1 234,5",
    "1.234,5",
    "12,3,4",
    "0x1A",
    "2025-02-30",
    "2025-13-01",
    "0001-01-01",
    "0000-01",
    "9999-12-31",
    "10000-01-01",
    "31/12/2025",
    "2025-03",
    "null",
    "None",
    "true",
    "<script>alert(1)</script>",
    "'; DROP TABLE hubs_hub; --",
    "../../etc/passwd",
    "%s%s%n",
    "{0}{name}",
    "\u202eevil",
    "😀 Östersund",
    "ÅÄÖ åäö é ü ß",
    "\ufeffBOM",
    '"quoted; with, separators"',
    'un"balanced',
    "line\nbreak",
    "crlf\r\nbreak",
    ";",
    ",",
    "x" * 300,
    "y" * 5000,
)


def dates_text():
    """ISO dates anywhere in the calendar, and the edges of it."""
    return st.one_of(
        st.dates().map(dt.date.isoformat),
        st.sampled_from(["0001-01-01", "9999-12-31", "1970-01-01", "2024-02-29"]),
    )


def numbers_text():
    return st.one_of(
        st.integers().map(str),
        st.integers(-10, 400).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(str),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
        st.decimals(min_value=0, max_value=100, places=2).map(lambda d: str(d).replace(".", ",")),
    )


def hostile_text():
    """Any of the hand-picked hostile values, random unicode, numbers or dates, as text."""
    return st.one_of(
        st.sampled_from(HOSTILE_TEXT),
        st.text(max_size=60),
        # short strings of the characters that break parsers, databases and spreadsheets
        st.text(st.sampled_from("a1 ;,\"'\x00\t\r\n\u2028\ufeff=+-@."), max_size=12),
        numbers_text(),
        dates_text(),
    )
