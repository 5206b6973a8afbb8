"""The shared CSV/XLSX export: Swedish Excel CSV, and formula injection neutralised."""

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from hubplan.exports import neutralise, table_response


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
