"""Drop the statistics snapshot: its figures are now kept in the page cache beside the
write stamps of hubplan 0003 (hubplan.pagecache.cached_value), which needs no lock.

The snapshot's own sequence and trigger made a reader take SHARE locks on four tables
to recompute it; two freshness mechanisms became one. Reversing restores both.
"""

from importlib import import_module

from django.db import migrations

_SNAPSHOT = import_module("remoteagreements.migrations.0004_statistics_snapshot")
_TABLE = "remoteagreements_statssnapshot"

FORWARD = [
    *_SNAPSHOT.DROP,
    f"DELETE FROM hubplan_datageneration WHERE table_name = '{_TABLE}'",
]
BACKWARD = [
    *_SNAPSHOT.CREATE,
    f"CREATE TRIGGER {_TABLE}_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {_TABLE} "
    "FOR EACH STATEMENT EXECUTE FUNCTION hubplan_bump_generation()",
]


class Migration(migrations.Migration):
    dependencies = [
        ("remoteagreements", "0004_statistics_snapshot"),
        ("hubplan", "0006_cache_table"),
    ]

    operations = [migrations.RunSQL(FORWARD, reverse_sql=BACKWARD)]
