"""Reads and aggregates over hubs, premises and monthly use, computed in SQL.

Lists, the map, the hub page and (later) the dashboards call these; none loops
over rows in Python.
"""

from __future__ import annotations

from django.db.models import (
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import Cast, NullIf

from hubs.models import Hub, HubMonthlyUse, HubStatusChange, PremisesCandidate
from mapping.models import Municipality

AMENITIES = ("video_room", "confidential_room", "step_free")
ACTIVE_STATUSES = (Hub.Status.PLANNED, Hub.Status.OPEN)


def occupancy_expression(desk_days="desk_days_used", desks="desks", open_days="open_days"):
    """desk-days used ÷ (desks × open days) in SQL; NULL when there was no capacity."""
    return ExpressionWrapper(
        Cast(desk_days, FloatField()) / NullIf(F(desks) * F(open_days), 0),
        output_field=FloatField(),
    )


def hub_list(filters: dict | None = None, *, ordering: str | None = None) -> QuerySet[Hub]:
    """Hubs for the list, map and exports, filtered by a dict of cleaned filter values.

    Keys: ``municipality``, ``kind``, ``status``, ``operator_type`` (each a value or
    empty), ``amenities`` (names from AMENITIES that must all be true), ``q`` (name).
    """
    filters = filters or {}
    qs = Hub.objects.select_related("municipality", "operator")
    if municipality := filters.get("municipality"):
        qs = qs.filter(municipality=municipality)
    for name in ("kind", "status", "operator_type"):
        if value := filters.get(name):
            qs = qs.filter(**{name: value})
    for amenity in filters.get("amenities") or ():
        if amenity in AMENITIES:
            qs = qs.filter(**{amenity: True})
    if q := (filters.get("q") or "").strip():
        qs = qs.filter(Q(name__icontains=q) | Q(address__icontains=q))
    if ordering:
        qs = qs.order_by(ordering, "name", "pk")
    return qs


def hub_detail(pk: int) -> Hub:
    return (
        Hub.objects.select_related("municipality", "operator").prefetch_related("users").get(pk=pk)
    )


def status_history(hub: Hub) -> QuerySet[HubStatusChange]:
    return hub.status_changes.select_related("changed_by").order_by("-date", "-id")


def occupancy_by_month(hub: Hub) -> QuerySet:
    """The hub's months, oldest first, with members and occupancy computed in SQL."""
    return (
        HubMonthlyUse.objects.filter(hub=hub)
        .annotate(
            occupancy_share=occupancy_expression(),
            members_total=F("members_region")
            + F("members_municipality")
            + F("members_state_agency")
            + F("members_company")
            + F("members_other"),
        )
        .order_by("month")
    )


def hubs_by_municipality() -> QuerySet[Municipality]:
    """The region's kommuner with counts of open and planned hubs and their desks."""
    open_ = Q(hubs__status=Hub.Status.OPEN)
    planned = Q(hubs__status=Hub.Status.PLANNED)
    return (
        Municipality.objects.in_region()
        .annotate(
            hubs_open=Count("hubs", filter=open_),
            hubs_planned=Count("hubs", filter=planned),
            hubs_proposed=Count("hubs", filter=Q(hubs__status=Hub.Status.PROPOSED)),
            desks_open=Sum("hubs__desks", filter=open_, default=0),
            desks_planned=Sum("hubs__desks", filter=planned, default=0),
        )
        .order_by("name")
    )


def occupancy_by_region_month(*, municipality=None) -> QuerySet:
    """Region-wide (or one kommun's) occupancy and members per month, for dashboards."""
    qs = HubMonthlyUse.objects.all()
    if municipality is not None:
        qs = qs.filter(hub__municipality=municipality)
    return (
        qs.values("month")
        .annotate(
            desk_days=Sum("desk_days_used"),
            capacity=Sum(F("desks") * F("open_days")),
            members=Sum(
                F("members_region")
                + F("members_municipality")
                + F("members_state_agency")
                + F("members_company")
                + F("members_other")
            ),
            hubs=Count("hub", distinct=True),
        )
        .annotate(
            occupancy_share=ExpressionWrapper(
                Cast(F("desk_days"), FloatField()) / NullIf(F("capacity"), 0),
                output_field=FloatField(),
            )
        )
        .order_by("month")
    )


def premises_list(filters: dict | None = None, *, ordering: str | None = None) -> QuerySet:
    """Premises candidates filtered by ``municipality``, ``status``, ``co_location``, ``q``."""
    filters = filters or {}
    qs = PremisesCandidate.objects.select_related("municipality", "hub")
    if municipality := filters.get("municipality"):
        qs = qs.filter(municipality=municipality)
    if status := filters.get("status"):
        qs = qs.filter(status=status)
    if co_location := filters.get("co_location"):
        qs = qs.filter(co_location__contains=list(co_location))
    if q := (filters.get("q") or "").strip():
        qs = qs.filter(Q(name__icontains=q) | Q(address__icontains=q))
    if ordering:
        qs = qs.order_by(ordering, "name", "pk")
    return qs


def status_counts() -> dict[str, int]:
    """Number of hubs per status, in one query."""
    return Hub.objects.aggregate(
        **{status.value: Count("pk", filter=Q(status=status.value)) for status in Hub.Status}
    )


def with_occupancy(hubs: QuerySet[Hub]) -> QuerySet[Hub]:
    """``hubs`` annotated with occupancy over all their recorded months (NULL if none)."""
    return hubs.annotate(
        avg_occupancy=ExpressionWrapper(
            Cast(Sum("monthly_use__desk_days_used"), FloatField())
            / NullIf(Sum(F("monthly_use__desks") * F("monthly_use__open_days")), 0),
            output_field=FloatField(),
        ),
    )
