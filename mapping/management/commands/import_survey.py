"""``manage.py import_survey PATH --round NAME [--mapping PROFILE]``: import survey
answers from CSV or XLSX.

``--mapping`` takes a column mapping and value coding saved on the import page
(a SurveyImportProfile, e.g. "Netigate personalenkät"); without it the columns are
guessed from the headers and only the built-in answers (ja, kanske, nej, bil …) are
read. A shift schedule is refused with a pointer to the daily-rest import.
Creates the round if it is new. On any invalid row it prints the row-numbered
report, writes nothing and exits with status 1 (unless ``--valid-only``).
Importing the same file into the same round again does nothing.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hubplan.tabular import TableError
from mapping import imports, services
from mapping.models import SurveyImportProfile, SurveyRound


class Command(BaseCommand):
    help = "Importerar enkätsvar från CSV eller XLSX till en enkätomgång (skapas om den saknas)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--round", required=True, dest="round_name")
        parser.add_argument(
            "--valid-only", action="store_true", help="Importera bara giltiga rader."
        )
        parser.add_argument("--chunksize", type=int, default=imports.CHUNK_ROWS)
        parser.add_argument(
            "--mapping",
            dest="profile_name",
            default="",
            help="En sparad kolumnkoppling och värdekodning (namnet från importsidan).",
        )

    def handle(self, path, round_name, valid_only, chunksize, profile_name="", **options):
        try:
            with open(path, "rb") as fh:
                headers = [str(h) for h in next(imports.read_table(fh, nrows=1)).columns]
        except (OSError, TableError) as exc:
            raise CommandError(str(exc)) from None
        if imports.looks_like_shift_schedule(headers):
            raise CommandError(_(imports.MSG_SHIFT_SCHEDULE))
        mapping = imports.guess_mapping(headers)
        coding = {}
        if profile_name:
            profile = SurveyImportProfile.objects.filter(name=profile_name).first()
            if profile is None:
                known = ", ".join(SurveyImportProfile.objects.values_list("name", flat=True))
                raise CommandError(
                    _("Ingen sparad koppling heter %(name)s. Sparade: %(known)s.")
                    % {"name": profile_name, "known": known or "–"}
                )
            absent = [h for h in profile.mapping.values() if h not in headers]
            if absent:
                raise CommandError(
                    _("Filen saknar kolumner som kopplingen %(name)s använder: %(columns)s.")
                    % {"name": profile_name, "columns": ", ".join(absent)}
                )
            mapping = dict(profile.mapping)
            coding = profile.coding
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
                    progress=_Printer(self.stderr),
                    coding=coding,
                )
        except imports.ImportRejected as exc:
            for line in exc.report.grouped_lines():
                self.stderr.write(line)
            raise CommandError("Inget importerades: filen har fel.") from None
        except TableError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(report.message)
        for line in report.grouped_lines()[1:] if report.skipped else []:
            self.stdout.write(line)
        if report.skipped:
            for lean in imports.leaning_lines(report):
                self.stdout.write(lean)


class _Printer:
    """The import's progress on stderr: each stage as it starts, the rows as they go in."""

    cancelled = None

    def __init__(self, out):
        self.out = out
        self.name = ""

    def stage(self, name: str, total: int = 0) -> None:
        from hubplan.jobs import stage_label

        self.name = name
        self.out.write(f"{stage_label(name)} …")

    def advance(self, processed: int, total: int | None = None) -> None:
        if self.name == "writing" and processed:
            self.out.write(f"{processed} rader …")
