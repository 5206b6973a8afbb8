"""``manage.py bench``: measure the main pages, the survey import, the first visit and the exports.

The measuring lives in :mod:`hubplan.bench`; this command picks what to run,
prints each figure as it comes and writes the JSON and ``docs/benchmarks.md``.
It only reads the database, except for the survey import, whose round, rows and
audit entries it removes again. Run the national scale against its own database:
``EMBEDDED_DATABASE_NAME=hubplan_national python manage.py bench --scale national``.
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hubplan import bench


class Command(BaseCommand):
    help = (
        "Mäter huvudsidornas svarstider och antal frågor mot deras egen SQL, enkätimporten mot "
        "COPY, första besökets storlek och avtalsexporternas hastighet och minne; skriver "
        "docs/benchmarks.md (och JSON med --json)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=("region", "national"), default="region")
        parser.add_argument("--json", dest="json_path", help="Skriv resultatet som JSON hit.")
        parser.add_argument(
            "--markdown",
            default=str(settings.BASE_DIR / "docs" / "benchmarks.md"),
            help="Markdownfilen vars avsnitt för skalan skrivs om (standard docs/benchmarks.md).",
        )
        parser.add_argument(
            "--requests", type=int, default=20, help="Tidtagna anrop per sida (minst 20)."
        )
        parser.add_argument(
            "--import-rows", type=int, default=1_000_000, help="Rader i den genererade enkätfilen."
        )
        parser.add_argument("--encoding", choices=("cp1252", "utf-8-sig"), default="cp1252")
        parser.add_argument(
            "--xlsx-rows",
            type=int,
            default=0,
            help=(
                "Kontrollera och importera också en genererad XLSX-enkät med så många rader "
                "(mål: 300 000 på under 30 s); 0 hoppar över den."
            ),
        )
        parser.add_argument("--no-pages", action="store_true", help="Hoppa över sidorna.")
        parser.add_argument("--no-import", action="store_true", help="Hoppa över importen.")
        parser.add_argument(
            "--no-static", action="store_true", help="Hoppa över första besöket (collectstatic)."
        )
        parser.add_argument(
            "--no-exports", action="store_true", help="Hoppa över avtalsregistrets exporter."
        )
        parser.add_argument(
            "--export-requests",
            type=int,
            default=3,
            help="Tidtagna nedladdningar per export (var export i en egen process).",
        )

    def handle(self, *args, **options):
        if options["requests"] < 1 or options["import_rows"] < 1 or options["export_requests"] < 1:
            raise CommandError(
                "--requests, --import-rows och --export-requests måste vara minst 1."
            )
        report = bench.run(
            scale=options["scale"],
            requests=options["requests"],
            import_rows=options["import_rows"],
            encoding=options["encoding"],
            pages=not options["no_pages"],
            survey_import=not options["no_import"],
            first_visit=not options["no_static"],
            exports=not options["no_exports"],
            export_requests=options["export_requests"],
            log=self.stdout.write,
        )
        if options["xlsx_rows"] > 0:
            from dataclasses import asdict

            xlsx = bench.bench_xlsx_import(options["xlsx_rows"], log=self.stdout.write)
            report["survey_xlsx"] = asdict(xlsx)
        if options["json_path"]:
            path = Path(options["json_path"])
            path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
            self.stdout.write(f"JSON: {path}")
        if options["markdown"]:
            bench.write_markdown(Path(options["markdown"]), report)
            self.stdout.write(f"Markdown: {options['markdown']}")
