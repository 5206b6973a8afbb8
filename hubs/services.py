"""Every write to hubs, premises and monthly use goes through these functions.

Each validates (``full_clean``) and writes in one transaction, so the rules hold
whether a change comes from a form, an import, the demo seed or (later) an API,
and so the audit trail of issue 8 can be added in one place per entity.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hubplan import locking
from hubs import rules
from hubs.models import (
    BusinessCase,
    Hub,
    HubMonthlyUse,
    HubSettings,
    HubStatusChange,
    PremisesCandidate,
)

STATUS_STEP_NOT_ALLOWED = _(
    "Statusen kan bara gå framåt: föreslagen → planerad → öppen → stängd "
    "(från %(current)s går det inte till %(new)s)."
)
CLOSE_UNOPENED = _("En hubb som aldrig har öppnat kan inte stängas.")
NEW_HUB_CLOSED = _("En ny hubb kan inte registreras som stängd.")
NEW_HUB_CANCELLED = _("En ny hubb kan inte registreras som avbruten.")
CANCEL_NOT_PROPOSAL = _(
    "Bara ett förslag (föreslagen eller planerad hubb) kan avbrytas; en öppnad hubb stängs."
)
CANCELLED_IS_FINAL = _("Ett avbrutet förslag kan inte ändras; registrera ett nytt förslag.")
CLOSED_ONLY_REOPENS = _("En stängd hubb kan bara öppnas igen.")
REOPEN_NEEDS_REASON = _("Ange varför hubben öppnar igen; skälet sparas i historiken.")
STATUS_DATE_BEFORE_PREVIOUS = _(
    "Datumet kan inte vara före den förra statusändringen (%(previous)s)."
)
PREMISES_NOT_ASSESSED = _("Bara en bedömd lokal kan väljas; bedöm den först.")
PREMISES_ALREADY_CHOSEN = _("Lokalen är redan vald och har blivit en hubb.")
PREMISES_STATUS_CHOSEN_BY_FORM = _("Använd knappen ”Välj lokalen” för att välja den.")


def _status_label(value: str | None) -> str:
    return str(Hub.Status(value).label) if value else "–"


def _check_status_step(current: str | None, new: str) -> None:
    if rules.status_step_allowed(current, new):
        return
    if new == Hub.Status.CLOSED:
        raise ValidationError(
            {"status": NEW_HUB_CLOSED if current is None else CLOSE_UNOPENED}, code="invalid"
        )
    if new == Hub.Status.CANCELLED:
        raise ValidationError(
            {"status": NEW_HUB_CANCELLED if current is None else CANCEL_NOT_PROPOSAL},
            code="invalid",
        )
    if current == Hub.Status.CANCELLED:
        raise ValidationError({"status": CANCELLED_IS_FINAL}, code="invalid")
    if current == Hub.Status.CLOSED:
        raise ValidationError({"status": CLOSED_ONLY_REOPENS}, code="invalid")
    raise ValidationError(
        {
            "status": ValidationError(
                STATUS_STEP_NOT_ALLOWED,
                code="invalid",
                params={"current": _status_label(current), "new": _status_label(new)},
            )
        }
    )


@transaction.atomic
def hub_create(
    *,
    hub: Hub,
    user,
    status_date: dt.date | None = None,
    users: Iterable = (),
    note: str = "",
) -> Hub:
    """Save a new hub and open its status history with its first status."""
    _check_status_step(None, hub.status)
    hub.status_since = status_date or timezone.localdate()
    hub.full_clean()
    hub.save()
    hub.users.set(users)
    HubStatusChange.objects.create(
        hub=hub, status=hub.status, date=hub.status_since, note=note, changed_by=user
    )
    return hub


@transaction.atomic
def hub_update(
    *, hub: Hub, user, users: Iterable | None = None, lock_version: int | None = None
) -> Hub:
    """Save a hub's facts. The status is not changed here but by :func:`hub_set_status`.

    With ``lock_version`` (the value the edit form was opened with) the save is refused
    with :class:`hubplan.locking.StaleEditError` if anyone has saved the hub since.
    """
    stored = Hub.objects.select_for_update().only("status", "status_since").get(pk=hub.pk)
    hub.status, hub.status_since = stored.status, stored.status_since
    hub.full_clean()
    locking.save_if_current(hub, expected=lock_version)
    if users is not None:
        hub.users.set(users)
    return hub


@transaction.atomic
def hub_delete(*, hub: Hub, user) -> None:
    """Delete a hub with its history and monthly use; a chosen premises goes back to assessed."""
    PremisesCandidate.objects.filter(hub=hub).update(
        hub=None, status=PremisesCandidate.Status.ASSESSED
    )
    hub.delete()


@transaction.atomic
def hub_set_status(
    *, hub: Hub, status: str, date: dt.date, user, note: str = ""
) -> HubStatusChange:
    """Move ``hub`` to ``status`` from ``date``, keeping the change in its history.

    Refused with a field-level ValidationError when the step goes backwards,
    closes a hub that never opened, cancels one that did, reopens a closed hub
    without a reason (``note``, kept in the history), or is dated before the
    previous change.
    """
    hub = Hub.objects.select_for_update().get(pk=hub.pk)
    _check_status_step(hub.status, status)
    if rules.is_reopening(hub.status, status) and not note.strip():
        raise ValidationError({"note": ValidationError(REOPEN_NEEDS_REASON, code="required")})
    previous = hub.status_changes.aggregate(last=Max("date"))["last"]
    if previous and date < previous:
        raise ValidationError(
            {
                "date": ValidationError(
                    STATUS_DATE_BEFORE_PREVIOUS,
                    code="before_previous",
                    params={"previous": previous.isoformat()},
                )
            }
        )
    change = HubStatusChange(hub=hub, status=status, date=date, note=note, changed_by=user)
    change.full_clean()
    change.save()
    hub.status, hub.status_since = status, date
    hub.save(update_fields=["status", "status_since", "updated_at"])
    return change


@transaction.atomic
def hub_settings_update(*, settings: HubSettings, user) -> HubSettings:
    """Save the registry's settings (the one row), recording who changed them."""
    settings.pk = 1
    if user is not None and user.is_authenticated:
        settings.updated_by = user
    settings.full_clean()
    settings.save()
    return settings


@transaction.atomic
def premises_create(*, candidate: PremisesCandidate, user) -> PremisesCandidate:
    if candidate.status == PremisesCandidate.Status.CHOSEN:
        raise ValidationError({"status": PREMISES_STATUS_CHOSEN_BY_FORM})
    candidate.full_clean()
    candidate.save()
    return candidate


@transaction.atomic
def premises_update(*, candidate: PremisesCandidate, user) -> PremisesCandidate:
    stored = PremisesCandidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.status != stored.status and PremisesCandidate.Status.CHOSEN in (
        candidate.status,
        stored.status,
    ):
        raise ValidationError({"status": PREMISES_STATUS_CHOSEN_BY_FORM})
    candidate.hub_id = stored.hub_id
    candidate.full_clean()
    candidate.save()
    return candidate


@transaction.atomic
def premises_delete(*, candidate: PremisesCandidate, user) -> None:
    """Delete a candidate; a hub created from it stays."""
    candidate.delete()


# What a hub in a premises is most likely to be, by the first co-location that fits.
_KIND_BY_CO_LOCATION = {
    PremisesCandidate.CoLocation.HEALTH_CENTRE: (Hub.Kind.HEALTH_CENTRE, Hub.OperatorType.REGION),
    PremisesCandidate.CoLocation.TOWN_HALL: (Hub.Kind.TOWN_HALL, Hub.OperatorType.MUNICIPALITY),
    PremisesCandidate.CoLocation.BUSINESS_OFFICE: (
        Hub.Kind.BUSINESS_OFFICE,
        Hub.OperatorType.MUNICIPALITY,
    ),
    PremisesCandidate.CoLocation.LIBRARY: (Hub.Kind.OTHER, Hub.OperatorType.MUNICIPALITY),
}


@transaction.atomic
def premises_choose(*, candidate: PremisesCandidate, user, date: dt.date | None = None) -> Hub:
    """Choose an assessed candidate: create a planned hub from it and mark it chosen.

    The hub takes the premises' name, address, desks and rent per desk; without
    coordinates it is placed at the kommun's central town until a planner moves it.
    """
    candidate = (
        PremisesCandidate.objects.select_for_update()
        .select_related("municipality")
        .get(pk=candidate.pk)
    )
    if candidate.status == PremisesCandidate.Status.CHOSEN:
        raise ValidationError({"status": PREMISES_ALREADY_CHOSEN})
    if candidate.status != PremisesCandidate.Status.ASSESSED:
        raise ValidationError({"status": PREMISES_NOT_ASSESSED})
    kind, operator_type = Hub.Kind.OTHER, Hub.OperatorType.REGION
    for place in candidate.co_location:
        if place in _KIND_BY_CO_LOCATION:
            kind, operator_type = _KIND_BY_CO_LOCATION[place]
            break
    municipality = candidate.municipality
    hub = Hub(
        name=candidate.name,
        kind=kind,
        municipality=municipality,
        address=candidate.address,
        postcode=candidate.postcode,
        latitude=candidate.latitude
        if candidate.latitude is not None
        else municipality.centre_latitude,
        longitude=candidate.longitude
        if candidate.longitude is not None
        else municipality.centre_longitude,
        operator_type=operator_type,
        status=Hub.Status.PLANNED,
        desks=candidate.desks_possible,
        cost_per_desk_month=rules.cost_per_desk(candidate.monthly_rent, candidate.desks_possible),
        notes=candidate.assessment,
    )
    hub_create(
        hub=hub,
        user=user,
        status_date=date,
        note=str(_("Skapad från lämplig lokal.")),
    )
    candidate.hub = hub
    candidate.status = PremisesCandidate.Status.CHOSEN
    candidate.full_clean()
    candidate.save(update_fields=["hub", "status", "updated_at"])
    return hub


MONTHLY_FIELDS = (
    "members_region",
    "members_municipality",
    "members_state_agency",
    "members_company",
    "members_other",
    "desks",
    "open_days",
    "desk_days_used",
)


def _month_clean(use: HubMonthlyUse) -> None:
    # Uniqueness is the upsert key, not an error, so only field rules and clean() run.
    use.full_clean(validate_unique=False, validate_constraints=False)


@transaction.atomic
def monthly_use_save(*, use: HubMonthlyUse, user) -> tuple[HubMonthlyUse, bool]:
    """Record one month of use, replacing the figures if the month is already there.

    Returns (row, created).
    """
    _month_clean(use)
    values = {name: getattr(use, name) for name in MONTHLY_FIELDS}
    row, created = HubMonthlyUse.objects.update_or_create(
        hub=use.hub, month=use.month, defaults=values
    )
    return row, created


@transaction.atomic
def monthly_use_delete(*, use: HubMonthlyUse, user) -> None:
    use.delete()


@dataclass
class ImportResult:
    """What an import did, or the errors that stopped it (then nothing was written)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@transaction.atomic
def monthly_use_import(*, rows: list[HubMonthlyUse], user) -> ImportResult:
    """Upsert validated rows on (hub, month): a row already stored with the same
    figures is left alone, so importing the same file twice adds nothing."""
    result = ImportResult()
    existing = {
        (u.hub_id, u.month): u
        for u in HubMonthlyUse.objects.filter(
            hub__in={r.hub_id for r in rows}, month__in={r.month for r in rows}
        )
    }
    to_create, to_update = [], []
    for row in rows:
        stored = existing.get((row.hub_id, row.month))
        if stored is None:
            to_create.append(row)
        elif any(getattr(stored, f) != getattr(row, f) for f in MONTHLY_FIELDS):
            for name in MONTHLY_FIELDS:
                setattr(stored, name, getattr(row, name))
            to_update.append(stored)
        else:
            result.unchanged += 1
    HubMonthlyUse.objects.bulk_create(to_create, batch_size=1000)
    HubMonthlyUse.objects.bulk_update(to_update, MONTHLY_FIELDS, batch_size=1000)
    result.created, result.updated = len(to_create), len(to_update)
    return result


# --- Business cases ------------------------------------------------------------------------


def _fill_from_premises(case: BusinessCase) -> None:
    """A case for a premises takes its kommun, and its desks and rent where none were given."""
    premises = case.premises
    if premises is None:
        return
    if not case.municipality_id:
        case.municipality = premises.municipality
    if case.desks is None and premises.desks_possible:
        case.desks = premises.desks_possible
    if case.monthly_rent is None and premises.monthly_rent is not None:
        case.monthly_rent = premises.monthly_rent


@transaction.atomic
def business_case_create(*, case: BusinessCase, user) -> BusinessCase:
    """Save a new business case (only its inputs; the estimates are computed when shown)."""
    _fill_from_premises(case)
    if user is not None and user.is_authenticated:
        case.created_by = user
    case.full_clean()
    case.save()
    return case


@transaction.atomic
def business_case_update(*, case: BusinessCase, user) -> BusinessCase:
    _fill_from_premises(case)
    case.full_clean()
    case.save()
    return case


@transaction.atomic
def business_case_delete(*, case: BusinessCase, user) -> None:
    case.delete()
