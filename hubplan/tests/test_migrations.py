"""Every project app's migrations run backwards to zero and forwards again.

One slow, transactional test: a migration without a way back, or one that cannot be
re-applied on a database that has been through it, fails here rather than in a
release that has to be rolled back.
"""

import io

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from hubplan.app_modules import PROJECT_APPS

pytestmark = pytest.mark.django_db(transaction=True)


def _project_apps() -> list[str]:
    # INSTALLED_APPS order is dependency order: each app may use the ones before it.
    return [name for name in settings.INSTALLED_APPS if name in PROJECT_APPS]


def _applied(label: str) -> int:
    return MigrationRecorder.Migration.objects.filter(app=label).count()


def test_every_app_migrates_to_zero_and_back(reference_data):
    labels = _project_apps()
    assert labels[0] == "hubplan"
    assert {"mapping", "hubs", "remoteagreements", "actionplan"} <= set(labels)
    out = io.StringIO()
    tables_before = set(connection.introspection.table_names())

    for label in reversed(labels):
        call_command("migrate", label, "zero", verbosity=0, stdout=out)
        assert _applied(label) == 0, label
    app_tables = {
        model._meta.db_table
        for label in labels
        for model in apps.get_app_config(label).get_models()
    }
    assert not app_tables & set(connection.introspection.table_names())

    call_command("migrate", verbosity=0, stdout=out)
    assert set(connection.introspection.table_names()) == tables_before
    # The roles come back with the migration that creates them.
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= {"HR", "Planerare", "Läsare"}
