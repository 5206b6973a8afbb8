"""Property-based tests: random and hostile monthly-use files through the import page.

Whatever the file, a planner never gets a 500, and the import is all or nothing:
either every row is stored (created, updated or left as it was), or the page lists
the errors with row and column and nothing at all is written. Fixed seed and a
bounded number of examples.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.utils.exceptions import IllegalCharacterError

from hubplan.tabular import normalise_header
from hubplan.tests.fuzz import (
    changed_tables,
    fingerprint,
    forget_messages,
    fuzz_settings,
    hostile_text,
    rolled_back,
)
from hubs import imports
from hubs.models import HubMonthlyUse
from hubs.tests.factories import HubFactory, HubMonthlyUseFactory

pytestmark = pytest.mark.django_db

IMPORT_PAGE = "/hubs/use/import/"
# (name variants, kommun variants, desks) of the hubs the files talk about
HUBS = (
    (
        ["Gomorron Östersund", "gomorron östersund", " Gomorron Östersund "],
        ["Östersund", "2380"],
        12,
    ),
    (["Arbetshubben Svenstavik", "ARBETSHUBBEN SVENSTAVIK"], ["Berg", "berg", "2326"], 4),
)
OPTIONAL = [h for h in imports.TEMPLATE_HEADERS if h not in ("hubb", "kommun", "månad")]
OPTIONAL = [h for h in OPTIONAL if h not in ("öppna dagar", "platsdagar")]
HEADER_VARIANTS = {
    "hubb": ["hubb", "Hubb", "HUBB"],
    "kommun": ["kommun", "Kommun"],
    "månad": ["månad", "Månad", "manad"],
    "öppna dagar": ["öppna dagar", "Öppna dagar", "oppna_dagar"],
    "platsdagar": ["platsdagar", "Platsdagar"],
}


@st.composite
def clean_rows(draw):
    """Rows that are all valid: distinct hub and month, use within capacity."""
    headers = ["hubb", "kommun", "månad", "öppna dagar", "platsdagar"]
    headers += draw(st.lists(st.sampled_from(OPTIONAL), unique=True))
    headers = draw(st.permutations(headers))
    keys = draw(
        st.lists(
            st.tuples(st.integers(0, 1), st.integers(2020, 2025), st.integers(1, 12)),
            min_size=1,
            max_size=6,
            unique=True,
        )
    )
    rows, expected = [], {}
    for hub_index, year, month in keys:
        names, kommuner, hub_desks = HUBS[hub_index]
        open_days = draw(st.integers(0, 31))
        desks_text = draw(st.one_of(st.just(""), st.integers(1, 30).map(str)))
        desks = int(desks_text) if desks_text and "skrivbord" in headers else hub_desks
        used = draw(st.integers(0, desks * open_days))
        month_text = draw(
            st.sampled_from([f"{year}-{month:02d}", f"{year}-{month}", f"{year}-{month:02d}-01"])
        )
        cells = {
            "hubb": draw(st.sampled_from(names)),
            "kommun": draw(st.sampled_from(kommuner)),
            "månad": month_text,
            "öppna dagar": str(open_days),
            "platsdagar": str(used),
            "skrivbord": desks_text,
        }
        rows.append([cells.get(h) or str(draw(st.integers(0, 50))) for h in headers])
        if "skrivbord" in headers:
            rows[-1][headers.index("skrivbord")] = desks_text
        expected[(hub_index, dt.date(year, month, 1))] = used
    headers = [draw(st.sampled_from(HEADER_VARIANTS.get(h, [h]))) for h in headers]
    return headers, rows, expected


@st.composite
def hostile_rows(draw):
    """A valid file spoilt: hostile cells, wrong or missing headers, ragged rows."""
    headers, rows, _expected = draw(clean_rows())
    cell = st.one_of(
        st.sampled_from(["0000", "9999", "Stockholm", "Gomorron Östersund"]),
        st.sampled_from(["0000-01", "9999-12", "2025-00", "2025-13", "2025-3-01", "2025-03-31"]),
        st.integers(-5, 400).map(str),
        hostile_text(),
    )
    months = st.one_of(
        st.sampled_from(["0000-01", "0001-01", "9999-12", "2025-00", "2025-13", "2025-03-31"]),
        st.tuples(st.integers(0, 99999), st.integers(-1, 13)).map(lambda t: f"{t[0]:04d}-{t[1]}"),
    )
    month_column = [normalise_header(h) for h in headers].index("manad")
    rows = [
        [
            draw(st.one_of(st.just(c), months if i == month_column else cell))
            for i, c in enumerate(row)
        ]
        for row in rows
    ]
    if draw(st.booleans()):
        headers = [
            draw(st.one_of(st.just(h), st.just(h), st.just(h), hostile_text())) for h in headers
        ]
    if draw(st.integers(0, 3)) == 0:
        rows = [
            row[: draw(st.integers(0, len(row)))] + draw(st.lists(cell, max_size=2)) for row in rows
        ]
    if draw(st.integers(0, 3)) == 0:
        rows += draw(st.lists(st.lists(cell, max_size=len(headers) + 1), max_size=3))
    return headers, rows, None


def as_csv(headers, rows, *, separator, encoding, quoted) -> bytes:
    if quoted:
        out = io.StringIO()
        writer = csv.writer(out, delimiter=separator, lineterminator="\r\n")
        writer.writerows([headers, *rows])
        text = out.getvalue()
    else:
        text = "\r\n".join(separator.join(r) for r in [headers, *rows]) + "\r\n"
    return text.encode(encoding, errors="replace")


def as_xlsx(headers, rows) -> bytes:
    book = Workbook()
    for row in [headers, *rows]:
        try:
            book.active.append(row)
        except IllegalCharacterError:
            book.active.append([c.translate(dict.fromkeys(range(32))) for c in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@st.composite
def use_files(draw):
    """(file name, bytes, expected {(hub index, month): desk-days} or None if not clean)."""
    kind = draw(st.sampled_from(["clean", "clean", "hostile", "hostile", "garbage"]))
    if kind == "garbage":
        content = draw(
            st.one_of(
                st.binary(max_size=300),
                st.binary(max_size=200).map(lambda b: b"PK\x03\x04" + b),
                st.sampled_from([b"", b"\r\n\r\n", b"\xef\xbb\xbf", b"\x00", b";;;\r\n"]),
            )
        )
        return draw(st.sampled_from(["use.csv", "use.xlsx"])), content, None
    headers, rows, expected = draw(clean_rows() if kind == "clean" else hostile_rows())
    if draw(st.integers(0, 3)) == 0:
        return "use.xlsx", as_xlsx(headers, rows), expected
    quoted = expected is not None or draw(st.booleans())
    content = as_csv(
        headers,
        rows,
        separator=draw(st.sampled_from([";", ",", "\t"] if quoted else [";", ","])),
        encoding=draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"])),
        quoted=quoted,
    )
    name = draw(st.sampled_from(["use.csv", "Användning.CSV", "use.txt"]))
    if draw(st.integers(0, 7)) == 0:  # a type the import must refuse, whatever it holds
        return draw(st.sampled_from(["use.exe", "use.csv.bat", "use", "use.html"])), content, None
    return name, content, expected


@pytest.fixture
def setup(client_for, planner, region):
    # Open since 2019, so every month of the clean rows (2020–2025) is one it was open.
    hubs = [
        HubFactory(name=names[0], municipality_id=k[-1], desks=d, status_since=dt.date(2019, 1, 1))
        for names, k, d in HUBS
    ]
    HubMonthlyUseFactory(hub=hubs[0], month=dt.date(2025, 3, 1), open_days=20, desk_days_used=99)
    return client_for(planner), hubs


def _result(job) -> dict[str, int]:
    """created, updated and unchanged from the job's report message."""
    numbers = [int(n) for n in re.findall(r"\d+", job.message)]
    assert len(numbers) == 3, job.message
    assert numbers == [job.result[k] for k in ("created", "updated", "unchanged")]
    return dict(zip(("created", "updated", "unchanged"), numbers, strict=True))


@given(file=use_files())
@fuzz_settings(max_examples=90)
def test_any_use_file_is_stored_whole_or_refused_with_nothing_written(setup, file):
    client, hubs = setup
    name, content, expected = file
    forget_messages(client)
    with rolled_back():
        before = fingerprint()
        uses_before = HubMonthlyUse.objects.count()
        response = client.post(IMPORT_PAGE, {"file": SimpleUploadedFile(name, content)})
        if response.status_code == 200:  # refused by the form: no job, nothing stored
            assert response.context["form"].errors["file"]
            assert not name.lower().endswith((".csv", ".txt", ".xlsx")) or not content
            assert changed_tables(before, fingerprint()) == []
            return
        assert response.status_code == 302, response.status_code
        assert name.lower().endswith((".csv", ".txt", ".xlsx"))
        page = client.get(response["Location"])
        job = page.context["job"]
        # The job's row is all that stays of a refused file (its upload is removed).
        after = fingerprint()
        if job.status == "failed":  # refused by the import: the errors are on the page
            assert expected is None, page.context.get("import_errors")
            errors = page.context.get("import_errors") or []
            assert errors
            assert all({"row", "column", "value", "reason"} <= set(e) for e in errors)
            assert changed_tables(before, after) == ["hubplan_job"]
            return
        assert job.status == "done", job.message
        assert set(changed_tables(before, after)) <= {"hubs_hubmonthlyuse", "hubplan_job"}
        result = _result(job)
        assert HubMonthlyUse.objects.count() - uses_before == result["created"]
        if expected is not None:
            assert sum(result.values()) == len(expected)
            stored = {
                (hubs.index(u.hub), u.month): u.desk_days_used
                for u in HubMonthlyUse.objects.select_related("hub")
            }
            assert {k: stored[k] for k in expected} == expected


# --- What the fuzzing found, kept as plain regression tests -----------------------------------

HEADER = "hubb;kommun;månad;öppna dagar;platsdagar\r\n"


def test_year_0000_is_an_error_at_the_month_not_a_500(setup):
    client, _hubs = setup
    before = fingerprint()
    content = (HEADER + "Gomorron Östersund;2380;0000-01;20;10\r\n").encode()
    response = client.post(
        IMPORT_PAGE, {"file": SimpleUploadedFile("use.csv", content)}, follow=True
    )
    assert response.status_code == 200
    [error] = response.context["import_errors"]
    assert (error["row"], error["column"], error["value"]) == (2, "månad", "0000-01")
    assert changed_tables(before, fingerprint()) == ["hubplan_job"]


def test_a_file_of_another_type_is_refused_even_if_it_holds_valid_rows(setup):
    client, _hubs = setup
    before = fingerprint()
    content = (HEADER + "Gomorron Östersund;2380;2025-04;20;10\r\n").encode()
    response = client.post(IMPORT_PAGE, {"file": SimpleUploadedFile("use.exe", content)})
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "Filen ska vara CSV eller XLSX (.csv, .txt, .xlsx)."
    ]
    assert changed_tables(before, fingerprint()) == []


def test_a_file_of_blank_lines_is_refused_not_a_500(setup):
    client, _hubs = setup
    response = client.post(
        IMPORT_PAGE, {"file": SimpleUploadedFile("use.csv", b"\r\n\r\n")}, follow=True
    )
    assert response.status_code == 200
    assert response.context["import_errors"][0]["reason"] == "Filen har inga rader."
