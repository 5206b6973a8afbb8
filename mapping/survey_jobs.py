"""The survey import's long work as jobs on the worker (:mod:`hubplan.jobs`).

Three kinds, all reading the upload from the upload storage (PostgreSQL by default),
so the steps of an import may land on different web servers and the work on the worker:

- ``mapping.survey_inspect``: a large XLSX file's headers and first rows for the
  column step (reading a workbook takes too long for the upload's request).
- ``mapping.survey_check``: the whole file checked with the planner's column mapping
  and value coding (:func:`mapping.imports.validate_file`), and on the first check the
  coded columns' answers counted for the recoding step. Nothing is written; the report
  goes to the job's result, which the column page shows (``result["report"]``).
- ``mapping.survey_import``: the file written into its round
  (:func:`mapping.imports.import_file`), in one transaction, with the stages reading,
  checking, writing and constraints. Its :class:`~mapping.models.SurveyImport` says how
  it ended: done, or failed with why (a cancel included), so a retry of a failed job
  starts the same import again; the round has none of its rows until one attempt commits.

The stored upload is removed once the import is done, or when it can never be used
again (a file with errors); a failed import keeps it for a retry, and the stale-upload
task removes it in the end. Job parameters hold IDs, the mapping and the coding, never
a file name or a row of the file.

Registered from :meth:`mapping.apps.MappingConfig.ready`, so every web server (which
enqueues) and the worker (which runs) know these kinds.
"""

from __future__ import annotations

import contextlib
import tempfile

from django.conf import settings
from django.core.files import File
from django.db import DatabaseError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hubplan import jobs, storage
from hubplan.models import Job
from hubplan.tabular import XLSX_MAGIC, TableError

INSPECT = "mapping.survey_inspect"
CHECK = "mapping.survey_check"
IMPORT = "mapping.survey_import"
# Report lines kept in a job's result for the generic job page.
MAX_LINES = 50

jobs.STAGES.setdefault("answers", gettext_lazy("räknar svaren"))

MSG_FILE_GONE = gettext_lazy("Den uppladdade filen finns inte längre; ladda upp den igen.")
MSG_ALREADY = gettext_lazy("Filen är redan importerad till den här omgången; inget lades till.")


def _language(job: Job):
    """The language the planner used, so the report reads as their page does."""
    return translation.override(job.params.get("language") or settings.LANGUAGE_CODE)


def _suffix(job: Job) -> str:
    """The local copy's suffix: ".xlsx" for a workbook (read by its magic bytes)."""
    with storage.uploads().open(job.upload) as fh:
        return ".xlsx" if fh.read(len(XLSX_MAGIC)) == XLSX_MAGIC else ".csv"


# jobs.json_safe: a NUL in a report becomes ␀ (jsonb cannot hold it).
_json_safe = jobs.json_safe


def _final(job: Job) -> None:
    """A job that cannot succeed as it is (its file has errors): no retry offered."""
    job.params = {**job.params, "final": True}
    Job.objects.filter(pk=job.pk).update(params=job.params)


@jobs.register(INSPECT, label=gettext_lazy("Läsning av enkätfil"))
def survey_inspect(job: Job, progress: jobs.Progress) -> None:
    """Read a large XLSX file's headers and first rows for the column step.

    calamine reads a workbook whole (a 300 000-row sheet takes about ten seconds),
    too long for the upload's request: the worker reads it once, into the plain copy
    the check and the import then use (``result["plain"]``), and the preview comes
    from that copy's first rows. A file without rows, a shift list or an unreadable
    file fails the job with the upload step's own message; its upload is removed.
    """
    from mapping import imports, staged_import

    with _language(job):
        progress.stages({"reading": 100})
        if not job.upload or not storage.uploads().exists(job.upload):
            raise jobs.JobFailed(str(MSG_FILE_GONE))
        progress.stage("reading", total=staged_import.READ_UNITS)
        with (
            storage.local_copy(job.upload, suffix=_suffix(job)) as path,
            tempfile.TemporaryDirectory(prefix="hubplan-plain-") as directory,
        ):
            try:
                plain = staged_import.plain_copy(path, directory, progress)
                headers, rows = imports.preview(plain.path)
                headers = plain.headers  # the names the check will see, exactly
            except staged_import.Declined as exc:
                _refuse(job, str(exc))
            except TableError as exc:
                _refuse(job, str(exc))
            if not headers:
                _refuse(job, _("Filen har inga rader."))
            if imports.looks_like_shift_schedule(headers):
                _refuse(job, _(imports.MSG_SHIFT_SCHEDULE))
            with open(plain.path, "rb") as fh:
                kept = {
                    "name": storage.save_upload(File(fh)),
                    "headers": plain.headers,
                    "header_row": plain.header_row,
                }
        progress.result = _json_safe(
            {
                "headers": headers,
                "preview": rows,
                "plain": kept,
                "next": reverse("surveys:import-map"),
            }
        )


def _refuse(job: Job, message: str):
    """The upload step's refusal, from the worker: the file is of no use."""
    _final(job)
    _forget_upload(job)
    raise jobs.JobFailed(_json_safe(message), result={"next": reverse("surveys:import-upload")})


@jobs.register(CHECK, label=gettext_lazy("Kontroll av enkätfil"))
def survey_check(job: Job, progress: jobs.Progress) -> None:
    """Check the whole file; ``result`` holds the report, the answers and the coding.

    ``params``: ``mapping``; ``coding`` (the saved profile's on the first check, the
    planner's on a recheck); ``answers`` on a recheck (the counts do not change with the
    coding, so they are not counted again). A file that cannot be read ends the job
    done with ``result["table_error"]``: the column page says why at the form.

    An XLSX (or titled CSV) file is read once: its plain copy serves the answer count
    and the check, and is stored for the import (``result["plain"]``).
    """
    from mapping import imports, staged_import

    params = job.params
    mapping = params.get("mapping") or {}
    recheck = "answers" in params
    next_url = reverse("surveys:import-map")
    with _language(job):
        progress.stages({"reading": 60, "checking": 40})
        if not job.upload or not storage.uploads().exists(job.upload):
            raise jobs.JobFailed(str(MSG_FILE_GONE), result={"next": next_url})
        progress.stage("reading", total=staged_import.READ_UNITS)
        with (
            storage.local_copy(job.upload, suffix=_suffix(job)) as path,
            tempfile.TemporaryDirectory(prefix="hubplan-plain-") as directory,
            _plain(params.get("plain")) as plain,
        ):
            kept = params.get("plain") if plain is not None else None
            if plain is None and staged_import.needs_plain_copy(path):
                with contextlib.suppress(staged_import.Declined):  # the row path says why
                    plain = staged_import.plain_copy(path, directory, progress)
            half = staged_import.READ_UNITS // 2
            try:
                if recheck:
                    answers = params["answers"]
                    coding = params.get("coding") or {}
                else:

                    def read(share: float) -> None:
                        if plain is None:  # a plain copy is read in a moment: no steps
                            progress.advance(int(half * share))

                    counted = imports.answer_counts(
                        plain.path if plain else path, mapping, on_read=read
                    )
                    answers = {f: [list(a) for a in values] for f, values in counted.items()}
                    coding = imports.guess_coding(counted, params.get("coding"))
                report = imports.validate_file(
                    path,
                    mapping,
                    coding=coding,
                    progress=progress,
                    plain=plain,
                    reading_from=half if plain or not recheck else 0,
                )
            except TableError as exc:
                error = _json_safe(str(exc))
                progress.result = {"table_error": error, "next": next_url, "lines": [error]}
                progress.message = error
                return
            if plain is not None and kept is None:
                with open(plain.path, "rb") as fh:
                    kept = {
                        "name": storage.save_upload(File(fh)),
                        "headers": plain.headers,
                        "header_row": plain.header_row,
                    }
        lines = report.grouped_lines()
        progress.result = _json_safe(
            {
                "report": imports.report_to_result(report),
                "answers": answers,
                "coding": coding,
                "plain": kept,
                "next": next_url,
                "lines": [str(line) for line in lines[:MAX_LINES]],
            }
        )
        progress.message = str(lines[0])


def _import_abandoned(job: Job) -> None:
    """The import's job died without a word (its worker killed, the database gone): the
    record says so too, instead of staying "pågår"; the round holds none of its rows."""
    from mapping import services
    from mapping.models import SurveyImport

    record = SurveyImport.objects.filter(pk=job.params.get("survey_import")).first()
    if record is not None and record.status not in (
        SurveyImport.Status.DONE,
        SurveyImport.Status.FAILED,
    ):
        record._history_user = job.user
        services.survey_import_failed(record, job.message)


@jobs.register(IMPORT, label=gettext_lazy("Import av enkätsvar"), on_failed=_import_abandoned)
def survey_import(job: Job, progress: jobs.Progress) -> None:
    """Import the checked file into its round; ``params["survey_import"]`` names the record.

    A retry finds the record failed (or left running by a worker that died) and starts
    it again: the round holds none of its rows, since every attempt writes in one
    transaction that either committed (then the record is done) or left nothing.
    """
    from mapping import imports, services
    from mapping.models import SurveyImport

    params = job.params
    record = SurveyImport.objects.select_related("round").get(pk=params["survey_import"])
    # The audit trail (simple-history) takes its user from the request; the worker has
    # none, so the planner who started the import stands in.
    record._history_user = job.user
    progress.result = {"next": record.get_absolute_url(), "lines": []}
    with _language(job):
        if record.status == SurveyImport.Status.DONE:  # a retry of a job that had committed
            progress.message = record.message
            return
        if record.status == SurveyImport.Status.FAILED or record.finished:
            services.survey_import_restart(record)
        if not job.upload or not storage.uploads().exists(job.upload):
            _final(job)
            services.survey_import_failed(record, str(MSG_FILE_GONE))
            raise jobs.JobFailed(str(MSG_FILE_GONE), result=progress.result)
        progress.stages({"reading": 35, "checking": 15, "writing": 40, "constraints": 10})
        try:
            with storage.local_copy(job.upload, suffix=_suffix(job)) as path:
                if imports.already_imported(record.round, imports.file_sha256(path)):
                    _final(job)
                    services.survey_import_failed(record, str(MSG_ALREADY))
                    _forget_upload(job)
                    raise jobs.JobFailed(
                        str(MSG_ALREADY),
                        result={"next": record.round.get_absolute_url(), "lines": []},
                    )
                with _plain(params.get("plain")) as plain:
                    report = imports.import_file(
                        path=path,
                        survey_round=record.round,
                        mapping=params.get("mapping") or {},
                        valid_only=bool(params.get("valid_only")),
                        job=record,
                        file_name=record.file_name,
                        progress=progress,
                        coding=params.get("coding") or {},
                        expected_rows=record.total_rows,
                        plain=plain,
                    )
        except imports.ImportRejected as exc:
            lines = [str(line) for line in exc.report.grouped_lines()]
            _final(job)
            services.survey_import_failed(record, "\n".join(lines[:MAX_LINES]))
            _forget_upload(job)
            raise jobs.JobFailed(
                _("Inget importerades: filen har fel."),
                result=_json_safe({**progress.result, "lines": lines[:MAX_LINES]}),
            ) from None
        except jobs.JobFailed:
            raise
        except (jobs.JobCancelled, Exception) as exc:
            cancelled = isinstance(exc, jobs.JobCancelled) or (
                progress.cancelled is not None and progress.cancelled.is_set()
            )
            if cancelled:
                services.survey_import_failed(record, str(services.MSG_CANCELLED))
                raise jobs.JobCancelled from None
            # With the database away this fails too: the on_failed hook ends it later.
            with contextlib.suppress(DatabaseError):
                services.survey_import_failed(
                    record, _("Importen misslyckades: %(error)s") % {"error": type(exc).__name__}
                )
            raise
        _forget_upload(job)
        progress.message = report.message
        progress.result = {
            "next": record.get_absolute_url(),
            "lines": _json_safe([report.message, *imports.leaning_lines(report)]),
        }


def _forget_upload(job: Job) -> None:
    """The stored file (and the check's plain copy) are of no more use: imported, or
    refused for good."""
    if job.upload:
        storage.uploads().delete(job.upload)
    kept = job.params.get("plain") or {}
    if kept.get("name"):
        storage.uploads().delete(kept["name"])


@contextlib.contextmanager
def _plain(kept: dict | None):
    """The check's plain copy of the file as a local file for the import, if still stored."""
    from mapping import staged_import

    if not kept or not kept.get("name") or not storage.uploads().exists(kept["name"]):
        yield None
        return
    with storage.local_copy(kept["name"], suffix=".csv") as path:
        yield staged_import.Plain(path, list(kept["headers"]), int(kept["header_row"]))
