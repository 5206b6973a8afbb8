"""The plan's pure rules, with hand-computed numbers."""

from datetime import date
from decimal import Decimal

import pytest

from actionplan import rules


def test_weighted_progress_weighs_by_budget_and_leaves_out_cancelled_activities():
    # (40 × 100 000 + 100 × 300 000 + 0 × 100 000) / 500 000 = 34 000 000 / 500 000 = 68.0;
    # the cancelled 1 000 000 kr activity at 50 % is not counted.
    result = rules.weighted_progress(
        [
            (40, Decimal("100000"), "ongoing"),
            (100, Decimal("300000"), "done"),
            (0, Decimal("100000"), "not_started"),
            (50, Decimal("1000000"), "cancelled"),
        ]
    )
    assert result == Decimal("68.0")


def test_weighted_progress_falls_back_to_equal_weights_when_no_budget():
    # (40 + 100 + 0) / 3 = 46.666… → 46.7
    result = rules.weighted_progress(
        [(40, Decimal(0), "ongoing"), (100, Decimal(0), "done"), (0, Decimal(0), "paused")]
    )
    assert result == Decimal("46.7")


def test_weighted_progress_of_nothing_is_none():
    assert rules.weighted_progress([]) is None
    assert rules.weighted_progress([(80, Decimal(5), "cancelled")]) is None


def test_a_zero_budget_activity_weighs_nothing_when_others_have_budgets():
    # (20 × 100 000 + 100 × 0) / 100 000 = 20.0
    assert rules.weighted_progress(
        [(20, Decimal("100000"), "ongoing"), (100, Decimal(0), "done")]
    ) == Decimal("20.0")


@pytest.mark.parametrize(
    ("end", "status", "expected"),
    [
        (date(2024, 5, 31), "ongoing", True),
        (date(2024, 5, 31), "not_started", True),
        (date(2024, 5, 31), "paused", True),
        (date(2024, 5, 31), "done", False),
        (date(2024, 5, 31), "cancelled", False),
        (date(2024, 6, 1), "ongoing", False),  # ends today: not yet overdue
        (date(2024, 12, 31), "ongoing", False),
    ],
)
def test_overdue_means_past_end_date_and_not_done_or_cancelled(end, status, expected):
    assert rules.is_overdue(end_date=end, status=status, today=date(2024, 6, 1)) is expected


def test_find_cycle_names_the_cycle_a_new_dependency_would_close():
    # 1 depends on 2, 2 depends on 3. Making 3 depend on 1 closes 3 → 1 → 2 → 3.
    edges = {1: {2}, 2: {3}}
    assert rules.find_cycle(edges, 3, [1]) == [3, 1, 2, 3]


def test_find_cycle_refuses_depending_on_itself():
    assert rules.find_cycle({}, 7, [7]) == [7, 7]


def test_find_cycle_accepts_a_diamond():
    # 1 → 2 → 4 and 1 → 3 → 4 is not a cycle; neither is 5 depending on 1.
    edges = {1: {2, 3}, 2: {4}, 3: {4}}
    assert rules.find_cycle(edges, 5, [1]) is None
    assert rules.find_cycle(edges, 1, [2, 3]) is None


def test_find_cycle_ignores_the_activitys_own_old_edges():
    # 1 used to depend on 2; replacing that with 1 → 3 while 2 → 1 exists is fine.
    edges = {1: {2}, 2: {1}}
    assert rules.find_cycle(edges, 1, [3]) is None


def test_a_new_activity_cannot_close_a_cycle():
    assert rules.find_cycle({1: {2}, 2: {1}}, None, [1, 2]) is None


def test_payback_years_of_a_relocation():
    # Net one-off 200 000 - 20 000 = 180 000; net per year 150 000 - 50 000 = 100 000 → 1.8 years.
    years = rules.payback_years(
        one_off_cost=Decimal("200000"),
        one_off_saving=Decimal("20000"),
        yearly_cost=Decimal("50000"),
        yearly_saving=Decimal("150000"),
    )
    assert years == Decimal("1.8")


def test_a_relocation_that_costs_more_each_year_never_pays_back():
    kwargs = {
        "one_off_cost": Decimal("100000"),
        "one_off_saving": Decimal(0),
        "yearly_cost": Decimal("80000"),
        "yearly_saving": Decimal("60000"),
    }
    assert rules.payback_years(**kwargs) is None
    assert rules.is_cost_effective(**kwargs) is False
    assert rules.net_yearly_saving(Decimal("60000"), Decimal("80000")) == Decimal("-20000")


def test_cost_effective_means_paying_back_within_five_years():
    base = {"one_off_saving": Decimal(0), "yearly_cost": Decimal(0)}
    # 500 000 / 100 000 = 5.0 years: within the horizon; 600 000 / 100 000 = 6.0: not.
    assert rules.is_cost_effective(
        one_off_cost=Decimal("500000"), yearly_saving=Decimal("100000"), **base
    )
    assert not rules.is_cost_effective(
        one_off_cost=Decimal("600000"), yearly_saving=Decimal("100000"), **base
    )
