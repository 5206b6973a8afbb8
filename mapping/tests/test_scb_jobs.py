"""The RAMS and kommun-context uploads as jobs: upload → job → report, through HTTP.

Most tests run the job inline (the root conftest); the last ones start a real worker
process, so the upload, the job and the page share nothing but the database.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from hubplan import jobs
from hubplan.models import Job, StoredFileChunk
from hubplan.storage import uploads
from hubplan.tests.processes import wait_until, worker
from mapping.models import CommutingFlow, MunicipalityMigration
from mapping.tests.test_scb_imports import KON_HEADER, KON_ROWS, KON_SUM, flows, pxweb_csv

RAMS = "/surveys/rams/"
CONTEXT = "/surveys/context/"


def _kon_file(name="rams.csv"):
    return SimpleUploadedFile(name, pxweb_csv(KON_HEADER, KON_ROWS))


def _stored_files() -> int:
    return StoredFileChunk.objects.values("name").distinct().count()


@pytest.mark.django_db
def test_an_upload_runs_as_a_job_and_the_page_shows_its_report(client_for, planner, reference_data):
    client = client_for(planner)
    response = client.post(RAMS, {"file": _kon_file(), "sum_dimensions": "on"})
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{RAMS}?job={job.pk}"
    assert (job.kind, job.user, job.status) == ("mapping.rams_import", planner, Job.Status.DONE)
    assert job.params == {"sum_all": True, "select": {}, "language": "sv"}
    # Hand-checked: five sums (Östersund → Krokom 2022 has a suppressed part).
    assert job.result["imported"] == 5
    assert job.message == "5 värden importerades eller uppdaterades."
    assert flows() == KON_SUM
    assert _stored_files() == 0  # read and removed
    page = client.get(response["Location"])
    text = page.content.decode()
    assert 'id="import-report"' in text
    assert "5 värden importerades eller uppdaterades." in text
    assert "1 värde var undertryckt" in text
    assert page.context["dimensions"] == {"kön": {"män": 3, "kvinnor": 3}}
    # The job's own page sends the planner back to this report.
    assert job.result["next"] == f"{RAMS}?job={job.pk}"


@pytest.mark.django_db
def test_a_file_that_needs_a_choice_stays_in_storage_and_the_second_post_uses_it(
    client_for, planner, reference_data
):
    client = client_for(planner)
    first = client.post(RAMS, {"file": _kon_file()}, follow=True)
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED
    assert job.result["needs_choice"] is True
    assert "filen är sparad" in job.message
    assert not jobs.can_retry(job)  # the page asks for the choice; a retry would not
    assert CommutingFlow.objects.count() == 0
    # The file is in the upload storage, and the session names it there and nothing else.
    assert uploads().exists(job.upload)
    assert client.session["scb_pending_rams"] == {
        "upload": job.upload,
        "name": "rams.csv",
        "job": job.pk,
    }
    text = first.content.decode()
    assert "Inget importerades ännu" in text
    assert "kvinnor" in text  # the dimensions card
    assert "rams.csv" in str(first.context["form"]["file"].help_text)
    # Another client with the same session (another server would read it the same way).
    other = Client()
    other.cookies = client.cookies
    done = other.post(RAMS, {"sum_dimensions": "on"}, follow=True)
    second = Job.objects.latest("pk")
    assert second.pk != job.pk
    assert second.upload == job.upload
    assert second.status == Job.Status.DONE
    assert flows() == KON_SUM
    assert "5 värden importerades" in done.content.decode()
    assert _stored_files() == 0


@pytest.mark.django_db
def test_a_file_with_errors_writes_nothing_and_the_page_shows_the_errors(
    client_for, planner, reference_data
):
    client = client_for(planner)
    bad = pxweb_csv(
        ["bostadskommun", "arbetsställekommun", "2021"],
        [("Krokom", "Östersund", "12"), ("Krokom", "Åre", "tolv")],
    )
    page = client.post(RAMS, {"file": SimpleUploadedFile("bad.csv", bad)}, follow=True)
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED
    assert job.message == "Inget importerades: filen har fel."
    assert CommutingFlow.objects.count() == 0
    assert _stored_files() == 0
    assert not jobs.can_retry(job)  # its file is gone: correct it and upload again
    errors = page.context["errors"]
    assert errors[0].startswith("Rader i filen: 2")
    assert any("Rad 5, kolumn 2021" in e for e in errors), errors  # title, blank, header: row 3
    assert "Inget importerades: filen har fel." in page.content.decode()
    assert "scb_pending_context" not in client.session


@pytest.mark.django_db
def test_the_context_upload_runs_as_a_job_too(client_for, planner, reference_data):
    header = ["region", "tabellinnehåll", "2022"]
    rows = [
        ("2380 Östersund", "Inflyttningar", "3130"),
        ("2380 Östersund", "Utflyttningar", "2880"),
    ]
    client = client_for(planner)
    response = client.post(CONTEXT, {"file": SimpleUploadedFile("be.csv", pxweb_csv(header, rows))})
    job = Job.objects.get(kind="mapping.context_import")
    assert response["Location"] == f"{CONTEXT}?job={job.pk}"
    assert MunicipalityMigration.objects.get().in_migration == 3130
    assert "1 värden importerades" in client.get(response["Location"]).content.decode()


@pytest.mark.django_db
def test_only_planners_import_and_a_report_is_only_its_owners(
    client_for, planner, viewer, superuser, reference_data
):
    refused = client_for(viewer).post(RAMS, {"file": _kon_file(), "sum_dimensions": "on"})
    assert refused.status_code == 403
    assert not Job.objects.exists()
    assert _stored_files() == 0
    client_for(planner).post(RAMS, {"file": _kon_file(), "sum_dimensions": "on"})
    job = Job.objects.get()
    from django.contrib.auth.models import Group, User

    from hubplan.access import PLANNER

    colleague = User.objects.create_user("t-planner-2")
    colleague.groups.add(Group.objects.get(name=PLANNER))
    for user in (viewer, colleague):
        page = client_for(user).get(RAMS, {"job": job.pk})
        assert page.status_code == 200
        assert page.context["job"] is None
        assert 'id="import-report"' not in page.content.decode()
    assert client_for(superuser).get(RAMS, {"job": job.pk}).context["job"] == job
    # A job of the other page is not this page's.
    assert client_for(planner).get(CONTEXT, {"job": job.pk}).context["job"] is None
    assert client_for(planner).get(RAMS, {"job": "1²"}).context["job"] is None


@pytest.mark.django_db
def test_a_queued_import_shows_its_progress_and_a_cancel_writes_nothing(
    client_for, planner, reference_data, settings
):
    settings.HUBPLAN_JOBS_INLINE = False
    client = client_for(planner)
    response = client.post(RAMS, {"file": _kon_file(), "sum_dimensions": "on"})
    job = Job.objects.get()
    assert job.status == Job.Status.QUEUED
    assert job.queue_id
    page = client.get(response["Location"]).content.decode()
    assert 'class="job-progress' in page
    assert "job_progress.js" in page
    # Still waiting: no file is offered for a choice yet, the form wants one.
    assert client.get(RAMS).context["form"].fields["file"].required
    jobs.cancel(job)
    page = client.get(response["Location"])
    assert page.context["job"].status == Job.Status.CANCELLED
    assert "Inget skrevs" in page.content.decode()
    assert CommutingFlow.objects.count() == 0


@pytest.fixture
def queued(settings):
    settings.HUBPLAN_JOBS_INLINE = False


@pytest.mark.django_db(transaction=True)
def test_on_a_real_worker_the_choice_step_uses_the_stored_file(
    queued, client_for, planner, reference_data, tmp_path
):
    """Upload here, import on the worker process, choose here, import there again."""
    client = client_for(planner)
    first = client.post(RAMS, {"file": _kon_file()})
    job = Job.objects.get()
    assert client.get(first["Location"]).context["job"].is_active
    with worker(tmp_path / "worker.log"):
        wait_until(
            lambda: Job.objects.get(pk=job.pk).status not in Job.ACTIVE,
            deadline=60,
            what="the first import to end",
        )
        page = client.get(first["Location"])
        assert page.context["job"].result["needs_choice"], page.context["job"].message
        assert "rams.csv" in str(page.context["form"]["file"].help_text)
        second = client.post(RAMS, {"sum_dimensions": "on"})
        done = wait_until(
            lambda: Job.objects.filter(pk__gt=job.pk).exclude(status__in=Job.ACTIVE).first(),
            deadline=60,
            what="the second import to end",
        )
    assert done.status == Job.Status.DONE, done.message
    assert done.upload == job.upload
    assert flows() == KON_SUM
    assert _stored_files() == 0
    assert "5 värden importerades" in client.get(second["Location"]).content.decode()


@pytest.mark.django_db
def test_the_report_is_in_the_language_the_planner_asked_in(client_for, planner, reference_data):
    from django.conf import settings

    client = client_for(planner)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.post(RAMS, {"file": _kon_file(), "sum_dimensions": "on"})
    job = Job.objects.get()
    assert job.params["language"] == "en"
    assert job.message == "5 values were imported or updated."


@pytest.mark.django_db
def test_the_jobs_own_page_leads_back_to_the_import_page(client_for, planner, reference_data):
    client = client_for(planner)
    client.post(RAMS, {"file": _kon_file(), "sum_dimensions": "on"})
    job = Job.objects.get()
    response = client.get(job.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"] == f"{RAMS}?job={job.pk}"
    # A refused file: the job's page lists the same lines as the import page.
    client.post(RAMS, {"file": _kon_file()})
    refused = Job.objects.latest("pk")
    page = client.get(refused.get_absolute_url())
    assert page.status_code == 200
    assert any("Filen har fler dimensioner" in line for line in page.context["lines"])
    assert not page.context["can_retry"]


@pytest.mark.django_db
def test_an_unreadable_file_fails_the_job_with_the_readers_message(
    client_for, planner, reference_data
):
    client = client_for(planner)
    broken = SimpleUploadedFile("rams.xlsx", b"PK\x03\x04" + b"not a workbook" * 10)
    page = client.post(RAMS, {"file": broken}, follow=True)
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED
    assert job.message.startswith("Excelfilen kunde inte läsas")
    assert page.context["errors"] == [job.message]
    assert _stored_files() == 0
    assert not jobs.can_retry(job)


class _Recorder:
    """Records what an importer tells a job's progress (the Progress API's two calls)."""

    def __init__(self):
        self.calls = []

    def stage(self, name, total=0):
        self.calls.append(("stage", name, total))

    def advance(self, done, total=None):
        self.calls.append(("advance", done))


@pytest.mark.django_db
def test_the_importer_reports_checking_and_writing_as_it_goes(
    reference_data, tmp_path, monkeypatch
):
    """18 × 18 kommuner: 324 figures checked and 324 rows written, told in steps."""
    from mapping import scb
    from mapping.models import Municipality

    monkeypatch.setattr(scb, "PROGRESS_CELLS", 100)
    monkeypatch.setattr(scb, "BATCH_ROWS", 100)
    names = [
        f"{c} {n}" for c, n in Municipality.objects.order_by("code").values_list("code", "name")
    ][:18]
    rows = [[home] + [str(i + j) for j in range(18)] for i, home in enumerate(names)]
    path = tmp_path / "matrix.csv"
    path.write_bytes(pxweb_csv(["bostadskommun", *names], rows, title="Pendling 2022"))
    recorder = _Recorder()
    report = scb.import_rams(path, progress=recorder)
    assert report.ok, report.lines()
    assert report.imported == 324
    checking = [("stage", "checking", 324)] + [("advance", n) for n in (0, 100, 200, 300)]
    writing = [("stage", "writing", 324)] + [("advance", n) for n in (100, 200, 300, 324)]
    assert recorder.calls == checking + writing
    assert CommutingFlow.objects.count() == 324
