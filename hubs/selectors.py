"""Reads and aggregates over hubs, premises and monthly use, computed in SQL.

Lists, the map, the hub page and (later) the dashboards call these; none loops
over rows in Python.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import (
    Aggregate,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import Cast, NullIf

from hubs import business_case
from hubs.models import (
    BusinessCase,
    Hub,
    HubMonthlyUse,
    HubSettings,
    HubStatusChange,
    PremisesCandidate,
)
from mapping import selectors as mapping_selectors
from mapping.models import Municipality, SurveyResponse

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
    # The kommun's boundary (GeoJSON, tens of KB) is never shown beside a hub: reading
    # and decoding it for every row cost more than the rest of the list.
    qs = Hub.objects.select_related("municipality", "operator").defer("municipality__boundary")
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


def occupancy_by_region_month(*, municipality=None, since=None) -> QuerySet:
    """Region-wide (or one kommun's) occupancy and members per month, for dashboards.

    ``since`` (a first month) spares reading the years a dashboard does not show.
    """
    qs = HubMonthlyUse.objects.all()
    if since is not None:
        qs = qs.filter(month__gte=since)
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
            # A hub has one row a month (unique constraint), so no DISTINCT: it forced
            # a sort of every row by month and hub.
            hubs=Count("hub"),
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


# --- Business cases ------------------------------------------------------------------------


class Median(Aggregate):
    """PostgreSQL's exact median (percentile_cont 0.5)."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def reference_price_per_desk_day() -> Decimal:
    """The suggested price a desk-day may cost: the median cost per desk and month of
    the open hubs ÷ 21 open days a month, in whole kronor (a fallback without costs)."""
    median = Hub.objects.filter(
        status=Hub.Status.OPEN, cost_per_desk_month__isnull=False
    ).aggregate(m=Median("cost_per_desk_month"))["m"]
    if median is None:
        return business_case.FALLBACK_REFERENCE_PRICE
    return (Decimal(str(median)) / business_case.OPEN_DAYS_PER_MONTH).quantize(Decimal("1"))


def business_case_list(filters: dict | None = None, *, ordering: str | None = None) -> QuerySet:
    """Saved cases with what their pages show, filtered by ``municipality`` and ``q`` (name)."""
    filters = filters or {}
    qs = BusinessCase.objects.select_related("municipality", "premises", "survey_round")
    if municipality := filters.get("municipality"):
        qs = qs.filter(municipality=municipality)
    if q := (filters.get("q") or "").strip():
        qs = qs.filter(name__icontains=q)
    if ordering:
        qs = qs.order_by(ordering, "name", "pk")
    return qs


def survey_answer_groups(pairs) -> dict[tuple[int, str], list[business_case.AnswerGroup]]:
    """(round id, kommun code) → the potential hub users' answers grouped by mode,
    stated hub days and commuting days, in ONE query for any number of pairs.

    Potential users are mapping's: commuters (home ≠ workplace) who answered yes
    or maybe. Distance and time are summed only over answers with complete commuting
    data, as mapping's hub-potential analysis does. Grouping on the day counts lets
    each case apply its own N without another query.
    """
    pairs = {(r, m) for r, m in pairs if r is not None}
    if not pairs:
        return {}
    where = Q()
    for round_id, code in pairs:
        where |= Q(round_id=round_id, home_municipality_id=code)
    complete = (
        Q(distance_km__isnull=False)
        & Q(travel_minutes__isnull=False)
        & Q(commute_days_per_week__isnull=False)
        & ~Q(mode="")
    )
    rows = (
        SurveyResponse.objects.filter(where)
        .filter(mapping_selectors.COMMUTER & mapping_selectors.POSITIVE)
        .values(
            "round_id", "home_municipality_id", "mode", "hub_days_per_week", "commute_days_per_week"
        )
        .annotate(
            n=Count("id"),
            km=Sum("distance_km", filter=complete),
            minutes=Sum("travel_minutes", filter=complete),
        )
        .order_by()
    )
    out: dict[tuple[int, str], list] = {}
    for r in rows:
        out.setdefault((r["round_id"], r["home_municipality_id"]), []).append(
            business_case.AnswerGroup(
                n=r["n"],
                stated_days=r["hub_days_per_week"],
                commute_days=r["commute_days_per_week"],
                mode=r["mode"],
                km=r["km"],
                minutes=r["minutes"],
            )
        )
    return out


def business_case_estimates(
    cases, user, *, critical_mass: int | None = None
) -> dict[int, business_case.Estimate]:
    """Case pk → its estimates as ``user`` may see them; at most three queries in all
    (the published round, only if some case uses it, the grouped answers, and the
    critical mass setting unless given). A case is for a hub not yet built, so the
    planners' default critical mass applies."""
    cases = list(cases)
    if critical_mass is None and cases:
        critical_mass = HubSettings.current().critical_mass_members
    published = None
    if any(c.survey_round_id is None for c in cases):
        published = mapping_selectors.published_round()
    rounds = {c.pk: c.survey_round if c.survey_round_id else published for c in cases}
    groups = survey_answer_groups(
        (r.pk if r else None, c.municipality_id) for c in cases for r in [rounds[c.pk]]
    )
    out = {}
    for c in cases:
        r = rounds[c.pk]
        est = business_case.estimate(
            groups.get((r.pk, c.municipality_id), []) if r else [],
            desks=c.desks,
            open_days=c.open_days_per_year,
            monthly_rent=c.monthly_rent,
            other_yearly_costs=c.other_yearly_costs,
            n_days=c.days_per_week,
            use_stated=c.use_stated_days,
            reference_price=c.reference_price_per_desk_day,
            critical_mass=critical_mass,
        )
        out[c.pk] = business_case.for_user(est, user, survey_days=c.use_stated_days)
    return out


def estimated_round(case: BusinessCase):
    """The round a case estimates from: its own, or the published one."""
    return case.survey_round if case.survey_round_id else mapping_selectors.published_round()
