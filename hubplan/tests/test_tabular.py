"""Reading Swedish Excel CSV and XLSX files."""

import io
import re
from decimal import Decimal

import pytest
from openpyxl import Workbook

from hubplan.tabular import TableError, normalise_header, parse_decimal, read_table


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Avstånd km ", "avstand_km"),
        ("Hemkommun", "hemkommun"),
        ("FÄRDMEDEL", "fardmedel"),
        ("pendlingsdagar per vecka", "pendlingsdagar_per_vecka"),
        ("restid-min", "restid_min"),
    ],
)
def test_headers_are_folded(raw, expected):
    assert normalise_header(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12,5", Decimal("12.5")),
        ("1 234,5", Decimal("1234.5")),
        ("1\u00a0234,5", Decimal("1234.5")),
        ("7.25", Decimal("7.25")),
        ("1e-05", Decimal("0.00001")),
        ("", None),
        (None, None),
        ("\u00a0", None),
    ],
)
def test_decimals_with_comma_or_point(raw, expected):
    assert parse_decimal(raw) == expected


# "1,200.5" was read as 1.2005 and "12 34" as 1234: a cell that is not one unambiguous
# number is refused, by the same rule as the forms.
@pytest.mark.parametrize("bad", ["abc", "1,2,3", "NaN", "inf", "1,200.5", "1.234,5", "12 34"])
def test_a_bad_decimal_is_an_error(bad):
    with pytest.raises(ValueError, match=re.escape(bad)):
        parse_decimal(bad)


def _frame(data: bytes, **kw):
    return next(read_table(io.BytesIO(data), **kw))


def test_swedish_excel_csv_in_windows_1252():
    data = "Hemkommun;Avstånd_km\r\nÖstersund;12,5\r\nÅre;\r\n".encode("cp1252")
    frame = _frame(data)
    assert list(frame.columns) == ["Hemkommun", "Avstånd_km"]
    assert frame.values.tolist() == [["Östersund", "12,5"], ["Åre", None]]


def test_utf8_with_bom_and_commas():
    frame = _frame("\ufeffa,b\n1,2\n".encode())
    assert list(frame.columns) == ["a", "b"]
    assert frame.values.tolist() == [["1", "2"]]


def test_large_csv_is_streamed_in_chunks():
    data = ("x;y\n" + "".join(f"{i};{i}\n" for i in range(2500))).encode()
    sizes = [len(f) for f in read_table(io.BytesIO(data), chunksize=1000)]
    assert sizes == [1000, 1000, 500]


def test_xlsx_is_read_as_text():
    wb = Workbook()
    wb.active.append(["kommun", "km"])
    wb.active.append(["Berg", 12.5])
    out = io.BytesIO()
    wb.save(out)
    frame = _frame(out.getvalue())
    assert frame.values.tolist() == [["Berg", "12.5"]]


def test_an_empty_file_is_a_table_error():
    with pytest.raises(TableError):
        _frame(b"")
