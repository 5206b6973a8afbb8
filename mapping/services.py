"""Writes for the kartläggning: survey rounds, and starting a survey import.

Every create, update and delete of a survey round goes through one function
here, so checks (and later auditing) live in one place.
"""

from __future__ import annotations

import threading
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mapping import imports
from mapping.models import SurveyImport, SurveyImportProfile, SurveyRound


@transaction.atomic
def survey_round_create(
    *, name: str, date, kind: str, organisation=None, notes: str = ""
) -> SurveyRound:
    survey_round = SurveyRound(
        name=name, date=date, kind=kind, organisation=organisation, notes=notes
    )
    survey_round.full_clean()
    survey_round.save()
    return survey_round


@transaction.atomic
def survey_round_update(*, survey_round: SurveyRound, **fields) -> SurveyRound:
    for name, value in fields.items():
        setattr(survey_round, name, value)
    survey_round.full_clean()
    survey_round.save()
    return survey_round


class PublishError(Exception):
    """A round that may not be published (it has no answers); the message is for the page."""


@transaction.atomic
def survey_round_publish(*, survey_round: SurveyRound) -> SurveyRound:
    """Make ``survey_round`` the published round of its kind, withdrawing the one before.

    Both changes land in the rounds' history (simple-history, with the request's
    user). Every round of the kind is locked first, so two planners publishing at
    once take turns instead of one meeting the one-published-per-kind constraint.
    """
    rounds = {
        r.pk: r for r in SurveyRound.objects.select_for_update().filter(kind=survey_round.kind)
    }
    target = rounds[survey_round.pk]
    if target.is_published:
        return target
    if not target.responses.exists():
        raise PublishError(_("En enkätomgång utan svar kan inte publiceras."))
    for other in rounds.values():
        if other.is_published:
            _set_published(other, False, _("Ersatt av %(name)s") % {"name": target.name})
    _set_published(target, True, _("Publicerad"))
    return target


@transaction.atomic
def survey_round_unpublish(*, survey_round: SurveyRound) -> SurveyRound:
    """Withdraw ``survey_round``: its kind then has no published round."""
    target = SurveyRound.objects.select_for_update().get(pk=survey_round.pk)
    if target.is_published:
        _set_published(target, False, _("Avpublicerad"))
    return target


def _set_published(survey_round: SurveyRound, published: bool, reason: str) -> None:
    survey_round.is_published = published
    survey_round.published_at = timezone.now() if published else None
    survey_round._change_reason = reason[:100]  # simple-history's history_change_reason
    survey_round.full_clean()
    survey_round.save(update_fields=["is_published", "published_at"])


@transaction.atomic
def survey_round_delete(*, survey_round: SurveyRound) -> None:
    """Deletes the round with its answers and import records."""
    survey_round.delete()


def import_in_background() -> bool:
    """Web imports run in a thread so the page can show progress; tests run them inline."""
    return getattr(settings, "HUBPLAN_SURVEY_IMPORT_BACKGROUND", True)


def _progress_writer(job_id: int):
    """Progress is written on a second, autocommitting connection: the import's own
    transaction is invisible to the polling page until it commits."""
    side = connections.create_connection("default")
    with side.cursor() as cursor:
        # A progress write must never wait on the import it reports on: fail fast
        # instead of stalling the import for ever.
        cursor.execute("SET lock_timeout = '5s'")

    def write(done: int) -> None:
        with side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {SurveyImport._meta.db_table} SET processed_rows = %s WHERE id = %s",
                [done, job_id],
            )

    return write, side


def run_import_job(
    *,
    job_id: int,
    path: str,
    mapping: dict,
    valid_only: bool,
    background: bool,
    coding: dict | None = None,
) -> None:
    """Run a prepared import job; on failure the job records why and nothing is written."""
    job = SurveyImport.objects.select_related("round").get(pk=job_id)
    # The audit trail (simple-history) takes its user from the request, and a
    # background thread has none: the job's own user stands in.
    job._history_user = job.user
    side = None
    progress = None
    if background:
        progress, side = _progress_writer(job_id)
    try:
        report = imports.import_file(
            path=path,
            survey_round=job.round,
            mapping=mapping,
            valid_only=valid_only,
            job=job,
            progress=progress,
            coding=coding,
        )
        if report.already_imported:
            return
    except imports.ImportRejected as exc:
        _job_failed(job, "\n".join(exc.report.grouped_lines()[:50]))
    except Exception as exc:  # a broken file or database error: the job says so
        _job_failed(job, _("Importen misslyckades: %(error)s") % {"error": exc})
    finally:
        if side is not None:
            side.close()
        Path(path).unlink(missing_ok=True)  # the upload is kept only until it is imported


def _job_failed(job: SurveyImport, message: str) -> None:
    """Mark the job failed with a save (not a queryset update), so the audit trail has it.

    Reloaded first: the failed import may have changed the object in memory without
    writing it. Progress writes, many per import, stay plain UPDATEs outside the trail.
    """
    job.refresh_from_db()
    job.status = SurveyImport.Status.FAILED
    job.message = message.replace("\x00", "")  # a header may hold NUL; PostgreSQL cannot
    job.finished = timezone.now()
    job.save(update_fields=["status", "message", "finished"])


def survey_import_start(
    *,
    survey_round: SurveyRound,
    path: str,
    file_name: str,
    mapping: dict,
    valid_only: bool,
    user,
    total_rows: int,
    coding: dict | None = None,
) -> SurveyImport | None:
    """Create the import job and run it (in a thread after commit, or inline).

    Returns None when the same file is already imported into the round: that is a no-op.
    """
    sha256 = imports.file_sha256(path)
    if imports.already_imported(survey_round, sha256):
        return None
    job = SurveyImport.objects.create(
        round=survey_round,
        file_name=file_name[:255],
        file_sha256=sha256,
        user=user,
        valid_only=valid_only,
        total_rows=total_rows,
    )
    kwargs = {
        "job_id": job.pk,
        "path": path,
        "mapping": mapping,
        "valid_only": valid_only,
        "coding": coding,
    }
    if import_in_background():

        def run():
            try:
                run_import_job(background=True, **kwargs)
            finally:
                close_old_connections()
                connections.close_all()

        transaction.on_commit(lambda: threading.Thread(target=run, daemon=True).start())
    else:
        run_import_job(background=False, **kwargs)
        job.refresh_from_db()
    return job


@transaction.atomic
def survey_import_profile_save(
    *, name: str, mapping: dict, coding: dict, user=None
) -> SurveyImportProfile:
    """Save (or replace) the named column mapping and value coding for the next file."""
    profile = SurveyImportProfile.objects.filter(name=name).first() or SurveyImportProfile(
        name=name
    )
    profile.mapping = {f: h for f, h in mapping.items() if h}
    profile.coding = imports.clean_coding(coding)
    profile.user = user
    profile.full_clean()
    profile.save()
    return profile
