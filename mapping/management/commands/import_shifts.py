"""``manage.py import_shifts PATH --name NAME``: the daily-rest figures of a shift list.

Reads a CSV or XLSX shift list (mapping.shifts), checks every row and stores the
import with its per-employer and per-unit aggregates; no person id or shift is
stored. On any error it prints the errors grouped by column, writes nothing and
exits with status 1.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hubplan.tabular import TableError
from mapping import shifts


class Command(BaseCommand):
    help = "Importerar ett schemaunderlag (CSV eller XLSX) och räknar dygnsvila per enhet."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--name", required=True, help="Schemaimportens namn.")

    def handle(self, path, name, **options):
        name = name.strip()
        if not name or len(name) > 200:
            raise CommandError("Ange ett namn på högst 200 tecken.")
        try:
            with open(path, "rb") as fh:
                schedule = shifts.import_shift_list(
                    fileobj=fh, name=name, file_name=Path(path).name
                )
        except shifts.ShiftsRejected as exc:
            for line in exc.report.lines():
                self.stderr.write(line)
            raise CommandError("Inget importerades: filen har fel.") from None
        except (OSError, TableError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"{schedule.shift_count} pass för {schedule.people} personer "
            f"({schedule.first_date}–{schedule.last_date}): {schedule.people_short} personer "
            f"med minst en vila under {shifts.MINIMUM_DAILY_REST_HOURS} timmar, "
            f"{schedule.short_rests} korta viloperioder, kortaste vila "
            f"{shifts.hours_minutes(schedule.worst_rest_minutes)}."
        )
