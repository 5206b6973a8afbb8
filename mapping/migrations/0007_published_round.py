"""A published survey round per kind (issue 16, point 6), with the round's history.

The kommun pages, indicators and API used to take the round with the latest date, so
a newly imported test round took over the official figures. Now a planner publishes
one round of each kind. Existing installations keep their figures: the latest round
with answers of each kind (what fed the pages before) is marked published here.
"""

import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models


def publish_latest(apps, schema_editor):
    """Mark the latest round with answers of each kind published, as the pages showed it."""
    SurveyRound = apps.get_model("mapping", "SurveyRound")
    SurveyResponse = apps.get_model("mapping", "SurveyResponse")
    answered = SurveyResponse.objects.filter(round=models.OuterRef("pk"))
    for kind in SurveyRound.objects.values_list("kind", flat=True).distinct().order_by():
        latest = (
            SurveyRound.objects.filter(models.Exists(answered), kind=kind)
            .order_by("-date", "-pk")
            .first()
        )
        if latest is not None:
            latest.is_published = True
            latest.published_at = django.utils.timezone.now()
            latest.save(update_fields=["is_published", "published_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("mapping", "0006_shift_schedules"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="HistoricalSurveyRound",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(db_index=True, max_length=200, verbose_name="namn")),
                (
                    "date",
                    models.DateField(
                        help_text="När enkäten genomfördes (eller avslutades).",
                        verbose_name="datum",
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("commuting_residence", "pendling och boende"),
                            ("work_environment", "arbetsmiljö"),
                            ("other", "annan"),
                        ],
                        default="commuting_residence",
                        max_length=30,
                        verbose_name="typ",
                    ),
                ),
                ("notes", models.TextField(blank=True, verbose_name="anteckningar")),
                (
                    "is_published",
                    models.BooleanField(
                        default=False,
                        editable=False,
                        help_text="Den publicerade omgången av varje typ ger kommunsidornas och indikatorernas siffror. En ny import eller ett senare datum ändrar inte vilken som är publicerad.",
                        verbose_name="publicerad",
                    ),
                ),
                (
                    "published_at",
                    models.DateTimeField(
                        blank=True, editable=False, null=True, verbose_name="publicerad den"
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
            ],
            options={
                "verbose_name": "historical enkätomgång",
                "verbose_name_plural": "historical enkätomgångar",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddField(
            model_name="surveyround",
            name="is_published",
            field=models.BooleanField(
                default=False,
                editable=False,
                help_text="Den publicerade omgången av varje typ ger kommunsidornas och indikatorernas siffror. En ny import eller ett senare datum ändrar inte vilken som är publicerad.",
                verbose_name="publicerad",
            ),
        ),
        migrations.AddField(
            model_name="surveyround",
            name="published_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="publicerad den"
            ),
        ),
        migrations.AddConstraint(
            model_name="surveyround",
            constraint=models.UniqueConstraint(
                condition=models.Q(("is_published", True)),
                fields=("kind",),
                name="survey_round_one_published_per_kind",
                violation_error_message="Det finns redan en publicerad enkätomgång av den typen.",
            ),
        ),
        migrations.AddField(
            model_name="historicalsurveyround",
            name="history_user",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicalsurveyround",
            name="organisation",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="Den organisation som genomförde enkäten.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="mapping.organisation",
                verbose_name="organisation",
            ),
        ),
        migrations.RunPython(publish_latest, migrations.RunPython.noop),
    ]
