"""Pure estimates of a hub business case (kalkyl): members, occupancy, cost, savings, break-even.

Nothing here touches the database. :func:`hubs.selectors.business_case_estimates`
aggregates the survey in SQL into :class:`AnswerGroup` rows and hands them here;
the tests check every function with hand-computed numbers.

Definitions (also shown on the case's page):

- **Members** are the survey's potential hub users in the kommun: respondents who
  live there, work in another kommun (``mapping.selectors.COMMUTER``) and answered
  yes or maybe to a hub (``mapping.selectors.POSITIVE``). They are respondents, not
  everyone who lives there, so the figure is a floor.
- **Hub days per member**: the days a week the respondent said they would work
  from a hub, or the case's N where they gave none or the case uses N for all.
- **Desk-days per year** (demand) = Σ hub days per week × working weeks a year
  (``mapping.analysis.work_weeks_per_year``).
- **Occupancy** = desk-days ÷ (desks × open days), capped at 100 % and flagged when
  demand is larger than the hub can take; the desk-days the hub can serve are
  then its capacity.
- **Cost per desk-day** = yearly cost (12 × rent + other running costs) ÷ the
  desk-days served.
- **Travel saved**: a day at the hub replaces that day's commute (never more days
  than the respondent commutes), as on the survey's hub-potential page
  (``mapping.analysis.hub_savings``: return trips, its emission factors).
- **Break-even members** = the smallest number of members at which the cost per
  desk-day falls to the reference price: ⌈yearly cost ÷ (reference price × hub days
  per member × working weeks)⌉.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from decimal import Decimal

from hubplan.privacy import visible
from hubs import rules
from mapping import analysis

# The hubs' costs are per desk and month; a month has about 21 open weekdays.
OPEN_DAYS_PER_MONTH = 21
# Used when no open hub has a cost recorded: about 1 000 kr per desk and month,
# what the region's kommunhus hubs charge, ÷ 21 days.
FALLBACK_REFERENCE_PRICE = Decimal("48")


@dataclass(frozen=True)
class AnswerGroup:
    """Survey answers of potential hub users that share mode and stated days.

    ``km`` and ``minutes`` are one-way sums over the ``n_travel`` answers with
    complete commuting data (distance, time, days and mode).
    """

    n: int
    stated_days: Decimal | None
    commute_days: Decimal | None
    mode: str = ""
    km: Decimal | None = None
    minutes: Decimal | None = None


@dataclass(frozen=True)
class Estimate:
    """Every estimate of one case. ``None`` means "cannot be computed" or, after
    :func:`for_user`, "hidden: rests on fewer than five respondents"."""

    respondents: int
    members: int | None
    hub_days_per_member: Decimal | None
    desk_days_demand: Decimal | None
    capacity: int
    desk_days_served: Decimal | None
    occupancy: float | None
    over_capacity: bool | None
    yearly_cost: Decimal
    cost_per_desk_day: Decimal | None
    km_saved: Decimal | None
    hours_saved: Decimal | None
    co2_kg_saved: Decimal | None
    break_even_members: int | None
    break_even_within_capacity: bool | None
    below_critical_mass: bool | None
    critical_mass: int
    suppressed: bool = False


def _d(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value or 0))


def yearly_cost(monthly_rent, other_yearly_costs) -> Decimal:
    """12 × monthly rent + other yearly running costs."""
    return 12 * _d(monthly_rent) + _d(other_yearly_costs)


def hub_days(stated, n_days, *, use_stated: bool) -> Decimal:
    """A member's hub days a week: what they said, or N when they said nothing or N is used for all."""
    if use_stated and stated is not None:
        return _d(stated)
    return _d(n_days)


def capacity(desks: int, open_days: int) -> int:
    """Desk-days the hub offers a year."""
    return desks * open_days


def occupancy(desk_days, desks: int, open_days: int) -> tuple[float | None, bool]:
    """(share of capacity used, capped at 1.0; True if demand exceeds capacity)."""
    cap = capacity(desks, open_days)
    if cap <= 0:
        return None, False
    share = float(_d(desk_days) / cap)
    return min(share, 1.0), share > 1.0


def cost_per_desk_day(cost, desk_days_served) -> Decimal | None:
    """Yearly cost ÷ desk-days served, to the öre; None when nothing is served."""
    served = _d(desk_days_served)
    if served <= 0:
        return None
    return (_d(cost) / served).quantize(Decimal("0.01"))


def break_even_members(cost, reference_price, days_per_member, weeks: int) -> int | None:
    """Members needed for the cost per desk-day to fall to ``reference_price``.

    ⌈cost ÷ (reference price × days per member and week × weeks)⌉; None when
    members bring no desk-days (0 days) or there is no price to reach.
    """
    per_member = _d(reference_price) * _d(days_per_member) * weeks
    if per_member <= 0:
        return None
    return math.ceil(_d(cost) / per_member)


def members_capacity(desks: int, open_days: int, days_per_member, weeks: int) -> int | None:
    """How many members of ``days_per_member`` a week the desks can take (rounded down)."""
    per_member = _d(days_per_member) * weeks
    if per_member <= 0:
        return None
    return math.floor(capacity(desks, open_days) / per_member)


def travel_saved(groups, n_days, *, use_stated: bool, weeks: int) -> analysis.Yearly:
    """Km, hours and kg CO₂e saved a year when members work their hub days locally.

    Builds the weekly sums that :func:`mapping.analysis.hub_savings` expects, with
    a member's saved commuting days by :func:`mapping.analysis.hub_days_saved`, the
    rule the survey's hub-potential analysis counts them by.
    """
    rows = []
    for g in groups:
        if not g.mode or g.km is None or g.minutes is None or g.commute_days is None:
            continue
        days = analysis.hub_days_saved(
            hub_days(g.stated_days, n_days, use_stated=use_stated), g.commute_days
        )
        rows.append(
            {"mode": g.mode, "km_days": _d(g.km) * days, "minute_days": _d(g.minutes) * days}
        )
    return analysis.hub_savings(rows, weeks=weeks)


def estimate(
    groups,
    *,
    desks: int,
    open_days: int,
    monthly_rent,
    other_yearly_costs,
    n_days,
    use_stated: bool,
    reference_price,
    critical_mass: int,
    weeks: int | None = None,
) -> Estimate:
    """All estimates of a case from its inputs and the survey ``groups`` of its kommun.

    Break-even uses the members' average hub days (N if there are no members or
    the case uses N for all), so it answers "how many members like these".
    """
    weeks = analysis.work_weeks_per_year() if weeks is None else weeks
    groups = list(groups)
    members = sum(g.n for g in groups)
    weekly = sum(
        (g.n * hub_days(g.stated_days, n_days, use_stated=use_stated) for g in groups), Decimal(0)
    )
    demand = weekly * weeks
    cap = capacity(desks, open_days)
    share, over = occupancy(demand, desks, open_days)
    served = min(demand, Decimal(cap))
    cost = yearly_cost(monthly_rent, other_yearly_costs)
    per_member = weekly / members if members else _d(n_days)
    saved = travel_saved(groups, n_days, use_stated=use_stated, weeks=weeks)
    needed = break_even_members(cost, reference_price, per_member, weeks)
    room = members_capacity(desks, open_days, per_member, weeks)
    return Estimate(
        respondents=members,
        members=members,
        hub_days_per_member=per_member.quantize(Decimal("0.01")),
        desk_days_demand=demand,
        capacity=cap,
        desk_days_served=served,
        occupancy=share,
        over_capacity=over,
        yearly_cost=cost,
        cost_per_desk_day=cost_per_desk_day(cost, served),
        km_saved=saved.km,
        hours_saved=saved.hours,
        co2_kg_saved=saved.co2_kg,
        break_even_members=needed,
        break_even_within_capacity=None if needed is None or room is None else needed <= room,
        below_critical_mass=rules.short_of_critical_mass(members, critical_mass),
        critical_mass=critical_mass,
    )


SURVEY_FIGURES = (
    "members",
    "desk_days_demand",
    "desk_days_served",
    "occupancy",
    "over_capacity",
    "cost_per_desk_day",
    "km_saved",
    "hours_saved",
    "co2_kg_saved",
    "below_critical_mass",
)


def for_user(est: Estimate, user, *, survey_days: bool) -> Estimate:
    """``est`` as ``user`` may see it: figures resting on 1–4 respondents are hidden
    from non-HR roles (hubplan.privacy). The break-even and the days per member are
    hidden too when they come from the respondents' own days (``survey_days``)."""
    if visible(est.members, est.respondents, user) is not None:
        return est
    hidden = dict.fromkeys(SURVEY_FIGURES)
    if survey_days:
        hidden.update(
            hub_days_per_member=None, break_even_members=None, break_even_within_capacity=None
        )
    return replace(est, suppressed=True, **hidden)
