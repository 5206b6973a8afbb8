"""Importing survey answers: the browser flow, whole-file validation, no duplicates, the command."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from mapping import imports
from mapping.models import SurveyImport, SurveyResponse
from mapping.tests.factories import SurveyRoundFactory

pytestmark = pytest.mark.django_db

HEADER = "Organisation;Enhet;Hemkommun;Postnummer;Arbetsplatskommun;Avstånd km;Restid min;Färdmedel;Pendlingsdagar per vecka;Arbetstimmar per dag;Intresse hubb;Hubbdagar per vecka;Kommentar"
ROWS = [
    "Region Jämtland Härjedalen;Regionstaben;Krokoms kommun;835 31;Östersund;22,5;30;bil;5;8;ja;2;",
    "Krokoms kommun;Skola;2309;;2309;3;10;cykel_gång;5;8;nej;0;",
    "Region Jämtland Härjedalen;HSF;Åre;;ostersund;100;75;tåg;4;8,5;kanske;2;Bra idé",
]


def swedish_csv(rows, *, encoding="utf-8-sig") -> bytes:
    return ("\r\n".join([HEADER, *rows]) + "\r\n").encode(encoding)


def upload(client, survey_round, content: bytes, name="svar.csv"):
    return client.post(
        "/surveys/import/",
        {"survey_round": survey_round.pk, "file": SimpleUploadedFile(name, content)},
    )


def map_columns(client, headers):
    data = {c.field: "" for c in imports.COLUMNS}
    data.update(imports.guess_mapping(headers))
    data["validate"] = "1"
    # The check runs as a job (inline in tests) and the page comes back with its report.
    return client.post("/surveys/import/columns/", data, follow=True)


def test_a_planner_imports_a_swedish_excel_csv_through_the_browser(
    client_for, planner, reference_data
):
    survey_round = SurveyRoundFactory()
    client = client_for(planner)
    response = upload(client, survey_round, swedish_csv(ROWS, encoding="cp1252"))
    assert response.status_code == 302
    assert response["Location"] == "/surveys/import/columns/"
    assert "svar" not in response["Location"]

    page = client.get("/surveys/import/columns/")
    assert page.status_code == 200
    assert page.context["headers"][2] == "Hemkommun"
    assert page.context["preview_rows"][0][2] == "Krokoms kommun"
    assert page.context["form"].initial["home_municipality"] == "Hemkommun"

    checked = map_columns(client, page.context["headers"])
    report = checked.context["report"]
    assert (report.total_rows, report.valid_rows, report.error_count) == (3, 3, 0)

    done = client.post("/surveys/import/columns/", {"import": "1"}, follow=True)
    job = SurveyImport.objects.get()
    assert done.redirect_chain[-1][0] == job.get_absolute_url()
    assert job.status == SurveyImport.Status.DONE
    assert (job.row_count, job.skipped_count, job.total_rows) == (3, 0, 3)
    assert b"Importrapport" in done.content
    first = SurveyResponse.objects.get(unit="Regionstaben")
    assert first.home_municipality_id == "2309"
    assert first.workplace_municipality_id == "2380"
    assert first.distance_km == Decimal("22.5")
    assert first.postcode == "83531"
    assert first.employer_kind == SurveyResponse.Employer.REGION
    assert SurveyResponse.objects.get(unit="Skola").employer_kind == "municipality"
    assert SurveyResponse.objects.get(unit="HSF").mode == "train"


def test_one_bad_row_imports_nothing_and_names_its_row_and_column(
    client_for, planner, reference_data
):
    survey_round = SurveyRoundFactory()
    client = client_for(planner)
    bad = [*ROWS[:1], "Region;X;Atlantis;;Östersund;12;20;bil;5;8;ja;1;", *ROWS[1:]]
    upload(client, survey_round, swedish_csv(bad))
    page = client.get("/surveys/import/columns/")
    report = map_columns(client, page.context["headers"]).context["report"]
    assert report.error_count == 1
    error = report.errors[0]
    assert (error.row, error.column, error.value) == (3, "Hemkommun", "Atlantis")
    assert error.reason == imports.ERR_UNKNOWN_MUNICIPALITY

    client.post("/surveys/import/columns/", {"import": "1"})
    assert SurveyResponse.objects.count() == 0
    assert not SurveyImport.objects.filter(status="done").exists()


def test_choosing_valid_rows_only_imports_them_and_counts_the_rest(
    client_for, planner, reference_data
):
    survey_round = SurveyRoundFactory()
    client = client_for(planner)
    bad = [*ROWS, "Region;X;Krokom;;Östersund;tolv;20;bil;5;8;ja;1;"]
    upload(client, survey_round, swedish_csv(bad))
    map_columns(client, client.get("/surveys/import/columns/").context["headers"])
    client.post("/surveys/import/columns/", {"import": "1", "valid_only": "on"})
    job = SurveyImport.objects.get()
    assert (job.row_count, job.skipped_count) == (3, 1)
    assert SurveyResponse.objects.count() == 3


def test_importing_the_same_file_twice_adds_nothing_the_second_time(
    client_for, planner, reference_data
):
    survey_round = SurveyRoundFactory()
    client = client_for(planner)
    for _ in range(2):
        upload(client, survey_round, swedish_csv(ROWS))
        map_columns(client, client.get("/surveys/import/columns/").context["headers"])
        response = client.post("/surveys/import/columns/", {"import": "1"}, follow=True)
    assert SurveyResponse.objects.count() == 3
    assert SurveyImport.objects.count() == 1
    assert imports.MSG_ALREADY_IMPORTED in response.content.decode()


def test_the_import_reads_in_chunks_and_numbers_rows_across_them(tmp_path, reference_data):
    survey_round = SurveyRoundFactory()
    rows = ROWS * 4 + ["Region;X;Krokom;;Nowhere;1;2;bil;5;8;ja;1;"] + ROWS
    path = tmp_path / "svar.csv"
    path.write_bytes(swedish_csv(rows))
    mapping = imports.guess_mapping(HEADER.split(";"))
    spy = ProgressSpy()
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.import_file(
            path=path, survey_round=survey_round, mapping=mapping, chunksize=2, staged=False
        )
    assert [(e.row, e.column) for e in rejected.value.report.errors] == [(14, "Arbetsplatskommun")]
    report = imports.import_file(
        path=path,
        survey_round=survey_round,
        mapping=mapping,
        valid_only=True,
        chunksize=2,
        batch_size=4,
        progress=spy,
        staged=False,  # the row-by-row path's chunks; CSV like this goes through COPY
    )
    # Rows are reported after every chunk, while checking and while writing.
    assert spy.seen == [
        ("checking", 0),
        *[("checking", n) for n in (2, 4, 6, 8, 10, 12, 14, 16)],
        ("writing", 0),
        *[("writing", n) for n in (2, 4, 6, 8, 10, 12, 14, 16)],
        ("constraints", 0),
    ]
    assert (report.imported, report.skipped) == (15, 1)
    assert SurveyResponse.objects.count() == 15


class ProgressSpy:
    """Our own progress interface (hubplan.jobs.Progress's stage and advance), recording
    what the importer reports: (stage, rows or bytes done)."""

    cancelled = None

    def __init__(self):
        self.seen: list[tuple[str, int]] = []
        self.totals: dict[str, int] = {}
        self.name = ""

    def stage(self, name, total=0):
        self.name = name
        self.totals[name] = total
        self.seen.append((name, 0))

    def advance(self, processed, total=None):
        self.seen.append((self.name, processed))


def test_xlsx_with_english_headers_in_any_order_imports(tmp_path, reference_data):
    wb = Workbook()
    ws = wb.active
    ws.append(
        ["WORKPLACE_MUNICIPALITY", "home_municipality", "mode", "hub_interest", "distance_km"]
    )
    ws.append(["2380", "Berg", "car", "Maybe", 70])
    path = tmp_path / "svar.xlsx"
    wb.save(path)
    survey_round = SurveyRoundFactory()
    mapping = imports.guess_mapping(
        ["WORKPLACE_MUNICIPALITY", "home_municipality", "mode", "hub_interest", "distance_km"]
    )
    report = imports.import_file(path=path, survey_round=survey_round, mapping=mapping)
    assert report.imported == 1
    answer = SurveyResponse.objects.get()
    assert (answer.home_municipality_id, answer.hub_interest, answer.distance_km) == (
        "2326",
        "maybe",
        Decimal(70),
    )


def test_the_command_reports_bad_rows_and_writes_nothing(tmp_path, reference_data):
    path = tmp_path / "svar.csv"
    path.write_bytes(swedish_csv([*ROWS, "Region;X;Krokom;;Östersund;5;20;flyg;5;8;ja;1;"]))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_survey", str(path), "--round", "Ny enkät", stderr=err)
    assert 'Kolumn "Färdmedel": värdet "flyg" – 1 rad (rad 5)' in err.getvalue()
    assert SurveyResponse.objects.count() == 0


def test_the_command_creates_the_round_and_a_rerun_is_a_no_op(tmp_path, reference_data):
    path = tmp_path / "svar.csv"
    path.write_bytes(swedish_csv(ROWS))
    out = io.StringIO()
    call_command(
        "import_survey", str(path), "--round", "Ny enkät", stdout=out, stderr=io.StringIO()
    )
    call_command(
        "import_survey", str(path), "--round", "Ny enkät", stdout=out, stderr=io.StringIO()
    )
    assert SurveyResponse.objects.filter(round__name="Ny enkät").count() == 3
    assert imports.MSG_ALREADY_IMPORTED in out.getvalue()


def test_a_viewer_may_not_import(client_for, viewer, reference_data):
    survey_round = SurveyRoundFactory()
    assert upload(client_for(viewer), survey_round, swedish_csv(ROWS)).status_code == 403
    assert client_for(viewer).get("/surveys/import/columns/").status_code == 403


def test_uploads_of_other_types_are_refused(client_for, planner, reference_data):
    survey_round = SurveyRoundFactory()
    response = upload(client_for(planner), survey_round, b"MZ\x90\x00", name="virus.exe")
    assert response.status_code == 200
    assert response.context["form"].errors["file"]


def test_the_template_downloads_with_swedish_headers(client_for, viewer):
    response = client_for(viewer).get("/surveys/import/template/", {"format": "csv"})
    first_line = response.content.decode("utf-8-sig").splitlines()[0]
    assert first_line.startswith(
        "organisation;enhet;hemkommun;postnummer;arbetsplatskommun;avstånd_km"
    )
    assert (
        client_for(viewer).get("/surveys/import/template/", {"format": "xlsx"}).status_code == 200
    )


def test_the_progress_endpoint_reports_the_job(client_for, viewer, reference_data):
    """An import without a job (the command's) reports its own rows."""
    job = SurveyImport.objects.create(
        round=SurveyRoundFactory(), file_sha256="0" * 64, total_rows=200, processed_rows=50
    )
    data = client_for(viewer).get(f"/surveys/imports/{job.pk}/progress/").json()
    assert data == {
        "status": "running",
        "percent": 25,
        "processed": 50,
        "total": 200,
        "stage": "",
        "stage_label": "",
        "active": False,
    }
