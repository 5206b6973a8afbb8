"""The job queue with a real worker process: progress, cancel, a killed worker.

Each test starts ``manage.py procrastinate worker`` against the test database and
waits on the job's row with a deadline. The jobs are those of ``job_kinds``: rows in
one transaction, or one long statement; the survey import's own tests of the same
faults are in ``mapping/tests/test_import_faults.py``.
"""

from __future__ import annotations

import itertools
import os
import signal
import time

import pytest
from django.utils import timezone

from hubplan import jobs
from hubplan.models import Job, SuitabilityScenario
from hubplan.tests import job_kinds  # noqa: F401 - registers the test kinds here too
from hubplan.tests.processes import child_env, wait_until, worker

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def queued(settings):
    """Jobs go to the real queue, not inline."""
    settings.HUBPLAN_JOBS_INLINE = False


def _env():
    return child_env(PROCRASTINATE_IMPORT_PATHS="hubplan.tests.job_kinds")


def _job(pk) -> Job:
    return Job.objects.get(pk=pk)


def test_a_job_runs_on_the_worker_and_reports_its_progress_as_it_goes(queued, tmp_path, planner):
    job = jobs.enqueue(
        kind="test_rows", user=planner, params={"steps": 60, "delay": 0.1, "prefix": "run"}
    )
    assert _job(job.pk).status == Job.Status.QUEUED
    samples = []
    with worker(tmp_path / "worker.log", env=_env()):

        def sample():
            row = _job(job.pk)
            samples.append((time.monotonic(), row.status, row.stage, row.percent, row.heartbeat_at))
            return row.status not in Job.ACTIVE

        wait_until(sample, deadline=60, what="the job to end", every=0.1)
    row = _job(job.pk)
    assert row.status == Job.Status.DONE, row.message
    assert (row.percent, row.message, row.attempts) == (100, "60 rader", 1)
    assert SuitabilityScenario.objects.filter(name__startswith="run-").count() == 60
    running = [s for s in samples if s[1] == Job.Status.RUNNING]
    # The percentage moved through the writing stage (20 % + 80 % × rows done), not
    # 0 → 100: 6 s of writing, written once a second.
    between = {p for _t, _s, stage, p, _h in running if stage == "writing" and 20 < p < 99}
    assert len(between) >= 3, samples
    # The heartbeat was written at least every 2 s while the job ran.
    beats = sorted({h for *_rest, h in running if h})
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(beats)]
    assert len(beats) >= 4
    assert max(gaps) <= 2.0, gaps


def test_cancel_stops_a_long_statement_within_seconds_and_writes_nothing(
    queued, tmp_path, planner, client
):
    job = jobs.enqueue(
        kind="test_long_statement", user=planner, params={"seconds": 120, "prefix": "cancelled"}
    )
    client.force_login(planner)
    with worker(tmp_path / "worker.log", env=_env()):
        wait_until(
            lambda: _job(job.pk).stage == "writing", deadline=60, what="the job to be writing"
        )
        time.sleep(1)  # inside pg_sleep by now
        asked = time.monotonic()
        response = client.post(f"/jobs/{job.pk}/cancel/")
        assert response.status_code == 302
        wait_until(
            lambda: _job(job.pk).status == Job.Status.CANCELLED,
            deadline=20,
            what="the cancel to take effect",
        )
        took = time.monotonic() - asked
    assert took < 10, took  # the 120 s statement was cancelled, not waited out
    assert not SuitabilityScenario.objects.filter(name="cancelled").exists()
    page = client.get(f"/jobs/{job.pk}/")
    assert "Avbrutet på begäran. Inget skrevs." in page.content.decode()


def test_a_killed_worker_leaves_nothing_written_and_its_job_ends_failed_and_retryable(
    queued, tmp_path, planner, client
):
    job = jobs.enqueue(
        kind="test_rows", user=planner, params={"steps": 100, "delay": 0.1, "prefix": "killed"}
    )
    with worker(tmp_path / "first.log", env=_env()) as first:
        wait_until(lambda: _job(job.pk).processed >= 20, deadline=60, what="20 rows written")
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        killed_at = timezone.now()
    # The transaction died with the worker's connection.
    assert not SuitabilityScenario.objects.filter(name__startswith="killed-").exists()
    assert _job(job.pk).status == Job.Status.RUNNING
    # The new worker's schedule finds the dead job: its heartbeat older than 8 s here
    # (30 s in production, the setting's default).
    with worker(tmp_path / "second.log", env={**_env(), "HUBPLAN_JOB_STALE_SECONDS": "8"}):
        wait_until(
            lambda: _job(job.pk).status == Job.Status.FAILED,
            deadline=75,
            what="the dead job to be marked failed",
            every=0.5,
        )
        marked = _job(job.pk)
        assert (marked.finished - killed_at).total_seconds() < 60
        assert marked.message == str(jobs.MSG_STALLED)
        client.force_login(planner)
        page = client.get(f"/jobs/{job.pk}/").content.decode()
        assert "Försök igen" in page
        # The queue's own record of it leaves "doing" too, once procrastinate sees the
        # dead worker's heartbeat 30 s old.
        from django.db import connection

        def queue_status():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT status FROM procrastinate_jobs WHERE id = %s", [job.queue_id]
                )
                return cursor.fetchone()[0]

        wait_until(lambda: queue_status() != "doing", deadline=60, what="the queue's record")
        assert client.post(f"/jobs/{job.pk}/retry/").status_code == 302
        wait_until(
            lambda: _job(job.pk).status == Job.Status.DONE, deadline=60, what="the retried job"
        )
    assert _job(job.pk).attempts == 2
    assert SuitabilityScenario.objects.filter(name__startswith="killed-").count() == 100


def test_a_database_restart_in_the_middle_of_a_job_fails_it_cleanly_and_the_worker_goes_on(
    tmp_path,
):
    """On a PostgreSQL server of the test's own, restarted while the job writes."""
    import psycopg

    from hubplan.tests.processes import manage, private_postgres

    with private_postgres() as (url, restart):
        env = child_env(DATABASE_URL=url, PROCRASTINATE_IMPORT_PATHS="hubplan.tests.job_kinds")
        manage("migrate", "--no-input", env=env)
        start = (
            "from hubplan import jobs; from hubplan.tests import job_kinds; "
            "print(jobs.enqueue(kind='test_rows', "
            "params={'steps': 100, 'delay': 0.1, 'prefix': 'restart'}).pk)"
        )
        pk = int(manage("shell", "-c", start, env=env).split()[-1])
        conninfo = url.replace("postgres://postgres@/", "dbname=").replace("?host=", " host=")
        conninfo = "user=postgres " + conninfo

        def job_row():
            try:
                with psycopg.connect(conninfo) as conn:
                    return conn.execute(
                        "SELECT status, processed, message, attempts FROM hubplan_job WHERE id = %s",
                        [pk],
                    ).fetchone()
            except psycopg.OperationalError:
                return None  # the server is restarting

        def rows() -> int:
            with psycopg.connect(conninfo) as conn:
                return conn.execute(
                    "SELECT count(*) FROM hubplan_suitabilityscenario WHERE name LIKE 'restart-%%'"
                ).fetchone()[0]

        with worker(tmp_path / "worker.log", env=env, wait=False) as proc:
            wait_until(lambda: (job_row() or ("", 0))[1] >= 10, deadline=90, what="10 rows")
            restart()
            ended = wait_until(
                lambda: (r := job_row()) and r[0] not in ("queued", "running") and r,
                deadline=60,
                what="the job to end after the restart",
            )
            assert ended[0] == "failed", ended
            assert rows() == 0  # the job's transaction died with the server
            assert proc.poll() is None, "the worker exited on the restart"
            again = (
                "from hubplan import jobs; from hubplan.models import Job; from hubplan.tests "
                f"import job_kinds; print(jobs.retry(Job.objects.get(pk={pk})).status)"
            )
            assert manage("shell", "-c", again, env=env).split()[-1] == "queued"
            done = wait_until(
                lambda: (r := job_row()) and r[0] == "done" and r,
                deadline=90,
                what="the retried job on the same worker",
            )
        assert done[3] == 2
        assert rows() == 100
