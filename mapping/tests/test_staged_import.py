"""The survey import through COPY (mapping.staged_import) against the row-by-row path.

The row-by-row path is the reference: for any file, the staged path must give the same
report (counts, and the same first errors with their rows and columns) and write the
same answers in the same order, or decline the file so that the row path reads it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from hubplan.bench import write_survey_csv
from hubplan.tabular import TableError
from hubplan.tests.fuzz import fuzz_settings, rolled_back
from mapping import imports, staged_import
from mapping.models import SurveyResponse
from mapping.tests.factories import SurveyRoundFactory
from mapping.tests.test_fuzz_survey_import import TITLES, as_csv, as_xlsx, table

pytestmark = pytest.mark.django_db

HEADER = "Organisation;Hemkommun;Arbetsplatskommun;Avstånd km;Färdmedel;Kommentar"
STORED = [
    f.attname
    for f in SurveyResponse._meta.fields
    if f.attname not in ("id", "round_id", "survey_import_id")
]


def report_of(report: imports.Report) -> tuple:
    return (
        report.total_rows,
        report.valid_rows,
        report.invalid_rows,
        report.error_count,
        report.errors,
        # The grouped errors and the answers kept and dropped (issue 16): the same by both.
        [(g.column, g.value, g.reason, g.count, g.rows) for g in report.error_groups()],
        report.kept,
        report.dropped,
    )


def answers(survey_round) -> list[tuple]:
    return list(
        SurveyResponse.objects.filter(round=survey_round).order_by("id").values_list(*STORED)
    )


def import_both(path, mapping, *, valid_only=False, coding=None):
    """(outcome, answers) of each path: the report's counts or the refusal's report."""
    results = []
    for staged in (True, False):
        survey_round = SurveyRoundFactory(date=dt.date(1990, 1, 1))
        try:
            report = imports.import_file(
                path=path,
                survey_round=survey_round,
                mapping=mapping,
                valid_only=valid_only,
                staged=staged,
                coding=coding,
            )
            outcome = ("imported", report.imported, report.skipped, *report_of(report))
        except imports.ImportRejected as rejected:
            outcome = ("rejected", *report_of(rejected.report))
        except TableError as unreadable:  # both paths: the row path reads what COPY declined
            outcome = ("unreadable", str(unreadable))
        results.append((outcome, answers(survey_round)))
    return results


def validate_both(path, mapping, coding=None) -> list:
    """The validation report of each path (staged first), or why the file is unreadable."""
    outcomes = []
    for staged in (True, False):
        try:
            report = imports.validate_file(path, mapping, staged=staged, coding=coding)
            outcomes.append(report_of(report))
        except TableError as unreadable:
            outcomes.append(str(unreadable))
    return outcomes


def stages(path, mapping) -> bool:
    """Whether the staged path takes the file (rather than declining it)."""
    with transaction.atomic():
        try:
            staged_import.stage(path, mapping)
            return True
        except staged_import.Declined:
            return False
        finally:
            transaction.set_rollback(True)


def test_a_swedish_excel_export_goes_through_copy_and_writes_what_the_row_path_writes(
    tmp_path, reference_data
):
    path = tmp_path / "svar.csv"
    write_survey_csv(path, 400)  # cp1252, ";", decimal commas, codes and names
    mapping = imports.guess_mapping(imports.preview(path)[0])
    assert stages(path, mapping)
    (staged, staged_rows), (row_path, row_rows) = import_both(path, mapping)
    assert staged == row_path
    assert staged[1] == 400
    assert staged_rows == row_rows
    assert len({r[STORED.index("home_municipality_id")] for r in staged_rows}) > 1


def test_the_staged_import_makes_as_many_queries_for_400_rows_as_for_40(tmp_path, reference_data):
    mapping = None
    counted = []
    for rows in (40, 400):
        path = tmp_path / f"svar{rows}.csv"
        write_survey_csv(path, rows, seed=rows)
        mapping = imports.guess_mapping(imports.preview(path)[0])
        survey_round = SurveyRoundFactory()
        with CaptureQueriesContext(connection) as queries:
            report = imports.import_file(path=path, survey_round=survey_round, mapping=mapping)
        assert report.imported == rows
        counted.append(len(queries))
    assert counted[0] == counted[1]
    # 25, and one per coded column (interest, mode) for the answers the import kept and left out.
    assert counted[0] <= 27, counted


def test_bad_values_are_reported_once_per_cell_with_the_files_rows_and_columns(
    tmp_path, reference_data
):
    good = "Region Jämtland Härjedalen;Krokom;Östersund;22,5;bil;"
    rows = [good] * 3 + ["Region;Gotham;Östersund;22,5;flyg;"] + [good] + [";;2380;-1;;x"]
    path = tmp_path / "svar.csv"
    path.write_bytes(("\r\n".join([HEADER, *rows]) + "\r\n").encode("cp1252"))
    mapping = imports.guess_mapping(HEADER.split(";"))
    assert stages(path, mapping)
    report = imports.validate_file(path, mapping)
    assert [(e.row, e.column, e.value) for e in report.errors] == [
        (5, "Hemkommun", "Gotham"),
        (5, "Färdmedel", "flyg"),
        (7, "Hemkommun", ""),
        (7, "Avstånd km", "-1"),
    ]
    assert (report.total_rows, report.valid_rows, report.invalid_rows) == (6, 4, 2)
    assert report_of(report) == report_of(imports.validate_file(path, mapping, staged=False))
    (staged, staged_rows), (row_path, row_rows) = import_both(path, mapping, valid_only=True)
    assert staged == row_path
    assert staged[1:3] == (4, 2)
    assert staged_rows == row_rows


def test_every_error_is_counted_and_the_first_thousand_kept_as_the_row_path_does(
    tmp_path, reference_data
):
    rows = ["Region;Gotham;Metropolis;x;flyg;"] * 400  # four errors a row
    path = tmp_path / "svar.csv"
    path.write_bytes(("\n".join([HEADER, *rows]) + "\n").encode("utf-8"))
    mapping = imports.guess_mapping(HEADER.split(";"))
    report = imports.validate_file(path, mapping)
    assert (report.error_count, len(report.errors), report.invalid_rows) == (1600, 1000, 400)
    assert report.errors[-1].row == 251  # rows 2–251 hold the first 1 000 errors
    assert report_of(report) == report_of(imports.validate_file(path, mapping, staged=False))


def test_blank_edged_and_non_ascii_comments_are_stripped_as_python_strips_them(
    tmp_path, reference_data
):
    comments = ["\u00a0Bra\u00a0", " mellanslag ", "\u3000全角\u3000", "Ö", "x", "a b", "\u2003"]
    rows = [f"Region;Krokom;Östersund;1;bil;{c}" for c in comments]
    path = tmp_path / "svar.csv"
    path.write_bytes(("\n".join([HEADER, *rows]) + "\n").encode("utf-8"))
    mapping = imports.guess_mapping(HEADER.split(";"))
    assert stages(path, mapping)
    (staged, staged_rows), (row_path, row_rows) = import_both(path, mapping)
    assert staged == row_path
    assert [r[STORED.index("comment")] for r in staged_rows] == [
        "Bra",
        "mellanslag",
        "全角",
        "Ö",
        "x",
        "a b",
        "",
    ]
    assert staged_rows == row_rows


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (
            b'Organisation;Hemkommun;Arbetsplatskommun\nRegion; "Krokom";2380\n',
            "blank before a quote",
        ),
        (b"Organisation;Hemkommun;Arbetsplatskommun\nRegion;Kro\x00kom;2380\n", "a NUL byte"),
        (b"Organisation;Hemkommun;Arbetsplatskommun\nRegion\x81;Krokom;2380\n", "undefined cp1252"),
        (b"Hemkommun\nKrokom\n\nBerg\n", "one column"),
        (b"Organisation;Hemkommun;Arbetsplatskommun\nRegion;Krokom\n", "a ragged row"),
        (b"Organisation;Hemkommun;Arbetsplatskommun\n\nRegion;Krokom;2380\n", "a blank line"),
        (b"Organisation;Hemkommun;Arbetsplatskommun\n\\.\nRegion;Krokom;2380\n", "an end marker"),
        (b'Organisation;Hemkommun;Arbetsplatskommun\nRe"gion;Krokom;2380\n', "a quote inside"),
    ],
)
def test_files_the_parsers_could_read_differently_go_the_row_by_row_way(
    tmp_path, reference_data, content, why
):
    path = tmp_path / "svar.csv"
    path.write_bytes(content)
    headers = ["Organisation", "Hemkommun", "Arbetsplatskommun"]
    mapping = imports.guess_mapping(headers if b";" in content else ["Hemkommun"])
    assert not stages(path, mapping), why
    by_copy, row_by_row = validate_both(path, mapping)
    assert by_copy == row_by_row, why


@given(
    data=table(clean=False),
    separator=st.sampled_from([";", ",", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
    quoted=st.booleans(),
    newline=st.sampled_from(["\r\n", "\n"]),
    valid_only=st.booleans(),
    tidy=st.booleans(),
)
@fuzz_settings(max_examples=80)
def test_any_csv_gives_the_same_report_and_answers_by_either_path(
    reference_data, tmp_path, data, separator, encoding, quoted, newline, valid_only, tidy
):
    headers, rows = data
    if tidy:  # hostile values in a well-formed file, so that COPY reads it rather than declines
        headers = [h.replace("\x00", "") for h in headers]
        rows = [
            [c.replace("\x00", "") for c in (row + [""] * len(headers))[: len(headers)]]
            for row in rows
        ]
    path = tmp_path / "svar.csv"
    path.write_bytes(
        as_csv(
            headers, rows, separator=separator, encoding=encoding, quoted=quoted, newline=newline
        )
    )
    try:
        mapping = imports.guess_mapping(imports.preview(path)[0])
    except TableError:
        return  # refused at the upload, before either path reads it
    with rolled_back():
        by_copy, row_by_row = validate_both(path, mapping)
        assert by_copy == row_by_row
        (a, a_rows), (b, b_rows) = import_both(path, mapping, valid_only=valid_only)
        assert a == b
        assert a_rows == b_rows


# Answers as survey tools write them, and the categories a planner may give each.
TOOL_ANSWERS = ["Ja, absolut", "Ja, kanske", "Vet ej", "Nej", "ja", "Bil", "Egen bil", "Tåg", " "]
CODE_CHOICES = {"hub_interest": ["yes", "maybe", "no", ""], "mode": ["car", "train", "other", ""]}


@st.composite
def codings(draw) -> dict:
    """A recoding step's outcome: some answers of each coded column given a category."""
    return {
        f: draw(st.dictionaries(st.sampled_from(TOOL_ANSWERS), st.sampled_from(codes), max_size=5))
        for f, codes in CODE_CHOICES.items()
        if draw(st.booleans())
    }


@given(
    data=table(clean=False),
    kind=st.sampled_from(["csv", "csv", "xlsx"]),
    separator=st.sampled_from([";", ","]),
    encoding=st.sampled_from(["utf-8-sig", "cp1252"]),
    titles=st.lists(st.sampled_from(TITLES), max_size=2),
    blank_below=st.booleans(),
    trailing=st.integers(0, 2),
    coding=codings(),
    tool_answers=st.lists(st.sampled_from(TOOL_ANSWERS), max_size=6),
    valid_only=st.booleans(),
)
@fuzz_settings(max_examples=60)
def test_title_rows_trailing_columns_xlsx_and_recoding_give_the_same_result_by_either_path(
    reference_data,
    tmp_path,
    data,
    kind,
    separator,
    encoding,
    titles,
    blank_below,
    trailing,
    coding,
    tool_answers,
    valid_only,
):
    """Issue 16, points 3, 7 and 8: whatever the layout and the coding, the COPY path
    (which takes XLSX and titled CSV as a plain copy) reports and writes exactly what the
    row path does, and the file imports its valid content or nothing."""
    headers, rows = data
    width = len(headers)
    rows = [[c.replace("\x00", "") for c in (row + [""] * width)[:width]] for row in rows]
    headers = [h.replace("\x00", "") for h in headers]
    # The tools' answers in the coded columns, where the table has them.
    coded = [i for i, h in enumerate(headers) if imports.guess_mapping([h]).keys() & CODE_CHOICES]
    for n, row in enumerate(rows):
        for i in coded:
            if tool_answers:
                row[i] = tool_answers[(n + i) % len(tool_answers)]
    headers = [*headers, *[""] * trailing]
    rows = [[*row, *[""] * trailing] for row in rows]
    above = [[t] for t in titles] + ([[]] if titles and blank_below else [])
    path = tmp_path / ("svar.xlsx" if kind == "xlsx" else "svar.csv")
    if kind == "xlsx":
        path.write_bytes(as_xlsx(headers, rows, above=above))
    else:
        path.write_bytes(
            as_csv(
                headers,
                rows,
                separator=separator,
                encoding=encoding,
                quoted=True,
                newline="\r\n",
                above=above,
            )
        )
    try:
        mapping = imports.guess_mapping(imports.preview(path)[0])
    except TableError:
        return
    with rolled_back():
        by_copy, row_by_row = validate_both(path, mapping, coding)
        assert by_copy == row_by_row
        before = SurveyResponse.objects.count()
        (a, a_rows), (b, b_rows) = import_both(path, mapping, valid_only=valid_only, coding=coding)
        assert a == b
        assert a_rows == b_rows
        if a[0] == "imported":  # exactly the valid rows, and no error left unsaid
            assert a[1] == a[4]
            assert valid_only or a[6] == 0
        else:  # refused: not one answer written
            assert a_rows == []
        assert SurveyResponse.objects.count() - before == len(a_rows) + len(b_rows)
