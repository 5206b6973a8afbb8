"""The plan's rules and calculations, as pure functions (no database), so they are easy to test.

Weighted progress of an insatsområde
------------------------------------
Each activity counts by its planned budget: an activity of 200 000 kr weighs
twice as much as one of 100 000 kr, because it is twice as much of the plan's
money. When no activity in the group has a budget (all are 0 kr), every activity
weighs the same. Cancelled activities are left out: they will never be finished
and should not drag the figure down. The result is a percentage, rounded to one
decimal, or ``None`` when there is nothing to weigh.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

# Status values, repeated here so the rules need no model import.
DONE = "done"
CANCELLED = "cancelled"
CLOSED = frozenset({DONE, CANCELLED})

ONE_DECIMAL = Decimal("0.1")


def _round(value: Decimal) -> Decimal:
    return value.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def weighted_progress_from_totals(
    *, weighted_sum, budget_sum, progress_sum, count
) -> Decimal | None:
    """Weighted progress from four sums over the activities (see the module docstring).

    ``weighted_sum`` is Σ progress × budget, ``budget_sum`` Σ budget,
    ``progress_sum`` Σ progress and ``count`` the number of activities. The
    selectors compute these in SQL; :func:`weighted_progress` in Python.
    """
    if not count:
        return None
    budget_sum = Decimal(budget_sum or 0)
    if budget_sum > 0:
        return _round(Decimal(weighted_sum or 0) / budget_sum)
    return _round(Decimal(progress_sum or 0) / Decimal(count))


def weighted_progress(activities: Iterable[tuple[int, Decimal, str]]) -> Decimal | None:
    """Weighted progress of ``(progress, planned_budget, status)`` triples."""
    kept = [(Decimal(p), Decimal(b)) for p, b, status in activities if status != CANCELLED]
    return weighted_progress_from_totals(
        weighted_sum=sum((p * b for p, b in kept), Decimal(0)),
        budget_sum=sum((b for _p, b in kept), Decimal(0)),
        progress_sum=sum((p for p, _b in kept), Decimal(0)),
        count=len(kept),
    )


def is_overdue(*, end_date: date, status: str, today: date) -> bool:
    """Past its end date and neither done nor cancelled."""
    return end_date < today and status not in CLOSED


def find_cycle(
    edges: Mapping[int, Iterable[int]], activity_id: int | None, dependencies: Iterable[int]
) -> list[int] | None:
    """The cycle that making ``activity_id`` depend on ``dependencies`` would close, or None.

    ``edges`` maps an activity to the activities it already depends on (the
    current graph; ``activity_id``'s own old edges are ignored, they are being
    replaced). Returns the path ``[activity_id, dep, ..., activity_id]``.
    """
    dependencies = list(dependencies)
    if activity_id is None:
        # A new activity has no dependents yet, so it cannot close a cycle.
        return None
    if activity_id in dependencies:
        return [activity_id, activity_id]
    for start in dependencies:
        # Depth-first search from each new dependency back to the activity itself.
        stack = [(start, [activity_id, start])]
        seen = set()
        while stack:
            node, path = stack.pop()
            if node == activity_id:
                return path
            if node in seen:
                continue
            seen.add(node)
            stack.extend((nxt, [*path, nxt]) for nxt in edges.get(node, ()))
    return None


def net_yearly_saving(yearly_saving: Decimal, yearly_cost: Decimal) -> Decimal:
    """Yearly saving less yearly cost (negative when the move costs more each year)."""
    return Decimal(yearly_saving) - Decimal(yearly_cost)


def payback_years(
    *, one_off_cost: Decimal, one_off_saving: Decimal, yearly_cost: Decimal, yearly_saving: Decimal
) -> Decimal | None:
    """Years until a relocation has paid back its net one-off cost, or None if it never does.

    Zero when the one-off savings already cover the one-off costs and the yearly
    balance is not negative.
    """
    net_once = Decimal(one_off_cost) - Decimal(one_off_saving)
    net_year = net_yearly_saving(yearly_saving, yearly_cost)
    if net_once <= 0:
        return Decimal(0) if net_year >= 0 else None
    if net_year <= 0:
        return None
    return _round(net_once / net_year)


def is_cost_effective(
    *,
    one_off_cost: Decimal,
    one_off_saving: Decimal,
    yearly_cost: Decimal,
    yearly_saving: Decimal,
    horizon_years: int = 5,
) -> bool:
    """Pays back within ``horizon_years`` (five: the span of a regional plan period)."""
    years = payback_years(
        one_off_cost=one_off_cost,
        one_off_saving=one_off_saving,
        yearly_cost=yearly_cost,
        yearly_saving=yearly_saving,
    )
    return years is not None and years <= horizon_years
