"""The business case's estimates, each checked against numbers worked out by hand."""

from decimal import Decimal

import pytest

from hubs import business_case as bc
from hubs.business_case import AnswerGroup

D = Decimal


@pytest.fixture(autouse=True)
def fixed_factors(settings):
    settings.HUBPLAN_WORK_WEEKS_PER_YEAR = 45
    settings.HUBPLAN_EMISSION_FACTORS = {}


def test_yearly_cost_is_twelve_months_of_rent_plus_other_costs():
    assert bc.yearly_cost(D("5000"), D("60000")) == D("120000")


def test_a_member_works_their_stated_hub_days_or_n():
    assert bc.hub_days(D("2"), D("1.5"), use_stated=True) == D("2")
    assert bc.hub_days(None, D("1.5"), use_stated=True) == D("1.5")
    assert bc.hub_days(D("2"), D("1.5"), use_stated=False) == D("1.5")


def test_occupancy_is_capped_at_full_and_flagged_when_demand_exceeds_capacity():
    # 2 desks × 240 days = 480 desk-days.
    assert bc.occupancy(240, 2, 240) == (0.5, False)
    assert bc.occupancy(480, 2, 240) == (1.0, False)
    assert bc.occupancy(600, 2, 240) == (1.0, True)


def test_cost_per_desk_day_divides_the_yearly_cost_by_desk_days_served():
    assert bc.cost_per_desk_day(D("120000"), 480) == D("250.00")
    assert bc.cost_per_desk_day(D("121000"), 270) == D("448.15")  # 448.148…
    assert bc.cost_per_desk_day(D("120000"), 0) is None


def test_break_even_is_the_members_that_bring_the_cost_per_desk_day_to_the_reference():
    # 120 000 ÷ (100 kr × 1.5 days × 45 weeks) = 120 000 ÷ 6 750 = 17.8 → 18 members.
    assert bc.break_even_members(D("120000"), D("100"), D("1.5"), 45) == 18
    # Exactly enough: 90 000 ÷ (100 × 2 × 45) = 10.
    assert bc.break_even_members(D("90000"), D("100"), D("2"), 45) == 10
    assert bc.break_even_members(D("90000"), D("100"), D("0"), 45) is None


def test_members_capacity_is_how_many_members_the_desks_take():
    # 480 desk-days ÷ (1.5 × 45 = 67.5) = 7.1 → 7.
    assert bc.members_capacity(2, 240, D("1.5"), 45) == 7


GROUPS = [
    # Two car commuters, 30 km and 40 min one way each, commute 5 days, said 2 hub days.
    AnswerGroup(
        n=2, stated_days=D("2"), commute_days=D("5"), mode="car", km=D("60"), minutes=D("80")
    ),
    # One bus commuter, 50 km / 70 min, commutes 3 days, gave no hub days (N = 2 applies).
    AnswerGroup(
        n=1, stated_days=None, commute_days=D("3"), mode="bus", km=D("50"), minutes=D("70")
    ),
]


def test_travel_saved_counts_return_trips_on_hub_days_with_mappings_factors():
    saved = bc.travel_saved(GROUPS, D("2"), use_stated=True, weeks=45)
    # Car: 60 km × 2 days × 2 ways × 45 = 10 800 km; × 0.12 = 1 296 kg.
    # Bus: 50 km × 2 days × 2 × 45 = 9 000 km; × 0.03 = 270 kg.
    assert saved.km == D("19800")
    assert saved.co2_kg == D("1566")
    # Minutes: (80 × 2 + 70 × 2) × 2 × 45 ÷ 60 = 450 hours.
    assert saved.hours == D("450")


def test_travel_saved_never_counts_more_days_than_someone_commutes():
    group = AnswerGroup(
        n=1, stated_days=D("4"), commute_days=D("3"), mode="car", km=D("10"), minutes=D("10")
    )
    # min(4, 3) = 3 days: 10 × 3 × 2 × 45 = 2 700 km.
    assert bc.travel_saved([group], D("2"), use_stated=True, weeks=45).km == D("2700")


def test_travel_saved_skips_answers_without_commuting_data():
    group = AnswerGroup(
        n=1, stated_days=D("2"), commute_days=None, mode="car", km=None, minutes=None
    )
    assert bc.travel_saved([group], D("2"), use_stated=True, weeks=45).km == 0


def test_the_whole_estimate_of_a_hand_computed_case():
    est = bc.estimate(
        GROUPS,
        desks=2,
        open_days=240,
        monthly_rent=D("5000"),
        other_yearly_costs=D("61000"),
        n_days=D("2"),
        use_stated=True,
        reference_price=D("100"),
        critical_mass=10,
        weeks=45,
    )
    assert est.members == 3
    assert est.hub_days_per_member == D("2.00")  # (2 × 2 + 1 × 2) ÷ 3
    assert est.desk_days_demand == D("270")  # 6 a week × 45
    assert est.capacity == 480
    assert est.occupancy == pytest.approx(0.5625)
    assert est.over_capacity is False
    assert est.yearly_cost == D("121000")
    assert est.cost_per_desk_day == D("448.15")
    # 121 000 ÷ (100 × 2 × 45 = 9 000) = 13.4 → 14 members; the desks take 480 ÷ 90 = 5.
    assert est.break_even_members == 14
    assert est.break_even_within_capacity is False
    assert est.co2_kg_saved == D("1566")
    # 3 members against the critical mass given: short of 10, not of 3.
    assert (est.below_critical_mass, est.critical_mass) == (True, 10)
    assert (
        bc.estimate(
            GROUPS,
            desks=2,
            open_days=240,
            monthly_rent=D("5000"),
            other_yearly_costs=D("61000"),
            n_days=D("2"),
            use_stated=True,
            reference_price=D("100"),
            critical_mass=3,
            weeks=45,
        ).below_critical_mass
        is False
    )


def test_an_estimate_over_capacity_costs_per_desk_day_served():
    est = bc.estimate(
        GROUPS,
        desks=1,
        open_days=100,
        monthly_rent=D("5000"),
        other_yearly_costs=D("61000"),
        n_days=D("2"),
        use_stated=True,
        reference_price=D("100"),
        critical_mass=10,
        weeks=45,
    )
    assert (est.occupancy, est.over_capacity, est.desk_days_served) == (1.0, True, 100)
    assert est.cost_per_desk_day == D("1210.00")


def test_with_n_for_all_the_members_days_are_n():
    est = bc.estimate(
        GROUPS,
        desks=2,
        open_days=240,
        monthly_rent=D("0"),
        other_yearly_costs=D("0"),
        n_days=D("1"),
        use_stated=False,
        reference_price=D("100"),
        critical_mass=10,
        weeks=45,
    )
    assert est.desk_days_demand == D("135")  # 3 members × 1 day × 45
    # Car: 60 × 1 × 2 × 45 = 5 400 km; bus: 50 × 1 × 2 × 45 = 4 500 km.
    assert est.km_saved == D("9900")


def test_without_survey_answers_break_even_uses_n():
    est = bc.estimate(
        [],
        desks=4,
        open_days=230,
        monthly_rent=D("5000"),
        other_yearly_costs=D("60000"),
        n_days=D("1.5"),
        use_stated=True,
        reference_price=D("100"),
        critical_mass=10,
        weeks=45,
    )
    assert (est.members, est.cost_per_desk_day, est.break_even_members) == (0, None, 18)


class _User:
    is_authenticated = True
    is_active = True
    is_superuser = False
    _hubplan_roles = frozenset({"Läsare"})


def test_estimates_on_fewer_than_five_respondents_are_hidden_from_non_hr():
    est = bc.estimate(
        GROUPS,
        desks=2,
        open_days=240,
        monthly_rent=D("5000"),
        other_yearly_costs=D("61000"),
        n_days=D("2"),
        use_stated=True,
        reference_price=D("100"),
        critical_mass=10,
        weeks=45,
    )
    hidden = bc.for_user(est, _User(), survey_days=True)
    assert hidden.suppressed
    assert (hidden.members, hidden.co2_kg_saved, hidden.break_even_members) == (None, None, None)
    assert hidden.yearly_cost == D("121000")  # not about people
    shown_n = bc.for_user(est, _User(), survey_days=False)
    assert shown_n.break_even_members == 14
    assert shown_n.members is None
