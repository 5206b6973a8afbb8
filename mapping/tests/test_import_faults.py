"""A million-row survey import survives its worker being killed and its database restarting.

Issue 17, point 4: a real worker (``manage.py worker``) imports a million-row CSV as
Swedish Excel writes it (``hubplan.bench.write_survey_csv``); the test kills the worker
with SIGKILL in the middle, or restarts PostgreSQL under it. The round then has all of
its rows or none, the import ends failed and retryable (never "pågår"), and a retry
imports it once. Each fault costs about a minute of a real import, so there is one
test per fault.
"""

from __future__ import annotations

import os
import signal

import pytest
from django.core.files import File

from hubplan import bench, jobs, storage
from hubplan.models import Job
from hubplan.tests.processes import child_env, wait_until, worker
from mapping import imports, services
from mapping.models import SurveyImport, SurveyResponse
from mapping.tests.factories import SurveyRoundFactory

pytestmark = pytest.mark.django_db(transaction=True)

ROWS = 1_000_000


@pytest.fixture
def million_row_import(settings, tmp_path, reference_data, planner):
    """A million-row import queued for the worker (not yet started)."""
    settings.HUBPLAN_JOBS_INLINE = False
    path = tmp_path / "enkat.csv"
    bench.write_survey_csv(path, ROWS)
    survey_round = SurveyRoundFactory(name="Miljonenkäten")
    with open(path, "rb") as fh:
        upload = storage.save_upload(File(fh))
    headers, _rows = imports.preview(path)
    record = services.survey_import_start(
        survey_round=survey_round,
        upload=upload,
        sha256=imports.file_sha256(path),
        file_name="enkat.csv",
        mapping=imports.guess_mapping(headers),
        valid_only=False,
        user=planner,
        total_rows=ROWS,
    )
    return record


def _rows(record) -> int:
    return SurveyResponse.objects.filter(round_id=record.round_id).count()


def test_a_worker_killed_in_the_middle_of_a_million_row_import_leaves_no_rows_and_a_retry_imports_them_once(
    million_row_import, tmp_path, client, planner
):
    record = million_row_import
    job = record.job
    with worker(tmp_path / "first.log") as first:
        # In the middle: past reading, before the end.
        middle = wait_until(
            lambda: (j := Job.objects.get(pk=job.pk)).percent >= 20 and j,
            deadline=240,
            what="the import to be under way",
            every=0.5,
        )
        assert middle.status == Job.Status.RUNNING, middle.message
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
    assert _rows(record) == 0
    # Its schedule marks jobs whose heartbeat is 8 s old (30 s in production).
    with worker(tmp_path / "second.log", env=child_env(HUBPLAN_JOB_STALE_SECONDS="8")):
        wait_until(
            lambda: Job.objects.get(pk=job.pk).status == Job.Status.FAILED,
            deadline=75,
            what="the dead import to be marked failed",
            every=0.5,
        )
        record.refresh_from_db()
        assert record.status == SurveyImport.Status.FAILED  # not "pågår"
        assert _rows(record) == 0
        client.force_login(planner)
        assert "Försök igen" in client.get(f"/jobs/{job.pk}/?stay=1").content.decode()
        assert client.post(f"/jobs/{job.pk}/retry/").status_code == 302
        wait_until(
            lambda: Job.objects.get(pk=job.pk).status not in Job.ACTIVE,
            deadline=300,
            what="the retried import",
            every=1,
        )
    retried = Job.objects.get(pk=job.pk)
    assert (retried.status, retried.attempts) == (Job.Status.DONE, 2), retried.message
    record.refresh_from_db()
    assert (record.status, record.row_count) == (SurveyImport.Status.DONE, ROWS)
    assert _rows(record) == ROWS
    assert not storage.uploads().exists(job.upload)  # imported: its upload is gone


def test_a_database_restart_in_the_middle_of_an_import_fails_it_with_nothing_written(
    million_row_import, tmp_path, settings
):
    """The suite's own server cannot be restarted under the suite; the worker's database
    connection is killed instead, with pg_terminate_backend, as a restart does to every
    connection (the full restart of a server is in hubplan/tests/test_jobs_worker.py)."""
    from django.db import connection

    record = million_row_import
    job = record.job
    with worker(tmp_path / "worker.log") as proc:
        wait_until(
            lambda: Job.objects.get(pk=job.pk).percent >= 20,
            deadline=240,
            what="the import to be under way",
            every=0.5,
        )
        with connection.cursor() as cursor:
            # Every connection of the worker process's job, as a restart ends them all.
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                "AND state <> 'idle' AND query NOT ILIKE '%%procrastinate%%'"
            )
        ended = wait_until(
            lambda: (j := Job.objects.get(pk=job.pk)).status not in Job.ACTIVE and j,
            deadline=90,
            what="the import to end",
            every=0.5,
        )
        assert ended.status == Job.Status.FAILED, ended.message
        assert proc.poll() is None
    record.refresh_from_db()
    assert record.status == SurveyImport.Status.FAILED
    assert _rows(record) == 0
    assert jobs.can_retry(ended)
