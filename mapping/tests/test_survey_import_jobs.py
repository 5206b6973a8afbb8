"""The survey import as jobs (mapping.survey_jobs): the browser's steps over HTTP, each
step's page from the session and the database alone, progress by stage, cancel, retry.

Jobs run inline here (the root conftest), through the same ``hubplan.jobs.run_job`` the
worker calls; the last test sends the whole journey through a real worker process.
"""

from __future__ import annotations

import io
import tempfile
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook

from hubplan import jobs, storage
from hubplan.models import Job
from mapping import imports, services, survey_jobs, survey_views
from mapping.models import SurveyImport, SurveyResponse
from mapping.tests.factories import SurveyRoundFactory
from mapping.tests.test_survey_import import HEADER, ROWS, swedish_csv

pytestmark = pytest.mark.django_db

COLUMNS_PAGE = "/surveys/import/columns/"


@pytest.fixture
def private_tmp(tmp_path, monkeypatch):
    """Every temporary file of the code under test lands here, so a test can see that
    nothing is left between two requests (a local copy lives only within one job)."""
    directory = tmp_path / "tmp"
    directory.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(directory))
    return directory


def upload(client, survey_round, content: bytes, name="svar.csv"):
    return client.post(
        "/surveys/import/",
        {"survey_round": survey_round.pk, "file": SimpleUploadedFile(name, content)},
    )


def mapping_data(headers) -> dict:
    data = {c.field: "" for c in imports.COLUMNS}
    data.update(imports.guess_mapping(headers))
    data["validate"] = "1"
    return data


def other_server(client: Client) -> Client:
    """A second client with the same session cookie: another web server, as far as the
    app can tell (same database, nothing of the first's memory or disk)."""
    other = Client()
    other.cookies = client.cookies
    return other


def test_upload_map_check_and_import_each_step_from_the_session_and_database_alone(
    client_for, planner, reference_data, private_tmp
):
    survey_round = SurveyRoundFactory()
    first = client_for(planner)
    bad = [*ROWS, "Region;X;Krokom;;Östersund;tolv;20;bil;5;8;ja;1;"]
    response = upload(first, survey_round, swedish_csv(bad, encoding="cp1252"))
    assert response.status_code == 302
    state = first.session[survey_views.SESSION_KEY]
    # The session holds the storage's name for the file, never a path on this server.
    assert set(state) >= {"upload", "headers", "preview", "mapping"}
    assert "path" not in state
    assert storage.uploads().exists(state["upload"])
    assert state["headers"][2] == "Hemkommun"
    assert state["preview"][0][2] == "Krokoms kommun"
    assert list(private_tmp.iterdir()) == []

    # Step 2 on another server: the page from the session alone.
    second = other_server(first)
    page = second.get(COLUMNS_PAGE)
    assert page.status_code == 200
    assert page.context["headers"] == state["headers"]
    assert page.context["report"] is None

    # The check: queued as a job (run at once here), then the page shows its report.
    checked = second.post(COLUMNS_PAGE, mapping_data(page.context["headers"]))
    assert checked.status_code == 302
    assert checked["Location"] == COLUMNS_PAGE
    check = Job.objects.get(kind=survey_jobs.CHECK)
    assert check.status == Job.Status.DONE
    assert check.upload == state["upload"]
    assert check.result["report"]["total_rows"] == 4
    assert check.result["report"]["error_count"] == 1
    assert "svar" not in str(check.params)  # no file name in the job's parameters
    assert list(private_tmp.iterdir()) == []

    # The report on a third server, from the job's result.
    third = other_server(first)
    page = third.get(COLUMNS_PAGE)
    report = page.context["report"]
    assert (report.total_rows, report.valid_rows, report.error_count) == (4, 3, 1)
    group = report.error_groups()[0]
    assert (group.column, group.value, group.count, group.rows) == ("Avstånd km", "tolv", 1, [5])
    assert "Inte ett tal." in page.content.decode()
    # The recoding step offers the answers the job counted.
    assert dict(page.context["coding_form"].answers)["hub_interest"][0] == ["ja", 2]

    # The import, from the first server again: a job, and the round has the rows.
    done = first.post(COLUMNS_PAGE, {"import": "1", "valid_only": "on"}, follow=True)
    record = SurveyImport.objects.get()
    assert done.redirect_chain[-1][0] == record.get_absolute_url()
    assert record.job.kind == survey_jobs.IMPORT
    assert record.job.status == Job.Status.DONE
    assert record.status == SurveyImport.Status.DONE
    assert (record.row_count, record.skipped_count, record.total_rows) == (3, 1, 4)
    assert SurveyResponse.objects.filter(round=survey_round).count() == 3
    # Imported: the stored upload is gone, and nothing was ever kept on local disk.
    assert not storage.uploads().exists(state["upload"])
    assert list(private_tmp.iterdir()) == []
    assert survey_views.SESSION_KEY not in first.session
    assert not hasattr(survey_views, "UPLOAD_DIR")  # no upload directory on a server
    page = first.get(record.get_absolute_url())
    assert b"Importrapport" in page.content
    assert page.context["run"] == record.job


def test_a_check_of_a_mapping_that_changed_is_not_the_report_of_the_new_one(
    client_for, planner, reference_data
):
    """The page shows a check only for the mapping it checked: map again, check again."""
    client = client_for(planner)
    upload(client, SurveyRoundFactory(), swedish_csv(ROWS))
    headers = client.session[survey_views.SESSION_KEY]["headers"]
    client.post(COLUMNS_PAGE, mapping_data(headers))
    data = mapping_data(headers) | {"comment": "Enhet"}
    session = client.session
    state = session[survey_views.SESSION_KEY]
    state["mapping"] = {k: v for k, v in data.items() if v and k != "validate"}
    session[survey_views.SESSION_KEY] = state
    session.save()
    assert client.get(COLUMNS_PAGE).context["report"] is None
    # Importing without a check of this mapping only sends the planner back.
    assert client.post(COLUMNS_PAGE, {"import": "1"})["Location"] == COLUMNS_PAGE
    assert not SurveyImport.objects.exists()


def test_a_shift_list_and_an_empty_file_are_refused_at_the_upload_and_nothing_is_stored(
    client_for, planner, reference_data
):
    client = client_for(planner)
    shift = b"Namn;Datum;Start;Slut\r\nA;2024-01-02;07:00;16:00\r\n"
    response = upload(client, SurveyRoundFactory(), shift)
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [imports.MSG_SHIFT_SCHEDULE]
    response = upload(client, SurveyRoundFactory(), b"\r\n\r\n")
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    from hubplan.models import StoredFileChunk

    assert not StoredFileChunk.objects.exists()


def _record_and_job(planner, survey_round, content: bytes, **params) -> tuple[SurveyImport, Job]:
    """An import and its job as the columns page starts them, the job not yet run."""
    name = storage.save_upload(ContentFile(content))
    record = SurveyImport.objects.create(
        round=survey_round, file_name="svar.csv", file_sha256="", user=planner, total_rows=0
    )
    job = Job.objects.create(
        kind=survey_jobs.IMPORT,
        user=planner,
        upload=name,
        params={
            "survey_import": record.pk,
            "mapping": imports.guess_mapping(HEADER.split(";")),
            "valid_only": False,
            "coding": {},
            **params,
        },
    )
    SurveyImport.objects.filter(pk=record.pk).update(job=job)
    record.refresh_from_db()
    return record, job


def _big_csv(n: int) -> bytes:
    return swedish_csv([ROWS[i % len(ROWS)] for i in range(n)])


class Recorder(jobs.Progress):
    """The real Progress (inline: no heartbeat thread) that also keeps every stage and
    percentage the handler reports, in order; ``cancel_at`` sets the cancel signal (as
    the heartbeat does when a planner cancels) once that stage starts."""

    def __init__(self, job, cancel_at: str = ""):
        super().__init__(job, live=False)
        self.cancel_at = cancel_at
        self.seen: list[tuple[str, int]] = []

    def stage(self, name, total=0):
        if name == self.cancel_at:
            self.cancelled.set()
        super().stage(name, total)
        self.seen.append((name, self.percent))

    def advance(self, processed, total=None):
        super().advance(processed, total)
        self.seen.append((self.stage_name, self.percent))


def test_the_import_reports_each_stage_and_its_percentage_moves_through_them(
    planner, reference_data
):
    survey_round = SurveyRoundFactory()
    # About 3.5 MB: the COPY is fed in four 1 MiB blocks, each reported.
    record, job = _record_and_job(planner, survey_round, _big_csv(36_000))
    progress = Recorder(job)
    progress.stages({"reading": 35, "checking": 15, "writing": 40, "constraints": 10})
    survey_jobs.survey_import(job, progress)
    stages = [name for name, _p in progress.seen]
    assert list(dict.fromkeys(stages)) == ["reading", "checking", "writing", "constraints"]
    reading = [p for name, p in progress.seen if name == "reading"]
    # The COPY moved the bar through the reading stage: 0, then a step per block read.
    assert reading[0] == 0
    assert len(set(reading)) >= 4
    assert max(reading) == 35
    percents = [p for _name, p in progress.seen]
    assert percents == sorted(percents)  # never backwards
    assert {35, 50, 90} <= set(percents)  # each stage starts where the last one ended
    assert SurveyResponse.objects.filter(round=survey_round).count() == 36_000
    record.refresh_from_db()
    assert record.status == SurveyImport.Status.DONE


def test_a_cancel_seen_while_writing_leaves_no_row_and_the_import_says_it_was_cancelled(
    planner, reference_data
):
    survey_round = SurveyRoundFactory()
    record, job = _record_and_job(planner, survey_round, _big_csv(300))
    progress = Recorder(job, cancel_at="constraints")  # after the INSERT … SELECT
    with pytest.raises(jobs.JobCancelled):
        survey_jobs.survey_import(job, progress)
    assert SurveyResponse.objects.filter(round=survey_round).count() == 0
    record.refresh_from_db()
    assert record.status == SurveyImport.Status.FAILED
    assert record.message == "Importen avbröts på begäran. Inget skrevs."
    assert storage.uploads().exists(job.upload)  # kept: the planner may run it again


def test_a_job_cancelled_before_it_starts_never_writes_and_its_import_ends_failed(
    client_for, planner, reference_data
):
    survey_round = SurveyRoundFactory()
    record, job = _record_and_job(planner, survey_round, _big_csv(30))
    Job.objects.filter(pk=job.pk).update(cancel_requested=True)
    jobs.run_job(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED
    assert SurveyResponse.objects.count() == 0
    # The import's own page settles it: no import stays "pågår" after its job ended.
    page = client_for(planner).get(record.get_absolute_url())
    record.refresh_from_db()
    assert record.status == SurveyImport.Status.FAILED
    assert "avbröts" in record.message
    assert "Avbryt importen" not in page.content.decode()


def test_a_planner_cancels_a_queued_import_from_its_page(
    client_for, planner, viewer, reference_data, settings
):
    settings.HUBPLAN_JOBS_INLINE = False  # the job waits in the real queue
    survey_round = SurveyRoundFactory()
    name = storage.save_upload(ContentFile(swedish_csv(ROWS)))
    record = services.survey_import_start(
        survey_round=survey_round,
        upload=name,
        sha256="",
        file_name="svar.csv",
        mapping=imports.guess_mapping(HEADER.split(";")),
        valid_only=False,
        user=planner,
        total_rows=3,
    )
    assert record.job.status == Job.Status.QUEUED
    assert record.job.queue_id
    client = client_for(planner)
    page = client.get(record.get_absolute_url())
    assert "Avbryt importen" in page.content.decode()
    progress = client.get(f"/surveys/imports/{record.pk}/progress/").json()
    assert progress["active"]
    assert progress["stage_label"] == "väntar på en ledig arbetsprocess"
    # A viewer may read the page, not cancel.
    assert client_for(viewer).post(f"/surveys/imports/{record.pk}/cancel/").status_code == 403
    response = client.post(f"/surveys/imports/{record.pk}/cancel/", follow=True)
    assert "Importen avbröts innan den började. Inget skrevs." in response.content.decode()
    record.refresh_from_db()
    assert record.job.status == Job.Status.CANCELLED
    assert record.status == SurveyImport.Status.FAILED
    assert SurveyResponse.objects.count() == 0
    assert [h.history_type for h in record.history.order_by("history_id")] == ["+", "~"]


def test_a_failed_import_retried_imports_its_rows_once(planner, reference_data, monkeypatch):
    survey_round = SurveyRoundFactory()
    record, job = _record_and_job(planner, survey_round, swedish_csv(ROWS))
    real = imports._check_constraints
    calls = []

    def fails_once():
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("the database went away")
        real()

    monkeypatch.setattr(imports, "_check_constraints", fails_once)
    with pytest.raises(RuntimeError):  # inline, the handler's crash reaches the caller
        jobs.run_job(job.pk)
    job.refresh_from_db()
    record.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert jobs.can_retry(job)
    assert record.status == SurveyImport.Status.FAILED
    assert SurveyResponse.objects.filter(round=survey_round).count() == 0
    assert storage.uploads().exists(job.upload)

    job = jobs.retry(job)
    record.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert job.attempts == 2
    assert record.status == SurveyImport.Status.DONE
    assert record.message.startswith("3 rader")
    assert SurveyResponse.objects.filter(round=survey_round).count() == 3
    assert not storage.uploads().exists(job.upload)
    assert not jobs.can_retry(job)
    # Started, failed, done: each end in the trail, with the planner.
    trail = [
        (h.history_type, h.status, h.history_user) for h in record.history.order_by("history_id")
    ]
    assert trail == [("+", "running", None), ("~", "failed", planner), ("~", "done", planner)]


def test_a_file_with_errors_fails_for_good_and_its_upload_goes(planner, reference_data):
    survey_round = SurveyRoundFactory()
    bad = [*ROWS, "Region;X;Atlantis;;Östersund;12;20;bil;5;8;ja;1;"]
    record, job = _record_and_job(planner, survey_round, swedish_csv(bad))
    jobs.run_job(job.pk)
    job.refresh_from_db()
    record.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert not jobs.can_retry(job)
    assert "Atlantis" in record.message
    assert not storage.uploads().exists(job.upload)


@pytest.mark.django_db(transaction=True)
def test_on_the_worker_the_journey_runs_as_jobs_and_the_page_shows_the_stages(
    client_for, planner, reference_data, settings, tmp_path
):
    """The same steps with jobs in the real queue and a real worker process."""
    from hubplan.tests.processes import child_env, wait_until, worker

    settings.HUBPLAN_JOBS_INLINE = False
    survey_round = SurveyRoundFactory()
    client = client_for(planner)
    upload(client, survey_round, _big_csv(20_000))
    headers = client.session[survey_views.SESSION_KEY]["headers"]
    assert client.post(COLUMNS_PAGE, mapping_data(headers))["Location"] == COLUMNS_PAGE
    check = Job.objects.get(kind=survey_jobs.CHECK)
    page = client.get(COLUMNS_PAGE)
    assert page.context["check_job"] == check  # the page waits with the progress bar
    assert "Kontrollen av hela filen pågår" in page.content.decode()
    with worker(tmp_path / "worker.log", env=child_env()):
        wait_until(
            lambda: Job.objects.get(pk=check.pk).status not in Job.ACTIVE,
            deadline=120,
            what="the check",
        )
        report = client.get(COLUMNS_PAGE).context["report"]
        assert (report.total_rows, report.error_count) == (20_000, 0)
        client.post(COLUMNS_PAGE, {"import": "1"})
        record = SurveyImport.objects.get()
        seen = set()

        def ended():
            data = client.get(f"/surveys/imports/{record.pk}/progress/").json()
            if data["active"]:
                seen.add(data["stage"])
            return not data["active"]

        wait_until(ended, deadline=120, what="the import", every=0.05)
    record.refresh_from_db()
    assert record.status == SurveyImport.Status.DONE, record.message
    assert SurveyResponse.objects.filter(round=survey_round).count() == 20_000
    assert seen  # a stage was shown while it ran (which ones depends on the machine's speed)
    assert seen <= {"", "reading", "checking", "writing", "constraints"}


@pytest.mark.django_db(transaction=True)
def test_on_the_worker_a_planner_cancels_a_running_import_and_nothing_is_written(
    client_for, planner, reference_data, settings, tmp_path
):
    """The cancel reaches a running import (the heartbeat cancels its statement) within
    seconds, the round gets none of the rows, and the import says it was cancelled."""
    from hubplan.tests.processes import child_env, wait_until, worker

    settings.HUBPLAN_JOBS_INLINE = False
    survey_round = SurveyRoundFactory()
    rows = 200_000  # about 17 MB: some seconds of COPY and INSERT on any machine
    record = services.survey_import_start(
        survey_round=survey_round,
        upload=storage.save_upload(ContentFile(_big_csv(rows))),
        sha256="",
        file_name="svar.csv",
        mapping=imports.guess_mapping(HEADER.split(";")),
        valid_only=False,
        user=planner,
        total_rows=rows,
    )
    client = client_for(planner)
    with worker(tmp_path / "worker.log", env=child_env()):
        wait_until(
            lambda: Job.objects.get(pk=record.job_id).stage in ("reading", "checking", "writing"),
            deadline=60,
            what="the import to start",
            every=0.05,
        )
        response = client.post(f"/surveys/imports/{record.pk}/cancel/", follow=True)
        assert "Importen avbryts. Inget av den skrivs." in response.content.decode()
        cancelled = time.monotonic()
        wait_until(
            lambda: Job.objects.get(pk=record.job_id).status not in Job.ACTIVE,
            deadline=60,
            what="the cancel",
        )
        took = time.monotonic() - cancelled
    job = Job.objects.get(pk=record.job_id)
    record.refresh_from_db()
    assert job.status == Job.Status.CANCELLED, job.message
    assert took < 15, took
    assert SurveyResponse.objects.filter(round=survey_round).count() == 0
    assert record.status == SurveyImport.Status.FAILED
    assert record.message == "Importen avbröts på begäran. Inget skrevs."


def _xlsx(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Pendlingsenkät, export"])  # a title row above the header
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_a_large_xlsx_is_read_on_the_worker_once_for_the_preview_check_and_import(
    client_for, planner, reference_data, monkeypatch, private_tmp
):
    monkeypatch.setattr(survey_views, "INSPECT_XLSX_BYTES", 0)  # every XLSX is "large"
    survey_round = SurveyRoundFactory()
    header = ["Hemkommun", "Arbetsplatskommun", "Färdmedel", "Intresse hubb"]
    content = _xlsx([header, ["Krokom", "Östersund", "bil", "Ja"], ["Åre", "2380", "tåg", "Nej"]])
    client = client_for(planner)
    response = upload(client, survey_round, content, name="svar.xlsx")
    assert response["Location"] == COLUMNS_PAGE
    inspect = Job.objects.get(kind=survey_jobs.INSPECT)
    assert inspect.status == Job.Status.DONE
    state = client.session[survey_views.SESSION_KEY]
    assert state["headers"] == header
    assert state["preview"][0] == ["Krokom", "Östersund", "bil", "Ja"]
    plain = state["plain"]["name"]
    assert storage.uploads().exists(plain)
    assert state["plain"]["header_row"] == 2
    client.post(COLUMNS_PAGE, mapping_data(header))
    check = Job.objects.get(kind=survey_jobs.CHECK)
    assert check.params["plain"]["name"] == plain  # the inspection's copy, not a new one
    report = client.get(COLUMNS_PAGE).context["report"]
    assert (report.total_rows, report.error_count) == (2, 0)
    client.post(COLUMNS_PAGE, {"import": "1"})
    record = SurveyImport.objects.get()
    assert record.status == SurveyImport.Status.DONE, record.message
    assert SurveyResponse.objects.filter(round=survey_round).count() == 2
    assert not storage.uploads().exists(plain)  # imported: the copy goes with the upload
    assert list(private_tmp.iterdir()) == []


def test_a_large_xlsx_shift_list_is_refused_at_the_file_field_after_its_reading(
    client_for, planner, reference_data, monkeypatch
):
    monkeypatch.setattr(survey_views, "INSPECT_XLSX_BYTES", 0)
    content = _xlsx([["Namn", "Datum", "Start", "Slut"], ["A", "2024-01-02", "07:00", "16:00"]])
    response = upload(client_for(planner), SurveyRoundFactory(), content, name="schema.xlsx")
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [imports.MSG_SHIFT_SCHEDULE]
    from hubplan.models import StoredFileChunk

    assert not StoredFileChunk.objects.exists()


def test_while_a_large_xlsx_is_read_the_column_page_waits_with_its_progress(
    client_for, planner, reference_data, monkeypatch, settings
):
    monkeypatch.setattr(survey_views, "INSPECT_XLSX_BYTES", 0)
    settings.HUBPLAN_JOBS_INLINE = False  # the job waits in the real queue
    client = client_for(planner)
    content = _xlsx([["Hemkommun", "Arbetsplatskommun"], ["Krokom", "Östersund"]])
    assert upload(client, SurveyRoundFactory(), content, name="svar.xlsx").status_code == 302
    page = client.get(COLUMNS_PAGE)
    assert page.status_code == 200
    assert page.context["job"].kind == survey_jobs.INSPECT
    html = page.content.decode()
    assert "Läser filen" in html
    assert 'class="job-progress' in html
