"""A survey import runs as a job on the worker (issue 17): each import names its job."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("hubplan", "0005_jobs"),
        ("mapping", "0007_published_round"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalsurveyimport",
            name="job",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="Jobbet som läser och skriver filen.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="hubplan.job",
                verbose_name="jobb",
            ),
        ),
        migrations.AddField(
            model_name="surveyimport",
            name="job",
            field=models.OneToOneField(
                blank=True,
                help_text="Jobbet som läser och skriver filen.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="survey_import",
                to="hubplan.job",
                verbose_name="jobb",
            ),
        ),
    ]
