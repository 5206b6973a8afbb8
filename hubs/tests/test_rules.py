"""Unit tests of the pure rules, with numbers checked by hand."""

from decimal import Decimal

import pytest

from hubs import rules


def test_occupancy_of_a_hand_computed_month():
    # March: 8 desks, open 21 weekdays → capacity 168 desk-days; 105 used → 105/168 = 0.625.
    assert rules.occupancy(105, 8, 21) == pytest.approx(0.625)


def test_occupancy_is_unknown_without_capacity():
    assert rules.occupancy(0, 0, 21) is None
    assert rules.occupancy(0, 6, 0) is None


def test_a_full_month_is_full_occupancy():
    assert rules.occupancy(120, 6, 20) == 1.0


@pytest.mark.parametrize(
    ("current", "new", "allowed"),
    [
        (None, "proposed", True),
        (None, "open", True),
        (None, "closed", False),
        ("proposed", "planned", True),
        ("proposed", "open", True),
        ("planned", "proposed", False),
        ("open", "open", False),
        ("open", "closed", True),
        ("planned", "closed", False),
        ("proposed", "closed", False),
        ("closed", "open", True),  # reopening (the service asks for a reason)
        ("closed", "planned", False),
        ("proposed", "cancelled", True),
        ("planned", "cancelled", True),
        ("open", "cancelled", False),
        (None, "cancelled", False),
        ("cancelled", "proposed", False),
    ],
)
def test_the_status_order(current, new, allowed):
    assert rules.status_step_allowed(current, new) is allowed


def test_sweden_bounds():
    assert rules.in_sweden(63.18, 14.64)  # Östersund
    assert not rules.in_sweden(59.91, 10.75)  # Oslo
    assert not rules.in_sweden(54.9, 14.0)


def test_cost_per_desk_rounds_to_kronor():
    assert rules.cost_per_desk(Decimal("10000"), 6) == Decimal("1667")
    assert rules.cost_per_desk(Decimal("10000"), 0) is None


def test_critical_mass():
    assert rules.short_of_critical_mass(9, 10)
    assert not rules.short_of_critical_mass(10, 10)
    assert rules.short_of_critical_mass(10, 12)
