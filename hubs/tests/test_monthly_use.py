"""Monthly use: entry by form and import from CSV/XLSX, all or nothing, upsert on (hub, month)."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from hubs import imports
from hubs.models import HubMonthlyUse
from hubs.tests.factories import HubFactory

pytestmark = pytest.mark.django_db

CSV = (
    "Hubb;Kommun;Månad;Öppna dagar;Platsdagar;Skrivbord;Medlemmar region;Medlemmar företag\r\n"
    "Gomorron Östersund;Östersund;2025-03;21;180;12;2;5\r\n"
    "Gomorron Östersund;2380;2025-04;20;150;;2;6\r\n"
    "Arbetshubben Svenstavik;Berg;2025-03-01;21;42;4;1;0\r\n"
)


@pytest.fixture
def hubs(region):
    return (
        HubFactory(name="Gomorron Östersund", desks=12),
        HubFactory(name="Arbetshubben Svenstavik", municipality_id="2326", desks=4),
    )


def _upload(client, content: bytes, name="use.csv"):
    return client.post("/hubs/use/import/", {"file": SimpleUploadedFile(name, content)})


def test_a_planner_records_a_month_by_form_and_a_second_entry_replaces_it(
    client_for, planner, region
):
    hub = HubFactory(desks=8)
    client = client_for(planner)
    data = {"month": "2025-03", "desks": "8", "open_days": "21", "desk_days_used": "105"}
    data |= {"members_region": "2", "members_company": "3"}
    assert client.post(f"/hubs/{hub.pk}/use/", data).status_code == 302
    # Replacing the month needs the confirmation (hubs/tests/test_times.py shows the refusal).
    again = data | {"desk_days_used": "110", "confirm_overwrite": "on"}
    assert client.post(f"/hubs/{hub.pk}/use/", again).status_code == 302
    use = HubMonthlyUse.objects.get(hub=hub)
    assert (use.month, use.desk_days_used, use.members) == (dt.date(2025, 3, 1), 110, 5)


def test_importing_a_csv_creates_the_months_and_the_same_file_again_adds_nothing(
    client_for, planner, hubs
):
    client = client_for(planner)
    first = _upload(client, CSV.encode("utf-8-sig"))
    assert first.status_code == 302
    assert HubMonthlyUse.objects.count() == 3
    april = HubMonthlyUse.objects.get(hub=hubs[0], month=dt.date(2025, 4, 1))
    assert april.desks == 12  # blank: the hub's desks
    assert (april.members_region, april.members_company, april.members_other) == (2, 6, 0)

    second = _upload(client, CSV.encode("utf-8-sig"))
    assert second.status_code == 302
    assert HubMonthlyUse.objects.count() == 3
    result = imports.import_file(io.BytesIO(CSV.encode("cp1252")), user=None)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)


def test_the_import_runs_as_a_job_whose_report_only_its_planner_sees(
    client_for, planner, superuser, hubs
):
    from django.contrib.auth.models import Group, User

    from hubplan.access import PLANNER
    from hubplan.models import Job, StoredFileChunk

    client = client_for(planner)
    response = _upload(client, CSV.encode())
    job = Job.objects.get()
    assert response["Location"] == f"/hubs/use/import/?job={job.pk}"
    assert (job.kind, job.status, job.user) == ("hubs.use_import", "done", planner)
    assert (job.result["created"], job.result["updated"], job.result["unchanged"]) == (3, 0, 0)
    assert not StoredFileChunk.objects.exists()  # the upload is removed once read
    page = client.get(response["Location"]).content.decode()
    assert "Importen är klar: 3 nya månader, 0 uppdaterade, 0 oförändrade." in page
    colleague = User.objects.create_user("t-planner-2")
    colleague.groups.add(Group.objects.get(name=PLANNER))
    other = client_for(colleague).get(response["Location"])
    assert other.context["job"] is None
    assert "Importen är klar" not in other.content.decode()
    assert client_for(superuser).get(response["Location"]).context["job"] == job


def test_a_viewer_may_not_import_and_nothing_is_stored(client_for, viewer, hubs):
    from hubplan.models import Job, StoredFileChunk

    assert _upload(client_for(viewer), CSV.encode()).status_code == 403
    assert not Job.objects.exists()
    assert not StoredFileChunk.objects.exists()
    assert not HubMonthlyUse.objects.exists()


def test_an_import_with_one_bad_row_saves_nothing_and_reports_row_and_column(
    client_for, planner, hubs
):
    bad = CSV + "Arbetshubben Svenstavik;Berg;2025-04;20;81;4;;\r\nOkänd;Berg;2025-04;20;1;;;\r\n"
    client = client_for(planner)
    response = client.get(_upload(client, bad.encode())["Location"])
    assert response.status_code == 200
    assert response.context["job"].status == "failed"
    errors = response.context["import_errors"]
    assert errors[0]["row"] == 5
    assert errors[0]["column"] == "Platsdagar"
    assert errors[0]["value"] == "81"
    assert "högst 80" in errors[0]["reason"]
    assert (errors[1]["row"], errors[1]["column"]) == (6, "Hubb")
    assert not HubMonthlyUse.objects.exists()
    assert "ingenting har sparats" in response.content.decode()


def test_an_import_without_a_required_column_names_it(hubs):
    result = imports.import_file(
        io.BytesIO(b"Hubb;Kommun;M\xc3\xa5nad\r\nx;y;2025-01\r\n"), user=None
    )
    assert {e["column"] for e in result.errors} == {"oppna_dagar", "platsdagar"}


def test_a_duplicate_month_in_the_same_file_is_an_error(hubs):
    content = CSV + "Gomorron Östersund;Östersund;2025-03;21;100;12;;\r\n"
    result = imports.import_file(io.BytesIO(content.encode()), user=None)
    assert [(e["row"], e["column"]) for e in result.errors] == [(5, "Månad")]
    assert not HubMonthlyUse.objects.exists()


def test_importing_xlsx_works_like_csv(hubs):
    book = Workbook()
    sheet = book.active
    for line in CSV.strip().split("\r\n"):
        sheet.append(line.split(";"))
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    result = imports.import_file(out, user=None)
    assert result.ok
    assert result.created == 3


def test_a_changed_file_updates_the_months_it_changes(hubs):
    imports.import_file(io.BytesIO(CSV.encode()), user=None)
    changed = CSV.replace(";180;", ";190;")
    result = imports.import_file(io.BytesIO(changed.encode()), user=None)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    assert HubMonthlyUse.objects.get(hub=hubs[0], month=dt.date(2025, 3, 1)).desk_days_used == 190


def test_the_import_template_downloads(client_for, planner, region):
    response = client_for(planner).get("/hubs/use/import/", {"template": "csv"})
    assert response.content.decode("utf-8-sig").startswith("hubb;kommun;månad;öppna dagar")
