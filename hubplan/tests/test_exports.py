"""The shared CSV/XLSX export: Swedish Excel CSV, and formula injection neutralised."""

import io
import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from openpyxl import load_workbook

from hubplan import exports
from hubplan.exports import XLSX_TYPE, neutralise, streaming_table_response, table_response


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+46 70", "'+46 70"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("Östersund", "Östersund"),
        (-5, -5),
        (None, None),
    ],
)
def test_formula_like_text_is_neutralised(raw, expected):
    assert neutralise(raw) == expected


def test_csv_is_semicolon_separated_utf8_with_bom_and_decimal_comma():
    response = table_response(
        ["Kommun", "Andel", "Datum", "Öppen"],
        [["Åre", Decimal("0.25"), date(2024, 1, 31), True], ["=cmd", 1.5, None, False]],
        filename="Test åäö",
        fmt="csv",
    )
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeffKommun;Andel;Datum;Öppen\r\n")
    assert "Åre;0,25;2024-01-31;ja\r\n" in body
    assert "'=cmd;1,5;;nej\r\n" in body
    assert response["Content-Disposition"] == 'attachment; filename="test-aao.csv"'


def test_xlsx_keeps_numbers_as_numbers_and_neutralises_text():
    response = table_response(["A", "B"], [["@x", Decimal("2.5")]], filename="t", fmt="xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows == [("A", "B"), ("'@x", 2.5)]


def test_an_unknown_format_is_refused():
    with pytest.raises(ValueError, match="unknown export format"):
        table_response(["A"], [], filename="t", fmt="pdf")


# --- Streamed downloads (hubplan.exports.streaming_table_response) -------------------------------

MIXED_ROWS = [
    [
        *(i, f"rad {i}", "=1+1" if i % 7 == 0 else "", Decimal(i) / 4),
        *(date(2024, 1, 1 + i % 28), i % 2 == 0, None if i % 3 else 1.5),
    ]
    for i in range(2500)
]


def test_a_streamed_csv_has_the_same_bytes_as_one_built_in_memory():
    headers = ["Nr", "Text", "Formel", "Andel", "Datum", "Öppen", "Tal"]
    streamed = streaming_table_response(headers, iter(MIXED_ROWS), filename="Test åäö", fmt="csv")
    assert streamed.streaming
    assert streamed["Content-Type"] == "text/csv; charset=utf-8"
    assert streamed["Content-Disposition"] == 'attachment; filename="test-aao.csv"'
    chunks = list(streamed.streaming_content)
    # Written a thousand rows at a time, never the whole file at once.
    assert len(chunks) == 3
    built = table_response(headers, MIXED_ROWS, filename="Test åäö", fmt="csv").content
    assert b"".join(chunks) == built
    lines = built.decode("utf-8").splitlines()
    assert lines[8] == "7;rad 7;'=1+1;1,75;2024-01-08;nej;"
    assert lines[22] == "21;rad 21;'=1+1;5,25;2024-01-22;nej;1,5"


def test_a_streamed_csv_reads_its_rows_only_as_it_is_sent():
    read = []

    def rows():
        for i in range(1500):
            read.append(i)
            yield [i]

    response = streaming_table_response(["n"], rows(), filename="t", fmt="csv")
    assert read == []
    chunks = iter(response.streaming_content)
    next(chunks)
    assert len(read) == 1000  # the first thousand rows, no more
    assert b"".join(chunks).endswith(b"1499\r\n")


# close() sends request_finished, whose handler checks the database connection
# this worker process may hold from an earlier test; hence the database mark.
@pytest.mark.django_db
def test_a_streamed_xlsx_is_sent_from_a_temporary_file_closed_after_sending(monkeypatch):
    # A workbook over the spool size goes to disk; a small size keeps the test quick.
    monkeypatch.setattr(exports, "XLSX_SPOOL_BYTES", 32 * 1024)
    rows = [[i, f"Medarbetare {i}", Decimal("2.5"), date(2025, 3, 1)] for i in range(5000)]
    response = streaming_table_response(["A", "B", "C", "D"], rows, filename="t", fmt="xlsx")
    assert response["Content-Type"] == XLSX_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="t.xlsx"'
    spooled = response.file_to_stream
    # Over the spool size: in a temporary file (already unlinked), not in memory.
    assert spooled._rolled
    body = b"".join(response.streaming_content)
    assert int(response["Content-Length"]) == len(body)
    response.close()
    assert spooled.closed
    built = table_response(["A", "B", "C", "D"], rows, filename="t", fmt="xlsx").content
    read = list(load_workbook(io.BytesIO(body), read_only=True).active.iter_rows(values_only=True))
    expected = list(
        load_workbook(io.BytesIO(built), read_only=True).active.iter_rows(values_only=True)
    )
    assert read == expected
    assert read[1] == (0, "Medarbetare 0", 2.5, datetime(2025, 3, 1))  # noqa: DTZ001


def test_a_streamed_download_refuses_an_unknown_format():
    with pytest.raises(ValueError, match="unknown export format"):
        streaming_table_response(["A"], [], filename="t", fmt="pdf")


def test_every_export_link_uses_the_one_format_parameter():
    # One query parameter for every export (?format=csv|xlsx); ?fmt= was the survey pages' own.
    base = Path(settings.BASE_DIR)
    templates = [*base.glob("*/templates/**/*.html"), *base.glob("templates/**/*.html")]
    links = [p for p in templates if re.search(r"[?&](amp;)?format=(csv|xlsx)", p.read_text())]
    old = [str(p) for p in templates if re.search(r"[?&](amp;)?fmt=", p.read_text())]
    assert len(links) >= 8
    assert old == []


@pytest.mark.django_db
def test_the_old_fmt_parameter_is_no_export_any_more(client_for, viewer):
    client = client_for(viewer)
    assert client.get("/surveys/", {"format": "csv"})["Content-Type"].startswith("text/csv")
    page = client.get("/surveys/", {"fmt": "csv"})
    assert page.status_code == 200
    assert page["Content-Type"].startswith("text/html")
