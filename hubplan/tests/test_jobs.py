"""The job machinery without a worker: pages, permissions, cancel, retry, reaping, storage.

The same behaviour with a real worker process is in ``test_jobs_worker.py``.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.utils import timezone

from hubplan import jobs, storage
from hubplan.models import Job, StoredFileChunk, SuitabilityScenario
from hubplan.tests import job_kinds  # noqa: F401 - registers the test kinds

pytestmark = pytest.mark.django_db


def _queue_status(queue_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT status FROM procrastinate_jobs WHERE id = %s", [queue_id])
        return cursor.fetchone()[0]


def test_an_inline_job_runs_its_handler_and_records_the_end(planner):
    job = jobs.enqueue(
        kind="test_rows", user=planner, params={"steps": 3, "delay": 0, "prefix": "i"}
    )
    assert (job.status, job.percent, job.message, job.attempts) == ("done", 100, "3 rader", 1)
    assert job.result == {"lines": ["3 rader skrevs"]}
    assert SuitabilityScenario.objects.filter(name__startswith="i-").count() == 3


def test_a_queued_job_waits_in_procrastinates_queue_and_cancelling_it_removes_it(
    settings, client, planner
):
    settings.HUBPLAN_JOBS_INLINE = False
    job = jobs.enqueue(kind="test_rows", user=planner, params={"steps": 3, "prefix": "q"})
    assert job.status == Job.Status.QUEUED
    assert _queue_status(job.queue_id) == "todo"
    client.force_login(planner)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "väntar på en ledig arbetsprocess" in page
    assert client.get(f"/jobs/{job.pk}/progress/").json() == {
        "status": "queued",
        "status_label": "i kö",
        "stage": "",
        "stage_label": "",
        "percent": 0,
        "processed": 0,
        "total": 0,
        "active": True,
        "next": "",
    }
    response = client.post(f"/jobs/{job.pk}/cancel/", follow=True)
    assert "Jobbet avbröts innan det började. Inget skrevs." in response.content.decode()
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED
    assert _queue_status(job.queue_id) == "cancelled"
    # A worker that picks it up now finds it cancelled and does nothing.
    jobs.run_job(job.pk)
    assert not SuitabilityScenario.objects.filter(name__startswith="q-").exists()


def test_a_job_is_seen_only_by_whoever_started_it_and_superusers(
    client, planner, viewer, superuser
):
    job = jobs.enqueue(kind="test_rows", user=planner, params={"steps": 1, "prefix": "p"})
    for user, status in ((viewer, 404), (planner, 200), (superuser, 200)):
        client.force_login(user)
        assert client.get(f"/jobs/{job.pk}/").status_code == status
        assert client.get(f"/jobs/{job.pk}/progress/").status_code == status
    client.force_login(viewer)
    assert client.post(f"/jobs/{job.pk}/cancel/").status_code == 404


def test_a_running_job_without_a_heartbeat_for_30_s_is_marked_failed_and_can_be_retried(
    client, planner
):
    job = Job.objects.create(
        kind="test_rows",
        user=planner,
        status=Job.Status.RUNNING,
        params={"steps": 2, "delay": 0, "prefix": "r"},
        heartbeat_at=timezone.now() - timedelta(seconds=31),
    )
    fresh = Job.objects.create(
        kind="test_rows", user=planner, status=Job.Status.RUNNING, heartbeat_at=timezone.now()
    )
    client.force_login(planner)
    # Polling the page is enough: no worker needs to be alive to see a dead job.
    assert client.get(f"/jobs/{job.pk}/progress/").json()["status"] == "failed"
    job.refresh_from_db()
    fresh.refresh_from_db()
    assert (job.message, fresh.status) == (str(jobs.MSG_STALLED), Job.Status.RUNNING)
    assert "Försök igen" in client.get(job.get_absolute_url()).content.decode()
    client.post(f"/jobs/{job.pk}/retry/")
    job.refresh_from_db()
    assert (job.status, job.attempts, job.message) == ("done", 1, "2 rader")


def test_a_failed_job_whose_file_is_gone_cannot_be_retried(planner):
    name = storage.save_upload(ContentFile(b"x"))
    job = Job.objects.create(kind="test_rows", user=planner, status=Job.Status.FAILED, upload=name)
    assert jobs.can_retry(job)
    storage.uploads().delete(name)
    assert not jobs.can_retry(job)
    assert jobs.retry(job).status == Job.Status.FAILED


def test_a_crashing_handler_fails_the_job_with_a_message_that_names_no_data(planner, settings):
    hooked = []

    @jobs.register("test_crash", on_failed=hooked.append)
    def crash(job, progress):
        raise ValueError("a cell value that must not reach the page")

    job = Job.objects.create(kind="test_crash", user=planner)
    with pytest.raises(ValueError, match="cell value"):  # inline mode lets the test see it
        jobs.run_job(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.message == "Jobbet misslyckades av ett fel i servern (ValueError). Inget skrevs."
    assert [j.pk for j in hooked] == [job.pk]
    del jobs.HANDLERS["test_crash"], jobs.ON_FAILED["test_crash"]


def test_progress_weights_stages_into_one_percentage_that_never_says_100_while_running():
    progress = jobs.Progress(Job(pk=1), live=True)
    progress.stages({"reading": 40, "checking": 20, "writing": 30, "constraints": 10})
    progress.stage_name, progress.processed, progress.total = "reading", 50, 100
    assert progress.percent == 20  # 40 × 50 %
    progress.stage_name, progress.processed, progress.total = "writing", 1, 3
    assert progress.percent == 70  # 40 + 20 + 30 × 1/3
    progress.stage_name, progress.processed, progress.total = "constraints", 1, 1
    assert progress.percent == 99


def test_stored_files_round_trip_in_chunks_and_stale_ones_are_removed(planner):
    data = bytes(range(256)) * 9000  # 2.3 MB: three chunks
    name = storage.save_upload(ContentFile(data))
    assert StoredFileChunk.objects.filter(name=name).count() == 3
    assert storage.uploads().size(name) == len(data)
    with storage.uploads().open(name) as f:
        assert f.read() == data
    with storage.local_copy(name, suffix=".csv") as path:
        assert path.read_bytes() == data
        copied = path
    assert not copied.exists()
    kept = storage.save_upload(ContentFile(b"needed"))
    Job.objects.create(kind="test_rows", user=planner, status=Job.Status.QUEUED, upload=kept)
    later = timezone.now() + timedelta(hours=25)
    assert storage.remove_stale(now=later) == 1
    assert not storage.uploads().exists(name)
    assert storage.uploads().exists(kept)  # a waiting job still needs it


def test_the_reaper_runs_the_kinds_hook_so_a_mirroring_record_ends_too(planner):
    ended = []
    jobs.register("test_mirrored", on_failed=lambda job: ended.append((job.pk, job.status)))(
        lambda job, progress: None
    )
    dead = Job.objects.create(
        kind="test_mirrored",
        user=planner,
        status=Job.Status.RUNNING,
        heartbeat_at=timezone.now() - timedelta(minutes=5),
    )
    assert jobs.reap_stalled() == 1
    assert ended == [(dead.pk, Job.Status.FAILED)]
    assert jobs.reap_stalled() == 0  # once
    del jobs.HANDLERS["test_mirrored"], jobs.ON_FAILED["test_mirrored"]


def test_a_nul_in_a_report_is_stored_as_a_visible_sign(planner):
    @jobs.register("test_nul")
    def nul(job, progress):
        raise jobs.JobFailed("fel i \x00cellen", result={"lines": ["rad 2: \x00"]})

    job = jobs.enqueue(kind="test_nul", user=planner)
    assert (job.message, job.result) == ("fel i ␀cellen", {"lines": ["rad 2: ␀"]})
    del jobs.HANDLERS["test_nul"]


def test_stale_files_of_another_storage_backend_are_removed_from_both_folders(
    settings, tmp_path, planner
):
    """With a filesystem (a shared volume) as the uploads storage, old uploads and old
    built exports go; what a waiting job needs stays."""
    import os

    from django.core.files.storage import storages

    settings.STORAGES = {
        **settings.STORAGES,
        "uploads": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    storages._storages.pop("uploads", None)  # the handler caches backends by alias
    try:
        old_upload = storage.save_upload(ContentFile(b"u"))
        old_export = storage.save_upload(ContentFile(b"e"), prefix="export")
        needed = storage.save_upload(ContentFile(b"n"))
        fresh = storage.save_upload(ContentFile(b"f"))
        Job.objects.create(kind="test_rows", user=planner, status=Job.Status.QUEUED, upload=needed)
        day_ago = timezone.now().timestamp() - 25 * 3600
        for name in (old_upload, old_export, needed):
            os.utime(tmp_path / name, (day_ago, day_ago))
        assert storage.remove_stale() == 2
        assert [storage.uploads().exists(n) for n in (old_upload, old_export, needed, fresh)] == [
            False,
            False,
            True,
            True,
        ]
    finally:
        storages._storages.pop("uploads", None)
