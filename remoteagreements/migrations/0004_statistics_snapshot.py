"""A one-row snapshot of the statistics page's aggregates, and the generation that says when it is stale.

Every write statement on the tables the figures come from (employees, agreements and the
kommun and organisation names shown) draws the next value of a sequence in a statement-level
trigger, so COPY, bulk inserts and queryset updates count as well as ``save()``. The
snapshot is only used while it was computed at the sequence's current value, on today's
date (see :func:`remoteagreements.selectors.agreement_statistics`).
"""

from django.db import migrations

TABLES = (
    "remoteagreements_employee",
    "remoteagreements_distanceagreement",
    "mapping_municipality",
    "mapping_organisation",
)

CREATE = [
    "CREATE SEQUENCE remoteagreements_stats_generation",
    # is_called must be true so that the first write moves last_value on.
    "SELECT nextval('remoteagreements_stats_generation')",
    """CREATE TABLE remoteagreements_statssnapshot (
        id smallint PRIMARY KEY CHECK (id = 1),
        generation bigint NOT NULL,
        on_date date NOT NULL,
        computed_at timestamptz NOT NULL,
        payload jsonb NOT NULL
    )""",
    """CREATE FUNCTION remoteagreements_stats_bump() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM nextval('remoteagreements_stats_generation');
        RETURN NULL;
    END $$""",
] + [
    f"CREATE TRIGGER {t}_stats_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {t} "
    "FOR EACH STATEMENT EXECUTE FUNCTION remoteagreements_stats_bump()"
    for t in TABLES
]

DROP = [f"DROP TRIGGER IF EXISTS {t}_stats_bump ON {t}" for t in TABLES] + [
    "DROP FUNCTION IF EXISTS remoteagreements_stats_bump()",
    "DROP TABLE IF EXISTS remoteagreements_statssnapshot",
    "DROP SEQUENCE IF EXISTS remoteagreements_stats_generation",
]


class Migration(migrations.Migration):
    dependencies = [
        ("remoteagreements", "0003_agreement_list_indexes"),
        ("mapping", "0001_initial"),
    ]

    operations = [migrations.RunSQL(CREATE, reverse_sql=DROP)]
