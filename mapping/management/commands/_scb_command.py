"""What ``import_rams`` and ``import_context`` share: the dimension options and the report."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from hubplan.tabular import TableError
from mapping import scb


class ScbImportCommand(BaseCommand):
    """Import one SCB file; on any error print the row-numbered report, write nothing, exit 1."""

    importer = None  # scb.import_rams or scb.import_context

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--sum-dimensions",
            action="store_true",
            help="Summera över extra dimensioner (kön, ålder, SNI …) som inte väljs med --select.",
        )
        parser.add_argument(
            "--select",
            action="append",
            default=[],
            metavar="DIMENSION=VÄRDE",
            help="Välj ett värde av en extra dimension, t.ex. kön=totalt (kan upprepas).",
        )

    def handle(self, path, sum_dimensions, select, **options):
        try:
            choice = scb.Choice.parse(sum_all=sum_dimensions, select=select)
        except ValueError as exc:
            raise CommandError(f"--select ska ha formen dimension=värde, inte {exc}") from None
        try:
            report = type(self).importer(path, choice=choice)
        except (OSError, TableError) as exc:
            raise CommandError(str(exc)) from None
        for line in report.lines():
            self.stdout.write(line)
        if not report.ok:
            raise CommandError("Inget importerades: filen har fel.")
        self.stdout.write(
            self.style.SUCCESS(f"{report.imported} värden importerades eller uppdaterades.")
        )
