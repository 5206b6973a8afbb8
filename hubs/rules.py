"""Pure rules of the hub registry: bounds, status order, occupancy, critical mass.

No database access here, so each rule is unit-tested with hand-checked numbers.
"""

from __future__ import annotations

from decimal import Decimal

# Sweden's extent in WGS84, rounded outwards (Smygehuk 55.34 N – Treriksröset 69.06 N;
# Koster 10.96 E – Haparanda 24.17 E).
SWEDEN_LAT = (55.0, 69.1)
SWEDEN_LON = (10.9, 24.2)

# The order a hub's status moves in. A hub may skip forward (an existing
# co-working space is registered as open) but never back, and only an open hub
# can close: closing something never opened is a decision not to open, which
# the planner records as a note on the proposal instead.
STATUS_ORDER = ("proposed", "planned", "open", "closed")
CLOSABLE_FROM = ("open",)

# Members a hub needs to pay its way. The 2021 plan names critical mass as the
# main challenge but sets no figure; ten regular members (about two per
# weekday) is the planners' working assumption, kept here so it changes in one place.
CRITICAL_MASS_MEMBERS = 10


def in_sweden(latitude: float, longitude: float) -> bool:
    return (
        SWEDEN_LAT[0] <= latitude <= SWEDEN_LAT[1] and SWEDEN_LON[0] <= longitude <= SWEDEN_LON[1]
    )


def status_step_allowed(current: str | None, new: str) -> bool:
    """True if a hub with status ``current`` (None: a new hub) may move to ``new``."""
    if new == "closed":
        return current in CLOSABLE_FROM
    if current is None:
        return new in STATUS_ORDER
    return STATUS_ORDER.index(new) > STATUS_ORDER.index(current)


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


def short_of_critical_mass(members: int) -> bool:
    return members < CRITICAL_MASS_MEMBERS
