"""``manage.py import_survey PATH --round NAME``: import survey answers from CSV or XLSX.

Creates the round if it is new. On any invalid row it prints the row-numbered
report, writes nothing and exits with status 1 (unless ``--valid-only``).
Importing the same file into the same round again does nothing.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from hubplan.tabular import TableError
from mapping import imports, services
from mapping.models import SurveyRound


class Command(BaseCommand):
    help = "Importerar enkätsvar från CSV eller XLSX till en enkätomgång (skapas om den saknas)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--round", required=True, dest="round_name")
        parser.add_argument(
            "--valid-only", action="store_true", help="Importera bara giltiga rader."
        )
        parser.add_argument("--chunksize", type=int, default=imports.CHUNK_ROWS)

    def handle(self, path, round_name, valid_only, chunksize, **options):
        try:
            with open(path, "rb") as fh:
                headers = [str(h) for h in next(imports.read_table(fh, nrows=1)).columns]
        except (OSError, TableError) as exc:
            raise CommandError(str(exc)) from None
        mapping = imports.guess_mapping(headers)
        try:
            with transaction.atomic():
                survey_round = SurveyRound.objects.filter(name=round_name).first()
                if survey_round is None:
                    survey_round = services.survey_round_create(
                        name=round_name,
                        date=timezone.localdate(),
                        kind=SurveyRound.Kind.COMMUTING_RESIDENCE,
                    )
                report = imports.import_file(
                    path=path,
                    survey_round=survey_round,
                    mapping=mapping,
                    valid_only=valid_only,
                    file_name=str(path).rsplit("/", 1)[-1],
                    chunksize=chunksize,
                    progress=lambda n: self.stderr.write(f"{n} rader …"),
                )
        except imports.ImportRejected as exc:
            for line in exc.report.lines():
                self.stderr.write(line)
            raise CommandError("Inget importerades: filen har fel.") from None
        except TableError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(report.message)
        for line in report.lines()[1:] if report.skipped else []:
            self.stdout.write(line)
