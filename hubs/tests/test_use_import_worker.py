"""The hub-use import on a real worker process: the page that queued it shows its
progress, then its report, read from the job's row (nothing in the web process)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hubplan.models import Job, StoredFileChunk
from hubplan.tests.processes import wait_until, worker
from hubs.models import HubMonthlyUse
from hubs.tests.factories import HubFactory

pytestmark = pytest.mark.django_db(transaction=True)

PAGE = "/hubs/use/import/"
GOOD = (
    "Hubb;Kommun;Månad;Öppna dagar;Platsdagar\r\n"
    "Gomorron Östersund;Östersund;2025-03;21;180\r\n"
    "Gomorron Östersund;2380;2025-04;20;150\r\n"
)
# Row 3 has more desk-days than 12 desks × 20 days.
BAD = GOOD + "Gomorron Östersund;Östersund;2025-05;20;999\r\n"


def _ended(pk) -> Job | None:
    job = Job.objects.get(pk=pk)
    return None if job.is_active else job


def test_on_a_real_worker_a_good_file_is_imported_and_a_bad_one_writes_nothing(
    client_for, planner, region, tmp_path, settings
):
    settings.HUBPLAN_JOBS_INLINE = False
    HubFactory(name="Gomorron Östersund", desks=12)
    client = client_for(planner)
    bad = client.post(PAGE, {"file": SimpleUploadedFile("bad.csv", BAD.encode())})
    good = client.post(PAGE, {"file": SimpleUploadedFile("good.csv", GOOD.encode())})
    waiting = client.get(good["Location"])
    assert waiting.context["job"].status == Job.Status.QUEUED
    assert 'class="job-progress' in waiting.content.decode()
    bad_pk, good_pk = (int(r["Location"].rsplit("=", 1)[1]) for r in (bad, good))
    with worker(tmp_path / "worker.log"):
        refused = wait_until(lambda: _ended(bad_pk), deadline=60, what="the bad file's job")
        done = wait_until(lambda: _ended(good_pk), deadline=60, what="the good file's job")
    assert refused.status == Job.Status.FAILED, refused.message
    assert done.status == Job.Status.DONE, done.message
    page = client.get(bad["Location"])
    [error] = page.context["import_errors"]
    assert (error["row"], error["column"], error["value"]) == (4, "Platsdagar", "999")
    assert "ingenting har sparats" in page.content.decode()
    report = client.get(good["Location"]).content.decode()
    assert "Importen är klar: 2 nya månader, 0 uppdaterade, 0 oförändrade." in report
    assert HubMonthlyUse.objects.count() == 2
    assert not StoredFileChunk.objects.exists()  # both uploads removed once read
