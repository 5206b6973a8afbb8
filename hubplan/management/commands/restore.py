"""``manage.py restore FILE``: replace the database's contents by a backup (``make restore``)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from hubplan.backup import BackupError, restore


class Command(BaseCommand):
    help = "Återställer databasen från en säkerhetskopia. Ersätter allt som finns i databasen."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="Säkerhetskopian (från backup).")
        parser.add_argument(
            "--no-input", action="store_false", dest="interactive", help="Fråga inte först."
        )
        parser.add_argument(
            "--database-name",
            help="Återställ till en annan databas på samma server (den måste finnas), "
            "t.ex. för att pröva en kopia.",
        )

    def handle(self, *args, file, interactive=True, database_name=None, **options):
        target = database_name or connections["default"].settings_dict["NAME"]
        if interactive:
            answer = input(
                f"Allt innehåll i databasen {target} ersätts med {file}. Skriv ja för att fortsätta: "
            )
            if answer.strip().lower() != "ja":
                raise CommandError("Avbrutet; ingenting har ändrats.")
        try:
            restore(file, database=database_name)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Databasen {target} är återställd från {file}."))
