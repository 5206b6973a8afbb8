"""SCB files as SCB's PxWeb writes them: RAMS commuting and BE0101 migration, to hand-checked figures.

Every file is built here by a small generator in the layout PxWeb saves
("med rubrik": a title line, a blank line, the table, footnotes; Windows-1252,
';' and quotes; or UTF-8 and ','; or XLSX with stub labels only where they
change), not by the app's own template.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from mapping import scb
from mapping.models import CommutingFlow, MunicipalityMigration, RecruitmentNeed

pytestmark = pytest.mark.django_db

KROKOM, OSTERSUND, ARE = "2309", "2380", "2321"
TITLE = "Förvärvsarbetande 16-74 år efter bostadskommun, arbetsställekommun, kön och år"
FOOTNOTES = ["", "Fotnoter:", "Uppgifterna avser november respektive år.", "Källa: SCB, RAMS"]


def pxweb_csv(header, rows, *, title=TITLE, sep=";", encoding="cp1252", footnotes=True) -> bytes:
    """A PxWeb CSV: every cell quoted, CRLF; with rubrik a title line and a blank line first."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    if title:
        out.write(f'"{title}"\r\n\r\n')
    writer.writerow(header)
    writer.writerows(rows)
    if footnotes:
        for line in FOOTNOTES:
            out.write(f'"{line}"\r\n' if line else "\r\n")
    return out.getvalue().encode(encoding)


def pxweb_xlsx(header, rows, *, title=TITLE, stubs=2) -> bytes:
    """PxWeb's Excel export: title in A1, a blank row, the table; a stub label only where it changes."""
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
        sheet.append([])
    sheet.append(header)
    previous = [None] * stubs
    for row in rows:
        cells = list(row)
        for i in range(stubs):
            if cells[i] == previous[i] and all(cells[j] == previous[j] for j in range(i)):
                cells[i] = None
            else:
                previous[i] = row[i]
        previous = list(row[:stubs])
        sheet.append([int(c) if isinstance(c, str) and c.isdigit() else c for c in cells])
    for line in FOOTNOTES:
        sheet.append([line or None])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write(tmp_path, content: bytes, name="scb.csv"):
    path = tmp_path / name
    path.write_bytes(content)
    return path


def flows() -> dict[tuple, int]:
    return {
        (f.home_municipality_id, f.workplace_municipality_id, f.year): f.commuters
        for f in CommutingFlow.objects.all()
    }


# Hand-checked figures: män + kvinnor per pair and year.
KON_ROWS = [
    ("2309 Krokom", "2309 Krokom", "män", "1500", "1510"),
    ("2309 Krokom", "2309 Krokom", "kvinnor", "1400", "1420"),
    ("2309 Krokom", "2380 Östersund", "män", "1700", "1650"),
    ("2309 Krokom", "2380 Östersund", "kvinnor", "1510", "1650"),
    ("2380 Östersund", "2309 Krokom", "män", "300", ".."),
    ("2380 Östersund", "2309 Krokom", "kvinnor", "250", "260"),
]
KON_HEADER = ["bostadskommun", "arbetsställekommun", "kön", "2021", "2022"]
KON_SUM = {
    (KROKOM, KROKOM, 2021): 2900,
    (KROKOM, KROKOM, 2022): 2930,
    (KROKOM, OSTERSUND, 2021): 3210,
    (KROKOM, OSTERSUND, 2022): 3300,
    (OSTERSUND, KROKOM, 2021): 550,
    # (Östersund → Krokom, 2022): män suppressed, so the sum is unknown: not imported.
}


def test_a_long_file_with_kon_is_refused_until_the_planner_chooses_and_never_halves_a_flow(
    tmp_path, reference_data
):
    """The issue's case: 204 values "imported", every flow halved (the last row per pair kept)."""
    path = write(tmp_path, pxweb_csv(KON_HEADER, KON_ROWS))
    report = scb.import_rams(path)
    assert not report.ok
    assert report.needs_choice
    assert report.errors[0].column == "kön"
    assert "kön: män (3), kvinnor (3)" in report.errors[0].reason
    assert "män" in report.errors[0].reason
    assert "kvinnor" in report.errors[0].reason
    assert CommutingFlow.objects.count() == 0

    report = scb.import_rams(path, choice=scb.Choice(sum_all=True))
    assert report.ok, report.lines()
    assert flows() == KON_SUM
    assert report.imported == 5
    assert report.suppressed == 1
    assert any("1 värde var undertryckt" in line for line in report.lines())


def test_selecting_one_kon_imports_that_value_only(tmp_path, reference_data):
    path = write(tmp_path, pxweb_csv(KON_HEADER, KON_ROWS))
    report = scb.import_rams(path, choice=scb.Choice(select={"Kön": "Kvinnor"}))
    assert report.ok, report.lines()
    assert flows()[(KROKOM, OSTERSUND, 2022)] == 1650
    assert flows()[(OSTERSUND, KROKOM, 2022)] == 260
    assert len(flows()) == 6


def test_a_totalt_value_of_a_summed_dimension_is_left_out_not_counted_twice(
    tmp_path, reference_data
):
    rows = [
        ("2309 Krokom", "2380 Östersund", "män", "1700"),
        ("2309 Krokom", "2380 Östersund", "kvinnor", "1510"),
        ("2309 Krokom", "2380 Östersund", "totalt", "3210"),
    ]
    path = write(tmp_path, pxweb_csv(["bostadskommun", "arbetsställekommun", "kön", "2021"], rows))
    report = scb.import_rams(path, choice=scb.Choice(sum_all=True))
    assert report.ok, report.lines()
    assert flows() == {(KROKOM, OSTERSUND, 2021): 3210}
    assert report.ignored_totals == {"totalt": 1}
    # … and selecting the total gives the same figure.
    CommutingFlow.objects.all().delete()
    assert scb.import_rams(path, choice=scb.Choice(select={"kön": "totalt"})).ok
    assert flows() == {(KROKOM, OSTERSUND, 2021): 3210}


@pytest.mark.parametrize(
    ("title", "sep", "encoding", "footnotes"),
    [
        (TITLE, ";", "cp1252", True),  # "Semikolonavgränsad med rubrik"
        (None, ";", "cp1252", False),  # "… utan rubrik"
        (TITLE, ",", "utf-8", True),  # PxWeb 2: UTF-8, comma
        (None, "\t", "utf-8-sig", False),  # tab separated, with BOM
    ],
)
def test_pxweb_rams_with_and_without_title_and_years_as_columns(
    tmp_path, reference_data, title, sep, encoding, footnotes
):
    rows = [
        ("2309 Krokom", "2380 Östersund", "3210", "3300"),
        ("Östersunds kommun", "Krokom", "550", "-"),
        ("2321", "Östersund", "1 204", "."),
    ]
    header = ["bostadskommun", "arbetsställekommun", "2021", "2022"]
    path = write(
        tmp_path,
        pxweb_csv(header, rows, title=title, sep=sep, encoding=encoding, footnotes=footnotes),
    )
    report = scb.import_rams(path)
    assert report.ok, report.lines()
    assert flows() == {
        (KROKOM, OSTERSUND, 2021): 3210,
        (KROKOM, OSTERSUND, 2022): 3300,
        (OSTERSUND, KROKOM, 2021): 550,
        (ARE, OSTERSUND, 2021): 1204,
    }
    assert report.suppressed == 2
    assert report.imported == 4


def test_years_as_an_ar_column_with_a_value_column(tmp_path, reference_data):
    rows = [
        ("2309 Krokom", "2380 Östersund", "2021", "3210"),
        ("2309 Krokom", "2380 Östersund", "2022", "3300"),
    ]
    header = ["bostadskommun", "arbetsställekommun", "år", "Förvärvsarbetande 16-74 år"]
    assert scb.import_rams(write(tmp_path, pxweb_csv(header, rows))).ok
    assert flows() == {(KROKOM, OSTERSUND, 2021): 3210, (KROKOM, OSTERSUND, 2022): 3300}


def test_the_matrix_layout_with_workplaces_as_columns_and_a_totalt_column_ignored(
    tmp_path, reference_data
):
    """As ArRegPend2 writes it: år and kön as stubs, "(bostad)" and "(arbetsställe)" suffixes."""
    header = [
        "år",
        "kön",
        "bostadskommun",
        "2309 Krokom (arbetsställe)",
        "2380 Östersund (arbetsställe)",
        "Totalt",
    ]
    rows = [
        ("2023", "totalt", "2309 Krokom (bostad)", "2900", "3210", "6110"),
        ("2023", "totalt", "2380 Östersund (bostad)", "550", "25000", "25550"),
        ("2023", "totalt", "Totalt", "3450", "28210", "31660"),
    ]
    report = scb.import_rams(write(tmp_path, pxweb_csv(header, rows, title="Sysselsatta 15-74 år")))
    assert report.ok, report.lines()
    assert flows() == {
        (KROKOM, KROKOM, 2023): 2900,
        (KROKOM, OSTERSUND, 2023): 3210,
        (OSTERSUND, KROKOM, 2023): 550,
        (OSTERSUND, OSTERSUND, 2023): 25000,
    }
    assert report.ignored_totals == {"Totalt": 2}


def test_a_matrix_takes_its_year_from_the_title_line(tmp_path, reference_data):
    header = ["bostadskommun", "Krokom", "Östersund", "Samtliga kommuner"]
    rows = [("Krokom", "2900", "3210", "6110"), ("Östersund", "550", "25000", "25550")]
    path = write(tmp_path, pxweb_csv(header, rows, title="Förvärvsarbetande 2022"))
    assert scb.import_rams(path).ok
    assert flows()[(OSTERSUND, KROKOM, 2022)] == 550
    # Without a year anywhere the file is refused.
    CommutingFlow.objects.all().delete()
    report = scb.import_rams(write(tmp_path, pxweb_csv(header, rows, title="Förvärvsarbetande")))
    assert not report.ok
    assert "Året saknas" in report.errors[0].reason
    assert CommutingFlow.objects.count() == 0


def test_pxweb_xlsx_with_title_and_stub_labels_only_where_they_change(tmp_path, reference_data):
    path = write(tmp_path, pxweb_xlsx(KON_HEADER, KON_ROWS, stubs=2), "scb.xlsx")
    report = scb.import_rams(path, choice=scb.Choice(sum_all=True))
    assert report.ok, report.lines()
    assert flows() == KON_SUM


def test_a_duplicate_pair_is_refused_with_both_rows_named(tmp_path, reference_data):
    rows = [
        ("2309 Krokom", "2380 Östersund", "3210"),
        ("2380 Östersund", "2309 Krokom", "550"),
        ("Krokoms kommun", "Östersund", "3300"),
    ]
    path = write(tmp_path, pxweb_csv(["bostadskommun", "arbetsställekommun", "2021"], rows))
    report = scb.import_rams(path)
    assert not report.ok
    (error,) = report.errors
    # Title row 1, blank row 2, header row 3: the data are rows 4-6.
    assert (error.row, error.column, error.value) == (6, "2021", "3300")
    assert "rad 4" in error.reason
    assert CommutingFlow.objects.count() == 0


@pytest.mark.parametrize(
    ("cell", "column", "reason"),
    [
        (("Stockholms län", "2380 Östersund", "3210"), "bostadskommun", "Okänd kommun"),
        (("2309 Krokom", "2380 Östersund", "3 210,5"), "2021", "heltal"),
        (("2309 Krokom", "2380 Östersund", ""), "2021", "saknas"),
        (("2309 Krokom", "2380 Östersund", "-5"), "2021", "heltal"),
    ],
)
def test_a_bad_cell_refuses_the_whole_file_naming_row_and_column(
    tmp_path, reference_data, cell, column, reason
):
    rows = [("2380 Östersund", "2309 Krokom", "550"), cell]
    path = write(tmp_path, pxweb_csv(["bostadskommun", "arbetsställekommun", "2021"], rows))
    report = scb.import_rams(path)
    assert not report.ok
    assert (report.errors[0].row, report.errors[0].column) == (5, column)
    assert reason in report.errors[0].reason
    assert CommutingFlow.objects.count() == 0


# --- BE0101 migration -------------------------------------------------------------------------


def migrations() -> dict[tuple, tuple[int, int]]:
    return {
        (m.municipality_id, m.year): (m.in_migration, m.out_migration)
        for m in MunicipalityMigration.objects.all()
    }


def test_be0101_with_measures_and_years_in_the_heading_and_kon_summed(tmp_path, reference_data):
    """BE0101J/Flyttningar97 pivoted as PxWeb offers: region and kön as stubs."""
    header = [
        "region",
        "kön",
        "Inflyttningar 2021",
        "Inflyttningar 2022",
        "Utflyttningar 2021",
        "Utflyttningar 2022",
    ]
    rows = [
        ("2380 Östersund", "män", "1500", "1550", "1400", "1380"),
        ("2380 Östersund", "kvinnor", "1600", "1580", "1450", "1500"),
        ("2309 Krokom", "män", "400", "390", "350", ".."),
        ("2309 Krokom", "kvinnor", "420", "410", "360", "370"),
    ]
    path = write(tmp_path, pxweb_csv(header, rows, title="Flyttningar efter region, kön och år"))
    assert scb.import_context(path).needs_choice
    report = scb.import_context(path, choice=scb.Choice(sum_all=True))
    assert report.ok, report.lines()
    assert migrations() == {
        (OSTERSUND, 2021): (3100, 2850),
        (OSTERSUND, 2022): (3130, 2880),
        (KROKOM, 2021): (820, 710),
    }
    assert report.suppressed == 1


def test_be0101_with_tabellinnehall_as_a_stub_and_other_measures_reported(tmp_path, reference_data):
    header = ["region", "tabellinnehåll", "2022", "2023"]
    rows = [
        ("2380 Östersund", "Inflyttningar", "3130", "3050"),
        ("2380 Östersund", "Utflyttningar", "2880", "2990"),
        ("2380 Östersund", "Invandringar", "410", "380"),
        ("2305 Bräcke", "Inflyttningar", "250", "240"),
        ("2305 Bräcke", "Utflyttningar", "270", "265"),
    ]
    path = write(tmp_path, pxweb_xlsx(header, rows, title="Flyttningar", stubs=1), "be0101.xlsx")
    report = scb.import_context(path)
    assert report.ok, report.lines()
    assert migrations() == {
        (OSTERSUND, 2022): (3130, 2880),
        (OSTERSUND, 2023): (3050, 2990),
        ("2305", 2022): (250, 270),
        ("2305", 2023): (240, 265),
    }
    assert any("Invandringar (2)" in line for line in report.lines())


def test_be0101_with_only_inflyttningar_for_a_year_is_refused(tmp_path, reference_data):
    header = ["region", "tabellinnehåll", "2022"]
    rows = [("2380 Östersund", "Inflyttningar", "3130")]
    report = scb.import_context(write(tmp_path, pxweb_csv(header, rows)))
    assert not report.ok
    assert "utflyttade saknas" in report.errors[0].reason
    assert report.errors[0].row == 4
    assert MunicipalityMigration.objects.count() == 0


def test_recruitment_needs_with_years_as_columns(tmp_path, reference_data):
    header = ["kommun", "sektor", "2025", "2026"]
    rows = [("Bräcke", "Vård och omsorg", "40", "45"), ("Bräcke", "Utbildning", "12", "..")]
    report = scb.import_context(write(tmp_path, pxweb_csv(header, rows, title=None)))
    assert report.ok, report.lines()
    assert {(r.sector, r.year): r.needed for r in RecruitmentNeed.objects.all()} == {
        ("Vård och omsorg", 2025): 40,
        ("Vård och omsorg", 2026): 45,
        ("Utbildning", 2025): 12,
    }


# --- Commands and pages -----------------------------------------------------------------------


def test_the_import_rams_command_sums_or_selects_and_refuses_with_exit_status(
    tmp_path, reference_data
):
    path = write(tmp_path, pxweb_csv(KON_HEADER, KON_ROWS))
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_rams", str(path), stdout=out)
    assert "kön" in out.getvalue()
    assert CommutingFlow.objects.count() == 0
    call_command("import_rams", str(path), "--sum-dimensions", stdout=io.StringIO())
    assert flows() == KON_SUM
    call_command("import_rams", str(path), "--select", "kön=män", stdout=io.StringIO())
    assert flows()[(KROKOM, OSTERSUND, 2021)] == 1700
    with pytest.raises(CommandError):
        call_command("import_rams", str(path), "--select", "ålder=16-19", stdout=io.StringIO())


def test_the_import_context_command(tmp_path, reference_data):
    header = ["region", "tabellinnehåll", "2022"]
    rows = [
        ("2380 Östersund", "Inflyttningar", "3130"),
        ("2380 Östersund", "Utflyttningar", "2880"),
    ]
    path = write(tmp_path, pxweb_csv(header, rows))
    call_command("import_context", str(path), stdout=io.StringIO())
    assert migrations() == {(OSTERSUND, 2022): (3130, 2880)}


def test_the_rams_page_asks_for_a_choice_then_imports_the_sum(client_for, planner, reference_data):
    client = client_for(planner)
    content = pxweb_csv(KON_HEADER, KON_ROWS)
    page = client.post(
        "/surveys/rams/", {"file": SimpleUploadedFile("rams.csv", content)}, follow=True
    )
    text = page.content.decode()
    assert "Inget importerades" in text
    assert "kvinnor" in text
    assert CommutingFlow.objects.count() == 0
    # The file is kept: the planner only chooses, and the form names the file it will use.
    assert "rams.csv" in str(page.context["form"]["file"].help_text)
    done = client.post("/surveys/rams/", {"sum_dimensions": "on"}, follow=True)
    assert flows() == KON_SUM
    assert "5 värden importerades" in done.content.decode()
    assert "1 värde var undertryckt" in done.content.decode()
    # … and then forgotten: a second choice without a file is a form error, not an import.
    # (A choice the file cannot meet keeps it: see the next test.)
    again = client.post("/surveys/rams/", {"select": "kön=män"})
    assert again.status_code == 200
    assert again.context["form"].errors["file"]
    assert flows() == KON_SUM


def test_a_new_upload_replaces_the_kept_file(client_for, planner, reference_data):
    from hubplan.models import StoredFileChunk

    client = client_for(planner)
    client.post(
        "/surveys/rams/", {"file": SimpleUploadedFile("a.csv", pxweb_csv(KON_HEADER, KON_ROWS))}
    )
    assert StoredFileChunk.objects.values("name").distinct().count() == 1  # kept for a choice
    plain = pxweb_csv(["bostadskommun", "arbetsställekommun", "2021"], [("Krokom", "Åre", "75")])
    page = client.post("/surveys/rams/", {"file": SimpleUploadedFile("b.csv", plain)}, follow=True)
    assert flows() == {(KROKOM, ARE, 2021): 75}
    # Both files are gone from the storage: the kept one replaced, the new one read.
    assert not StoredFileChunk.objects.exists()
    assert "scb_pending_rams" not in client.session
    assert page.context["form"].fields["file"].required


def _seed_flows(n_kommuner: int, years=(2021, 2022)):
    from mapping.models import Municipality

    codes = list(Municipality.objects.order_by("code").values_list("code", flat=True)[:n_kommuner])
    CommutingFlow.objects.bulk_create(
        CommutingFlow(home_municipality_id=h, workplace_municipality_id=w, year=y, commuters=i + 1)
        for y in years
        for i, (h, w) in enumerate((h, w) for h in codes for w in codes)
    )
    return codes


def test_the_rams_page_draws_the_matrix_and_a_trend_per_pair(client_for, viewer, reference_data):
    """Hand-checked: Krokom → Östersund 3210 in 2021 and 3300 in 2022, drawn as one line."""
    CommutingFlow.objects.bulk_create(
        [
            CommutingFlow(
                home_municipality_id=KROKOM,
                workplace_municipality_id=OSTERSUND,
                year=2021,
                commuters=3210,
            ),
            CommutingFlow(
                home_municipality_id=KROKOM,
                workplace_municipality_id=OSTERSUND,
                year=2022,
                commuters=3300,
            ),
            CommutingFlow(
                home_municipality_id=OSTERSUND,
                workplace_municipality_id=KROKOM,
                year=2022,
                commuters=550,
            ),
            CommutingFlow(
                home_municipality_id=KROKOM,
                workplace_municipality_id=KROKOM,
                year=2022,
                commuters=2930,
            ),
        ]
    )
    page = client_for(viewer).get("/surveys/rams/", {"year": "2022"})
    heat = page.context["heatmap"]["data"][0]
    assert heat["type"] == "heatmap"
    assert heat["y"] == ["Krokom", "Östersund"]
    assert heat["x"] == ["Krokom", "Östersund"]
    assert heat["z"] == [[2930, 3300], [550, None]]  # no figure for Östersund → Östersund: a gap
    # The largest flow between two kommuner is shown first.
    assert page.context["pair"] == (KROKOM, OSTERSUND)
    line = page.context["pair_chart"]["data"][0]
    assert (list(line["x"]), list(line["y"])) == ([2021, 2022], [3210, 3300])
    assert b'id="rams-heatmap"' in page.content
    other = client_for(viewer).get("/surveys/rams/", {"home": OSTERSUND, "work": KROKOM})
    line = other.context["pair_chart"]["data"][0]
    assert (list(line["x"]), list(line["y"])) == ([2022], [550])
    # An unknown pair falls back to the largest flow, never a 500.
    fallback = client_for(viewer).get("/surveys/rams/", {"home": "9999", "work": "x"})
    assert fallback.context["pair"] == (KROKOM, OSTERSUND)


def test_the_rams_page_needs_the_same_queries_for_4_and_18_kommuner(
    client_for, viewer, reference_data
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(viewer)
    measured = []
    for n in (4, 18):
        CommutingFlow.objects.all().delete()
        _seed_flows(n)
        with CaptureQueriesContext(connection) as ctx:
            page = client.get("/surveys/rams/")
        assert len(page.context["heatmap"]["data"][0]["y"]) == n
        measured.append(len(ctx.captured_queries))
    # 18 × 18 = 324 pairs: the list shows the 300 largest, the matrix all of them.
    assert len(page.context["flows"]) == 300
    assert page.context["flows_total"] == 324
    assert page.context["flows"][0]["commuters"] == 324
    assert "de 300 största av 324" in page.content.decode()
    assert measured[0] == measured[1], measured


def test_a_matrix_with_kommun_and_year_in_each_heading(tmp_path, reference_data):
    """PxWeb joins two heading variables in one CSV header: "2380 Östersund 2021"."""
    header = [
        "bostadskommun",
        "2309 Krokom 2021",
        "2380 Östersund 2021",
        "Totalt 2021",
        "2309 Krokom 2022",
        "2380 Östersund 2022",
        "Totalt 2022",
    ]
    rows = [("2309 Krokom", "2900", "3210", "6110", "2930", "3300", "6230")]
    report = scb.import_rams(write(tmp_path, pxweb_csv(header, rows)))
    assert report.ok, report.lines()
    assert flows() == {
        (KROKOM, KROKOM, 2021): 2900,
        (KROKOM, OSTERSUND, 2021): 3210,
        (KROKOM, KROKOM, 2022): 2930,
        (KROKOM, OSTERSUND, 2022): 3300,
    }


def test_be0101_with_regions_as_columns(tmp_path, reference_data):
    header = ["tabellinnehåll", "år", "2380 Östersund", "2305 Bräcke", "Riket"]
    rows = [
        ("Inflyttningar", "2022", "3130", "250", "999999"),
        ("Utflyttningar", "2022", "2880", "270", "999999"),
    ]
    report = scb.import_context(write(tmp_path, pxweb_csv(header, rows)))
    assert report.ok, report.lines()
    assert migrations() == {(OSTERSUND, 2022): (3130, 2880), ("2305", 2022): (250, 270)}


def test_an_unknown_kommun_in_a_matrix_heading_names_the_header_row(tmp_path, reference_data):
    header = ["bostadskommun", "2309 Krokom", "Atlantis"]
    rows = [("2309 Krokom", "2900", "12")]
    report = scb.import_rams(write(tmp_path, pxweb_csv(header, rows, title="Pendling 2022")))
    assert not report.ok
    assert [(e.row, e.column) for e in report.errors] == [(3, "Atlantis")]
    assert CommutingFlow.objects.count() == 0


def test_pxweb_xlsx_with_empty_stub_headers_and_one_year(tmp_path, reference_data):
    """The stub columns are told apart by content: kommuner, home first."""
    rows = [("2309 Krokom", "2380 Östersund", "3210"), ("2380 Östersund", "2309 Krokom", "550")]
    path = write(tmp_path, pxweb_xlsx(["", "", "2021"], rows, title=TITLE, stubs=0), "e.xlsx")
    report = scb.import_rams(path)
    assert report.ok, report.lines()
    assert flows() == {(KROKOM, OSTERSUND, 2021): 3210, (OSTERSUND, KROKOM, 2021): 550}


def test_a_cut_off_last_row_is_refused_not_taken_for_a_footnote(tmp_path, reference_data):
    content = pxweb_csv(
        ["bostadskommun", "arbetsställekommun", "2021"],
        [("2309 Krokom", "2380 Östersund", "3210")],
        footnotes=False,
    ) + '"2380 Östersund"\r\n'.encode("cp1252")
    report = scb.import_rams(write(tmp_path, content))
    assert not report.ok
    assert report.errors[0].row == 5
    assert CommutingFlow.objects.count() == 0


def test_an_sni_2007_and_an_arbetsgivarsektor_column_are_dimensions_not_years(
    tmp_path, reference_data
):
    """ "näringsgren SNI 2007" ends in a year and "arbetsgivarsektor" begins with "år" folded."""
    header = [
        "bostadskommun",
        "arbetsställekommun",
        "näringsgren SNI 2007",
        "arbetsgivarsektor",
        "Dagbefolkning 2021",
    ]
    rows = [
        ("2309 Krokom", "2380 Östersund", "Q vård och omsorg", "kommunal sektor", "1200"),
        ("2309 Krokom", "2380 Östersund", "Q vård och omsorg", "privat sektor", "300"),
        ("2309 Krokom", "2380 Östersund", "P utbildning", "kommunal sektor", "500"),
        ("2309 Krokom", "2380 Östersund", "P utbildning", "privat sektor", ".."),
    ]
    path = write(tmp_path, pxweb_csv(header, rows))
    report = scb.import_rams(path)
    assert report.needs_choice
    assert set(report.dimensions) == {"näringsgren SNI 2007", "arbetsgivarsektor"}
    report = scb.import_rams(
        path, choice=scb.Choice(sum_all=True, select={"arbetsgivarsektor": "kommunal sektor"})
    )
    assert report.ok, report.lines()
    assert flows() == {(KROKOM, OSTERSUND, 2021): 1700}


def test_pxweb_xlsx_matrix_with_years_over_kommuner_in_two_header_rows(tmp_path, reference_data):
    """Each year written once over its group of workplace kommuner, as in PxWeb's Excel file."""
    book = Workbook()
    sheet = book.active
    sheet.append(["Förvärvsarbetande efter bostadskommun, arbetsställekommun och år"])
    sheet.append([])
    sheet.append(["", 2021, None, None, 2022, None, None])
    sheet.append(["bostadskommun", *["2309 Krokom", "2380 Östersund", "Totalt"] * 2])
    sheet.append(["2309 Krokom", 2900, 3210, 6110, 2930, 3300, 6230])
    sheet.append(["2380 Östersund", 550, 25000, 25550, "..", 25100, 25100])
    out = io.BytesIO()
    book.save(out)
    report = scb.import_rams(write(tmp_path, out.getvalue(), "two.xlsx"))
    assert report.ok, report.lines()
    assert flows() == {
        (KROKOM, KROKOM, 2021): 2900,
        (KROKOM, OSTERSUND, 2021): 3210,
        (KROKOM, KROKOM, 2022): 2930,
        (KROKOM, OSTERSUND, 2022): 3300,
        (OSTERSUND, KROKOM, 2021): 550,
        (OSTERSUND, OSTERSUND, 2021): 25000,
        (OSTERSUND, OSTERSUND, 2022): 25100,
    }
    assert report.suppressed == 1


def test_a_mistyped_choice_keeps_the_file_and_names_the_values_found(
    client_for, planner, reference_data
):
    client = client_for(planner)
    content = pxweb_csv(KON_HEADER, KON_ROWS)
    client.post("/surveys/rams/", {"file": SimpleUploadedFile("rams.csv", content)})
    page = client.post("/surveys/rams/", {"select": "kön=totlt"}, follow=True)
    assert "Värdet finns inte i kolumnen; där finns: kvinnor, män" in page.content.decode()
    assert CommutingFlow.objects.count() == 0
    client.post("/surveys/rams/", {"select": "kön=kvinnor"})
    assert flows()[(KROKOM, OSTERSUND, 2021)] == 1510
