"""A write stamp for survey imports: the cached parts read the published round with them.

``mapping.selectors.published_round`` brings the round's finished imports along (the rows
its figures rest on), so the home and comparison parts now read ``mapping_surveyimport``;
the same statement-level trigger as in 0003 renews its stamp on every write.
"""

from django.db import migrations

TABLE = "mapping_surveyimport"


class Migration(migrations.Migration):
    dependencies = [
        ("hubplan", "0003_data_generations"),
        ("mapping", "0007_published_round"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE TRIGGER {TABLE}_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            f"ON {TABLE} FOR EACH STATEMENT EXECUTE FUNCTION hubplan_bump_generation()",
            reverse_sql=f"DROP TRIGGER IF EXISTS {TABLE}_generation ON {TABLE}",
        )
    ]
