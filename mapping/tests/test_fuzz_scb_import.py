"""Property-based: SCB RAMS files in every PxWeb layout import exactly their valid content, or nothing.

Hypothesis builds a file (long with years as columns, long with an år column, the
matrix with an år column or the year in the title; with or without kön, title,
footnotes; CSV in cp1252 or UTF-8 with ';', ',' or tab, or XLSX) from figures it
chose itself, sometimes with a suppressed cell, a broken cell, an unknown kommun or
a duplicated row. The oracle below knows from those choices alone what must be
written: the sum over kön per pair and year, leaving out any sum with a suppressed
part; and that any broken cell or duplicate refuses the whole file.
"""

from __future__ import annotations

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from hubplan.tabular import TableError
from hubplan.tests.fuzz import (
    HOSTILE_TEXT,
    changed_tables,
    fingerprint,
    fuzz_settings,
    rolled_back,
)
from mapping import scb
from mapping.models import CommutingFlow, MunicipalityMigration
from mapping.tests.test_scb_imports import pxweb_csv, pxweb_xlsx

pytestmark = pytest.mark.django_db

KOMMUNER = {
    "2309": ("2309 Krokom", "Krokom", "Krokoms kommun", "2309"),
    "2380": ("2380 Östersund", "Östersund", "Östersunds kommun", "2380"),
    "2321": ("2321 Åre", "Åre", "Åre kommun"),
    "2305": ("2305 Bräcke", "Bräcke", "Bräcke kommun"),
}
SUPPRESSED = ("..", ".", "-")
BROKEN = ("abc", "-1", "0,5", "1 234,5", "NaN", "1e308", "=1+1", "", "12,3,4", "9" * 40)

value = st.one_of(
    st.integers(0, 99_999).map(lambda n: ("ok", n, str(n))),
    st.integers(1_000, 99_999).map(lambda n: ("ok", n, f"{n // 1000} {n % 1000:03d}")),
    st.sampled_from(SUPPRESSED).map(lambda t: ("suppressed", None, t)),
    st.sampled_from(BROKEN).map(lambda t: ("broken", None, t)),
)
figure = st.one_of(
    st.integers(0, 99_999).map(lambda n: ("ok", n, str(n))),
    st.integers(0, 99_999).map(lambda n: ("ok", n, str(n))),
    st.sampled_from(SUPPRESSED).map(lambda t: ("suppressed", None, t)),
)


def _two_row_xlsx(title, upper, lower, rows) -> bytes:
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
        sheet.append([])
    sheet.append(upper)
    sheet.append(lower)
    for row in rows:
        sheet.append([int(c) if c.isdigit() else c for c in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@st.composite
def rams_files(draw):
    codes = draw(st.lists(st.sampled_from(sorted(KOMMUNER)), min_size=1, max_size=3, unique=True))
    layout = draw(
        st.sampled_from(["years_cols", "year_col", "matrix", "matrix_title", "matrix_joined"])
    )
    years = (
        [draw(st.sampled_from([2019, 2022]))]
        if layout == "matrix_title"
        else draw(
            st.lists(st.sampled_from([2020, 2021, 2022]), min_size=1, max_size=2, unique=True)
        )
    )
    kind = draw(st.sampled_from(["cp1252;", "utf-8,", "utf-8\t", "xlsx"]))
    sexes = draw(st.sampled_from([None, ("män", "kvinnor")]))
    # Half the files have no broken cell, so both outcomes are common.
    clean = draw(st.booleans())
    cells = {}
    for h in codes:
        for w in codes:
            for y in years:
                for s in sexes or (None,):
                    cells[(h, w, y, s)] = draw(figure if clean else value)
    unknown = draw(st.integers(0, 14)) == 0
    duplicate = draw(st.integers(0, 14)) == 0

    def name(code, column=False):
        variants = KOMMUNER[code][:3] if column else KOMMUNER[code]
        return draw(st.sampled_from(variants))

    sex_col = ["kön"] if sexes else []
    rows = []
    if layout in ("years_cols", "year_col"):
        header = ["bostadskommun", "arbetsställekommun", *sex_col]
        header += [str(y) for y in years] if layout == "years_cols" else ["år", "Antal"]
        for h in codes:
            for w in codes:
                for s in sexes or (None,):
                    stub = [name(h), name(w), *([s] if s else [])]
                    if layout == "years_cols":
                        rows.append(stub + [cells[(h, w, y, s)][2] for y in years])
                    else:
                        rows += [[*stub, str(y), cells[(h, w, y, s)][2]] for y in years]
    elif layout == "matrix_joined":
        # Workplace and year both in the heading: "2380 Östersund 2021" (CSV) or, in XLSX,
        # a row of years over a row of kommuner.
        works = [name(w, column=True) for w in codes]
        upper = ["" for _c in [*sex_col, "bostadskommun"]]
        header = [*sex_col, "bostadskommun"]
        for y in years:
            upper += [y] + [None] * len(works)
            header += [f"{w} {y}" for w in works] + [f"Totalt {y}"]
        lower = [*sex_col, "bostadskommun"] + [*works, "Totalt"] * len(years)
        for s in sexes or (None,):
            for h in codes:
                row = [*([s] if s else []), name(h)]
                for y in years:
                    row += [cells[(h, w, y, s)][2] for w in codes] + ["999"]
                rows.append(row)
    else:
        works = [name(w, column=True) for w in codes]
        with_year = layout == "matrix"
        header = [*(["år"] if with_year else []), *sex_col, "bostadskommun", *works, "Totalt"]
        for y in years:
            for s in sexes or (None,):
                for h in codes:
                    rows.append(
                        [*([str(y)] if with_year else []), *([s] if s else []), name(h)]
                        + [cells[(h, w, y, s)][2] for w in codes]
                        + [draw(st.sampled_from(["999", "..", "x"]))]  # never read
                    )
    if unknown:
        rows[draw(st.integers(0, len(rows) - 1))][header.index("bostadskommun")] = "Stockholms län"
    if duplicate:
        rows.append(list(rows[draw(st.integers(0, len(rows) - 1))]))
    title = (
        f"Förvärvsarbetande {years[0]}"
        if layout == "matrix_title"
        else draw(
            st.sampled_from([None, "Förvärvsarbetande efter bostadskommun och arbetsställekommun"])
        )
    )
    if kind == "xlsx" and layout == "matrix_joined":
        content = _two_row_xlsx(title, upper, lower, rows)
    elif kind == "xlsx":
        stubs = header.index("bostadskommun") + (2 if layout in ("years_cols", "year_col") else 1)
        content = pxweb_xlsx(header, rows, title=title, stubs=min(stubs, len(sex_col) + 2))
    else:
        content = pxweb_csv(
            header,
            rows,
            title=title,
            sep=kind[-1],
            encoding=kind[:-1],
            footnotes=draw(st.booleans()),
        )
    # The oracle: from the choices alone.
    valid = not unknown and not duplicate and all(c[0] != "broken" for c in cells.values())
    expected = {}
    for h in codes:
        for w in codes:
            for y in years:
                parts = [cells[(h, w, y, s)] for s in sexes or (None,)]
                if all(p[0] == "ok" for p in parts):
                    expected[(h, w, y)] = sum(p[1] for p in parts)
    return f"{kind} {layout}", content, valid, expected


@given(rams_files())
@fuzz_settings(150)
def test_every_rams_file_imports_exactly_its_valid_content_or_writes_nothing(
    reference_data, tmp_path_factory, file
):
    kind, content, valid, expected = file
    path = tmp_path_factory.mktemp("scb") / ("f.xlsx" if kind.startswith("xlsx") else "f.csv")
    path.write_bytes(content)
    with rolled_back():
        before = fingerprint()
        report = scb.import_rams(path, choice=scb.Choice(sum_all=True))
        got = {
            (f.home_municipality_id, f.workplace_municipality_id, f.year): f.commuters
            for f in CommutingFlow.objects.all()
        }
        if valid:
            assert report.ok, report.lines()
            assert got == expected
            assert report.imported == len(expected)
        else:
            assert not report.ok
            assert report.errors
            assert all(e.row >= 1 and e.column for e in report.errors), report.errors
            assert changed_tables(before, fingerprint()) == []


@st.composite
def be0101_files(draw):
    """BE0101 migration: measures in the heading ("Inflyttningar 2021") or as tabellinnehåll."""
    codes = draw(st.lists(st.sampled_from(sorted(KOMMUNER)), min_size=1, max_size=3, unique=True))
    years = draw(st.lists(st.sampled_from([2021, 2022, 2023]), min_size=1, max_size=2, unique=True))
    sexes = draw(st.sampled_from([None, ("män", "kvinnor")]))
    clean = draw(st.booleans())
    measures = {"in": "Inflyttningar", "out": "Utflyttningar"}
    cells = {
        (k, y, s, m): draw(figure if clean else value)
        for k in codes
        for y in years
        for s in sexes or (None,)
        for m in measures
    }
    layout = draw(st.sampled_from(["heading", "stub"]))
    sex_col = ["kön"] if sexes else []
    rows = []
    if layout == "heading":
        header = ["region", *sex_col] + [f"{measures[m]} {y}" for m in measures for y in years]
        for k in codes:
            for s in sexes or (None,):
                rows.append(
                    [draw(st.sampled_from(KOMMUNER[k])), *([s] if s else [])]
                    + [cells[(k, y, s, m)][2] for m in measures for y in years]
                )
    else:
        header = ["region", *sex_col, "tabellinnehåll", *map(str, years)]
        for k in codes:
            for s in sexes or (None,):
                for m in measures:
                    rows.append(
                        [draw(st.sampled_from(KOMMUNER[k])), *([s] if s else []), measures[m]]
                        + [cells[(k, y, s, m)][2] for y in years]
                    )
                rows.append(
                    [KOMMUNER[k][0], *([s] if s else []), "Invandringar"] + ["7"] * len(years)
                )
    duplicate = draw(st.integers(0, 14)) == 0
    if duplicate:  # of a figure imported: a repeated Invandringar row is ignored, rightly
        imported = [r for r in rows if "Invandringar" not in r]
        rows.append(list(imported[draw(st.integers(0, len(imported) - 1))]))
    kind = draw(st.sampled_from(["cp1252;", "utf-8,", "xlsx"]))
    title = draw(st.sampled_from([None, "Flyttningar efter region, kön och år"]))
    if kind == "xlsx":
        content = pxweb_xlsx(header, rows, title=title, stubs=1)
    else:
        content = pxweb_csv(header, rows, title=title, sep=kind[-1], encoding=kind[:-1])
    valid = not duplicate and all(c[0] != "broken" for c in cells.values())
    expected = {}
    for k in codes:
        for y in years:
            sums = {}
            for m in measures:
                parts = [cells[(k, y, s, m)] for s in sexes or (None,)]
                sums[m] = sum(p[1] for p in parts) if all(p[0] == "ok" for p in parts) else None
            if None not in sums.values():
                expected[(k, y)] = (sums["in"], sums["out"])
    return kind, content, valid, expected


@given(be0101_files())
@fuzz_settings(60)
def test_every_be0101_file_imports_exactly_its_valid_content_or_writes_nothing(
    reference_data, tmp_path_factory, file
):
    kind, content, valid, expected = file
    path = tmp_path_factory.mktemp("scb") / ("f.xlsx" if kind == "xlsx" else "f.csv")
    path.write_bytes(content)
    with rolled_back():
        before = fingerprint()
        report = scb.import_context(path, choice=scb.Choice(sum_all=True))
        got = {
            (m.municipality_id, m.year): (m.in_migration, m.out_migration)
            for m in MunicipalityMigration.objects.all()
        }
        if valid:
            assert report.ok, report.lines()
            assert got == expected
        else:
            assert not report.ok
            assert changed_tables(before, fingerprint()) == []


WORDS = (
    "bostadskommun",
    "arbetsställekommun",
    "region",
    "kommun",
    "år",
    "kön",
    "tabellinnehåll",
    "sektor",
    "Antal",
    "Totalt",
    "Samtliga",
    "Inflyttningar 2021",
    "Utflyttningar",
    "rekryteringsbehov",
    "2021",
    "2022",
    "1850",
    "2380 Östersund",
    "Krokom (arbetsställe)",
    "2309",
    "män",
    "totalt",
    "..",
    "-",
    "12",
    "1 204",
    "",
    *HOSTILE_TEXT[:40],
)


@given(
    st.lists(st.lists(st.sampled_from(WORDS), min_size=0, max_size=6), min_size=0, max_size=8),
    st.sampled_from(["rams", "context"]),
    st.booleans(),
    st.sampled_from(["csv", "xlsx"]),
)
@fuzz_settings(150)
def test_any_grid_is_imported_or_refused_never_a_crash_and_a_refusal_writes_nothing(
    reference_data, tmp_path_factory, grid, which, sum_all, kind
):
    if kind == "xlsx":
        book = Workbook()
        for row in grid:
            book.active.append([c.replace("\x00", "") for c in row])
        out = io.BytesIO()
        book.save(out)
        content = out.getvalue()
    else:
        content = "\r\n".join(";".join(f'"{c}"' for c in row) for row in grid).encode()
    path = tmp_path_factory.mktemp("scb") / f"f.{kind}"
    path.write_bytes(content)
    importer = scb.import_rams if which == "rams" else scb.import_context
    with rolled_back():
        before = fingerprint()
        try:
            report = importer(path, choice=scb.Choice(sum_all=sum_all))
        except TableError:
            assert changed_tables(before, fingerprint()) == []
            return
        if not report.ok:
            assert changed_tables(before, fingerprint()) == []
            assert all(e.column is not None and e.row >= 1 for e in report.errors)
