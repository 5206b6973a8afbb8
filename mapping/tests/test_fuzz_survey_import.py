"""Property-based tests: random and hostile survey files through the three import steps over HTTP.

Whatever the file, a planner never gets a 500, and the import is all or nothing:
either every valid row is written (and exactly those), or the file is refused with
row and column errors and no answer is written. A refused import may leave only
its job record, marked failed. Fixed seed and a bounded number of examples.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.utils.exceptions import IllegalCharacterError

from hubplan.tests.fuzz import (
    changed_tables,
    counts,
    error_messages,
    fingerprint,
    forget_messages,
    fuzz_settings,
    hostile_text,
    rolled_back,
)
from mapping import imports, survey_views
from mapping.models import CommutingFlow, SurveyImport, SurveyResponse
from mapping.tests.factories import SurveyRoundFactory

pytestmark = pytest.mark.django_db

UPLOAD = "/surveys/import/"
COLUMNS_PAGE = "/surveys/import/columns/"
# What an import may write, besides the session that carries the steps.
IMPORT_TABLES = {
    "mapping_surveyimport",
    "mapping_historicalsurveyimport",
    "mapping_surveyresponse",
}
# The steps' own working rows: the stored upload (until it is imported) and the check
# and import jobs. They are no data of the app's, so a refusal may leave them.
STEP_TABLES = {"hubplan_storedfilechunk", "hubplan_job"}


def data_changed(before, after) -> list[str]:
    return [t for t in changed_tables(before, after) if t not in STEP_TABLES]


_digits = st.decimals(min_value=0, max_value=7, places=1)
VALID_CELLS = {
    "organisation": st.sampled_from(
        ["Region Jämtland Härjedalen", "Krokoms kommun", "Företaget AB", "Regionstaben", ""]
    ),
    "unit": st.text(st.characters(categories=["L", "Nd"]), max_size=20),
    "home_municipality": st.sampled_from(
        ["Krokom", "Krokoms kommun", "Östersund", "ostersund", "2380", "114", "Åre", "Stockholm"]
    ),
    "postcode": st.sampled_from(["83531", "835 31", ""]),
    "workplace_municipality": st.sampled_from(["Östersund", "2380", "2380 Östersund", "Berg"]),
    "distance_km": st.decimals(min_value=0, max_value=2000, places=1).map(
        lambda d: str(d).replace(".", ",")
    ),
    "travel_minutes": st.integers(0, 720).map(str),
    "mode": st.sampled_from([*sorted(imports.MODE_VALUES), "Bil", "TÅG", "cykel gång"]),
    "commute_days_per_week": _digits.map(str),
    "work_hours_per_day": st.decimals(min_value=0, max_value=24, places=2).map(str),
    "hub_interest": st.sampled_from([*sorted(imports.INTEREST_VALUES), "Ja", "KANSKE"]),
    "hub_days_per_week": _digits.map(lambda d: str(d).replace(".", ",")),
    "comment": st.text(st.characters(categories=["L", "Nd", "Zs"]), max_size=40),
}
HEADER_NAMES = {c.field: [c.header, c.field, *c.aliases, c.header.upper()] for c in imports.COLUMNS}


@dataclass
class SurveyFile:
    content: bytes
    name: str
    rows: int  # data rows written
    clean: bool  # built only from valid cells, known headers, properly quoted CSV/XLSX


@st.composite
def table(draw, *, clean: bool):
    """(headers, rows of cells) of a survey sheet, clean or with hostile parts."""
    fields = [c.field for c in imports.COLUMNS if c.required]
    fields += draw(
        st.lists(st.sampled_from([c.field for c in imports.COLUMNS if not c.required]), unique=True)
    )
    fields = draw(st.permutations(fields))
    if not clean and draw(st.booleans()):
        fields = draw(st.lists(st.sampled_from([c.field for c in imports.COLUMNS]), max_size=15))
    headers = [draw(st.sampled_from(HEADER_NAMES[f])) for f in fields]
    if not clean and draw(st.booleans()):
        # wrong, blank or duplicate headers
        headers = [
            draw(st.one_of(st.just(h), hostile_text(), st.just(headers[0] if headers else "")))
            for h in headers
        ] + draw(st.lists(hostile_text(), max_size=2))
    cell = {
        f: VALID_CELLS[f] if clean else st.one_of(VALID_CELLS[f], VALID_CELLS[f], hostile_text())
        for f in VALID_CELLS
    }
    rows = []
    for _ in range(draw(st.integers(0 if not clean else 1, 6))):
        row = [draw(cell.get(f, hostile_text())) for f in fields]
        if not clean and draw(st.integers(0, 9)) == 0:  # ragged row
            row = row[: draw(st.integers(0, len(row)))] + draw(st.lists(hostile_text(), max_size=3))
        rows.append(row)
    return headers, rows


# Title rows as survey tools write them above the header (no separator inside).
TITLES = ["Enkät om pendling 2024", "Exporterad 2024-05-02 08:14", "Medarbetarenkät"]


def as_csv(headers, rows, *, separator, encoding, quoted, newline, above=()) -> bytes:
    """The sheet as CSV, with the lines ``above`` (title rows) before the header."""
    if quoted:
        out = io.StringIO()
        writer = csv.writer(out, delimiter=separator, lineterminator=newline)
        writer.writerows(above)
        writer.writerow(headers)
        writer.writerows(rows)
        text = out.getvalue()
    else:  # what a careless export does: no quoting at all
        text = newline.join(separator.join(r) for r in [*above, headers, *rows]) + newline
    return text.encode(encoding, errors="replace")


def as_xlsx(headers, rows, *, above=()) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in [*above, headers, *rows]:
        try:
            sheet.append(row)
        except IllegalCharacterError:  # control characters cannot be stored in XLSX at all
            sheet.append([c.translate(dict.fromkeys(range(32))) for c in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@st.composite
def survey_files(draw):
    kind = draw(st.sampled_from(["csv", "csv", "csv", "xlsx", "garbage"]))
    clean = kind != "garbage" and draw(st.booleans())
    if kind == "garbage":
        content = draw(
            st.one_of(
                st.binary(max_size=300),
                st.binary(max_size=300).map(lambda b: b"PK\x03\x04" + b),  # broken XLSX
                st.sampled_from([b"", b"\n\n\n", b"\xef\xbb\xbf", b" ;\r\n", b"\x00\x00"]),
            )
        )
        name = draw(st.sampled_from(["svar.csv", "svar.xlsx", "svar.txt"]))
        return SurveyFile(content, name, 0, False)
    headers, rows = draw(table(clean=clean))
    # As survey tools write them: title rows above the header (Netigate, Esmaker, PxWeb
    # "med rubrik", sometimes with a blank line below), empty columns at the end of
    # every line (Excel, Forms).
    above = [[t] for t in draw(st.lists(st.sampled_from(TITLES), max_size=2))]
    if above and draw(st.booleans()):
        above.append([])
    trailing = draw(st.integers(0, 2))
    if trailing:
        headers = [*headers, *[""] * trailing]
        rows = [[*row, *[""] * trailing] for row in rows]
    if kind == "xlsx":
        content = as_xlsx(headers, rows, above=above)
        name = "svar.xlsx"
    else:
        quoted = clean or draw(st.booleans())
        content = as_csv(
            headers,
            rows,
            separator=draw(st.sampled_from([";", ",", "\t"] if quoted else [";", ","])),
            encoding=draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"])),
            quoted=quoted,
            newline=draw(st.sampled_from(["\r\n", "\n"])),
            above=above,
        )
        name = draw(st.sampled_from(["svar.csv", "SVAR.CSV", "svar.txt", "enkät 2021.csv"]))
    if not clean and draw(st.integers(0, 14)) == 0:  # a type the import must refuse
        name = draw(st.sampled_from(["svar.exe", "svar.csv.exe", "svar", ".csv", "svar.xls"]))
    return SurveyFile(content, name, len(rows), clean)


@pytest.fixture
def setup(client_for, planner, reference_data, tmp_path, monkeypatch):
    return client_for(planner), SurveyRoundFactory()


def run_import(
    client,
    survey_round,
    file: SurveyFile,
    *,
    valid_only: bool,
    remap: list | None,
    codes: list | None = None,
):
    """Upload, map, validate and import ``file``; check every step's promise."""
    forget_messages(client)
    before = fingerprint()
    response = client.post(
        UPLOAD,
        {"survey_round": survey_round.pk, "file": SimpleUploadedFile(file.name, file.content)},
    )
    if response.status_code == 200:  # refused at the upload: a message at the file field
        assert response.context["form"].errors["file"]
        assert not file.clean
        assert changed_tables(before, fingerprint()) == []
        return
    assert response.status_code == 302
    assert response["Location"] == COLUMNS_PAGE

    # The columns page offers the file's headers with a guessed mapping (rendering that
    # page for every example would double the run time; the steps' tests render it).
    state = client.session[survey_views.SESSION_KEY]
    headers = state["headers"]
    data = {c.field: state["mapping"].get(c.field, "") for c in imports.COLUMNS}
    if remap is not None and headers:  # the planner maps columns by hand, maybe wrongly
        for column, choice in zip(imports.COLUMNS, remap, strict=False):
            data[column.field] = "" if choice is None else headers[choice % len(headers)]
    data["validate"] = "1"
    # The check is a job (inline here); the page then shows its report.
    checked = client.post(COLUMNS_PAGE, data, follow=True)
    assert checked.status_code == 200
    report = checked.context["report"]
    if report is None:  # a required column left unmapped, or a row unreadable: said at the form
        assert checked.context["form"].errors
        assert data_changed(before, fingerprint()) == []
        return
    assert report.valid_rows + report.invalid_rows == report.total_rows
    if file.clean and remap is None:
        assert (report.total_rows, report.error_count) == (file.rows, 0), report.lines()
    if codes is not None:  # the recoding step: any category for any answer
        coding_form = checked.context["coding_form"]
        choices = {
            name: [value for value, _label in field.choices]
            for name, field in coding_form.fields.items()
        }
        posted = {
            name: options[codes[i % len(codes)] % len(options)] if codes else ""
            for i, (name, options) in enumerate(sorted(choices.items()))
        }
        recoded = client.post(COLUMNS_PAGE, {**posted, "recode": "1"}, follow=True)
        assert recoded.status_code == 200
        report = recoded.context["report"]
        assert report.valid_rows + report.invalid_rows == report.total_rows
        assert report.total_rows == checked.context["report"].total_rows

    answers_before = SurveyResponse.objects.count()
    done = client.post(
        COLUMNS_PAGE, {"import": "1", **({"valid_only": "on"} if valid_only else {})}
    )
    assert done.status_code == 302
    after = fingerprint()
    written = SurveyResponse.objects.count() - answers_before
    if report.error_count and not valid_only:  # refused: the rows' errors are on the page above
        assert error_messages(done)
        assert data_changed(before, after) == []
        return
    assert set(changed_tables(before, after)) <= IMPORT_TABLES | STEP_TABLES
    job = SurveyImport.objects.get()
    assert counts(after)["mapping_surveyimport"] == counts(before)["mapping_surveyimport"] + 1
    if job.status == SurveyImport.Status.DONE:
        assert written == job.row_count == report.valid_rows, job.message
        assert job.skipped_count == report.invalid_rows
        assert done["Location"] == job.get_absolute_url()
    else:  # only a file without a single valid row may fail, and then writes no answer
        assert job.status == SurveyImport.Status.FAILED, job.status
        assert report.valid_rows == 0, job.message
        assert written == 0


@given(file=survey_files(), valid_only=st.booleans())
@fuzz_settings(max_examples=40)
def test_any_survey_file_imports_all_valid_rows_or_nothing_and_never_fails(setup, file, valid_only):
    client, survey_round = setup
    with rolled_back():
        run_import(client, survey_round, file, valid_only=valid_only, remap=None)


@given(
    file=survey_files(),
    valid_only=st.booleans(),
    codes=st.lists(st.integers(0, 9), max_size=8),
)
@fuzz_settings(max_examples=20)
def test_any_recoding_imports_all_valid_rows_or_nothing_and_never_fails(
    setup, file, valid_only, codes
):
    client, survey_round = setup
    with rolled_back():
        run_import(client, survey_round, file, valid_only=valid_only, remap=None, codes=codes)


@given(
    file=survey_files(),
    remap=st.lists(st.one_of(st.none(), st.integers(0, 30)), max_size=len(imports.COLUMNS)),
)
@fuzz_settings(max_examples=15)
def test_any_column_mapping_imports_all_valid_rows_or_nothing_and_never_fails(setup, file, remap):
    client, survey_round = setup
    with rolled_back():
        run_import(client, survey_round, file, valid_only=True, remap=remap)


@given(file=survey_files(), valid_only=st.booleans())
@fuzz_settings(max_examples=20)
def test_the_import_command_imports_all_valid_rows_or_nothing_and_never_crashes(
    reference_data, tmp_path, file, valid_only
):
    path = tmp_path / "svar.csv"
    path.write_bytes(file.content)
    out, err = io.StringIO(), io.StringIO()
    options = {"stdout": out, "stderr": err, "valid_only": valid_only}
    with rolled_back():
        before = fingerprint()
        answers = SurveyResponse.objects.count()
        try:
            call_command("import_survey", str(path), "--round", "Fuzz", **options)
        except CommandError:  # refused: nothing written, not even the new round
            assert not file.clean, err.getvalue()
            assert changed_tables(before, fingerprint()) == []
            return
        job = SurveyImport.objects.get()
        assert job.status == SurveyImport.Status.DONE
        assert SurveyResponse.objects.count() - answers == job.row_count
        assert out.getvalue().startswith(f"{job.row_count} rader importerades")
        if file.clean:
            assert (job.row_count, job.skipped_count) == (file.rows, 0), err.getvalue()


# --- What the fuzzing found, kept as plain regression tests -----------------------------------

GOOD_ROW = "Region Jämtland Härjedalen;Krokom;Östersund;22,5;bil"
HEADER = "Organisation;Hemkommun;Arbetsplatskommun;Avstånd km;Färdmedel"


@pytest.mark.parametrize(
    "content",
    [b"\xef\xbb\xbf", b"\n\n\n", b"\r\n \r\n"],
    ids=["only a byte-order mark", "only line breaks", "blank lines"],
)
def test_a_file_without_a_single_line_is_refused_at_the_file_field(setup, content):
    # Were 500s: IndexError in sniff_csv (BOM only), pandas EmptyDataError (line breaks).
    client, survey_round = setup
    before = fingerprint()
    response = client.post(
        UPLOAD, {"survey_round": survey_round.pk, "file": SimpleUploadedFile("svar.csv", content)}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["Filen har inga rader."]
    assert changed_tables(before, fingerprint()) == []


def test_a_broken_row_below_the_preview_is_reported_at_the_check_and_nothing_is_imported(setup):
    # Was a 500: the preview reads five rows, the whole-file check met row 8's extra field.
    client, survey_round = setup
    content = "\r\n".join([HEADER, *[GOOD_ROW] * 6, GOOD_ROW + ";extra", GOOD_ROW]).encode()
    before = fingerprint()
    upload = client.post(
        UPLOAD, {"survey_round": survey_round.pk, "file": SimpleUploadedFile("svar.csv", content)}
    )
    assert upload.status_code == 302
    data = {c.field: "" for c in imports.COLUMNS}
    data |= imports.guess_mapping(HEADER.split(";")) | {"validate": "1"}
    checked = client.post(COLUMNS_PAGE, data, follow=True)
    assert checked.status_code == 200
    assert checked.context["report"] is None
    [error] = checked.context["form"].non_field_errors()
    assert error.startswith("CSV-filen kunde inte läsas")
    assert "line 8" in error
    imported = client.post(COLUMNS_PAGE, {"import": "1", "valid_only": "on"})
    assert imported.status_code == 302
    assert imported["Location"] == COLUMNS_PAGE
    assert data_changed(before, fingerprint()) == []


def test_a_nul_character_in_a_cell_is_a_row_error_not_a_failed_import(setup):
    # Was a failed job ("PostgreSQL text fields cannot contain NUL") after a clean check.
    client, survey_round = setup
    content = f"{HEADER};Kommentar\r\n{GOOD_ROW};a\x00b\r\n{GOOD_ROW};bra\r\n".encode()
    client.post(
        UPLOAD, {"survey_round": survey_round.pk, "file": SimpleUploadedFile("svar.csv", content)}
    )
    data = {c.field: "" for c in imports.COLUMNS}
    data |= imports.guess_mapping([*HEADER.split(";"), "Kommentar"]) | {"validate": "1"}
    report = client.post(COLUMNS_PAGE, data, follow=True).context["report"]
    [error] = report.errors
    assert (error.row, error.column, error.reason) == (2, "Kommentar", imports.ERR_NUL)
    client.post(COLUMNS_PAGE, {"import": "1", "valid_only": "on"})
    job = SurveyImport.objects.get()
    assert (job.status, job.row_count, job.skipped_count) == ("done", 1, 1)
    assert list(SurveyResponse.objects.values_list("comment", flat=True)) == ["bra"]


def _context_upload(client, url, text: str):
    return client.post(url, {"file": SimpleUploadedFile("scb.csv", text.encode())}, follow=True)


@pytest.mark.parametrize(
    ("url", "text", "column"),
    [
        ("/surveys/rams/", "bostadskommun;arbetsställekommun;2020\r\n2380;2309;1e30\r\n", "2020"),
        (
            "/surveys/rams/",
            "bostadskommun;arbetsställekommun;år;antal\r\n2380;2309;abc;5\r\n",
            "år",
        ),
        (
            "/surveys/rams/",
            "bostadskommun;arbetsställekommun;år;antal\r\n2380;2309;1e9;5\r\n",
            "år",
        ),
        (
            "/surveys/context/",
            "kommun;år;inflyttade;utflyttade\r\n2380;2020;1e30;1\r\n",
            "inflyttade",
        ),
        (
            "/surveys/context/",
            "kommun;år;sektor;rekryteringsbehov\r\n2380;2020;v\x00;9\r\n",
            "sektor",
        ),
    ],
    ids=["count too big", "year not a number", "year out of range", "migration too big", "NUL"],
)
def test_a_bad_scb_or_context_value_is_reported_and_nothing_is_saved(setup, url, text, column):
    # Were 500s: integer out of range, an unparsed year, NUL in a text column.
    client, _round = setup
    before = fingerprint()
    response = _context_upload(client, url, text)
    assert response.status_code == 200
    # The import ran as a job (mapping.tasks): its report is the page's.
    assert response.context["job"].message == "Inget importerades: filen har fel."
    assert f"Rad 2, kolumn {column}," in response.context["errors"][1]
    assert changed_tables(before, fingerprint()) == ["hubplan_job"]


def test_rams_in_long_format_takes_the_year_from_the_year_column(setup):
    # The year column used to be found by prefix, so "år" matched "arbetsställekommun"
    # and the workplace's kommun code was stored as the year.
    client, _round = setup
    text = "bostadskommun;arbetsställekommun;år;antal\r\n2380;2309;2020;5\r\n"
    assert _context_upload(client, "/surveys/rams/", text).status_code == 200
    flow = CommutingFlow.objects.get()
    assert (flow.home_municipality_id, flow.workplace_municipality_id, flow.year) == (
        "2380",
        "2309",
        2020,
    )
    assert flow.commuters == 5
