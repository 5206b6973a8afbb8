"""Create a deterministic demo data set for every app. Safe to run again.

Each app's ``demo.seed(ctx)`` runs in its own transaction and skips what it has
already made, so a second run adds nothing and a failed app leaves no half data.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from hubplan.app_modules import project_app_modules
from hubplan.demo import DEMO_PASSWORD, DEMO_USERS, SCALES, DemoContext


class Command(BaseCommand):
    help = "Skapar demodata (användare, hubbar, avtal, enkäter, plan). Deterministisk per --seed."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=SCALES, default="region")
        parser.add_argument("--seed", type=int, default=2021)

    def handle(self, *args, scale, seed, **options):
        ctx = DemoContext(scale=scale, seed=seed, stdout=self.stdout)
        for _label, module in project_app_modules("demo"):
            with transaction.atomic():
                module.seed(ctx)
        names = ", ".join(DEMO_USERS)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demodata klar. Logga in som {names} med lösenordet {DEMO_PASSWORD}."
            )
        )
