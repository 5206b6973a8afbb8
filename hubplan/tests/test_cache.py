"""The shared database cache (hubplan.cache): one statement per write, a bounded size."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hubplan.cache import DatabaseCache


def _cache(max_entries: int, cull_frequency: int = 3) -> DatabaseCache:
    return DatabaseCache(
        "hubplan_cache",
        {"OPTIONS": {"MAX_ENTRIES": max_entries, "CULL_FREQUENCY": cull_frequency}},
    )


def _rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM hubplan_cache")
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_the_caches_are_the_shared_database_tables_by_default():
    assert isinstance(caches["default"], DatabaseCache)
    assert isinstance(caches["pages"], DatabaseCache)
    assert (caches["default"]._table, caches["pages"]._table) == (
        "hubplan_cache",
        "hubplan_cache_pages",
    )


@pytest.mark.django_db
def test_a_write_is_one_statement_and_a_second_write_replaces_the_first():
    cache = _cache(10)
    with CaptureQueriesContext(connection) as queries:
        cache.set("k", {"n": 1})
    assert len(queries) == 1
    cache.set("k", {"n": 2}, timeout=60)
    assert cache.get("k") == {"n": 2}
    assert _rows() == 1


@pytest.mark.django_db
def test_past_max_entries_a_write_culls_the_expired_and_those_expiring_first():
    cache = _cache(6)  # culls down to 6 - 6 // 3 = 4, then adds the new entry
    for i in range(7):
        cache.set(f"k{i}", i, timeout=1000 + i)  # k0 expires first
    assert _rows() == 7  # six were there when k6 came: not more than MAX_ENTRIES yet
    cache.set("k7", 7, timeout=2000)
    assert _rows() == 5
    assert [cache.get(f"k{i}") for i in range(8)] == [None, None, None, 3, 4, 5, 6, 7]


@pytest.mark.django_db
def test_an_expired_entry_is_not_returned_and_goes_at_the_next_cull():
    cache = _cache(2, cull_frequency=100)  # a cull keeps 2
    cache.set("old", 1, timeout=-1)
    cache.set("a", 2)
    cache.set("b", 3)
    assert _rows() == 3
    assert cache.get_beside("old", "SELECT 41 + 1", []) == (42, None)
    assert cache.get_beside("b", "SELECT %s::text", ["x"]) == ("x", 3)
    cache.set("c", 4)  # three rows were there: the cull takes the expired one
    assert _rows() == 3
    assert [cache.get(k) for k in ("old", "a", "b", "c")] == [None, 2, 3, 4]
