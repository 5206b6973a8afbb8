"""``manage.py backup``: the whole database to one file (``make backup``)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hubplan.backup import BackupError, backup


class Command(BaseCommand):
    help = "Säkerhetskopierar databasen till en fil (pg_dump, eget format). Standard: var/backups/."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help="Filen som skrivs.")

    def handle(self, *args, output=None, **options):
        try:
            path = backup(output)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Säkerhetskopia skriven: {path}"))
