"""Pure rules of the hub registry: bounds, status order, occupancy, critical mass.

No database access here, so each rule is unit-tested with hand-checked numbers.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

# Sweden's extent in WGS84, rounded outwards (Smygehuk 55.34 N – Treriksröset 69.06 N;
# Koster 10.96 E – Haparanda 24.17 E).
SWEDEN_LAT = (55.0, 69.1)
SWEDEN_LON = (10.9, 24.2)

# The order a hub's status moves in. A hub may skip forward (an existing
# co-working space is registered as open) but never back, and only an open hub
# can close. Two ways out of the order: a closed hub can reopen (with a reason,
# see services.hub_set_status), and a proposal that is not going ahead (proposed
# or planned) is cancelled ("avbruten"), which ends it.
STATUS_ORDER = ("proposed", "planned", "open", "closed")
CLOSABLE_FROM = ("open",)
CANCELLABLE_FROM = ("proposed", "planned")
REOPENABLE_FROM = ("closed",)

# Members a hub needs to pay its way. The 2021 plan names critical mass as the
# main challenge but sets no figure; ten regular members (about two per weekday)
# is the planners' working assumption. It is a planner setting (hubs.models.HubSettings,
# with an optional figure per hub); this is only the setting's initial value.
DEFAULT_CRITICAL_MASS_MEMBERS = 10


def in_sweden(latitude: float, longitude: float) -> bool:
    return (
        SWEDEN_LAT[0] <= latitude <= SWEDEN_LAT[1] and SWEDEN_LON[0] <= longitude <= SWEDEN_LON[1]
    )


def status_step_allowed(current: str | None, new: str) -> bool:
    """True if a hub with status ``current`` (None: a new hub) may move to ``new``."""
    if new == "closed":
        return current in CLOSABLE_FROM
    if new == "cancelled":
        return current in CANCELLABLE_FROM
    if current == "cancelled":
        return False
    if current in REOPENABLE_FROM:
        return new == "open"
    if current is None:
        return new in STATUS_ORDER
    return STATUS_ORDER.index(new) > STATUS_ORDER.index(current)


def is_reopening(current: str | None, new: str) -> bool:
    return current in REOPENABLE_FROM and new == "open"


def open_periods(changes) -> list[tuple[dt.date, dt.date | None]]:
    """The periods a hub was open, from its status changes ``(status, date)`` in date order:
    [(opened, closed or None while still open)]. A reopening starts a new period."""
    periods: list[tuple[dt.date, dt.date | None]] = []
    start = None
    for status, date in changes:
        if status == "open" and start is None:
            start = date
        elif status in ("closed", "cancelled") and start is not None:
            periods.append((start, date))
            start = None
    if start is not None:
        periods.append((start, None))
    return periods


def use_month_problem(month: dt.date, periods, today: dt.date) -> tuple[str, dict] | None:
    """Why a hub cannot have use in ``month`` (its first day), or None if it can.

    A month counts if the hub was open on any day of it: from the month it opened
    to the month before its closing date (a hub closed on 1 July had no July).
    Returns (code, params): ``future`` (after the current month), ``never_open``,
    ``before_open``, ``after_close`` or ``while_closed`` (between a closing and a reopening).
    """
    if month > today.replace(day=1):
        return "future", {"current": today.replace(day=1)}
    if not periods:
        return "never_open", {}
    for opened, closed in periods:
        if month >= opened.replace(day=1) and (closed is None or month < closed):
            return None
    first, last = periods[0], periods[-1]
    if month < first[0].replace(day=1):
        return "before_open", {"opened": first[0]}
    if last[1] is not None and month >= last[1]:
        return "after_close", {"closed": last[1]}
    for (_o, closed), (reopened, _c) in itertools.pairwise(periods):
        if closed is not None and closed <= month < reopened.replace(day=1):
            return "while_closed", {"closed": closed, "reopened": reopened}
    return "while_closed", {"closed": last[1], "reopened": None}  # pragma: no cover


def occupancy(desk_days_used: int, desks: int, open_days: int) -> float | None:
    """Share of the month's capacity used: desk-days used ÷ (desks × open days).

    None when there was no capacity (no desks or no open days), since 0 % would
    wrongly say the hub stood empty.
    """
    capacity = desks * open_days
    if capacity <= 0:
        return None
    return desk_days_used / capacity


def cost_per_desk(monthly_rent: Decimal | None, desks: int) -> Decimal | None:
    """Rent per desk and month, rounded to whole kronor; None without rent or desks."""
    if monthly_rent is None or desks <= 0:
        return None
    return (monthly_rent / desks).quantize(Decimal("1"))


def short_of_critical_mass(members: int, critical_mass: int) -> bool:
    return members < critical_mass
