"""CSV and XLSX downloads for every table in the app, written once.

CSV is what Swedish Excel opens directly: semicolon-separated, UTF-8 with BOM.
Every text cell that a spreadsheet would read as a formula (starting with
``=``, ``+``, ``-``, ``@``, tab or carriage return) is prefixed with an
apostrophe, so a hostile value in the data cannot run in the user's Excel.

Two ways out, with the same bytes for the same rows:

- :func:`table_response` builds the whole file in memory: for small tables
  (aggregates, a few hundred rows, templates).
- :func:`streaming_table_response` keeps memory flat whatever the row count: CSV
  is streamed as it is written, XLSX is written in openpyxl's write-only mode to a
  temporary file and sent from there. Feed it :func:`query_rows` (a server-side
  cursor over plain ``values_list`` rows) for exports that can reach national size.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from itertools import islice

from django.db import connections, transaction
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils.text import slugify
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMATS = ("csv", "xlsx")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
# Rows written per chunk of a streamed CSV: about 100-200 KB, few enough writes to be cheap.
CSV_CHUNK_ROWS = 1000
# Rows fetched per round trip from the server-side cursor.
CURSOR_CHUNK_ROWS = 2000
# A workbook up to this size stays in memory; a larger one goes to a temporary file.
XLSX_SPOOL_BYTES = 1 << 20


def neutralise(value):
    """The cell value, with text that could be read as a formula made inert."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, float | Decimal):
        # Decimal comma, as Swedish Excel expects with a semicolon separator.
        return str(value).replace(".", ",")
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(neutralise(value))


def _decimal_comma(value) -> str:
    return str(value).replace(".", ",")


# The exact types a database row holds that need writing, each with its writer: a dict
# lookup instead of the chain of isinstance tests. Anything else (subclasses of str such
# as lazy or safe strings, enum members) goes through _csv_cell, so the bytes are the
# same either way.
_CSV_BY_TYPE = {
    bool: _csv_cell,
    Decimal: _decimal_comma,
    float: _decimal_comma,
    datetime: datetime.isoformat,
}
# Written as they are: the csv module writes None as "" and anything else as str(value),
# which for an int and a date is what _csv_cell gives (str(date) is its isoformat()).
_CSV_AS_IS = frozenset({int, type(None), date})


def _csv_row(row: Sequence, by_type=_CSV_BY_TYPE, as_is=_CSV_AS_IS, start=_FORMULA_START) -> list:
    """The row's cells for csv.writer, as _csv_cell writes them, cheaply: text (the most
    common cell) and the types written as they are take no function call."""
    return [
        (("'" + v) if v.startswith(start) else v)
        if (t := type(v)) is str
        else v
        if t in as_is
        else by_type.get(t, _csv_cell)(v)
        for v in row
    ]


def _xlsx_cell(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime) and value.tzinfo:
        return value.replace(tzinfo=None)
    if isinstance(value, str):
        # XLSX cannot hold most control characters (openpyxl refuses the whole file);
        # they go before the formula check, so "\x0b=1" is still neutralised.
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return neutralise(value)


def _name(filename: str) -> str:
    return slugify(filename) or "export"


def _check(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")


def _csv_chunks(headers: Sequence[str], rows: Iterable[Sequence]) -> Iterator[bytes]:
    """The CSV file as UTF-8 byte chunks of :data:`CSV_CHUNK_ROWS` rows, BOM and header first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow([neutralise(str(h)) for h in headers])
    rows = iter(rows)
    while True:
        batch = list(islice(rows, CSV_CHUNK_ROWS))
        if batch:
            writer.writerows(map(_csv_row, batch))
        chunk = buffer.getvalue()
        if chunk:
            yield chunk.encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
        if len(batch) < CSV_CHUNK_ROWS:
            return


def _write_xlsx(out, headers: Sequence[str], rows: Iterable[Sequence], sheet_title: str) -> None:
    """The workbook into the binary file ``out``, row by row (openpyxl write-only mode:
    rows go to a temporary file as they come, never a whole sheet of cells in memory)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    sheet.append([_xlsx_cell(str(h)) for h in headers])
    cell = _xlsx_cell
    for row in rows:
        sheet.append([cell(v) for v in row])
    workbook.save(out)


def table_response(
    headers: Sequence[str], rows: Iterable[Sequence], *, filename: str, fmt: str
) -> HttpResponse:
    """A download of ``rows`` under ``headers`` as ``fmt`` ("csv" or "xlsx"), built in memory.

    For small tables; a table that can grow with the data (thousands of rows and
    more) goes through :func:`streaming_table_response`.
    """
    _check(fmt)
    name = _name(filename)
    if fmt == "csv":
        response = HttpResponse(b"".join(_csv_chunks(headers, rows)), content_type=CSV_TYPE)
    else:
        out = io.BytesIO()
        _write_xlsx(out, headers, rows, name)
        response = HttpResponse(out.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def write_xlsx_file(
    out, headers: Sequence[str], rows: Iterable[Sequence], *, filename: str
) -> None:
    """The workbook of :func:`streaming_table_response` into the binary file ``out``: for
    an export built as a job on the worker (``hubplan.jobs``) and downloaded when done."""
    _write_xlsx(out, headers, rows, _name(filename))


class _ExportFileResponse(FileResponse):
    # 64 KiB reads instead of FileResponse's 4 KiB: fewer writes for a file of megabytes.
    block_size = 1 << 16


def streaming_table_response(
    headers: Sequence[str], rows: Iterable[Sequence], *, filename: str, fmt: str
) -> StreamingHttpResponse:
    """The same download as :func:`table_response`, in memory that does not grow with the rows.

    CSV: a StreamingHttpResponse that writes ``rows`` as the client reads them, so
    ``rows`` is consumed *after* the view has returned (and, with ATOMIC_REQUESTS,
    after the request's transaction has ended): rows from the database should come
    from :func:`query_rows`, which opens a transaction of its own. Everything the rows
    need from the request (the user's scope, translated labels) must be settled in the
    view, before this is returned.

    XLSX: the workbook is written in write-only mode into a temporary file (in memory
    up to 1 MB), here in the view, and sent from that file, which is deleted once sent.
    """
    _check(fmt)
    name = _name(filename)
    if fmt == "csv":
        response = StreamingHttpResponse(_csv_chunks(headers, rows), content_type=CSV_TYPE)
    else:
        # Not a with-block: the response owns the file and closes it after sending.
        out = tempfile.SpooledTemporaryFile(  # noqa: SIM115
            max_size=XLSX_SPOOL_BYTES, prefix="hubplan-export-"
        )
        try:
            _write_xlsx(out, headers, rows, name)
            out.seek(0)
        except BaseException:
            out.close()
            raise
        # FileResponse closes (and so deletes) the file when the response is closed.
        response = _ExportFileResponse(out, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def query_rows(queryset, *, chunk_size: int = CURSOR_CHUNK_ROWS) -> Iterator[tuple]:
    """The rows of ``queryset`` (best a ``values_list``: tuples, no model instances) from a
    server-side cursor, ``chunk_size`` rows per fetch.

    It runs in a transaction of its own, entered when the first row is asked for. A
    streamed body is read after the view returned, when the request's transaction
    (ATOMIC_REQUESTS) is over; outside a transaction Django would declare the cursor
    ``WITH HOLD``, and PostgreSQL materialises such a cursor's whole result before the
    first row. Inside one the rows are produced as they are fetched, and if the client
    goes away the generator is closed and the transaction rolled back. Inside the
    view (XLSX) the transaction is a savepoint of the request's.

    With ``DISABLE_SERVER_SIDE_CURSORS`` (needed behind pgbouncer's transaction
    pooling) Django fetches the whole result at once: memory then grows with the rows.
    """
    connection = connections[queryset.db]
    with transaction.atomic(using=queryset.db):
        if connection.vendor == "postgresql":
            # PostgreSQL plans a cursor for its first 10 % of rows (an index walk and
            # nested loops); an export reads them all, so plan for all of them (60 000
            # agreements: 0.55 → 0.35 s). LOCAL: it ends with the transaction.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL cursor_tuple_fraction = 1.0")
        yield from queryset.iterator(chunk_size=chunk_size)
