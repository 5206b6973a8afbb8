"""The database cache's tables (``settings.CACHES``), so that a plain ``migrate`` makes them.

Every server shares the page parts and the API's request counts through them
(hubplan.cache). ``createcachetable`` creates only the tables that are missing, so
running it again, or after Django's test runner ran it, changes nothing. With
``CACHE_URL`` naming Redis there is no table to make. Reversing leaves the tables:
they hold nothing that a rollback should keep or lose.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("hubplan", "0005_jobs")]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
