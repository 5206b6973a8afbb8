"""Every write to employees and agreements, with the lifecycle and the rules enforced.

draft → awaiting_employee → awaiting_manager → active → ended. Each function is
keyword-only, validates with ``full_clean()`` and runs in one transaction, so a
refused step leaves nothing behind. The audit trail (simple-history) records every
save with the request's user; views of unmasked personnummer are logged here too.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hubplan import locking
from hubplan.access import is_hr
from remoteagreements import rules
from remoteagreements.models import (
    DistanceAgreement,
    Employee,
    EquipmentItem,
    FollowUp,
    PersonnummerAccess,
)

Status = DistanceAgreement.Status

ERR_ENDED = _("Avtalet är avslutat och kan inte ändras.")
ERR_SIGNED = _(
    "Avtalet är redan underskrivet och ändras inte i efterhand. Skapa en ny version i stället."
)
ERR_NOT_DRAFT = _("Bara ett utkast kan skickas för underskrift.")
ERR_EMPLOYEE_ORDER = _(
    "Medarbetaren kan bara skriva under ett avtal som har skickats för underskrift."
)
ERR_MANAGER_ORDER = _("Chefen skriver under efter medarbetaren.")
ERR_NOT_THE_MANAGER = _("Bara medarbetarens närmaste chef kan skriva under som chef.")
ERR_NOT_THE_EMPLOYEE = _(
    "Inloggad underskrift kan bara ges av medarbetaren själv. HR registrerar en underskrift "
    "på papper."
)
ERR_PAPER_NEEDS_HR = _("Bara HR kan registrera en underskrift från ett pappersavtal.")
ERR_RULES = _("Avtalet bryter mot regionens regler för distansarbete och kan inte skrivas under.")
ERR_NOT_ACTIVE = _("Bara ett gällande avtal kan avslutas eller följas upp.")
ERR_END_BEFORE_START = _("Avslutsdatum kan inte ligga före avtalets startdatum.")
ERR_VERSION_EXISTS = _("Det finns redan en ny version av avtalet.")
ERR_NEW_VERSION_NEEDS_ACTIVE = _("En ny version görs av ett gällande avtal.")
ERR_RENEWAL_EXISTS = _("Avtalet är redan förnyat.")
ERR_RENEW_STATUS = _("Bara ett gällande eller avslutat avtal kan förnyas.")

# Fields copied into a new version or a renewal: the whole checklist, not the lifecycle.
CONTENT_FIELDS = (
    "extent_unit",
    "extent_value",
    "working_hours",
    "availability",
    "absence_routines",
    "meeting_attendance",
    "days_at_workplace",
    "fewer_days_reason",
    "tasks",
    "results_follow_up",
    "connection",
    "notice_period_months",
    "place_kind",
    "place_description",
    "hub",
    "place_reason",
    "handles_confidential",
    "conf_separate_room",
    "conf_screen_shielded",
    "conf_no_unauthorised_access",
    "region_provides_computer",
    "home_insurance",
    "aml_access_acknowledged",
    "reimbursement_terms",
)
EQUIPMENT_FIELDS = ("item", "inventory_number", "marking", "provided_by")


def one_year_after(day: date) -> date:
    """The same date a year later (28 February for 29 February).

    A date in the calendar's last year (9999) has no such date: the calendar's last day
    stands in, so a typo like 9999 never ends in a crash.
    """
    if day.year == date.max.year:
        return date.max
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


# --- employees -------------------------------------------------------------------


@transaction.atomic
def employee_create(**fields) -> Employee:
    employee = Employee(**fields)
    employee.full_clean()
    employee.save()
    return employee


@transaction.atomic
def employee_update(*, employee: Employee, **fields) -> Employee:
    for name, value in fields.items():
        setattr(employee, name, value)
    employee.full_clean()
    employee.save()
    return employee


# --- agreements ------------------------------------------------------------------


def _save_equipment(agreement: DistanceAgreement, equipment: Iterable[dict] | None) -> None:
    if equipment is None:
        return
    agreement.equipment.all().delete()
    items = [EquipmentItem(agreement=agreement, **item) for item in equipment]
    for item in items:
        item.full_clean(exclude=["agreement"])
    EquipmentItem.objects.bulk_create(items)


@transaction.atomic
def agreement_create(
    *, employee: Employee, created_by=None, equipment: Iterable[dict] | None = None, **fields
) -> DistanceAgreement:
    """A new draft. Rules are checked when it is signed, so a draft may still break them."""
    agreement = DistanceAgreement(
        employee=employee, created_by=created_by, status=Status.DRAFT, **fields
    )
    agreement.next_follow_up_due = (
        one_year_after(agreement.start_date) if agreement.start_date else None
    )
    agreement.full_clean()
    agreement.save()
    _save_equipment(agreement, equipment)
    return agreement


@transaction.atomic
def agreement_update(
    *,
    agreement: DistanceAgreement,
    equipment: Iterable[dict] | None = None,
    lock_version: int | None = None,
    **fields,
) -> DistanceAgreement:
    """Change an agreement nobody has signed yet; a signed one needs a new version.

    With ``lock_version`` (the value the edit form was opened with) the save is refused
    with :class:`hubplan.locking.StaleEditError` if anyone has saved the agreement since
    (an edit, a submission, a signature), and the equipment is left as it was.
    """
    current = DistanceAgreement.objects.select_for_update().get(pk=agreement.pk)
    if current.status == Status.ENDED:
        raise ValidationError(ERR_ENDED)
    if not current.is_editable:
        raise ValidationError(ERR_SIGNED)
    for name, value in fields.items():
        setattr(agreement, name, value)
    if agreement.start_date and not agreement.follow_ups.exists():
        agreement.next_follow_up_due = one_year_after(agreement.start_date)
    agreement.full_clean()
    locking.save_if_current(agreement, expected=lock_version)
    _save_equipment(agreement, equipment)
    return agreement


def _refuse_rule_breaking(agreement: DistanceAgreement) -> None:
    broken = rules.violations(agreement)
    if broken:
        raise ValidationError([ERR_RULES, *broken])


def _locked(agreement: DistanceAgreement) -> DistanceAgreement:
    """Re-read under a row lock so two signatures at once cannot both pass the order check."""
    return (
        DistanceAgreement.objects.select_for_update(of=("self",))
        .select_related("employee", "hub")
        .get(pk=agreement.pk)
    )


@transaction.atomic
def agreement_submit(*, agreement: DistanceAgreement, by) -> DistanceAgreement:
    """Send a draft for signature: first the employee, then the manager."""
    agreement = _locked(agreement)
    if agreement.status != Status.DRAFT:
        raise ValidationError(ERR_NOT_DRAFT)
    _refuse_rule_breaking(agreement)
    agreement.status = Status.AWAITING_EMPLOYEE
    agreement.save(update_fields=["status", "updated_at"])
    return agreement


@transaction.atomic
def agreement_sign_employee(
    *, agreement: DistanceAgreement, by, on_paper: bool
) -> DistanceAgreement:
    """The employee's signature: given logged in, or recorded by HR from the signed paper."""
    agreement = _locked(agreement)
    if agreement.status == Status.ENDED:
        raise ValidationError(ERR_ENDED)
    if agreement.status != Status.AWAITING_EMPLOYEE:
        raise ValidationError(ERR_EMPLOYEE_ORDER)
    if on_paper:
        if not is_hr(by):
            raise PermissionDenied(ERR_PAPER_NEEDS_HR)
    elif agreement.employee.user_id is None or agreement.employee.user_id != by.pk:
        raise PermissionDenied(ERR_NOT_THE_EMPLOYEE)
    _refuse_rule_breaking(agreement)
    agreement.employee_signed_at = timezone.now()
    agreement.employee_signature_method = (
        DistanceAgreement.SignatureMethod.PAPER
        if on_paper
        else DistanceAgreement.SignatureMethod.LOGGED_IN
    )
    agreement.employee_signature_recorded_by = by
    agreement.status = Status.AWAITING_MANAGER
    agreement.full_clean()
    agreement.save()
    return agreement


@transaction.atomic
def agreement_sign_manager(*, agreement: DistanceAgreement, manager) -> DistanceAgreement:
    """The manager signs, logged in; the agreement becomes active and replaces its previous version."""
    agreement = _locked(agreement)
    if agreement.status == Status.ENDED:
        raise ValidationError(ERR_ENDED)
    if agreement.status != Status.AWAITING_MANAGER:
        raise ValidationError(ERR_MANAGER_ORDER)
    if agreement.employee.manager_id != manager.pk:
        raise PermissionDenied(ERR_NOT_THE_MANAGER)
    _refuse_rule_breaking(agreement)
    now = timezone.now()
    agreement.manager_signed_at = now
    agreement.manager_signed_by = manager
    agreement.status = Status.ACTIVE
    agreement.full_clean()
    agreement.save()
    previous = agreement.previous_version
    if previous is not None and previous.status == Status.ACTIVE:
        _end(
            previous,
            on=max(previous.start_date, timezone.localdate()),
            reason=DistanceAgreement.EndReason.SUPERSEDED,
            note="",
        )
    return agreement


def _end(agreement: DistanceAgreement, *, on: date, reason: str, note: str) -> None:
    agreement.status = Status.ENDED
    agreement.ended_on = on
    agreement.end_reason = reason
    agreement.end_note = note
    agreement.full_clean()
    agreement.save()


@transaction.atomic
def agreement_end(
    *, agreement: DistanceAgreement, by, on: date, reason: str, note: str = ""
) -> DistanceAgreement:
    """End an active agreement (notice, expiry or termination) with date and reason."""
    agreement = _locked(agreement)
    if agreement.status == Status.ENDED:
        raise ValidationError(ERR_ENDED)
    if agreement.status != Status.ACTIVE:
        raise ValidationError(ERR_NOT_ACTIVE)
    if on < agreement.start_date:
        raise ValidationError({"on": [ERR_END_BEFORE_START]})
    _end(agreement, on=on, reason=reason, note=note)
    return agreement


@transaction.atomic
def agreement_follow_up(
    *, agreement: DistanceAgreement, by, held_on: date, outcome: str, notes: str = ""
) -> FollowUp:
    """Record the yearly follow-up; the next one falls due a year later."""
    agreement = _locked(agreement)
    if agreement.status != Status.ACTIVE:
        raise ValidationError(ERR_NOT_ACTIVE)
    follow_up = FollowUp(
        agreement=agreement, held_on=held_on, outcome=outcome, notes=notes, recorded_by=by
    )
    follow_up.full_clean()
    follow_up.save()
    agreement.next_follow_up_due = one_year_after(held_on)
    agreement.save(update_fields=["next_follow_up_due", "updated_at"])
    return follow_up


def _copy(agreement: DistanceAgreement, *, created_by, **overrides) -> DistanceAgreement:
    fields = {name: getattr(agreement, name) for name in CONTENT_FIELDS}
    fields.update(overrides)
    equipment = [
        {name: getattr(item, name) for name in EQUIPMENT_FIELDS}
        for item in agreement.equipment.all()
    ]
    return agreement_create(
        employee=agreement.employee, created_by=created_by, equipment=equipment, **fields
    )


@transaction.atomic
def agreement_new_version(*, agreement: DistanceAgreement, by) -> DistanceAgreement:
    """A draft copy of a signed agreement, to change and sign again; the old one stays as history."""
    agreement = _locked(agreement)
    if agreement.status == Status.ENDED:
        raise ValidationError(ERR_ENDED)
    if agreement.status != Status.ACTIVE:
        raise ValidationError(ERR_NEW_VERSION_NEEDS_ACTIVE)
    if DistanceAgreement.objects.filter(previous_version=agreement).exists():
        raise ValidationError(ERR_VERSION_EXISTS)
    return _copy(
        agreement,
        start_date=agreement.start_date,
        end_date=agreement.end_date,
        version=agreement.version + 1,
        previous_version=agreement,
        created_by=by,
    )


@transaction.atomic
def agreement_renew(
    *,
    agreement: DistanceAgreement,
    by,
    start_date: date | None = None,
    end_date: date | None = None,
) -> DistanceAgreement:
    """A new agreement (a draft) for the next period, linked to the one it renews."""
    agreement = _locked(agreement)
    if agreement.status not in (Status.ACTIVE, Status.ENDED):
        raise ValidationError(ERR_RENEW_STATUS)
    if DistanceAgreement.objects.filter(renewed_from=agreement).exists():
        raise ValidationError(ERR_RENEWAL_EXISTS)
    start = start_date or agreement.end_date + timedelta(days=1)
    end = end_date or one_year_after(start) - timedelta(days=1)
    return _copy(agreement, start_date=start, end_date=end, renewed_from=agreement, created_by=by)


# --- personnummer access log ------------------------------------------------------


def log_personnummer_access(*, user, employees: Iterable[Employee], page: str) -> int:
    """Record that ``user`` was shown the unmasked personnummer of ``employees`` on ``page``.

    Called by every view that shows a full number (only HR and superusers get one);
    ``page`` is the URL name, e.g. ``agreements:employee-detail``. One INSERT for the
    whole list, so a page showing many numbers costs one query. Returns the row count.
    """
    rows = [
        PersonnummerAccess(viewed_by=user, employee_id=getattr(e, "pk", e), page=page[:100])
        for e in employees
    ]
    PersonnummerAccess.objects.bulk_create(rows)
    return len(rows)
