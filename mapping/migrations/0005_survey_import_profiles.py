"""Saved survey import profiles (column mapping and value coding) and the answer
distribution of the rows an import kept and dropped (issue 16, point 3)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("mapping", "0004_survey_response_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="surveyimport",
            name="answer_counts",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text="Kodade svar bland de importerade och de utelämnade raderna.",
                verbose_name="svarsfördelning",
            ),
        ),
        migrations.AddField(
            model_name="historicalsurveyimport",
            name="answer_counts",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text="Kodade svar bland de importerade och de utelämnade raderna.",
                verbose_name="svarsfördelning",
            ),
        ),
        migrations.CreateModel(
            name="SurveyImportProfile",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=100, unique=True, verbose_name="namn")),
                (
                    "mapping",
                    models.JSONField(blank=True, default=dict, verbose_name="kolumnkoppling"),
                ),
                ("coding", models.JSONField(blank=True, default=dict, verbose_name="värdekodning")),
                ("updated", models.DateTimeField(auto_now=True, verbose_name="ändrad")),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="sparad av",
                    ),
                ),
            ],
            options={
                "verbose_name": "importprofil för enkäter",
                "verbose_name_plural": "importprofiler för enkäter",
                "ordering": ["name"],
            },
        ),
    ]
