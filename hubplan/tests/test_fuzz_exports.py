"""Property-based tests of the CSV and XLSX downloads: any cell, no formula, no crash.

Whatever text the data holds, a download never fails and never carries a cell that a
spreadsheet would run: text starting with ``=``, ``+``, ``-``, ``@``, tab or carriage
return comes out behind an apostrophe. Fixed seed and a bounded number of examples.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils.safestring import mark_safe
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from hubplan.exports import _csv_cell, _csv_row, streaming_table_response, table_response
from hubplan.tests.fuzz import fuzz_settings, hostile_text
from hubs.models import Hub
from hubs.tests.test_hub_pages import hub_post_data

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

cells = st.one_of(
    hostile_text(),
    st.sampled_from(['=HYPERLINK("http://x")', "+1", "-1", "@A1", "\t=1", "\r=1", "\x0b=1"]),
    st.none(),
    st.booleans(),
    st.integers(),
    st.decimals(allow_nan=False, allow_infinity=False),
    st.dates(),
    st.datetimes(),
    st.floats(allow_nan=False, allow_infinity=False),
    # A subclass of str (as templates and forms hand over) takes the slow path.
    hostile_text().map(mark_safe),
)
tables = st.integers(1, 4).flatmap(
    lambda width: st.tuples(
        st.lists(hostile_text(), min_size=width, max_size=width),
        st.lists(st.lists(cells, min_size=width, max_size=width), max_size=5),
    )
)


def _csv_rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline=""), delimiter=";"))


@given(table=tables)
@fuzz_settings(max_examples=150)
def test_a_csv_download_neutralises_every_formula_and_keeps_every_cell(table):
    headers, rows = table
    parsed = _csv_rows(table_response(headers, rows, filename="x", fmt="csv"))
    assert len(parsed) == len(rows) + 1
    for original, out in zip([headers, *rows], parsed, strict=True):
        assert len(out) == len(original)
        for value, cell in zip(original, out, strict=True):
            if isinstance(value, str):
                assert cell == ("'" + value if value.startswith(FORMULA_START) else value)
            assert not (isinstance(value, str) and cell.startswith(FORMULA_START))
    # The streamed download has the same bytes, and its per-type cell writer (the fast
    # path) writes each cell as the reference _csv_cell does.
    streamed = streaming_table_response(headers, iter(rows), filename="x", fmt="csv")
    built = table_response(headers, rows, filename="x", fmt="csv")
    assert b"".join(streamed.streaming_content) == built.content
    for row in rows:
        # As the csv module writes a cell: None as "", anything else as str().
        written = ["" if c is None else str(c) for c in _csv_row(row)]
        assert written == [_csv_cell(v) for v in row]


@given(table=tables)
@fuzz_settings(max_examples=60)
def test_an_xlsx_download_never_fails_and_holds_no_formula(table):
    headers, rows = table
    response = table_response(headers, rows, filename="x", fmt="xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    read = list(sheet.iter_rows())
    assert len(read) == len(rows) + 1
    for original, out in zip([headers, *rows], read, strict=False):
        for value, cell in zip(original, out, strict=False):
            assert cell.data_type != "f", cell.value
            if isinstance(value, str) and cell.value is not None:
                assert not str(cell.value).startswith(FORMULA_START)


# --- What the fuzzing found, kept as a plain regression test -----------------------------------


@pytest.mark.django_db
def test_a_hub_name_with_a_control_character_still_downloads_as_xlsx(
    client_for, planner, reference_data
):
    # Was a 500: openpyxl refuses a workbook with control characters, and the form takes them.
    client = client_for(planner)
    name = "=Hubben\x01"
    assert client.post("/hubs/new/", hub_post_data(name=name)).status_code == 302
    assert Hub.objects.get().name == name
    response = client.get("/hubs/", {"format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert "'=Hubben" in [c.value for c in sheet[2]]
    assert "'" + name in _csv_rows(client.get("/hubs/", {"format": "csv"}))[1]


def test_decimal_and_date_cells_keep_their_swedish_form():
    rows = [[Decimal("-1.5"), dt.date(2025, 3, 1), -4]]
    assert _csv_rows(table_response(["a", "b", "c"], rows, filename="x", fmt="csv"))[1] == [
        "-1,5",
        "2025-03-01",
        "-4",
    ]
