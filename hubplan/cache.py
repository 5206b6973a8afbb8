"""Django's database cache, with a ``set`` of one statement: the cache every server shares.

Without ``CACHE_URL`` the caches live in PostgreSQL (``settings.CACHES``), so every web
server and worker sees the same page parts (:mod:`hubplan.pagecache`) and the same API
request counts (:mod:`api.throttling`). Django's own ``DatabaseCache.set`` costs five
statements (a count, a savepoint, a select, an insert or update, the release); a page
that computes a part would pay them on top of its own queries. Here ``set`` is one
PostgreSQL upsert that also culls in the same statement when the table holds more than
``MAX_ENTRIES`` rows: the expired entries and those that expire first, down to
``MAX_ENTRIES`` less a ``CULL_FREQUENCY``-th, go. ``get`` is Django's (one select).

Rows another transaction is writing are skipped by the cull (``SKIP LOCKED``), so two
servers culling at once never wait for each other. ``add`` and ``touch`` are Django's.
``get_beside`` reads an entry together with a query of the caller's in one round trip.
"""

from __future__ import annotations

import base64
import pickle
from datetime import UTC, datetime

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, router
from django.utils.timezone import now as tz_now


class DatabaseCache(DjangoDatabaseCache):
    """``django.core.cache.backends.db.DatabaseCache`` on PostgreSQL, with a one-statement set."""

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        timeout = self.get_backend_timeout(timeout)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(self._table)
        now = tz_now().replace(microsecond=0)
        if timeout is None:
            expires = datetime.max.replace(tzinfo=UTC)
        else:
            expires = datetime.fromtimestamp(timeout, tz=UTC).replace(microsecond=0)
        encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
        # How many entries a cull keeps; CULL_FREQUENCY 0 empties the table, as in Django.
        keep = (
            self._max_entries - self._max_entries // self._cull_frequency
            if self._cull_frequency
            else 0
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                WITH culled AS (
                    DELETE FROM {table} WHERE cache_key IN (
                        SELECT cache_key FROM {table}
                        WHERE (SELECT count(*) FROM {table}) > %(max_entries)s
                          AND cache_key <> %(key)s
                          AND (expires < %(now)s OR cache_key IN (
                              SELECT cache_key FROM {table}
                              ORDER BY expires DESC, cache_key OFFSET %(keep)s))
                        FOR UPDATE SKIP LOCKED
                    )
                )
                INSERT INTO {table} (cache_key, value, expires)
                VALUES (%(key)s, %(value)s, %(expires)s)
                ON CONFLICT (cache_key)
                DO UPDATE SET value = EXCLUDED.value, expires = EXCLUDED.expires
                """,
                {
                    "max_entries": self._max_entries,
                    "key": key,
                    "now": now,
                    "keep": keep,
                    "value": encoded,
                    "expires": expires,
                },
            )

    def get_beside(self, key, sql, params, default=None, version=None):
        """``(the value of the query sql, the cached value of key or default)`` in one query.

        For a cached value that is valid only together with something read from the
        database (:mod:`hubplan.pagecache`'s write stamps): both come in one round trip
        and from one snapshot. ``sql`` is a query of one row and one column.
        """
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_read(self.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(self._table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT ({sql}), entry.value, entry.expires"
                f" FROM (SELECT 1) AS one LEFT JOIN {table} AS entry ON entry.cache_key = %s",
                [*params, key],
            )
            beside, value, expires = cursor.fetchone()
        if value is None or expires < tz_now():
            return beside, default  # an expired row is left to the next cull
        return beside, pickle.loads(base64.b64decode(value.encode()))
