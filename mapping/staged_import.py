"""The survey import at database speed: COPY the CSV into a temporary table, judge each
distinct value once, then one ``INSERT … SELECT``.

Why: judging a million rows cell by cell in Python and writing them with ``bulk_create``
ran at under 1 % of the speed of PostgreSQL's own ``COPY`` (``docs/benchmarks.md``). A
survey column holds few distinct values (290 kommuner, five modes, a few thousand
distances), so the rules run once per distinct value instead of once per cell.

The rules are not repeated here: every value is judged by
:meth:`mapping.imports.RowValidator.clean`, the same function the row-by-row path calls
per cell, so a cell gets the same value or the same error either way. What differs is
who parses the CSV: PostgreSQL instead of pandas. Where the two could read a file
differently, this path declines (:class:`Declined`) and the caller falls back to the
row-by-row path, which stays the reference:

- a file whose header has fewer than two columns (a blank line is then a row);
- a NUL byte, a byte Windows-1252 leaves undefined, or a line that is only ``\\.``;
- a quote that does not open or close a whole field (pandas skips blanks before a
  quote, PostgreSQL keeps them);
- anything PostgreSQL refuses to read: ragged rows, blank lines, mixed line ends, a
  quoted field left open, bad UTF-8.

XLSX, and CSV with title rows above the header or empty trailing columns, are first
written out as a plain CSV (header on the first line, the used columns only) from the
very frames the row-by-row path reads (:func:`hubplan.tabular.read_table`, calamine for
XLSX), so both paths see the same cells; errors still name the rows as the file has them.

Everything happens in the caller's transaction; the temporary tables go at its end.
The plain copy lives in a private temporary directory only while it is copied in.

A job's ``progress`` (:class:`hubplan.jobs.Progress`, or anything with its ``stage``
and ``advance``) hears the stages as they go: "reading" (the plain copy, then the COPY
fed in 1 MiB blocks, by bytes), "checking" (each column's distinct values judged).
"""

from __future__ import annotations

import csv
import mmap
import re
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.utils.translation import gettext as _

from hubplan.tabular import XLSX_MAGIC, TableError, csv_layout, read_table

from .imports import (
    CODED_FIELDS,
    COLUMNS,
    ERR_MISSING_COLUMN,
    FIRST_ROWS,
    MAX_ERRORS_KEPT,
    MAX_GROUPS,
    ErrorGroup,
    Report,
    RowError,
    RowValidator,
    missing_required,
)

STAGE = "survey_stage"
# Windows-1252 has no character for these bytes: Python refuses them, PostgreSQL might not.
_CP1252_UNDEFINED = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")
_END_MARKER = re.compile(rb"(?:^|[\r\n])\\\.(?:[\r\n]|$)")
_QUOTED = re.compile(rb'"(?:[^"]|"")*"')
_QUOTE = re.compile(rb'"')
# Fields whose value is the stripped text itself: only their blank-edged values need Python.
_PLAIN_TEXT = {"comment"}
# The staged value's SQL type, by field (text when absent).
_CASTS = {
    "distance_km": "numeric",
    "travel_minutes": "integer",
    "commute_days_per_week": "numeric",
    "work_hours_per_day": "numeric",
    "hub_days_per_week": "numeric",
}
_NULLABLE = set(_CASTS)
_DB_COLUMN = {
    "home_municipality": "home_municipality_id",
    "workplace_municipality": "workplace_municipality_id",
}


class Declined(Exception):
    """This file is better read by the row-by-row path (see the module docstring)."""


def _quotes_are_whole_fields(data, delimiter: bytes) -> bool:
    """Every quote opens or closes a whole field (or is a doubled quote inside one)."""
    ends = (delimiter, b"\r", b"\n")
    quotes_in_fields = 0
    for match in _QUOTED.finditer(data):
        start, end = match.span()
        if start and data[start - 1 : start] not in ends:
            return False
        if end < len(data) and data[end : end + 1] not in ends:
            return False
        quotes_in_fields += match.group().count(b'"')
    return quotes_in_fields == len(_QUOTE.findall(data))


def _check_bytes(path: Path, encoding: str, delimiter: str) -> None:
    """Decline files the two parsers could read differently (see the module docstring)."""
    with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
        if data.find(b"\x00") != -1:
            raise Declined("NUL")
        if encoding == "cp1252" and any(data.find(b) != -1 for b in _CP1252_UNDEFINED):
            raise Declined("undefined cp1252 byte")
        if data.find(b"\\.") != -1 and _END_MARKER.search(data):  # find() is 20× faster
            raise Declined("end-of-data marker")
        if data.find(b'"') != -1 and not _quotes_are_whole_fields(data, delimiter.encode()):
            raise Declined("quotes")


def _headers(path: Path) -> list[str]:
    with open(path, "rb") as fh:
        frame = next(read_table(fh, nrows=0), None)
    return [] if frame is None else [str(h) for h in frame.columns]


def _literal(text: str) -> str:
    return "E'\\t'" if text == "\t" else "'" + text.replace("'", "''") + "'"


@dataclass
class _Lookup:
    """One field's distinct values, judged: the temporary table and what it holds."""

    field: str
    column: str | None  # the staging column; None when the file has no such column
    table: str = ""
    has_errors: bool = False
    constant: tuple = (None, None, "", "")  # (value, reason, shown, employer) when unmapped


@dataclass
class Staged:
    """A CSV file copied into a temporary table, with every value judged."""

    mapping: dict[str, str]
    validator: RowValidator
    # The spreadsheet row of the first data row: 2, or lower down below title rows.
    first_row: int = 2
    total_rows: int = 0
    lookups: list[_Lookup] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    def _key(self, lookup: _Lookup) -> str:
        return f"coalesce(s.{lookup.column}, '')"

    def _error_union(self) -> str:
        """SQL of every invalid cell as (rn, column index, shown, reason)."""
        parts = []
        for index, lookup in enumerate(self.lookups):
            if lookup.column is None:
                if lookup.constant[1]:
                    parts.append(
                        f"SELECT s.rn, {index} AS idx, '' AS shown, "
                        f"{_literal(lookup.constant[1])} AS reason FROM {STAGE} s"
                    )
            elif lookup.has_errors:
                parts.append(
                    f"SELECT s.rn, {index} AS idx, l.shown, l.reason FROM {STAGE} s "
                    f"JOIN {lookup.table} l ON l.raw = {self._key(lookup)} "
                    "WHERE l.reason IS NOT NULL"
                )
        return " UNION ALL ".join(parts)

    def report(self) -> Report:
        """The same report :func:`mapping.imports.validate_file` makes row by row."""
        report = Report(total_rows=self.total_rows)
        for column in missing_required(self.mapping):
            report.add(RowError(1, column, "", _(ERR_MISSING_COLUMN).format(column=column)))
        union = self._error_union()
        invalid = 0
        if union:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT count(*), count(DISTINCT rn) FROM ({union}) e")
                error_count, invalid = cursor.fetchone()
                cursor.execute(
                    f"SELECT rn, idx, shown, reason FROM ({union}) e ORDER BY rn, idx LIMIT %s",
                    [MAX_ERRORS_KEPT],
                )
                kept = cursor.fetchall()
                offset = self.first_row - 1  # rn counts from 1
                for rn, index, shown, reason in kept[: MAX_ERRORS_KEPT - len(report.errors)]:
                    header = self.validator.header(self.lookups[index].field)
                    report.errors.append(RowError(rn + offset, header, shown, reason))
                report.error_count += error_count
                self._groups(cursor, union, report, offset)
        report.invalid_rows = invalid
        report.valid_rows = self.total_rows - invalid
        self._answers(report, union)
        return report

    def _groups(self, cursor, union: str, report: Report, offset: int) -> None:
        """The errors grouped by column and value, as Report.add groups them row by row:
        in the order of each group's first row (then column), at most MAX_GROUPS."""
        cursor.execute(
            f"SELECT idx, shown, reason, count(*), (array_agg(rn ORDER BY rn))[1:%s] "
            f"FROM ({union}) e GROUP BY idx, shown, reason ORDER BY min(rn), idx LIMIT %s",
            [FIRST_ROWS, 2 * MAX_GROUPS],
        )
        merged: dict[tuple[str, str, str], ErrorGroup] = dict(report.groups)
        for index, shown, reason, count, rows in cursor.fetchall():
            key = (self.validator.header(self.lookups[index].field), shown, reason)
            group = merged.get(key)
            if group is None:
                group = merged[key] = ErrorGroup(*key)
            group.count += count
            # Two fields read from one column share a group: its first rows of both.
            group.rows = sorted({*group.rows, *(rn + offset for rn in rows)})[:FIRST_ROWS]
        report.groups = dict(list(merged.items())[:MAX_GROUPS])

    def _answers(self, report: Report, union: str) -> None:
        """Each coded column's answers among the valid and the invalid rows, counted in
        SQL: the code where the value is valid ("" blank), else the file's text."""
        bad = (
            f"LEFT JOIN (SELECT DISTINCT rn FROM ({union}) e) bad ON bad.rn = s.rn" if union else ""
        )
        dropped = "bad.rn IS NOT NULL" if union else "false"
        with connection.cursor() as cursor:
            for lookup in self.lookups:
                if lookup.field not in CODED_FIELDS or lookup.field not in self.validator.mapping:
                    continue
                if lookup.column is None:
                    value, reason, shown, _employer = lookup.constant
                    answer = shown if reason else ("" if value is None else str(value))
                    cursor.execute(f"SELECT {dropped}, count(*) FROM {STAGE} s {bad} GROUP BY 1")
                    rows = [(answer, is_dropped, n) for is_dropped, n in cursor.fetchall()]
                else:
                    cursor.execute(
                        "SELECT CASE WHEN l.reason IS NULL THEN coalesce(l.value, '') "
                        f"ELSE l.shown END, {dropped}, count(*) FROM {STAGE} s "
                        f"JOIN {lookup.table} l ON l.raw = {self._key(lookup)} {bad} "
                        "GROUP BY 1, 2"
                    )
                    rows = cursor.fetchall()
                for answer, is_dropped, n in rows:
                    target = report.dropped if is_dropped else report.kept
                    counts = target.setdefault(lookup.field, {})
                    counts[answer] = counts.get(answer, 0) + n

    def insert(self, *, round_id: int, import_id: int) -> int:
        """Write the valid rows, in file order; returns how many."""
        joins, wheres, selects = [], [], {}
        employer = None
        for lookup in self.lookups:
            f = lookup.field
            cast = _CASTS.get(f, "text")
            if lookup.column is None:
                value, _reason, _shown, employer_kind = lookup.constant
                if f == "organisation":
                    employer = _literal(employer_kind)
                if value is None:
                    selects[f] = "NULL" if f in _NULLABLE else "''"
                else:
                    selects[f] = f"{_literal(str(value))}::{cast}"
                continue
            alias = f"l_{f}"
            key = self._key(lookup)
            if f in _PLAIN_TEXT:
                joins.append(f"LEFT JOIN {lookup.table} {alias} ON {alias}.raw = {key}")
                selects[f] = (
                    f"CASE WHEN {alias}.raw IS NULL THEN s.{lookup.column} "
                    f"ELSE coalesce({alias}.value, '') END"
                )
            else:
                joins.append(f"JOIN {lookup.table} {alias} ON {alias}.raw = {key}")
                expression = f"{alias}.value::{cast}"
                selects[f] = expression if f in _NULLABLE else f"coalesce({expression}, '')"
            if f == "organisation":
                employer = f"{alias}.employer"
            if lookup.has_errors:
                wheres.append(f"{alias}.reason IS NULL")
        columns = [_DB_COLUMN.get(c.field, c.field) for c in COLUMNS]
        sql = (
            "INSERT INTO mapping_surveyresponse (round_id, survey_import_id, employer_kind, "
            + ", ".join(columns)
            + ") SELECT %s, %s, "
            + employer
            + ", "
            + ", ".join(selects[c.field] for c in COLUMNS)
            + f" FROM {STAGE} s "
            + " ".join(joins)
            + (" WHERE " + " AND ".join(wheres) if wheres else "")
            + " ORDER BY s.rn"
        )
        with connection.cursor() as cursor:
            # Rows go in in file order, as the row-by-row path writes them; with the
            # default 4 MB the sort of a million rows spills to disk (120 MB).
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute(sql, [round_id, import_id])
            imported = cursor.rowcount
            return imported

    def drop(self) -> None:
        """Drop the temporary tables now: inside a longer transaction (a test, a script
        importing several files) they would otherwise live until its commit."""
        tables = [STAGE, *(lookup.table for lookup in self.lookups if lookup.table)]
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {', '.join(tables)}")


class NoProgress:
    """Progress that nobody watches (the command, the benchmark, a test)."""

    cancelled = None

    def stage(self, name: str, total: int = 0) -> None:
        pass

    def advance(self, processed: int, total: int | None = None) -> None:
        pass


# The reading stage counts in these units: an XLSX file's plain copy (or a check's count
# of the answers) takes the first half, the COPY the rest or all (by bytes).
READ_UNITS = 1000


@dataclass(frozen=True)
class Plain:
    """A plain CSV copy of an XLSX or titled CSV file (:func:`plain_copy`)."""

    path: Path
    headers: list[str]
    header_row: int


def needs_plain_copy(path: str | Path) -> bool:
    """Whether the COPY path reads ``path`` through a plain copy (XLSX, title rows,
    empty trailing columns). False also for a file it will decline anyway."""
    with open(path, "rb") as fh:
        head = fh.read(64 * 1024)
    if not head:
        return False
    if head.startswith(XLSX_MAGIC):
        return True
    try:
        return not csv_layout(head).plain
    except TableError:
        return False


def plain_copy(path: str | Path, directory: str | Path, progress=None) -> Plain:
    """The table of an XLSX file, or of a CSV with title rows or empty trailing columns,
    as a plain UTF-8 CSV in ``directory``. Written from read_table's own frames, so the
    COPY path reads exactly the cells the row path does. ``progress`` hears the first
    half of the reading stage (the caller has started it). Raises :class:`Declined`."""
    progress = progress or NoProgress()
    path = Path(path)
    header_row, headers = 1, []
    out = Path(directory) / "plain.csv"
    size = max(1, path.stat().st_size)
    try:
        with open(path, "rb") as fh, open(out, "w", encoding="utf-8", newline="") as dst:
            writer = csv.writer(dst, delimiter=",", lineterminator="\n")
            for number, frame in enumerate(read_table(fh, chunksize=50_000)):
                if number == 0:
                    headers = [str(h) for h in frame.columns]
                    header_row = frame.attrs.get("header_row", 1)
                    writer.writerow(headers)
                writer.writerows(frame.itertuples(index=False, name=None))
                # How far the reader is in the file (calamine reads an XLSX whole).
                progress.advance(READ_UNITS // 2 * min(fh.tell(), size) // size)
    except (TableError, OSError) as exc:
        raise Declined(str(exc)) from None
    return Plain(out, headers, header_row)


def stage(
    path: str | Path,
    mapping: dict[str, str],
    coding: dict | None = None,
    *,
    progress=None,
    plain: Plain | None = None,
    reading_from: int = 0,
) -> Staged:
    """Copy the CSV into a temporary table and judge its values; needs a transaction.

    Raises :class:`Declined` (with the savepoint rolled back, nothing left behind) when
    the row-by-row path should read the file instead. ``progress`` hears the reading and
    checking stages (see the module docstring); ``reading_from`` > 0 when the caller
    already started the reading stage and took that many of its :data:`READ_UNITS`.
    ``plain`` is the file's plain copy made beforehand (the check's, kept for the import).
    """
    if not connection.in_atomic_block:  # the temporary tables live until the commit
        raise RuntimeError("stage() needs a transaction")
    progress = progress or NoProgress()
    if not reading_from:
        progress.stage("reading", total=READ_UNITS)
    clock = time.perf_counter()
    path = Path(path)
    if plain is not None:
        return _stage_copy(plain, mapping, coding, clock, progress, reading_from)
    with open(path, "rb") as fh:
        head = fh.read(64 * 1024)
    if not head:
        raise Declined("empty file")
    try:
        layout = None if head.startswith(XLSX_MAGIC) else csv_layout(head)
    except TableError as exc:
        raise Declined(str(exc)) from None
    if layout is None or not layout.plain:
        # The plain copy is needed only until it is copied in: a private directory
        # that goes with this call, never a file left between two steps.
        with tempfile.TemporaryDirectory(prefix="hubplan-plain-") as directory:
            copy = plain_copy(path, directory, progress)
            return _stage_copy(copy, mapping, coding, clock, progress, READ_UNITS // 2)
    try:
        headers = _headers(path)
    except TableError as exc:
        raise Declined(str(exc)) from None
    return _stage_plain(
        path,
        headers,
        mapping,
        coding,
        layout.encoding,
        layout.delimiter,
        clock,
        progress,
        reading_from,
    )


def _stage_copy(plain: Plain, mapping, coding, clock, progress, reading_from) -> Staged:
    staged = _stage_plain(
        plain.path,
        plain.headers,
        mapping,
        coding,
        "utf-8-sig",
        ",",
        clock,
        progress,
        reading_from,
    )
    staged.first_row = plain.header_row + 1
    return staged


def _cancelled(exc: BaseException) -> bool:
    """Not a file PostgreSQL could not read, but a statement the job's heartbeat
    cancelled or a connection that went away (a restart, a terminated backend): it
    must end the job, not send the file down the row path (minutes for a big file)."""
    gone = (psycopg.OperationalError, psycopg.InterfaceError, OperationalError, InterfaceError)
    return any(isinstance(e, gone) for e in (exc, exc.__cause__, exc.__context__))


def _stage_plain(
    path, headers, mapping, coding, encoding, delimiter, clock, progress, start=0
) -> Staged:
    """stage() of a CSV whose header is its first line and whose columns are all used.

    The COPY reports the reading stage from ``start`` (of :data:`READ_UNITS`) to the end.
    """
    if len(headers) < 2:
        raise Declined("fewer than two columns")
    _check_bytes(path, encoding, delimiter)
    positions = {h: i for i, h in enumerate(headers)}
    validator = RowValidator(mapping, coding)
    staged = Staged(mapping=mapping, validator=validator)
    size = max(1, Path(path).stat().st_size)

    def copied(done: int) -> None:
        progress.advance(start + (READ_UNITS - start) * done // size)

    try:
        with transaction.atomic():
            _copy(path, encoding, delimiter, len(headers), copied)
            with connection.cursor() as cursor:
                # Without statistics the planner takes the stage for a few rows and joins
                # it by nested loops.
                cursor.execute(f"ANALYZE {STAGE}")
                cursor.execute(f"SELECT count(*) FROM {STAGE}")
                staged.total_rows = cursor.fetchone()[0]
            for column in COLUMNS:
                header = validator.mapping.get(column.field)
                position = positions.get(header) if header else None
                staged.lookups.append(
                    _Lookup(column.field, None if position is None else f"c{position}")
                )
            staged.timings["copy"] = time.perf_counter() - clock
            clock = time.perf_counter()
            _judge(staged.lookups, validator, progress)
            staged.timings["judge"] = time.perf_counter() - clock
    except (DatabaseError, psycopg.Error) as exc:  # PostgreSQL could not read the file
        if _cancelled(exc):
            raise
        raise Declined(str(exc)) from None
    return staged


def _copy(path: Path, encoding: str, delimiter: str, width: int, copied=None) -> None:
    """COPY the file into the staging table in 1 MiB blocks; ``copied(bytes)`` after each."""
    columns = ", ".join(f"c{i}" for i in range(width))
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE {STAGE} (rn bigint GENERATED ALWAYS AS IDENTITY, "
            + ", ".join(f"c{i} text" for i in range(width))
            + ") ON COMMIT DROP"
        )
        pg_encoding = "WIN1252" if encoding == "cp1252" else "UTF8"
        sql = (
            f"COPY {STAGE} ({columns}) FROM STDIN WITH (FORMAT csv, DELIMITER "
            f"{_literal(delimiter)}, HEADER true, ENCODING '{pg_encoding}')"
        )
        with open(path, "rb") as fh, cursor.cursor.copy(sql) as copy:
            if encoding == "utf-8-sig" and fh.read(3) != b"\xef\xbb\xbf":
                fh.seek(0)  # COPY knows no byte-order mark
            while block := fh.read(1 << 20):
                copy.write(block)
                if copied:
                    copied(fh.tell())


def _distinct_values(lookups: list[_Lookup]) -> dict[str, list[str]]:
    """Each staging column's distinct values (blank as ''), in one pass where possible."""
    plain = {lk.column for lk in lookups if lk.column and lk.field in _PLAIN_TEXT}
    judged = sorted({lk.column for lk in lookups if lk.column} - plain)
    values: dict[str, list[str]] = {c: [] for c in judged}
    with connection.cursor() as cursor:
        if judged:
            # One scan with a hash table per column instead of a scan per column. A row of
            # the result carries one column's value; the others are NULL, which a value
            # never is once blanks are ''.
            keys = [f"coalesce({c}, '')" for c in judged]
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute(
                f"SELECT {', '.join(keys)} FROM {STAGE} "
                f"GROUP BY GROUPING SETS ({', '.join(f'({k})' for k in keys)})"
            )
            for row in cursor.fetchall():
                for column, value in zip(judged, row, strict=True):
                    if value is not None:
                        values[column].append(value)
        for c in plain:
            # Text that starts and ends with a printable ASCII character is its own
            # stripped value; only the rest (blanks, blank edges, other scripts) needs
            # Python, so a million different comments are not sent back and forth.
            cursor.execute(
                f"SELECT DISTINCT coalesce({c}, '') FROM {STAGE} WHERE {c} IS NULL"
                f" OR NOT (ascii({c}) BETWEEN 33 AND 126 AND ascii(right({c}, 1)) BETWEEN 33 AND 126)"
            )
            values[c] = [r[0] for r in cursor.fetchall()]
    return values


def _judge(lookups: list[_Lookup], validator: RowValidator, progress=None) -> None:
    """Judge each field's distinct values with the row path's rules, into a temp table.

    ``progress`` hears the checking stage: the distinct values' scan, then one step
    per column judged."""
    progress = progress or NoProgress()
    progress.stage("checking", total=len(lookups) + 1)
    values = _distinct_values(lookups)
    progress.advance(1)
    for index, lookup in enumerate(lookups):
        if lookup.column is None:
            value, reason, shown = validator.clean(lookup.field, None)
            lookup.constant = (value, reason, shown, validator.employer(""))
        else:
            lookup.table = f"survey_lookup_{index}"
    tables = [lookup.table for lookup in lookups if lookup.table]
    if not tables:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "; ".join(
                f"CREATE TEMP TABLE {t} (raw text, value text, reason text, shown text,"
                " employer text) ON COMMIT DROP"
                for t in tables
            )
        )
        for lookup in lookups:
            if not lookup.table:
                continue
            f = lookup.field
            progress.advance(1 + lookups.index(lookup))
            with cursor.cursor.copy(f"COPY {lookup.table} FROM STDIN") as copy:
                for raw in values[lookup.column]:
                    value, reason, shown = validator.clean(f, raw)
                    if reason:
                        lookup.has_errors = True
                    employer = validator.employer(value or "") if f == "organisation" else None
                    copy.write_row(
                        (raw, None if value is None else str(value), reason, shown, employer)
                    )
        cursor.execute(f"ANALYZE {', '.join(tables)}")
