"""Pure calculations behind the survey analyses: travel per year, CO₂, hub savings, dygnsvila.

Nothing here touches the database: selectors aggregate in SQL and hand plain
numbers to these functions, and the tests check them with hand-computed cases.

Assumptions, shown on the analysis pages too:

- A commute is a return trip: the survey gives one-way distance and time.
- A working year has ``WORK_WEEKS_PER_YEAR`` weeks (52 weeks less about five
  weeks of holiday and two of public holidays); override with the setting
  ``HUBPLAN_WORK_WEEKS_PER_YEAR``.
- Emission factors are kg CO₂e per person-km; override with the setting
  ``HUBPLAN_EMISSION_FACTORS`` (a dict mode → factor).
- A commuter (pendlare) lives in one kommun and works in another.
- Someone interested in a hub answered yes or maybe.
- Daily rest (dygnsvila): the Working Hours Act (arbetstidslagen § 13) asks for at
  least 11 consecutive hours of rest in every 24. Commuting is not working time
  under the Act, so a short rest caused by commuting is a work-environment risk
  indicator here, not a breach of the law.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import time
from decimal import Decimal

from django.conf import settings
from django.db.models import DecimalField, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Least

WORK_WEEKS_PER_YEAR_DEFAULT = 45
MINIMUM_DAILY_REST_HOURS = 11
MINUTES_PER_DAY = 24 * 60

# kg CO₂e per person-km, well-to-wheel, rounded. Sources: Trafikverket's
# "Trafikverkets klimatkalkyl / Handbok för vägtrafikens luftföroreningar" for an
# average Swedish petrol/diesel car with one occupant (~0.12 kg/km), regional bus
# with Sweden's high share of renewable fuel (~0.03 kg/pkm) and electric train on
# Nordic electricity (~0.001 kg/pkm); cycling and walking count as zero. Planners
# should check the factors against the current figures before publishing results.
EMISSION_FACTORS_DEFAULT: dict[str, Decimal] = {
    "car": Decimal("0.12"),
    "bus": Decimal("0.03"),
    "train": Decimal("0.001"),
    "bike_walk": Decimal("0"),
    "other": Decimal("0.08"),
}
EMISSION_FACTOR_SOURCE = (
    "Trafikverket (vägtrafikens och kollektivtrafikens utsläpp per personkilometer), avrundat"
)


def work_weeks_per_year() -> int:
    return int(getattr(settings, "HUBPLAN_WORK_WEEKS_PER_YEAR", WORK_WEEKS_PER_YEAR_DEFAULT))


def emission_factors() -> dict[str, Decimal]:
    """The factors in use: the defaults, with any modes set in settings overriding them."""
    overrides = getattr(settings, "HUBPLAN_EMISSION_FACTORS", {}) or {}
    factors = dict(EMISSION_FACTORS_DEFAULT)
    factors.update({mode: Decimal(str(value)) for mode, value in overrides.items()})
    return factors


def _d(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value or 0))


def hub_days_saved(hub_days, commute_days):
    """The commuting days a week that working ``hub_days`` days from a local hub saves:
    the hub days, never more than the days the person commutes.

    The one definition of the rule, for the survey's hub potential, the kommun
    comparison and the business case. With ``commute_days`` a query expression (a
    response's ``F("commute_days_per_week")``) it is the same rule in SQL (``LEAST``),
    so that aggregates stay in the database; with numbers it is the number.
    """
    if isinstance(commute_days, Combinable):
        return Least(
            Value(_d(hub_days), output_field=DecimalField(max_digits=3, decimal_places=1)),
            commute_days,
        )
    return min(_d(hub_days), _d(commute_days))


def share(part: int, whole: int) -> float | None:
    """``part`` of ``whole`` in percent, one decimal; None for an empty whole."""
    if not whole:
        return None
    return round(100 * part / whole, 1)


# --- Travel per year and CO₂ ---------------------------------------------------------


@dataclass(frozen=True)
class Yearly:
    km: Decimal
    hours: Decimal
    co2_kg: Decimal


def yearly_travel(
    *, km_days: Decimal, minute_days: Decimal, mode: str, weeks: int | None = None
) -> Yearly:
    """Return-trip travel per year from weekly sums.

    ``km_days`` is Σ(one-way km × commuting days per week) over a group of
    respondents travelling by ``mode``; ``minute_days`` the same for minutes.
    Selectors compute both sums in SQL.
    """
    weeks = work_weeks_per_year() if weeks is None else weeks
    km = 2 * _d(km_days) * weeks
    hours = 2 * _d(minute_days) * weeks / 60
    co2 = km * emission_factors().get(mode or "other", EMISSION_FACTORS_DEFAULT["other"])
    return Yearly(km=km, hours=hours, co2_kg=co2)


def yearly_by_mode(rows: Iterable[Mapping], *, weeks: int | None = None) -> dict[str, Yearly]:
    """``rows`` of {mode, km_days, minute_days} → Yearly per mode, plus "total"."""
    out: dict[str, Yearly] = {}
    for row in rows:
        y = yearly_travel(
            km_days=row["km_days"], minute_days=row["minute_days"], mode=row["mode"], weeks=weeks
        )
        mode = row["mode"] or "other"
        if prev := out.get(mode):
            y = Yearly(prev.km + y.km, prev.hours + y.hours, prev.co2_kg + y.co2_kg)
        out[mode] = y
    total = Yearly(
        sum((y.km for y in out.values()), Decimal(0)),
        sum((y.hours for y in out.values()), Decimal(0)),
        sum((y.co2_kg for y in out.values()), Decimal(0)),
    )
    out["total"] = total
    return out


def hub_savings(rows: Iterable[Mapping], *, weeks: int | None = None) -> Yearly:
    """What working N days a week from a local hub saves per year.

    ``rows`` are {mode, km_days, minute_days} where the day count is already
    min(N, commuting days per week) per respondent (the selector does that in
    SQL): a day at the hub replaces the day's commute to the workplace, and the
    short trip to a hub in one's own kommun is not counted.
    """
    return yearly_by_mode(rows, weeks=weeks)["total"]


# --- Flow matrix and shares ------------------------------------------------------------


def flow_matrix(pairs: Iterable[tuple[str, str, int]]) -> dict:
    """(home, workplace, count) triples → rows, columns, cell counts and totals.

    Returns {"homes": [...], "workplaces": [...], "cells": {(home, work): n},
    "row_totals": {home: n}, "col_totals": {work: n}, "total": n}.
    """
    cells: dict[tuple[str, str], int] = {}
    row_totals: dict[str, int] = {}
    col_totals: dict[str, int] = {}
    for home, work, n in pairs:
        cells[(home, work)] = cells.get((home, work), 0) + n
        row_totals[home] = row_totals.get(home, 0) + n
        col_totals[work] = col_totals.get(work, 0) + n
    return {
        "homes": sorted(row_totals),
        "workplaces": sorted(col_totals),
        "cells": cells,
        "row_totals": row_totals,
        "col_totals": col_totals,
        "total": sum(row_totals.values()),
    }


# --- Dygnsvila (daily rest) ---------------------------------------------------------------


def daily_rest_minutes(work_hours, travel_minutes_one_way) -> int:
    """Minutes left for rest in a 24-hour cycle of working and commuting both ways.

    In a regular daily rhythm the rest between arriving home and leaving again is
    24 h - working time - two commutes, whenever in the day the work falls (an
    overnight shift gives the same result; see :func:`rest_between`). Never negative.
    Minutes are whole numbers so that exactly 11 hours compares exactly.
    """
    work = int((_d(work_hours) * 60).to_integral_value())
    rest = MINUTES_PER_DAY - work - 2 * int(travel_minutes_one_way or 0)
    return max(rest, 0)


def has_short_rest(work_hours, travel_minutes_one_way) -> bool:
    """True when the daily rest falls below 11 consecutive hours (exactly 11 h is enough)."""
    return daily_rest_minutes(work_hours, travel_minutes_one_way) < MINIMUM_DAILY_REST_HOURS * 60


# Used by the selectors: short rest ⇔ work minutes + 2 × travel minutes > this.
SHORT_REST_LOAD_MINUTES = MINUTES_PER_DAY - MINIMUM_DAILY_REST_HOURS * 60


def rest_between(work_end: time, next_work_start: time, travel_minutes_one_way: int) -> int:
    """Rest in minutes between getting home after one shift and leaving for the next.

    Clock times may cross midnight (a shift ending 23:00 and the next starting
    07:00 leaves 8 hours less two commutes).
    """
    end = work_end.hour * 60 + work_end.minute
    start = next_work_start.hour * 60 + next_work_start.minute
    gap = (start - end) % MINUTES_PER_DAY
    return max(gap - 2 * int(travel_minutes_one_way or 0), 0)
