"""Reads of the plan, aggregated in SQL: per-area totals, overdue, state as of a date.

Dashboards may use :func:`plan_progress_summary`, :func:`overdue_count` and
:func:`activities_per_municipality`; each is a fixed small number of queries
whatever the size of the plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from actionplan import rules
from actionplan.models import Activity, Area, ProgressReport
from mapping.models import Municipality

CLOSED = [s.value for s in Activity.CLOSED_STATUSES]
ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=14, decimal_places=2))
SORTS = {
    "title": ("title",),
    "-title": ("-title",),
    "area": ("area__number", "start_date"),
    "-area": ("-area__number", "start_date"),
    "start": ("start_date", "title"),
    "-start": ("-start_date", "title"),
    "end": ("end_date", "title"),
    "-end": ("-end_date", "title"),
    "status": ("status", "title"),
    "-status": ("-status", "title"),
    "progress": ("progress", "title"),
    "-progress": ("-progress", "title"),
    "budget": ("planned_budget", "title"),
    "-budget": ("-planned_budget", "title"),
    "cost": ("actual_cost", "title"),
    "-cost": ("-actual_cost", "title"),
}


def today() -> date:
    return timezone.localdate()


def overdue_q(on: date) -> Q:
    """Activities past their end date on ``on`` and neither done nor cancelled."""
    return Q(end_date__lt=on) & ~Q(status__in=CLOSED)


def activities(
    *,
    area=None,
    strategy=None,
    municipality=None,
    status=None,
    overdue: bool = False,
    search: str = "",
    sort: str = "area",
    on: date | None = None,
) -> QuerySet[Activity]:
    """Activities with what a list needs joined in, filtered and sorted; ``is_overdue`` annotated."""
    on = on or today()
    qs = (
        Activity.objects.select_related(
            "area", "strategy", "responsible", "responsible_organisation"
        )
        .prefetch_related(Prefetch("municipalities", Municipality.objects.order_by("name")))
        .annotate(is_overdue=ExpressionWrapper(overdue_q(on), output_field=BooleanField()))
    )
    if area:
        qs = qs.filter(area=area)
    if strategy:
        qs = qs.filter(strategy=strategy)
    if municipality:
        qs = qs.filter(municipalities=municipality)
    if status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(overdue_q(on))
    if search:
        qs = qs.filter(Q(title__icontains=search) | Q(description__icontains=search))
    return qs.order_by(*SORTS.get(sort, SORTS["area"]))


def first_activities_per_area(limit: int, on: date | None = None) -> list[Activity]:
    """The first ``limit`` activities of each insatsområde, in the plan's order (one query).

    The overview lists these under each area and links to the filtered activity list
    for the rest, so the page costs the same with 30 activities or 3,000. Rows have
    ``area`` joined and ``is_overdue`` annotated, like :func:`activities`.
    """
    on = on or today()
    return list(
        Activity.objects.select_related("area")
        .annotate(
            is_overdue=ExpressionWrapper(overdue_q(on), output_field=BooleanField()),
            row_in_area=Window(
                RowNumber(), partition_by=[F("area_id")], order_by=[F("start_date"), F("title")]
            ),
        )
        .filter(row_in_area__lte=limit)
        .order_by(*SORTS["area"], "title")
    )


def _weighted_aggregates(prefix: str = "") -> dict:
    """The four sums :func:`rules.weighted_progress_from_totals` needs, as SQL aggregates."""
    kept = ~Q(**{f"{prefix}status": Activity.Status.CANCELLED})
    return {
        "weighted_sum": Sum(
            F(f"{prefix}progress") * F(f"{prefix}planned_budget"),
            filter=kept,
            output_field=DecimalField(max_digits=20, decimal_places=2),
        ),
        "budget_kept": Sum(f"{prefix}planned_budget", filter=kept),
        "progress_sum": Sum(f"{prefix}progress", filter=kept),
        "count_kept": Count(f"{prefix}pk", filter=kept),
    }


def _weighted(row) -> Decimal | None:
    get = row.get if isinstance(row, dict) else lambda k: getattr(row, k)
    return rules.weighted_progress_from_totals(
        weighted_sum=get("weighted_sum"),
        budget_sum=get("budget_kept"),
        progress_sum=get("progress_sum"),
        count=get("count_kept"),
    )


def area_summaries(on: date | None = None) -> list[Area]:
    """The four insatsområden with activity count, budget, cost, overdue and weighted progress."""
    on = on or today()
    prefix = "activities__"
    overdue = Q(activities__end_date__lt=on) & ~Q(activities__status__in=CLOSED)
    areas = list(
        Area.objects.annotate(
            n_activities=Count("activities"),
            budget_total=Coalesce(Sum("activities__planned_budget"), ZERO),
            cost_total=Coalesce(Sum("activities__actual_cost"), ZERO),
            n_overdue=Count("activities", filter=overdue),
            n_done=Count("activities", filter=Q(activities__status=Activity.Status.DONE)),
            **_weighted_aggregates(prefix),
        ).order_by("number")
    )
    for area in areas:
        area.weighted_progress = _weighted(area)
        area.cost_share = (
            rules._round(area.cost_total * 100 / area.budget_total) if area.budget_total else None
        )
    return areas


@dataclass(frozen=True)
class PlanSummary:
    n_activities: int
    n_done: int
    n_overdue: int
    budget_total: Decimal
    cost_total: Decimal
    weighted_progress: Decimal | None


def plan_progress_summary(on: date | None = None) -> PlanSummary:
    """The whole plan in one row: counts, budget, cost and weighted progress (one query)."""
    on = on or today()
    row = Activity.objects.aggregate(
        n_activities=Count("pk"),
        n_done=Count("pk", filter=Q(status=Activity.Status.DONE)),
        n_overdue=Count("pk", filter=overdue_q(on)),
        budget_total=Coalesce(Sum("planned_budget"), ZERO),
        cost_total=Coalesce(Sum("actual_cost"), ZERO),
        **_weighted_aggregates(),
    )
    return PlanSummary(
        n_activities=row["n_activities"],
        n_done=row["n_done"],
        n_overdue=row["n_overdue"],
        budget_total=row["budget_total"],
        cost_total=row["cost_total"],
        weighted_progress=_weighted(row),
    )


def overdue_count(on: date | None = None) -> int:
    """How many activities are overdue."""
    return Activity.objects.filter(overdue_q(on or today())).count()


def activities_per_municipality(on: date | None = None) -> QuerySet[Municipality]:
    """The region's kommuner with the number of plan activities concerning each (and overdue)."""
    on = on or today()
    overdue = Q(plan_activities__end_date__lt=on) & ~Q(plan_activities__status__in=CLOSED)
    return (
        Municipality.objects.in_region()
        .annotate(
            n_activities=Count("plan_activities"),
            n_overdue=Count("plan_activities", filter=overdue),
            budget_total=Coalesce(Sum("plan_activities__planned_budget"), ZERO),
        )
        .order_by("name")
    )


def _as_of(field: str, on: date):
    """The value of a report field in the activity's latest report on or before ``on``."""
    latest = ProgressReport.objects.filter(activity=OuterRef("pk"), date__lte=on).order_by(
        "-date", "-pk"
    )
    return Subquery(latest.values(field)[:1])


def board_report(*, as_of: date, previous: date) -> list[Activity]:
    """Every activity as it stood on ``as_of``, and as on ``previous``, from the reports.

    An activity with no report by a date counts as not started, 0 % and 0 kr on
    that date. Each activity gets ``status_then``, ``progress_then``,
    ``cost_then`` (on ``as_of``), the same with ``_before`` (on ``previous``),
    ``overdue_then``, ``changed`` and ``new_reports`` (reports dated after
    ``previous`` up to ``as_of``). Three queries whatever the plan's size.
    """
    not_started = Value(Activity.Status.NOT_STARTED)
    qs = (
        Activity.objects.select_related("area", "responsible", "responsible_organisation")
        .prefetch_related(
            Prefetch(
                "reports",
                ProgressReport.objects.filter(date__gt=previous, date__lte=as_of).order_by(
                    "date", "pk"
                ),
                to_attr="new_reports",
            )
        )
        .filter(start_date__lte=as_of)
        .annotate(
            status_then=Coalesce(_as_of("status", as_of), not_started),
            progress_then=Coalesce(_as_of("progress", as_of), Value(0)),
            cost_then=Coalesce(_as_of("cost_to_date", as_of), ZERO),
            status_before=Coalesce(_as_of("status", previous), not_started),
            progress_before=Coalesce(_as_of("progress", previous), Value(0)),
            cost_before=Coalesce(_as_of("cost_to_date", previous), ZERO),
        )
        .order_by("area__number", "start_date", "title")
    )
    rows = list(qs)
    labels = dict(Activity.Status.choices)
    for a in rows:
        a.status_then_label = labels.get(a.status_then, a.status_then)
        a.status_before_label = labels.get(a.status_before, a.status_before)
        a.overdue_then = rules.is_overdue(end_date=a.end_date, status=a.status_then, today=as_of)
        a.changed = bool(a.new_reports) or (a.status_then, a.progress_then, a.cost_then) != (
            a.status_before,
            a.progress_before,
            a.cost_before,
        )
        a.progress_change = a.progress_then - a.progress_before
    return rows


def board_report_areas(rows: list[Activity]) -> list[dict]:
    """Per-area totals of a board report's rows (already fetched, so no further query)."""
    out: dict[int, dict] = {}
    for a in rows:
        entry = out.setdefault(
            a.area_id,
            {"area": a.area, "rows": [], "budget": Decimal(0), "cost": Decimal(0)},
        )
        entry["rows"].append(a)
        entry["budget"] += a.planned_budget
        entry["cost"] += a.cost_then
    for entry in out.values():
        entry["weighted_progress"] = rules.weighted_progress(
            (a.progress_then, a.planned_budget, a.status_then) for a in entry["rows"]
        )
    return [out[k] for k in sorted(out, key=lambda k: out[k]["area"].number)]
