"""CSV and XLSX downloads for every table in the app, written once.

CSV is what Swedish Excel opens directly: semicolon-separated, UTF-8 with BOM.
Every text cell that a spreadsheet would read as a formula (starting with
``=``, ``+``, ``-``, ``@``, tab or carriage return) is prefixed with an
apostrophe, so a hostile value in the data cannot run in the user's Excel.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse
from django.utils.text import slugify
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMATS = ("csv", "xlsx")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


def table_response(
    headers: Sequence[str], rows: Iterable[Sequence], *, filename: str, fmt: str
) -> HttpResponse:
    """A download of ``rows`` under ``headers`` as ``fmt`` ("csv" or "xlsx")."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    name = slugify(filename) or "export"
    if fmt == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerow([neutralise(str(h)) for h in headers])
        writer.writerows([_csv_cell(v) for v in row] for row in rows)
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=name[:31])
        sheet.append([_xlsx_cell(str(h)) for h in headers])
        for row in rows:
            sheet.append([_xlsx_cell(v) for v in row])
        out = io.BytesIO()
        workbook.save(out)
        response = HttpResponse(out.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
