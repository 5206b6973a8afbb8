"""The mapping app's long work as jobs on the worker (``hubplan.jobs``).

procrastinate imports every app's ``tasks.py`` in every process, so these handlers
are registered in the web servers (which enqueue) and in the worker (which runs them).

- ``mapping.rams_import`` and ``mapping.context_import``: an SCB file (RAMS commuting,
  BE0101 migration and recruitment needs) from the upload storage, read, checked and
  written in one transaction by :mod:`mapping.scb`. A file refused only for want of a
  choice (Summera or a value per extra dimension) is kept in the storage, so the
  planner chooses without uploading it again; any other file is removed once read.
- ``mapping.shift_import``: a shift list for the daily-rest report (:mod:`mapping.shifts`).

The job's result is the report the page shows; it holds counts, notes and the file's
error lines, never the job's file name (the session keeps that for the page).
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hubplan import jobs, storage
from hubplan.models import Job
from hubplan.tabular import TableError

# At most this many report lines are kept in a job's result (the page shows them all).
MAX_LINES = 200

MSG_SCB_ERRORS = gettext_lazy("Inget importerades: filen har fel.")
MSG_NEEDS_CHOICE = gettext_lazy(
    "Inget importerades ännu: filen har fler dimensioner än nyckeln. Välj Summera "
    "eller ett värde per dimension och importera igen; filen är sparad."
)
MSG_FILE_GONE = gettext_lazy("Den sparade filen finns inte längre; ladda upp den igen.")


# jobs.json_safe: a NUL in a report becomes ␀ (jsonb cannot hold it).
json_safe = jobs.json_safe


def language(job: Job):
    """The language the user asked in, so the report reads as their page does."""
    return translation.override(job.params.get("language") or settings.LANGUAGE_CODE)


def page_url(name: str, job: Job) -> str:
    """The page that shows this job's progress and report (``?job=<pk>``)."""
    return f"{reverse(name)}?job={job.pk}"


def _final(job: Job) -> None:
    """Mark the job as one that cannot be retried as it was (``jobs.can_retry``).

    A file that needs a choice is kept for the next step, so a plain retry would
    only ask for the choice again: the page asks for it instead.
    """
    job.params = {**job.params, "final": True}
    Job.objects.filter(pk=job.pk).update(params=job.params)


def _scb_import(job: Job, progress: jobs.Progress, *, which: str) -> None:
    """Read, check and write one SCB file; the report goes to the job's result."""
    from mapping import imports, scb

    importer = imports.import_rams if which == "rams" else imports.import_context
    page = "surveys:rams" if which == "rams" else "surveys:context"
    choice = scb.Choice(
        sum_all=bool(job.params.get("sum_all")), select=dict(job.params.get("select") or {})
    )
    progress.stages({"reading": 10, "checking": 70, "writing": 20})
    progress.stage("reading")
    uploads = storage.uploads()
    if not job.upload or not uploads.exists(job.upload):
        _final(job)
        raise jobs.JobFailed(str(MSG_FILE_GONE), result={"lines": [], "next": page_url(page, job)})
    with storage.local_copy(job.upload) as path:
        progress.stage("checking")
        try:
            # One transaction inside the importer: a cancel (progress.advance raises)
            # or a failure anywhere leaves nothing written.
            report = importer(path, choice=choice, progress=progress)
        except TableError as exc:
            uploads.delete(job.upload)
            raise jobs.JobFailed(
                str(exc), result=json_safe({"lines": [str(exc)], "next": page_url(page, job)})
            ) from None
    result = json_safe(
        {
            "imported": report.imported,
            "notes": [str(n) for n in report.notes],
            "lines": [str(line) for line in report.lines()[:MAX_LINES]],
            # As pairs: a JSON object in PostgreSQL (jsonb) does not keep its keys' order.
            "dimensions": [[d, list(values.items())] for d, values in report.dimensions.items()],
            "needs_choice": report.needs_choice,
            "next": page_url(page, job),
        }
    )
    if report.needs_choice:
        _final(job)
        raise jobs.JobFailed(str(MSG_NEEDS_CHOICE), result=result)
    uploads.delete(job.upload)
    if not report.ok:
        raise jobs.JobFailed(str(MSG_SCB_ERRORS), result=result)
    progress.result = result
    progress.message = _("%(n)d värden importerades eller uppdaterades.") % {"n": report.imported}


@jobs.register("mapping.rams_import", label=gettext_lazy("Import av pendling enligt SCB (RAMS)"))
def rams_import(job: Job, progress: jobs.Progress) -> None:
    with language(job):
        _scb_import(job, progress, which="rams")


@jobs.register("mapping.context_import", label=gettext_lazy("Import av kommunstatistik från SCB"))
def context_import(job: Job, progress: jobs.Progress) -> None:
    with language(job):
        _scb_import(job, progress, which="context")


def _shift_groups(report) -> list[dict]:
    return [
        {"column": g.column, "reason": str(g.reason), "count": g.count, "first": g.first}
        for g in report.groups()
    ]


@jobs.register("mapping.shift_import", label=gettext_lazy("Import av schema (dygnsvila)"))
def shift_import(job: Job, progress: jobs.Progress) -> None:
    """Check a shift list and store its daily-rest figures, or report the grouped errors.

    The file is removed once read, whatever the outcome: a refused file is corrected
    and uploaded again, never retried as it was.
    """
    from mapping import shifts

    with language(job):
        progress.stages({"reading": 10, "checking": 80, "writing": 10})
        progress.stage("reading")
        uploads = storage.uploads()
        if not job.upload or not uploads.exists(job.upload):
            raise jobs.JobFailed(str(MSG_FILE_GONE))
        with uploads.open(job.upload) as fileobj:
            progress.stage("checking")
            try:
                schedule = shifts.import_shift_list(
                    fileobj=fileobj,
                    name=job.params.get("name", ""),
                    file_name=job.params.get("file_name", ""),
                    user=job.user,
                    on_write=lambda: progress.stage("writing"),
                )
            except TableError as exc:
                uploads.delete(job.upload)
                raise jobs.JobFailed(str(exc), result=json_safe({"lines": [str(exc)]})) from None
            except shifts.ShiftsRejected as exc:
                uploads.delete(job.upload)
                raise jobs.JobFailed(
                    _("Inget importerades: %(n)d fel i filen. Rätta filen och försök igen.")
                    % {"n": exc.report.error_count},
                    result=json_safe(
                        {
                            "error_count": exc.report.error_count,
                            "groups": _shift_groups(exc.report),
                            "lines": [str(line) for line in exc.report.lines()[:MAX_LINES]],
                        }
                    ),
                ) from None
        uploads.delete(job.upload)
        progress.result = {
            "schedule": schedule.pk,
            "next": schedule.get_absolute_url(),
            "lines": [],
        }
        progress.message = _("%(shifts)d pass för %(people)d personer lästes in.") % {
            "shifts": schedule.shift_count,
            "people": schedule.people,
        }
