"""Create a deterministic demo data set for every app. Safe to run again.

Each app's ``demo.seed(ctx)`` runs in its own transaction and skips what it has
already made, so a second run adds nothing and a failed app leaves no half data.

``--scale national`` adds, on top of the region's demo data, a data set the size of
all Sweden's regions (:data:`hubplan.demo.NATIONAL_SIZES`), written with COPY. Keep it
out of the development database: run it with ``EMBEDDED_DATABASE_NAME=hubplan_national``.
"""

import time

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from hubplan.app_modules import project_app_modules
from hubplan.demo import DEMO_PASSWORD, DEMO_USERS, SCALES, DemoContext

# Tables whose rows the national scale is about, printed after a national run.
NATIONAL_TABLES = (
    ("mapping", "Municipality"),
    ("mapping", "SurveyResponse"),
    ("hubs", "Hub"),
    ("hubs", "HubMonthlyUse"),
    ("remoteagreements", "Employee"),
    ("remoteagreements", "DistanceAgreement"),
    ("actionplan", "Activity"),
)


class Command(BaseCommand):
    help = "Skapar demodata (användare, hubbar, avtal, enkäter, plan). Deterministisk per --seed."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=SCALES, default="region")
        parser.add_argument("--seed", type=int, default=2021)

    def handle(self, *args, scale, seed, **options):
        ctx = DemoContext(scale=scale, seed=seed, stdout=self.stdout)
        started = time.perf_counter()
        for label, module in project_app_modules("demo"):
            app_started = time.perf_counter()
            with transaction.atomic():
                module.seed(ctx)
            self.stdout.write(f"{label}: {time.perf_counter() - app_started:.1f} s")
        if ctx.national:
            self._analyse_and_count()
        self.stdout.write(f"Totalt: {time.perf_counter() - started:.1f} s")
        names = ", ".join(DEMO_USERS)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demodata klar. Logga in som {names} med lösenordet {DEMO_PASSWORD}."
            )
        )

    def _analyse_and_count(self) -> None:
        """Fresh planner statistics after bulk loads (autovacuum may not have run yet),
        then the row counts the national scale promises."""
        from django.apps import apps

        analysed = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(f"ANALYZE: {time.perf_counter() - analysed:.1f} s")
        for app_label, model_name in NATIONAL_TABLES:
            model = apps.get_model(app_label, model_name)
            self.stdout.write(f"  {model._meta.db_table}: {model.objects.count():,} rader")
