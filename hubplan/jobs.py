"""Long work as jobs on the worker: start, run, report progress, cancel, and survive crashes.

Why a worker: a check or import of a million-row file outlives any web request
(gunicorn kills a request after its timeout, and a deploy's reload kills a thread in
the web process). The queue is procrastinate's, on the same PostgreSQL; the worker is
``manage.py procrastinate worker`` (``make run`` starts one beside the web server).

How a job runs:

- :func:`enqueue` creates a :class:`~hubplan.models.Job` row and defers
  ``hubplan.run_job`` in the caller's transaction, so the job exists exactly when the
  request that asked for it commits.
- The worker calls :func:`run_job`, which looks up the handler an app registered for
  the job's kind (:func:`register`, in the app's ``tasks.py``) and calls it with a
  :class:`Progress`.
- While the handler works, a thread beside it writes the stage, the percentage and a
  heartbeat to the job's row every ``HEARTBEAT_SECONDS`` on its own connection (the
  handler's transaction is invisible until it commits). The same thread sees a
  cancellation request and cancels the handler's running SQL statement, so a cancel
  takes effect within seconds even in a single long ``INSERT … SELECT``.
- A handler does its writes in one transaction, so a failure, a cancel, a killed
  worker or a restarted database leaves nothing half-written.
- :func:`reap_stalled` marks a running job whose heartbeat has stopped as failed
  (retryable). The worker runs it on a schedule, and the job's own page runs it when polled.

Tests set ``HUBPLAN_JOBS_INLINE`` to run a job at once inside the request, through
the same :func:`run_job`; the tests in ``hubplan/tests/test_jobs_worker.py`` and
the fault tests start a real worker process.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection, connections, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy

from hubplan.models import Job

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 1.0
# A running job whose heartbeat is older than this is dead: its worker was killed, or
# the database restarted under it. Far above HEARTBEAT_SECONDS, so a busy machine
# does not make a live job look dead; low enough to be marked within a minute.
# Settings: HUBPLAN_JOB_STALE_SECONDS (the tests of dead workers shorten it).
STALE_SECONDS = 30
# Progress rows are reported at least this often (and every PROGRESS_ROWS rows).
PROGRESS_ROWS = 50_000

MSG_STALLED = gettext_lazy(
    "Jobbet avbröts: arbetsprocessen slutade svara (omstart eller fel i servern). "
    "Inget skrevs. Du kan försöka igen."
)
MSG_CANCELLED = gettext_lazy("Avbrutet på begäran. Inget skrevs.")
MSG_CRASHED = gettext_lazy("Jobbet misslyckades av ett fel i servern (%(error)s). Inget skrevs.")

Handler = Callable[[Job, "Progress"], None]
HANDLERS: dict[str, Handler] = {}
# The stage names a page may show, by their code; apps add theirs with register_stage.
STAGES: dict[str, str] = {
    "queued": gettext_lazy("väntar på en ledig arbetsprocess"),
    "reading": gettext_lazy("läser filen"),
    "checking": gettext_lazy("kontrollerar"),
    "writing": gettext_lazy("skriver"),
    "constraints": gettext_lazy("kontrollerar kopplingar"),
    "exporting": gettext_lazy("skriver exporten"),
}


class JobFailed(Exception):
    """The handler's verdict that the job failed, with a message for the user."""

    def __init__(self, message: str, result: dict | None = None):
        super().__init__(message)
        self.message = message
        self.result = result or {}


class JobCancelled(Exception):
    """Raised inside a handler (by :meth:`Progress.advance`) once a cancel is requested."""


# What each kind is called on its page.
LABELS: dict[str, str] = {}
# Called for a job of the kind that failed without its handler saying so.
ON_FAILED: dict[str, Callable[[Job], None]] = {}


def register(kind: str, label=None, on_failed=None) -> Callable[[Handler], Handler]:
    """Register the handler that runs jobs of ``kind`` (used as a decorator).

    ``on_failed(job)`` runs when a job of the kind failed without its handler saying
    so: :func:`reap_stalled` found its worker dead, or the handler raised an unexpected
    error (the database went away under it). The place to end a domain record that
    mirrors the job, such as a survey import left "pågår".
    """

    def decorate(handler: Handler) -> Handler:
        HANDLERS[kind] = handler
        LABELS[kind] = label or kind
        if on_failed is not None:
            ON_FAILED[kind] = on_failed
        return handler

    return decorate


def kind_label(kind: str) -> str:
    return str(LABELS.get(kind, kind))


def inline() -> bool:
    return getattr(settings, "HUBPLAN_JOBS_INLINE", False)


# --- Starting, cancelling, retrying -----------------------------------------------------


def enqueue(*, kind: str, user=None, params: dict | None = None, upload: str = "") -> Job:
    """Create the job and queue it (in the caller's transaction); inline mode runs it now."""
    if kind not in HANDLERS:
        raise KeyError(f"no job handler registered for {kind!r}")
    job = Job.objects.create(kind=kind, user=user, params=params or {}, upload=upload)
    _defer(job)
    if inline():
        job.refresh_from_db()
    return job


def _defer(job: Job) -> None:
    if inline():
        run_job(job.pk)
        return
    from hubplan.tasks import run_job_task

    queue_id = run_job_task.defer(job_id=job.pk)
    Job.objects.filter(pk=job.pk).update(queue_id=queue_id)
    job.queue_id = queue_id


def can_retry(job: Job) -> bool:
    """A failed job may run again while its file (if it had one) is still kept."""
    if job.status != Job.Status.FAILED or job.params.get("final"):
        return False
    if not job.upload:
        return True
    from hubplan.storage import uploads

    return uploads().exists(job.upload)


def retry(job: Job) -> Job:
    """Queue a failed job again, with the same file and parameters."""
    if not can_retry(job):
        return job
    with transaction.atomic():
        updated = Job.objects.filter(pk=job.pk, status=Job.Status.FAILED).update(
            status=Job.Status.QUEUED,
            stage="",
            percent=0,
            processed=0,
            message="",
            result={},
            cancel_requested=False,
            finished=None,
            heartbeat_at=None,
        )
        if updated:
            job.refresh_from_db()
            _defer(job)
    job.refresh_from_db()
    return job


def cancel(job: Job) -> Job:
    """Cancel the job: at once if it still waits, within seconds if it runs."""
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        if job.status == Job.Status.QUEUED:
            if job.queue_id:
                from procrastinate.contrib.django import app

                app.job_manager.cancel_job_by_id(job.queue_id)
            _finish(job, Job.Status.CANCELLED, str(MSG_CANCELLED))
        elif job.status == Job.Status.RUNNING:
            job.cancel_requested = True
            job.save(update_fields=["cancel_requested"])
    return job


# --- Running ---------------------------------------------------------------------------


class Progress:
    """What a handler reports as it goes: its stage, rows done, and the result.

    ``stages`` gives each stage a weight (their sum is 100), so the percentage moves
    through the whole job instead of restarting at each stage. ``advance`` is cheap
    (it only sets numbers); the heartbeat thread writes them. It raises
    :class:`JobCancelled` once a cancel is seen.
    """

    def __init__(self, job: Job, *, live: bool, stages: dict[str, int] | None = None):
        self.job = job
        self.live = live
        self.weights: dict[str, int] = dict(stages or {})
        self.stage_name = ""
        self.processed = 0
        self.total = 0
        self.result: dict = {}
        self.message = ""
        self.output = ""
        self.cancelled = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._main_pid: int | None = None
        self._lock = threading.Lock()
        self._last_write = 0.0
        self._last_rows = 0
        self._wake = threading.Event()

    # -- the handler's side
    def stages(self, weights: dict[str, int]) -> None:
        self.weights = dict(weights)

    def stage(self, name: str, total: int = 0) -> None:
        with self._lock:
            self.stage_name = name
            self.processed = 0
            self.total = total
        self._maybe_write(force=True)
        self.check()

    def advance(self, processed: int, total: int | None = None) -> None:
        with self._lock:
            self.processed = processed
            if total is not None:
                self.total = total
        self._maybe_write()
        self.check()

    def check(self) -> None:
        if self.cancelled.is_set():
            raise JobCancelled

    @property
    def percent(self) -> int:
        """Overall percentage: the finished stages' weights plus the current one's share.

        Never 100 while running: 100 means done, which only the job's end says.
        """
        share = min(1.0, self.processed / self.total) if self.total else 0.0
        if not self.weights:
            return min(99, int(share * 100))
        done = 0.0
        for name, weight in self.weights.items():
            if name == self.stage_name:
                return max(0, min(99, int(done + weight * share)))
            done += weight
        return 0

    def _fields(self) -> dict:
        with self._lock:
            return {
                "stage": self.stage_name[:40],
                "processed": self.processed,
                "total": self.total,
                "percent": self.percent,
            }

    def _maybe_write(self, force: bool = False) -> None:
        """Inline mode (tests) writes on the main connection every PROGRESS_ROWS rows;
        live mode leaves every write to the heartbeat thread, except row-count steps."""
        if self.live:
            if force or self.processed - self._last_rows >= PROGRESS_ROWS:
                self._last_rows = self.processed
                self._wake.set()  # the heartbeat thread writes now, not at its next beat
            return
        now = time.monotonic()
        if force or self.processed - self._last_rows >= PROGRESS_ROWS or now - self._last_write > 2:
            self._last_rows, self._last_write = self.processed, now
            Job.objects.filter(pk=self.job.pk).update(**self._fields())

    # -- the heartbeat thread
    def __enter__(self) -> Progress:
        if self.live:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self._main_pid = cursor.fetchone()[0]
            self._thread = threading.Thread(
                target=self._beat, name=f"job-{self.job.pk}", daemon=True
            )
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._thread is not None:
            self._stop.set()
            self._wake.set()
            self._thread.join(timeout=10)

    def _beat(self) -> None:
        side = None
        while not self._stop.is_set():
            try:
                if side is None:
                    side = connections.create_connection("default")
                    side.connect()
                    side.connection.autocommit = True
                    with side.cursor() as cursor:
                        # A heartbeat must never wait behind the job it reports on.
                        cursor.execute("SET lock_timeout = '2s'")
                fields = self._fields()
                with side.cursor() as cursor:
                    cursor.execute(
                        f"UPDATE {Job._meta.db_table} SET heartbeat_at = now(), stage = %s, "
                        "processed = %s, total = %s, percent = %s "
                        "WHERE id = %s AND status = %s RETURNING cancel_requested",
                        [
                            fields["stage"],
                            fields["processed"],
                            fields["total"],
                            fields["percent"],
                            self.job.pk,
                            Job.Status.RUNNING,
                        ],
                    )
                    row = cursor.fetchone()
                    if row and row[0]:
                        self.cancelled.set()
                        # Stops a long statement (COPY, INSERT … SELECT) now rather than
                        # at the handler's next advance().
                        cursor.execute("SELECT pg_cancel_backend(%s)", [self._main_pid])
            except Exception:  # the database away (restart): try again on the next beat
                logger.warning("job %s: heartbeat failed; retrying", self.job.pk)
                if side is not None:
                    with contextlib.suppress(Exception):  # a broken one may fail to close
                        side.close()
                side = None
            self._wake.wait(HEARTBEAT_SECONDS)
            self._wake.clear()
        if side is not None:
            side.close()


def run_job(job_id: int) -> None:
    """Run one job by its id (the worker's task, or inline in tests)."""
    live = not inline()
    started = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING,
        started=timezone.now(),
        heartbeat_at=timezone.now(),
        attempts=F("attempts") + 1,
        stage="",
        percent=0,
    )
    if not started:  # cancelled while it waited, or already run
        return
    job = Job.objects.select_related("user").get(pk=job_id)
    handler = HANDLERS.get(job.kind)
    progress = Progress(job, live=live)
    try:
        if job.cancel_requested:
            raise JobCancelled
        with progress:
            handler(job, progress)
    except JobCancelled:
        _close_after_error()
        _finish(job, Job.Status.CANCELLED, str(MSG_CANCELLED))
    except JobFailed as exc:
        _close_after_error()
        _finish(job, Job.Status.FAILED, exc.message, result=exc.result or progress.result)
    except Exception as exc:
        _close_after_error()
        if progress.cancelled.is_set():  # the cancelled statement's error
            _finish(job, Job.Status.CANCELLED, str(MSG_CANCELLED))
        else:
            logger.exception("job %s (%s) failed", job.pk, job.kind)
            _finish(job, Job.Status.FAILED, MSG_CRASHED % {"error": type(exc).__name__})
            try:
                _on_failed(job)
            except DatabaseError:  # still away: the record waits for the next attempt
                logger.warning("job %s: its on_failed hook could not run", job.pk)
        if not live:
            raise
    else:
        _finish(
            job,
            Job.Status.DONE,
            progress.message,
            result=progress.result,
            output=progress.output,
        )


def _close_after_error() -> None:
    """After a failed statement the connection may be broken (the database restarted):
    drop it, so the status write below gets a fresh one."""
    if not inline() and not connection.in_atomic_block:
        close_old_connections()
        try:
            connection.close_if_unusable_or_obsolete()
            connection.ensure_connection()
        except DatabaseError:
            connection.close()


def _finish(job: Job, status: str, message: str, *, result=None, output: str = "") -> None:
    """The job's end, as a save (not a queryset update) so its fields are validated.

    If the database is away at that moment, the job stays running until
    :func:`reap_stalled` finds its heartbeat stopped.
    """
    job.status = status
    job.message = (message or "").replace("\x00", "\u2400")
    if result is not None:
        job.result = json_safe(result)
    job.output = output or job.output
    job.finished = timezone.now()
    if status == Job.Status.DONE:
        job.percent = 100
    fields = ["status", "message", "result", "output", "finished", "percent"]
    for attempt in range(3):
        try:
            job.save(update_fields=fields)
            return
        except DatabaseError:
            if inline() or connection.in_atomic_block:
                raise
            logger.warning("job %s: could not record its end (attempt %d)", job.pk, attempt + 1)
            connection.close()
            time.sleep(1 + attempt)


def json_safe(value):
    """``value`` with every NUL in its strings shown as ␀: PostgreSQL's jsonb and text
    cannot hold a NUL, and a report may quote a file's cell that has one."""
    if isinstance(value, str):
        return value.replace("\x00", "\u2400")
    if isinstance(value, dict):
        return {json_safe(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return value


def stale_seconds() -> float:
    return getattr(settings, "HUBPLAN_JOB_STALE_SECONDS", STALE_SECONDS)


def reap_stalled(now=None) -> int:
    """Mark running jobs whose heartbeat stopped as failed; returns how many.

    Each kind's ``on_failed`` hook (see :func:`register`) then runs for its jobs, so
    a domain record that mirrors its job (a survey import's "pågår") ends failed too.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=stale_seconds())
    with transaction.atomic():
        dead = list(
            Job.objects.select_for_update(skip_locked=True).filter(
                status=Job.Status.RUNNING, heartbeat_at__lt=cutoff
            )
        )
        for job in dead:
            job.status, job.message, job.finished = Job.Status.FAILED, str(MSG_STALLED), now
            job.save(update_fields=["status", "message", "finished"])
            _on_failed(job)
    return len(dead)


def _on_failed(job: Job) -> None:
    if hook := ON_FAILED.get(job.kind):
        hook(job)


def stage_label(code: str) -> str:
    return str(STAGES.get(code, code))
