"""The worker's tasks (procrastinate finds this module in every app, by its name).

One task runs every kind of job (``hubplan.jobs.run_job`` looks up the handler the
job's app registered), so a new kind of long work needs no new queue task. Two tasks
run on a schedule: marking dead jobs failed, and removing uploads no one needs.
"""

from __future__ import annotations

import logging

from asgiref.sync import sync_to_async
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app
from procrastinate.jobs import Status

from hubplan import jobs, storage

logger = logging.getLogger(__name__)


# No automatic retry: a job that failed says why on its page, and the user may run it
# again (a killed import would otherwise loop on the same crash).
@app.task(name="hubplan.run_job", queue="jobs", retry=RetryStrategy(max_attempts=0))
def run_job_task(job_id: int) -> None:
    jobs.run_job(job_id)


# procrastinate's workers beat every 5 s: one silent for 30 s is dead.
QUEUE_STALE_SECONDS = 30


# croniter takes seconds as the sixth field: every 10 s.
@app.periodic(cron="* * * * * */10", periodic_id="reap_stalled")
@app.task(name="hubplan.reap_stalled", queue="jobs", queueing_lock="reap_stalled")
async def reap_stalled(timestamp: int) -> None:
    """Every 10 s: jobs whose heartbeat stopped are failed, in our table and the queue's.

    The queue's own record (``procrastinate_jobs``) of a job whose worker died stays
    "doing" until someone says otherwise; procrastinate knows those by the dead
    worker's missing heartbeat.
    """
    marked = await sync_to_async(jobs.reap_stalled)()
    for stalled in await app.job_manager.get_stalled_jobs(
        seconds_since_heartbeat=QUEUE_STALE_SECONDS
    ):
        await app.job_manager.finish_job(stalled, status=Status.FAILED, delete_job=False)
        marked += 1
    if marked:
        logger.warning("marked %d stalled job(s) failed", marked)


@app.periodic(cron="17 * * * *", periodic_id="remove_stale_uploads")
@app.task(name="hubplan.remove_stale_uploads", queue="jobs", queueing_lock="remove_uploads")
def remove_stale_uploads(timestamp: int) -> None:
    """Hourly: uploads older than UPLOAD_MAX_AGE_HOURS that no waiting or running job needs."""
    removed = storage.remove_stale()
    if removed:
        logger.info("removed %d stale upload(s)", removed)
