"""Writes for the kartläggning: survey rounds, and starting a survey import.

Every create, update and delete of a survey round goes through one function
here, so checks (and later auditing) live in one place.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hubplan.models import Job
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


def survey_import_failed(record: SurveyImport, message: str) -> None:
    """Mark the import failed with a save (not a queryset update), so the audit trail has it.

    Reloaded first: the failed import may have changed the object in memory without
    writing it. Progress, many writes per import, lives on the job, outside the trail.
    """
    user = getattr(record, "_history_user", None)
    record.refresh_from_db()
    if user is not None:
        record._history_user = user
    record.status = SurveyImport.Status.FAILED
    record.message = message.replace("\x00", "")  # a header may hold NUL; PostgreSQL cannot
    record.finished = timezone.now()
    record.save(update_fields=["status", "message", "finished"])


def survey_import_restart(record: SurveyImport) -> None:
    """A retried job's import runs again: running, its old message and end cleared.

    A plain UPDATE, outside the audit trail (which keeps the failure and, later, the
    end of the attempt that succeeds); the round holds none of the failed rows."""
    SurveyImport.objects.filter(pk=record.pk).update(
        status=SurveyImport.Status.RUNNING, message="", finished=None, processed_rows=0
    )
    record.status, record.message, record.finished = SurveyImport.Status.RUNNING, "", None
    record.processed_rows = 0


def survey_import_settle(record: SurveyImport) -> SurveyImport:
    """An import whose job ended without it (cancelled while it waited, or its worker
    died and the job was marked failed) is marked failed too, so that no import stays
    "pågår" for ever. Called by the import's pages when they read it."""
    job = record.job
    if (
        record.status == SurveyImport.Status.RUNNING
        and job is not None
        and job.status in (Job.Status.FAILED, Job.Status.CANCELLED)
    ):
        record._history_user = job.user
        message = str(MSG_CANCELLED) if job.status == Job.Status.CANCELLED else job.message
        survey_import_failed(record, message)
    return record


MSG_CANCELLED = gettext_lazy("Importen avbröts på begäran. Inget skrevs.")


def survey_import_start(
    *,
    survey_round: SurveyRound,
    upload: str,
    sha256: str,
    file_name: str,
    mapping: dict,
    valid_only: bool,
    user,
    total_rows: int,
    coding: dict | None = None,
    language: str = "",
    plain: dict | None = None,
) -> SurveyImport | None:
    """Create the import and queue its job (:mod:`mapping.survey_jobs`) on the stored upload.

    Returns None when the same file (``sha256``, hashed at the upload) is already
    imported into the round: that is a no-op. The job's parameters hold the mapping,
    the coding and the record's id, never the file's name; ``plain`` is the check's
    stored plain copy of an XLSX file (``mapping.survey_jobs``), so it is not read again.
    """
    from hubplan import jobs
    from mapping import survey_jobs

    if sha256 and imports.already_imported(survey_round, sha256):
        return None
    record = SurveyImport.objects.create(
        round=survey_round,
        file_name=file_name[:255],
        file_sha256=sha256,
        user=user,
        valid_only=valid_only,
        total_rows=total_rows,
    )
    job = jobs.enqueue(
        kind=survey_jobs.IMPORT,
        user=user,
        params={
            "survey_import": record.pk,
            "mapping": mapping,
            "valid_only": valid_only,
            "coding": coding or {},
            "language": language,
            "plain": plain,
        },
        upload=upload,
    )
    # A plain UPDATE: the link is no change the audit trail needs (start and end are).
    SurveyImport.objects.filter(pk=record.pk).update(job=job)
    record.refresh_from_db()
    return record


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
