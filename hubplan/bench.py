"""Measuring Hubplan against its performance targets (``manage.py bench``), as plain functions.

Three measurements, each set beside the physical floor it cannot beat, so the
figures mean the same on any machine:

- **Pages**: every main page through the Django test client, signed in as a
  superuser (who sees every figure): server time median and p95 over N requests
  and the query count. The floor is the page's own SQL: the SELECT statements
  one request ran (captured with ``CaptureQueriesContext``) run again, exactly as
  sent, on the raw database cursor, N times. ratio = page time ÷ SQL time.
  Pages with cached parts (:mod:`hubplan.pagecache`) are timed as computed, the
  cache emptied before every timed request (the first view after a write), and
  those figures are the ones judged; the cached view (median, p95, queries) is
  measured after them and reported beside them.
- **Survey import**: a generated Swedish-Excel CSV (semicolons, decimal commas,
  Windows-1252 or UTF-8 with BOM, the import template's headers) through the real
  import service (:func:`mapping.imports.import_file`), rows per second and peak
  memory (RSS sampled by a thread), against a raw ``COPY`` of the same file into a
  bare table of text columns. Everything the bench wrote is removed afterwards.
- **Exports** (issue 17): the agreement register's CSV and XLSX downloads and the
  employee CSV, each in a fresh Python process (``python -c``, the same settings and
  database), as a web worker would serve them: one warm-up download with no rows
  (code imported, nothing kept), then the full download through the test client with
  its streamed body read to the end. Rows per second, and the process's RSS before,
  at its peak (sampled by a thread) and after (the figure the issue judges: what the
  worker keeps). A process of its own, because RSS rarely shrinks: a figure taken in
  the bench's own process would carry whatever the pages measured before had left.
- **First visit**: ``collectstatic`` with WhiteNoise's compressed, cache-busted
  storage into a scratch directory; the bytes of the home page's HTML and of the
  compressed static files it references, and whether those files are sent with a
  far-future ``Cache-Control`` (so a repeat visit fetches only the HTML).

Timings never fail a test: the command writes them to JSON and to
``docs/benchmarks.md``, each target marked met or missed with the reason.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import gc
import gzip
import json
import math
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import update_last_login
from django.contrib.auth.signals import user_logged_in
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hubplan import pagecache

# --- Targets (issue 9, national scale on two cores) ----------------------------------------------

PAGE_P95_MS = 150.0
PAGE_MAX_QUERIES = 15
PAGE_MAX_SQL_RATIO = 2.0
IMPORT_MIN_COPY_SHARE = 0.5
IMPORT_MAX_PEAK_MB = 500.0
FIRST_VISIT_MAX_BYTES = 2 * 1024 * 1024
# Issue 17, national scale: the 60 000-agreement XLSX leaves a worker's RSS no more than
# 50 MB above where it started, and the CSV writes at least 50 000 rows per second.
EXPORT_MIN_CSV_ROWS_PER_S = 50_000.0
EXPORT_MAX_RSS_GROWTH_MB = 50.0
# WhiteNoise sends cache-busted files with a ten-year max-age; a year is "far future".
FAR_FUTURE_SECONDS = 365 * 24 * 3600


# --- Pages ---------------------------------------------------------------------------------------


@dataclass
class Page:
    key: str
    label: str
    url: str | None  # None: the page needs an object the database does not have
    note: str = ""
    # A reference measured beside the main pages and not judged: what any signed-in page
    # costs in Django (middleware, session, user, base layout) whatever its data.
    reference: bool = False


@dataclass
class PageResult:
    key: str
    label: str
    url: str | None
    status: int | None = None
    requests: int = 0
    median_ms: float | None = None
    p95_ms: float | None = None
    queries: int | None = None
    sql_statements: int | None = None
    sql_ms: float | None = None
    ratio: float | None = None
    bytes: int | None = None
    cached_median_ms: float | None = None
    cached_p95_ms: float | None = None
    cached_queries: int | None = None
    reference: bool = False
    met: bool | None = None
    reasons: list[str] = field(default_factory=list)


def main_pages() -> list[Page]:
    """The issue's main pages, with sample objects picked from the database.

    The kommun page shows the region kommun with the most employees living there
    (the heaviest one); the survey pages the published round.
    """
    from django.db.models import Count

    from hubs.models import BusinessCase
    from mapping import selectors as survey_selectors
    from mapping.models import Municipality

    kommun = (
        Municipality.objects.in_region()
        .annotate(n=Count("resident_employees"))
        .order_by("-n", "code")
        .values_list("code", flat=True)
        .first()
    )
    survey_round = survey_selectors.published_round()
    case = BusinessCase.objects.order_by("pk").values_list("pk", flat=True).first()

    def url(name, missing, **kwargs):
        if missing:
            return None
        return reverse(name, kwargs=kwargs or None)

    round_url = url("surveys:round-detail", survey_round is None, pk=getattr(survey_round, "pk", 0))
    return [
        Page("home", "Home dashboard", reverse("home")),
        Page("comparison", "Kommun comparison", reverse("municipalities:list")),
        Page("kommun", "A kommun's page", url("municipalities:detail", not kommun, code=kommun)),
        Page("suitability", "Suitability", reverse("municipalities:suitability")),
        Page("business_case", "Business cases (list)", reverse("hubs:business-case")),
        Page(
            "business_case_detail",
            "A business case",
            url("hubs:business-case-detail", case is None, pk=case or 0),
        ),
        Page("hubs_list", "Hubs list", reverse("hubs:list")),
        Page("hubs_map", "Hubs map", reverse("hubs:map")),
        Page("agreements_list", "Agreements list", reverse("agreements:list")),
        Page("agreements_stats", "Agreement statistics", reverse("agreements:stats")),
        Page("survey_round", "Survey analyses (a round)", round_url),
        Page(
            "flow_matrix",
            "Survey flow matrix (CSV export)",
            round_url and f"{round_url}?table=flows&format=csv",
        ),
        Page("plan_overview", "Plan overview", reverse("plan:overview")),
        Page("plan_gantt", "Plan Gantt chart", reverse("plan:gantt")),
        Page("floor", "Reference: the sign-in form, signed in", reverse("login"), reference=True),
    ]


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile: the smallest value with at least ``share`` of values at or below."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


_DECLARE = re.compile(
    r"^\s*DECLARE\s+\S+\s+.*?CURSOR\s+(?:WITH(?:OUT)?\s+HOLD\s+)?FOR\s+", re.I | re.S
)


def _reads(queries: list[dict]) -> list[str]:
    """The page's reads, runnable again: SELECTs, and the SELECT inside a server-side
    cursor's DECLARE (``QuerySet.iterator()``); writes, savepoints and BEGIN are left out."""
    out = []
    for q in queries:
        sql = _DECLARE.sub("", q["sql"], count=1)
        if sql.lstrip().upper().startswith(("SELECT", "WITH", "(SELECT")):
            out.append(sql)
    return out


class _HttpsClient(Client):
    """The test client, every GET over https (production redirects plain http)."""

    def get(self, path, data=None, follow=False, secure=True, **extra):
        return super().get(path, data, follow, secure, **extra)


@contextlib.contextmanager
def signed_in_client(user):
    """A test client signed in as ``user``, talking https to an allowed host, as in production.

    ``force_login`` would stamp the user's last_login; the bench only reads, so the
    signal is held back while it signs in, and the session is removed at the end.
    """
    host = settings.ALLOWED_HOSTS[0] if settings.ALLOWED_HOSTS else "localhost"
    if host in ("*", "") or host.startswith("."):
        host = "localhost"
    client = _HttpsClient(HTTP_HOST=host)
    user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
    try:
        client.force_login(user)
    finally:
        user_logged_in.connect(update_last_login, dispatch_uid="update_last_login")
    try:
        yield client
    finally:
        client.logout()


def bench_user():
    """The first active superuser (the demo's ``admin``): every page shows everything to them."""
    user = get_user_model().objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if user is None:
        raise LookupError("no active superuser to sign in as")
    return user


def time_sql(statements: list[str], repeats: int) -> list[float]:
    """Seconds per run of ``statements`` (each fetched whole) on the raw driver cursor.

    Run in one transaction like the page (ATOMIC_REQUESTS), rolled back, so the
    floor has the same transaction cost as the request.
    """
    times = []
    connection.ensure_connection()
    for _ in range(repeats):
        with transaction.atomic():
            raw = connection.connection.cursor()
            started = time.perf_counter()
            for sql in statements:
                raw.execute(sql)
                if raw.description is not None:
                    raw.fetchall()
            times.append(time.perf_counter() - started)
            raw.close()
    return times


def _timed_get(client, url: str, *, computed: bool) -> tuple[float, object]:
    """Seconds for one GET (its streamed body read); ``computed`` empties the page-part
    cache first, outside the time, so the page computes its figures as after a write."""
    if computed:
        pagecache.clear()
    started = time.perf_counter()
    response = client.get(url)
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    return time.perf_counter() - started, response


def measure_page(client, page: Page, requests: int) -> PageResult:
    """Median and p95 of ``requests`` timed GETs after one warm-up, the queries and their
    floor, all as computed (no cached part); then the same as cached, for comparison."""
    result = PageResult(page.key, page.label, page.url, reference=page.reference)
    if page.url is None:
        result.reasons.append(page.note or "no sample object in the database")
        return result
    response = client.get(page.url)  # warm-up: session, caches, compiled templates
    result.status = response.status_code
    if response.status_code != 200:
        result.met = False
        result.reasons.append(f"HTTP {response.status_code}")
        return result
    # Counted right after the warm-up, so that the idle-session refresh (a write at most
    # once a minute, hubplan.middleware) does not fall into the one request counted.
    pagecache.clear()
    with CaptureQueriesContext(connection) as captured:
        client.get(page.url)
    result.queries = len(captured)
    reads = _reads(captured.captured_queries)
    times = []
    for _ in range(requests):
        elapsed, response = _timed_get(client, page.url, computed=True)
        times.append(elapsed)
    result.requests = requests
    result.bytes = len(response.content) if not response.streaming else None
    result.median_ms = 1000 * statistics.median(times)
    result.p95_ms = 1000 * percentile(times, 0.95)
    result.sql_statements = len(reads)
    sql_times = time_sql(reads, requests)
    result.sql_ms = 1000 * statistics.median(sql_times)
    result.ratio = result.median_ms / result.sql_ms if result.sql_ms else None
    client.get(page.url)  # computes and caches the page's parts
    with CaptureQueriesContext(connection) as cached:
        client.get(page.url)
    result.cached_queries = len(cached)
    cached_times = [_timed_get(client, page.url, computed=False)[0] for _ in range(requests)]
    result.cached_median_ms = 1000 * statistics.median(cached_times)
    result.cached_p95_ms = 1000 * percentile(cached_times, 0.95)
    if not page.reference:
        judge_page(result)
    return result


def judge_page(result: PageResult) -> None:
    reasons = []
    if result.p95_ms > PAGE_P95_MS:
        reasons.append(f"p95 {result.p95_ms:.0f} ms > {PAGE_P95_MS:.0f} ms")
    if result.queries > PAGE_MAX_QUERIES:
        reasons.append(f"{result.queries} queries > {PAGE_MAX_QUERIES}")
    if result.ratio is not None and result.ratio > PAGE_MAX_SQL_RATIO:
        reasons.append(
            f"{result.ratio:.1f}× its SQL > {PAGE_MAX_SQL_RATIO:.0f}× "
            f"({result.median_ms - result.sql_ms:.0f} ms in Python)"
        )
    result.met = not reasons
    result.reasons = reasons


def bench_pages(requests: int, *, pages: list[Page] | None = None, log=None) -> list[PageResult]:
    out = []
    with signed_in_client(bench_user()) as client:
        for page in pages if pages is not None else main_pages():
            result = measure_page(client, page, requests)
            if log:
                log(_page_line(result))
            out.append(result)
    return out


def _page_line(r: PageResult) -> str:
    if r.median_ms is None:
        return f"{r.label}: skipped ({'; '.join(r.reasons)})"
    return (
        f"{r.label}: median {r.median_ms:.1f} ms, p95 {r.p95_ms:.1f} ms, {r.queries} queries, "
        f"SQL {r.sql_ms:.1f} ms ({r.ratio:.1f}×); cached: median {r.cached_median_ms:.1f} ms, "
        f"p95 {r.cached_p95_ms:.1f} ms, {r.cached_queries} queries"
    )


# --- Survey import ------------------------------------------------------------------------------

MODES = ("bil", "bil", "bil", "buss", "tåg", "cykel_gång", "annat")
INTERESTS = ("ja", "kanske", "nej", "nej")


def _decimal(value: float, places: int) -> str:
    return f"{value:.{places}f}".replace(".", ",")


def write_survey_csv(path: Path, rows: int, *, encoding: str = "cp1252", seed: int = 9) -> None:
    """A survey export as Swedish Excel writes it: the template's headers, ``;``, decimal commas.

    Respondents live and work mostly in the region's kommuner (names, sometimes
    codes), employers are the register's organisations; every row is valid.
    """
    from mapping.imports import COLUMNS
    from mapping.models import Municipality, Organisation

    rng = random.Random(seed)
    region = list(Municipality.objects.in_region().values_list("code", "name"))
    every = list(Municipality.objects.values_list("code", "name"))
    kommuner = region or every
    organisations = list(Organisation.objects.values_list("name", flat=True)[:50]) or ["Region"]
    headers = [c.header for c in COLUMNS]
    with open(path, "w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, delimiter=";", lineterminator="\r\n")
        writer.writerow(headers)
        for i in range(rows):
            home = rng.choice(kommuner)
            work = (
                home
                if rng.random() < 0.6
                else rng.choice(kommuner if rng.random() < 0.9 else every)
            )
            commutes = home != work
            distance = rng.uniform(20, 150) if commutes else rng.uniform(0.5, 15)
            writer.writerow(
                [
                    rng.choice(organisations),
                    f"Enhet {i % 40}",
                    home[0] if i % 7 == 0 else home[1],
                    f"{rng.randint(83000, 84999)}",
                    work[1],
                    _decimal(distance, 1),
                    str(int(distance * 1.1) + 5),
                    rng.choice(MODES),
                    _decimal(rng.choice((3, 4, 4.5, 5)), 1),
                    _decimal(rng.choice((7.5, 8, 8.25)), 2),
                    rng.choice(INTERESTS),
                    str(rng.randint(0, 3)),
                    "" if i % 50 else "Går bra att arbeta på distans",
                ]
            )


class RssSampler:
    """Peak resident memory of this process, sampled by a thread every ``interval`` seconds."""

    def __init__(self, interval: float = 0.02):
        import psutil

        self.process = psutil.Process()
        self.interval = interval
        self.baseline = self.peak = self.process.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.wait(self.interval):
            self.peak = max(self.peak, self.process.memory_info().rss)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.process.memory_info().rss)


@dataclass
class ImportResult:
    rows: int
    encoding: str
    file_mb: float
    imported: int = 0
    import_s: float = 0.0
    import_rows_per_s: float = 0.0
    peak_rss_mb: float = 0.0
    rss_increase_mb: float = 0.0
    copy_s: float = 0.0
    copy_rows_per_s: float = 0.0
    share_of_copy: float = 0.0
    # Seconds per step of the import (copy, judge, insert, foreign keys), when it went
    # through COPY; what the steps cost says where the time goes and what is left.
    steps: dict[str, float] = field(default_factory=dict)
    met: bool | None = None
    reasons: list[str] = field(default_factory=list)


COPY_TABLE = "bench_survey_copy"


def copy_file(path: Path, encoding: str, columns: int) -> float:
    """Seconds to COPY the file into a fresh bare table of text columns (dropped afterwards)."""
    pg_encoding = "WIN1252" if encoding == "cp1252" else "UTF8"
    cols = ", ".join(f"c{i} text" for i in range(columns))
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {COPY_TABLE}")
        cursor.execute(f"CREATE TABLE {COPY_TABLE} ({cols})")
    try:
        raw = connection.connection.cursor()
        started = time.perf_counter()
        with transaction.atomic():
            copy_sql = (
                f"COPY {COPY_TABLE} FROM STDIN WITH "
                f"(FORMAT csv, DELIMITER ';', HEADER true, ENCODING '{pg_encoding}')"
            )
            with open(path, "rb") as fh, raw.copy(copy_sql) as copy:
                if encoding == "utf-8-sig":
                    fh.read(3)  # COPY knows no BOM
                while block := fh.read(1 << 20):
                    copy.write(block)
        elapsed = time.perf_counter() - started
        raw.close()
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {COPY_TABLE}")
    return elapsed


def bench_import(rows: int, *, encoding: str = "cp1252", log=None) -> ImportResult:
    """The real survey import of a generated file against COPY of the same file; cleans up."""
    from mapping.imports import COLUMNS, guess_mapping, import_file, preview
    from mapping.models import SurveyImport, SurveyResponse, SurveyRound

    with tempfile.TemporaryDirectory(prefix="hubplan-bench-") as tmp:
        path = Path(tmp) / "enkatsvar.csv"
        write_survey_csv(path, rows, encoding=encoding)
        result = ImportResult(rows=rows, encoding=encoding, file_mb=path.stat().st_size / 2**20)
        if log:
            log(f"Survey import: {rows:,} rows, {result.file_mb:.1f} MB ({encoding})")
        headers, _sample = preview(path)
        mapping = guess_mapping(headers)
        # An old date, so that the bench round is never the "latest" round pages show.
        survey_round = SurveyRound.objects.create(
            name=f"Benchmark {os.getpid()} {time.time_ns()}", date=dt.date(1990, 1, 1)
        )
        try:
            with RssSampler() as memory:
                started = time.perf_counter()
                report = import_file(
                    path=path, survey_round=survey_round, mapping=mapping, file_name=path.name
                )
                result.import_s = time.perf_counter() - started
            result.imported = report.imported
            result.steps = dict(report.timings)
            result.peak_rss_mb = memory.peak / 2**20
            result.rss_increase_mb = (memory.peak - memory.baseline) / 2**20
        finally:
            job_ids = list(survey_round.imports.values_list("pk", flat=True))
            SurveyResponse.objects.filter(round=survey_round).delete()
            survey_round.delete()
            # The audit trail of the bench's own import job goes too: it never happened.
            SurveyImport.history.filter(id__in=job_ids).delete()
        result.copy_s = copy_file(path, encoding, len(COLUMNS))
    result.import_rows_per_s = rows / result.import_s if result.import_s else 0.0
    result.copy_rows_per_s = rows / result.copy_s if result.copy_s else 0.0
    if result.copy_rows_per_s:
        result.share_of_copy = result.import_rows_per_s / result.copy_rows_per_s
    reasons = []
    if result.imported != rows:
        reasons.append(f"imported {result.imported:,} of {rows:,} rows")
    if result.share_of_copy < IMPORT_MIN_COPY_SHARE:
        reasons.append(
            f"{100 * result.share_of_copy:.1f} % of COPY's rows/s < {100 * IMPORT_MIN_COPY_SHARE:.0f} %"
        )
    if result.peak_rss_mb > IMPORT_MAX_PEAK_MB:
        reasons.append(f"peak RSS {result.peak_rss_mb:.0f} MB > {IMPORT_MAX_PEAK_MB:.0f} MB")
    result.met = not reasons
    result.reasons = reasons
    if log:
        log(
            f"Survey import: {result.import_rows_per_s:,.0f} rows/s, peak RSS "
            f"{result.peak_rss_mb:.0f} MB; COPY {result.copy_rows_per_s:,.0f} rows/s "
            f"({100 * result.share_of_copy:.1f} %)"
        )
    return result


@dataclass
class XlsxImportResult:
    """A survey XLSX checked (validate_file) and imported (import_file), timed apart."""

    rows: int
    file_mb: float = 0.0
    check_s: float = 0.0
    import_s: float = 0.0
    imported: int = 0
    staged: bool = False  # went through COPY (report.timings has its steps)
    met: bool | None = None
    reasons: list[str] = field(default_factory=list)


XLSX_MAX_SECONDS = 30.0  # issue 16: check and import a 300 000-row XLSX in under 30 s


def write_survey_xlsx(path: Path, rows: int, *, seed: int = 9) -> None:
    """The same answers as :func:`write_survey_csv` as an XLSX sheet with a title row
    above the header, as Netigate and Esmaker export it (numbers as numbers)."""
    from openpyxl import Workbook

    csv_path = path.with_suffix(".csv")
    write_survey_csv(csv_path, rows, encoding="utf-8-sig", seed=seed)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Svar")
    sheet.append(["Pendlingsenkät, export"])
    with open(csv_path, encoding="utf-8-sig", newline="") as fh:
        for number, row in enumerate(csv.reader(fh, delimiter=";")):
            if number:
                row[5] = float(row[5].replace(",", "."))  # distance, a number cell
            sheet.append(row)
    workbook.save(path)
    csv_path.unlink()


def bench_xlsx_import(rows: int = 300_000, *, log=None) -> XlsxImportResult:
    """Check then import a generated survey XLSX (calamine, then the COPY path); cleans up."""
    from mapping.imports import guess_mapping, import_file, preview, validate_file
    from mapping.models import SurveyImport, SurveyResponse, SurveyRound

    result = XlsxImportResult(rows=rows)
    with tempfile.TemporaryDirectory(prefix="hubplan-bench-") as tmp:
        path = Path(tmp) / "enkatsvar.xlsx"
        write_survey_xlsx(path, rows)
        result.file_mb = path.stat().st_size / 2**20
        mapping = guess_mapping(preview(path)[0])
        survey_round = SurveyRound.objects.create(
            name=f"Benchmark XLSX {os.getpid()} {time.time_ns()}", date=dt.date(1990, 1, 1)
        )
        try:
            started = time.perf_counter()
            checked = validate_file(path, mapping)
            result.check_s = time.perf_counter() - started
            started = time.perf_counter()
            report = import_file(
                path=path, survey_round=survey_round, mapping=mapping, file_name=path.name
            )
            result.import_s = time.perf_counter() - started
            result.imported = report.imported
            result.staged = bool(report.timings)
            if checked.error_count:
                result.reasons.append(f"{checked.error_count} errors in a valid file")
        finally:
            job_ids = list(survey_round.imports.values_list("pk", flat=True))
            SurveyResponse.objects.filter(round=survey_round).delete()
            survey_round.delete()
            SurveyImport.history.filter(id__in=job_ids).delete()
    if result.imported != rows:
        result.reasons.append(f"imported {result.imported:,} of {rows:,} rows")
    if result.check_s + result.import_s > XLSX_MAX_SECONDS:
        result.reasons.append(
            f"check {result.check_s:.1f} s + import {result.import_s:.1f} s > {XLSX_MAX_SECONDS:.0f} s"
        )
    result.met = not result.reasons
    if log:
        log(
            f"Survey XLSX: {rows:,} rows, {result.file_mb:.1f} MB, check {result.check_s:.1f} s, "
            f"import {result.import_s:.1f} s ({'COPY' if result.staged else 'row by row'})"
        )
    return result


# --- Exports -------------------------------------------------------------------------------------


@dataclass
class Export:
    key: str
    label: str
    url_name: str
    fmt: str
    # Judged against a target (rows/s for CSV, RSS left for XLSX); the others are reported.
    judged: bool = True


EXPORTS = (
    Export("agreements_csv", "Agreements (CSV)", "agreements:list", "csv"),
    Export("agreements_xlsx", "Agreements (XLSX)", "agreements:list", "xlsx"),
    Export("employees_csv", "Employees (CSV)", "agreements:employee-list", "csv", judged=False),
)
# The warm-up asks for the same download filtered to no rows: every module and code path
# loaded, no data kept, so the RSS before the measured download is a worker's at rest.
_NO_ROWS = "bench: no such name"
_CHILD_MARK = "BENCH-EXPORT "


@dataclass
class ExportResult:
    key: str
    label: str
    url: str
    fmt: str
    rows: int = 0
    bytes: int = 0
    requests: int = 0
    median_s: float = 0.0
    rows_per_s: float = 0.0
    queries: int = 0
    rss_start_mb: float = 0.0
    rss_peak_mb: float = 0.0
    rss_end_mb: float = 0.0
    rss_growth_mb: float = 0.0  # end - start: what the worker keeps
    rss_peak_growth_mb: float = 0.0
    judged: bool = True
    met: bool | None = None
    reasons: list[str] = field(default_factory=list)


def _rss() -> int:
    import psutil

    gc.collect()
    return psutil.Process().memory_info().rss


def measure_export(url: str, fmt: str, requests: int) -> dict:
    """One export in this process: a warm-up with no rows, then ``requests`` timed downloads,
    each body read to the end and thrown away chunk by chunk, as a WSGI server does.

    Returns the figures as a dict (the child process prints it for :func:`bench_exports`).
    """
    with signed_in_client(bench_user()) as client:
        warm = client.get(url, {"format": fmt, "q": _NO_ROWS})
        for _chunk in warm.streaming_content if warm.streaming else [warm.content]:
            pass
        warm.close()
        start = _rss()
        times, sizes, lines, queries = [], [], [], 0
        with RssSampler() as memory:
            for number in range(requests):
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    response = client.get(url, {"format": fmt})
                    size = newlines = 0
                    for chunk in response.streaming_content:
                        size += len(chunk)
                        newlines += chunk.count(b"\r\n")
                    response.close()
                    times.append(time.perf_counter() - started)
                if number == 0:
                    queries = len(captured)
                sizes.append(size)
                lines.append(newlines)
                del response
        end = _rss()
    return {
        "status": 200,
        "requests": requests,
        "bytes": sizes[0],
        # A CSV's lines, less its header (the register's texts hold no line breaks).
        "csv_rows": lines[0] - 1 if fmt == "csv" else None,
        "median_s": statistics.median(times),
        "queries": queries,
        "rss_start": start,
        "rss_peak": max(memory.peak, end),
        "rss_end": end,
    }


# The child's program: Django is set up before this module (which imports models) is.
_CHILD_CODE = (
    "import django; django.setup(); from hubplan.bench import _export_child; _export_child()"
)


def _export_child() -> None:
    """Entry point of the child process: parameters as JSON on stdin, figures on stdout."""
    params = json.loads(sys.stdin.read())
    # The parent's database, whatever the settings would pick (a test database, say).
    connection.settings_dict["NAME"] = params["database"]
    figures = measure_export(params["url"], params["fmt"], params["requests"])
    print(_CHILD_MARK + json.dumps(figures), flush=True)


def run_export_child(url: str, fmt: str, requests: int, *, timeout: float = 600) -> dict:
    """:func:`measure_export` in a fresh Python process on this database and settings."""
    database = connection.settings_dict["NAME"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "hubplan.settings"),
        # The embedded server's settings then open (and never create) this database.
        "EMBEDDED_DATABASE_NAME": database,
        # The parent's own key (in the child's environment only): with DEBUG off the
        # settings refuse to start without one, and a test run has none in its environment.
        "SECRET_KEY": settings.SECRET_KEY,
    }
    params = {"database": database, "url": url, "fmt": fmt, "requests": requests}
    done = subprocess.run(
        [sys.executable, "-c", _CHILD_CODE],
        input=json.dumps(params),
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        env=env,
        timeout=timeout,
        check=False,
    )
    for line in reversed(done.stdout.splitlines()):
        if line.startswith(_CHILD_MARK):
            return json.loads(line[len(_CHILD_MARK) :])
    raise RuntimeError(
        f"the export child exited with {done.returncode}: {done.stderr.strip()[-2000:]}"
    )


def bench_exports(
    requests: int = 3, *, exports: tuple[Export, ...] = EXPORTS, log=None
) -> list[ExportResult]:
    """Each export in a child process of its own; rows/s and RSS judged against issue 17."""
    from remoteagreements.models import DistanceAgreement, Employee

    counts = {
        "agreements:list": DistanceAgreement.objects.count(),
        "agreements:employee-list": Employee.objects.count(),
    }
    out = []
    for export in exports:
        url = reverse(export.url_name)
        result = ExportResult(
            export.key, export.label, url, export.fmt, judged=export.judged, requests=requests
        )
        figures = run_export_child(url, export.fmt, requests)
        # The superuser sees the whole register: every row is exported.
        result.rows = counts[export.url_name]
        result.bytes = figures["bytes"]
        result.median_s = figures["median_s"]
        result.rows_per_s = result.rows / result.median_s if result.median_s else 0.0
        result.queries = figures["queries"]
        result.rss_start_mb = figures["rss_start"] / 2**20
        result.rss_peak_mb = figures["rss_peak"] / 2**20
        result.rss_end_mb = figures["rss_end"] / 2**20
        result.rss_growth_mb = result.rss_end_mb - result.rss_start_mb
        result.rss_peak_growth_mb = result.rss_peak_mb - result.rss_start_mb
        reasons = []
        if figures["csv_rows"] is not None and figures["csv_rows"] != result.rows:
            reasons.append(f"{figures['csv_rows']:,} rows written of {result.rows:,}")
        if export.judged and export.fmt == "csv" and result.rows_per_s < EXPORT_MIN_CSV_ROWS_PER_S:
            reasons.append(
                f"{_n(result.rows_per_s)} rows/s < {_n(EXPORT_MIN_CSV_ROWS_PER_S)} rows/s"
            )
        if (
            export.judged
            and export.fmt == "xlsx"
            and result.rss_growth_mb > EXPORT_MAX_RSS_GROWTH_MB
        ):
            reasons.append(
                f"RSS {result.rss_growth_mb:+.0f} MB after it > +{EXPORT_MAX_RSS_GROWTH_MB:.0f} MB"
            )
        result.reasons = reasons
        result.met = not reasons if export.judged else (False if reasons else None)
        if log:
            log(
                f"{export.label}: {result.rows:,} rows in {result.median_s:.2f} s "
                f"({result.rows_per_s:,.0f} rows/s), {result.bytes / 2**20:.1f} MB, "
                f"{result.queries} queries; RSS {result.rss_start_mb:.0f} MB, peak "
                f"{result.rss_peak_mb:.0f}, after {result.rss_end_mb:.0f} "
                f"({result.rss_growth_mb:+.1f} MB)"
            )
        out.append(result)
    return out


# --- First and repeat visit ---------------------------------------------------------------------


@dataclass
class AssetResult:
    url: str
    raw_bytes: int
    sent_bytes: int
    encoding: str
    cache_control: str
    far_future: bool


@dataclass
class VisitResult:
    html_bytes: int = 0
    html_gzip_bytes: int = 0
    assets: list[AssetResult] = field(default_factory=list)
    first_visit_bytes: int = 0
    repeat_visit_bytes: int = 0
    met: bool | None = None
    reasons: list[str] = field(default_factory=list)


_ASSET = re.compile(r"""<(?:script|link|img)\b[^>]*?\b(?:src|href)="([^"]+)"[^>]*>""", re.I)


def _max_age(cache_control: str) -> int:
    match = re.search(r"max-age=(\d+)", cache_control)
    return int(match.group(1)) if match else 0


def bench_first_visit(*, log=None) -> VisitResult:
    """Collect the static files as production does, then weigh the home page's first visit.

    A static file is counted as its gzip file where WhiteNoise made one (it does
    when that is smaller), as the browser receives it; the HTML as sent by Django
    (no compression in the app). Each file is fetched through WhiteNoise to read
    its Cache-Control.
    """
    result = VisitResult()
    with tempfile.TemporaryDirectory(prefix="hubplan-static-") as root:
        storages = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
        }
        with override_settings(STATIC_ROOT=root, STORAGES=storages, WHITENOISE_USE_FINDERS=False):
            call_command("collectstatic", interactive=False, verbosity=0)
            with signed_in_client(bench_user()) as client:
                html = client.get(reverse("home")).content
                result.html_bytes = len(html)
                result.html_gzip_bytes = len(gzip.compress(html, 6))
                static_url = settings.STATIC_URL
                if not static_url.startswith("/"):
                    static_url = "/" + static_url
                urls = dict.fromkeys(
                    u for u in _ASSET.findall(html.decode()) if u.startswith(static_url)
                )
                for url in urls:
                    name = url[len(static_url) :].split("?")[0]
                    file = Path(root) / name
                    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip, br")
                    sent = b"".join(response.streaming_content) if response.streaming else b""
                    cache = response.get("Cache-Control", "")
                    result.assets.append(
                        AssetResult(
                            url=url,
                            raw_bytes=file.stat().st_size if file.exists() else 0,
                            sent_bytes=len(sent),
                            encoding=response.get("Content-Encoding", "identity"),
                            cache_control=cache,
                            far_future=response.status_code == 200
                            and _max_age(cache) >= FAR_FUTURE_SECONDS,
                        )
                    )
    result.first_visit_bytes = result.html_bytes + sum(a.sent_bytes for a in result.assets)
    result.repeat_visit_bytes = result.html_bytes + sum(
        a.sent_bytes for a in result.assets if not a.far_future
    )
    reasons = []
    if result.first_visit_bytes > FIRST_VISIT_MAX_BYTES:
        reasons.append(f"first visit {result.first_visit_bytes / 2**20:.2f} MB > 2 MB")
    if stale := [a.url for a in result.assets if not a.far_future]:
        reasons.append("no far-future Cache-Control: " + ", ".join(stale))
    result.met = not reasons
    result.reasons = reasons
    if log:
        log(
            f"First visit: {result.first_visit_bytes / 1024:.0f} KiB "
            f"({len(result.assets)} static files), repeat visit {result.repeat_visit_bytes / 1024:.0f} KiB"
        )
    return result


# --- The whole run and its report ---------------------------------------------------------------


def data_sizes() -> dict[str, int]:
    """Row counts of the tables the pages aggregate (estimates are not good enough here)."""
    from actionplan.models import Activity
    from hubs.models import Hub, HubMonthlyUse
    from mapping.models import Municipality, SurveyResponse
    from remoteagreements.models import DistanceAgreement, Employee

    return {
        "kommuner": Municipality.objects.count(),
        "employees": Employee.objects.count(),
        "agreements": DistanceAgreement.objects.count(),
        "hubs": Hub.objects.count(),
        "hub_months": HubMonthlyUse.objects.count(),
        "survey_responses": SurveyResponse.objects.count(),
        "activities": Activity.objects.count(),
    }


def _pg_version() -> str:
    connection.ensure_connection()
    version = connection.pg_version  # e.g. 180004
    return f"{version // 10000}.{version % 10000}"


def run(
    *,
    scale: str,
    requests: int = 20,
    import_rows: int = 1_000_000,
    encoding: str = "cp1252",
    pages: bool = True,
    survey_import: bool = True,
    first_visit: bool = True,
    exports: bool = True,
    export_requests: int = 3,
    log=None,
) -> dict:
    """Every measurement, as a JSON-ready dict."""
    report = {
        "scale": scale,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(),
        # Other work on the machine slows every figure; the load says how much there was.
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "machine": f"{platform.system()} {platform.machine()}, Python {platform.python_version()}",
        "database": settings.DATABASES["default"]["NAME"],
        "postgres": _pg_version(),
        "data": data_sizes(),
        "targets": {
            "page_p95_ms": PAGE_P95_MS,
            "page_max_queries": PAGE_MAX_QUERIES,
            "page_max_sql_ratio": PAGE_MAX_SQL_RATIO,
            "import_min_share_of_copy": IMPORT_MIN_COPY_SHARE,
            "import_max_peak_mb": IMPORT_MAX_PEAK_MB,
            "first_visit_max_bytes": FIRST_VISIT_MAX_BYTES,
            "export_min_csv_rows_per_s": EXPORT_MIN_CSV_ROWS_PER_S,
            "export_max_rss_growth_mb": EXPORT_MAX_RSS_GROWTH_MB,
        },
        "requests_per_page": requests,
    }
    if pages:
        report["pages"] = [asdict(r) for r in bench_pages(requests, log=log)]
    if survey_import:
        report["import"] = asdict(bench_import(import_rows, encoding=encoding, log=log))
    if first_visit:
        report["first_visit"] = asdict(bench_first_visit(log=log))
    if exports:
        report["exports"] = [asdict(r) for r in bench_exports(export_requests, log=log)]
    return report


def _n(value, digits: int = 0) -> str:
    """A number with a space between thousands (as in Swedish), ``digits`` decimals."""
    return f"{value:,.{digits}f}".replace(",", " ")


def _ms(value) -> str:
    return "–" if value is None else f"{value:.1f}"


def _verdict(met, reasons) -> str:
    if met is None:
        return "skipped: " + "; ".join(reasons) if reasons else "–"
    return "met" if met else "**missed**: " + "; ".join(reasons)


def _measured(report: dict) -> str:
    data = report["data"]
    return (
        f"Measured {report['date']} on {report['cpu_count']} CPUs ({report['machine']}), "
        f"PostgreSQL {report['postgres']}, database `{report['database']}`; load average "
        f"at the start {' / '.join(str(x) for x in report['load_average'])} (1/5/15 min). "
        "Data: " + ", ".join(f"{_n(n)} {k.replace('_', ' ')}" for k, n in data.items()) + "."
    )


PARTS = ("pages", "import", "first_visit", "exports")


def markdown_parts(report: dict) -> dict[str, str]:
    """The run as markdown, one subsection per part measured (pages, import, first visit)."""
    parts = {}
    if "pages" in report:
        lines = [
            f"### Pages ({report['requests_per_page']} requests each, signed in as a superuser)",
            "",
            _measured(report),
            "",
            "Median, p95, queries and the target: each page computed, as on the first view "
            "after a write (cached page parts emptied before every request). *Cached*: the "
            "views after it, while the data stays the same.",
            "",
            "| page | URL | median ms | p95 ms | queries | its SQL ms | page ÷ SQL | target "
            "| cached median ms | cached p95 ms | cached queries |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |",
        ]
        for p in report["pages"]:
            ratio = "–" if p["ratio"] is None else f"{p['ratio']:.1f}×"
            queries = "–" if p["queries"] is None else str(p["queries"])
            cached_queries = "–" if p.get("cached_queries") is None else str(p["cached_queries"])
            url = f"`{p['url']}`" if p["url"] else "–"
            lines.append(
                f"| {p['label']} | {url} | {_ms(p['median_ms'])} | {_ms(p['p95_ms'])} | "
                f"{queries} | {_ms(p['sql_ms'])} | {ratio} | "
                f"{'reference' if p.get('reference') else _verdict(p['met'], p['reasons'])} | "
                f"{_ms(p.get('cached_median_ms'))} | {_ms(p.get('cached_p95_ms'))} | "
                f"{cached_queries} |"
            )
        parts["pages"] = "\n".join(lines) + "\n"
    if "import" in report:
        i = report["import"]
        lines = [
            "### Survey import",
            "",
            _measured(report),
            "",
            f"A generated {_n(i['rows'])}-row Swedish-Excel CSV ({i['file_mb']:.0f} MB, "
            f"{i['encoding']}, `;`, decimal commas) through `mapping.imports.import_file`, "
            "against `COPY` of the same file into a bare table of text columns.",
            "",
            "| | rows/s | seconds | peak RSS MB | target |",
            "| --- | ---: | ---: | ---: | --- |",
            f"| import | {_n(i['import_rows_per_s'])} | {i['import_s']:.1f} | "
            f"{i['peak_rss_mb']:.0f} (+{i['rss_increase_mb']:.0f}) | "
            f"{_verdict(i['met'], i['reasons'])} |",
            f"| raw COPY | {_n(i['copy_rows_per_s'])} | {i['copy_s']:.1f} | – | – |",
            f"| import ÷ COPY | {100 * i['share_of_copy']:.1f} % | | | ≥ 50 % |",
        ]
        if i.get("steps"):
            lines += [
                "",
                "Where the import's time goes (seconds): "
                + ", ".join(f"{name} {seconds:.1f}" for name, seconds in i["steps"].items())
                + ".",
            ]
        parts["import"] = "\n".join(lines) + "\n"
    if "first_visit" in report:
        v = report["first_visit"]
        lines = [
            "### First and repeat visit (home page, compressed cache-busted static files)",
            "",
            _measured(report),
            "",
            "| file | bytes sent | encoding | Cache-Control |",
            "| --- | ---: | --- | --- |",
            f"| home page HTML | {_n(v['html_bytes'])} (gzip {_n(v['html_gzip_bytes'])}) | "
            "identity | – |",
        ]
        for a in v["assets"]:
            lines.append(
                f"| `{a['url']}` | {_n(a['sent_bytes'])} | {a['encoding']} | {a['cache_control']} |"
            )
        lines += [
            f"| **first visit** | **{_n(v['first_visit_bytes'])}** | | "
            f"{_verdict(v['met'], v['reasons'])} |",
            f"| **repeat visit** | **{_n(v['repeat_visit_bytes'])}** | | only what is not cached |",
        ]
        parts["first_visit"] = "\n".join(lines) + "\n"
    if "exports" in report:
        lines = [
            "### Exports (the agreement register, each in a fresh process)",
            "",
            _measured(report),
            "",
            "Signed in as a superuser (the whole register), through the test client, the "
            "streamed body read to the end; each export in a Python process of its own after "
            "a warm-up download with no rows. Median of "
            f"{report['exports'][0]['requests'] if report['exports'] else 0} downloads. RSS: "
            "the process before the first download, at its peak and after the last.",
            "",
            "| export | URL | rows | MB | seconds | rows/s | queries | RSS before MB "
            "| peak MB | after MB | target |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        ]
        for e in report["exports"]:
            target = _verdict(e["met"], e["reasons"]) if e["judged"] else "reported"
            if not e["judged"] and e["reasons"]:
                target = "**failed**: " + "; ".join(e["reasons"])
            lines.append(
                f"| {e['label']} | `{e['url']}?format={e['fmt']}` | {_n(e['rows'])} | "
                f"{e['bytes'] / 2**20:.1f} | {e['median_s']:.2f} | {_n(e['rows_per_s'])} | "
                f"{e['queries']} | {e['rss_start_mb']:.0f} | {e['rss_peak_mb']:.0f} "
                f"({e['rss_peak_growth_mb']:+.0f}) | {e['rss_end_mb']:.0f} "
                f"({e['rss_growth_mb']:+.0f}) | {target} |"
            )
        parts["exports"] = "\n".join(lines) + "\n"
    return parts


HEADER = """# Benchmarks

Written by `python manage.py bench [--scale region|national] [--json PATH]` (see
`hubplan/bench.py` for what is measured and how). Each measured part (pages, import,
first visit) of a scale is replaced by its latest run; text outside the generated parts,
like the notes below, is kept.

Targets at national scale on a 2-core machine (issue 9): every main page p95 ≤ 150 ms,
≤ 15 queries and ≤ 2× the time of its own SQL; the survey import ≥ 50 % of raw `COPY`'s
rows per second with peak memory ≤ 500 MB; the first visit ≤ 2 MB, a repeat visit only
the HTML. Exports (issue 17): the 60 000-agreement CSV ≥ 50 000 rows/s, its XLSX leaves
the worker's RSS ≤ 50 MB above where it started.
"""


def write_markdown(path: Path, report: dict) -> None:
    """Replace (or add) the measured parts of the report's scale in ``path``.

    Each part sits between its own markers, so a run of the pages alone keeps the
    last import figures; text outside the markers is kept as written.
    """
    scale = report["scale"]
    text = path.read_text() if path.exists() else HEADER
    for part, body in markdown_parts(report).items():
        start, end = f"<!-- bench:{scale}:{part}:start -->", f"<!-- bench:{scale}:{part}:end -->"
        block = f"{start}\n{body}{end}\n"
        pattern = re.compile(re.escape(start) + r".*?" + re.escape(end) + r"\n?", re.S)
        if pattern.search(text):
            text = pattern.sub(lambda _m, block=block: block, text)
            continue
        ends = [m.end() for m in re.finditer(rf"<!-- bench:{scale}:\w+:end -->\n?", text)]
        if ends:  # after the scale's other parts
            text = text[: ends[-1]] + "\n" + block + text[ends[-1] :]
        else:
            text = text.rstrip("\n") + f"\n\n## {scale.capitalize()} scale\n\n" + block
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
