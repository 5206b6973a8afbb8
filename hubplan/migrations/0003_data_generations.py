"""Write stamps for the tables the cached dashboard parts read (see :mod:`hubplan.pagecache`).

A statement-level trigger on each watched table gives one of that table's rows in
``hubplan_datageneration`` a new stamp, a fresh value of a sequence, at every INSERT,
UPDATE, DELETE or TRUNCATE statement (COPY, bulk inserts and queryset updates
included, not only ``save()``). The stamps are ordinary rows, so a reader sees a new
stamp only once the writer commits: a cached part keyed by the stamps read before it
was computed can never hold figures older than its key. Sequence values are never
handed out twice, so a rolled-back write cannot leave a key that a later write
reuses.

Why several rows (slots) per table: a writer takes the first of its table's rows that
no other open transaction holds (``FOR UPDATE SKIP LOCKED``), and adds a row when all
are held. So writers never wait for each other on a stamp (a long survey import does
not hold up an HR save, nor another import) and no two writers can deadlock on them;
the number of rows per table only grows to the most writers ever open at once.
"""

from django.db import migrations

TABLES = (
    "actionplan_activity",
    "actionplan_activity_municipalities",
    "actionplan_activity_partners",
    "hubs_hub",
    "hubs_hubmonthlyuse",
    "mapping_municipality",
    "mapping_organisation",
    "mapping_surveyresponse",
    "mapping_surveyround",
    "remoteagreements_distanceagreement",
    "remoteagreements_employee",
    "remoteagreements_statssnapshot",
)

CREATE = [
    "CREATE SEQUENCE hubplan_datageneration_seq",
    """CREATE TABLE hubplan_datageneration (
        table_name text NOT NULL,
        slot bigint NOT NULL,
        generation bigint NOT NULL,
        PRIMARY KEY (table_name, slot)
    )""",
    """CREATE FUNCTION hubplan_bump_generation() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        free_slot bigint;
    BEGIN
        -- Rows this transaction already holds are not skipped, so a writer keeps to one.
        SELECT slot INTO free_slot FROM hubplan_datageneration
            WHERE table_name = TG_TABLE_NAME ORDER BY slot LIMIT 1 FOR UPDATE SKIP LOCKED;
        IF FOUND THEN
            UPDATE hubplan_datageneration SET generation = nextval('hubplan_datageneration_seq')
                WHERE table_name = TG_TABLE_NAME AND slot = free_slot;
        ELSE
            INSERT INTO hubplan_datageneration (table_name, slot, generation) VALUES (
                TG_TABLE_NAME,
                nextval('hubplan_datageneration_seq'),
                nextval('hubplan_datageneration_seq')
            );
        END IF;
        RETURN NULL;
    END $$""",
] + [
    f"CREATE TRIGGER {t}_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {t} "
    "FOR EACH STATEMENT EXECUTE FUNCTION hubplan_bump_generation()"
    for t in TABLES
]

DROP = [f"DROP TRIGGER IF EXISTS {t}_generation ON {t}" for t in TABLES] + [
    "DROP FUNCTION IF EXISTS hubplan_bump_generation()",
    "DROP TABLE IF EXISTS hubplan_datageneration",
    "DROP SEQUENCE IF EXISTS hubplan_datageneration_seq",
]


class Migration(migrations.Migration):
    dependencies = [
        ("hubplan", "0002_suitability_scenario"),
        ("actionplan", "0003_audit_lock_version"),
        ("hubs", "0003_audit_lock_version"),
        ("mapping", "0003_survey_import_history"),
        ("remoteagreements", "0004_statistics_snapshot"),
    ]

    operations = [migrations.RunSQL(CREATE, reverse_sql=DROP)]
