"""Load the reference data of every app (kommuner, organisations, plan areas). Idempotent."""

from django.core.management.base import BaseCommand

from hubplan.app_modules import project_app_modules


class Command(BaseCommand):
    help = (
        "Läser in referensdata (kommuner, organisationer, insatsområden). Kan köras flera gånger."
    )

    def handle(self, *args, **options):
        for _label, module in project_app_modules("reference"):
            module.load(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Referensdata inläst."))
