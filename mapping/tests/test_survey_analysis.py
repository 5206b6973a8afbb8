"""Calculations behind the survey analyses, checked against numbers worked out by hand."""

from datetime import time
from decimal import Decimal

import pytest

from mapping import analysis


def test_exactly_eleven_hours_rest_is_not_short():
    # 24 h - 9 h work - 2 × 120 min = 11 h 00 min exactly.
    assert analysis.daily_rest_minutes(Decimal("9"), 120) == 660
    assert analysis.has_short_rest(Decimal("9"), 120) is False


def test_one_minute_less_than_eleven_hours_is_short():
    # 24 h - 9 h - 2 × 121 min = 10 h 58 min.
    assert analysis.daily_rest_minutes(Decimal("9"), 121) == 658
    assert analysis.has_short_rest(Decimal("9"), 121) is True


def test_long_days_with_long_commutes_leave_no_negative_rest():
    assert analysis.daily_rest_minutes(Decimal("20"), 180) == 0
    assert analysis.has_short_rest(Decimal("20"), 180) is True


def test_an_overnight_shift_crossing_midnight_is_measured_across_it():
    # Night shift 22:00-07:00 (9 h) with 60 min each way: home 08:00, leaves 21:00 → 13 h.
    assert analysis.rest_between(time(7, 0), time(22, 0), 60) == 13 * 60
    assert analysis.daily_rest_minutes(Decimal("9"), 60) == 13 * 60
    # Evening shift ending 23:00, next day starting 07:00, 45 min each way: 8 h - 1.5 h = 6.5 h.
    assert analysis.rest_between(time(23, 0), time(7, 0), 45) == 390


def test_quarter_hours_of_work_count_in_whole_minutes():
    # 7.75 h = 465 min; 1440 - 465 - 2 × 157 = 661 → not short; 158 → 659 → short.
    assert analysis.has_short_rest(Decimal("7.75"), 157) is False
    assert analysis.has_short_rest(Decimal("7.75"), 158) is True


def test_yearly_travel_and_co2_for_a_car_commuter(settings):
    settings.HUBPLAN_WORK_WEEKS_PER_YEAR = 45
    # 30 km and 40 min one way, 4 days a week: 2 × 30 × 4 × 45 = 10 800 km,
    # 2 × 40 × 4 × 45 / 60 = 240 h, 10 800 × 0.12 = 1 296 kg CO₂.
    y = analysis.yearly_travel(km_days=Decimal(120), minute_days=Decimal(160), mode="car")
    assert y.km == Decimal(10800)
    assert y.hours == Decimal(240)
    assert y.co2_kg == Decimal("1296.00")


def test_emission_factors_can_be_overridden_in_settings(settings):
    settings.HUBPLAN_EMISSION_FACTORS = {"car": "0.2"}
    factors = analysis.emission_factors()
    assert factors["car"] == Decimal("0.2")
    assert factors["bus"] == analysis.EMISSION_FACTORS_DEFAULT["bus"]


def test_yearly_by_mode_adds_up_to_a_total():
    rows = [
        {"mode": "car", "km_days": Decimal(100), "minute_days": Decimal(60)},
        {"mode": "bus", "km_days": Decimal(50), "minute_days": Decimal(120)},
    ]
    out = analysis.yearly_by_mode(rows, weeks=10)
    assert out["car"].km == 2000
    assert out["bus"].km == 1000
    assert out["total"].km == 3000
    assert out["total"].hours == Decimal(60)  # 2 × 180 × 10 / 60
    assert out["total"].co2_kg == Decimal("2000") * Decimal("0.12") + Decimal(1000) * Decimal(
        "0.03"
    )


def test_the_flow_matrix_totals_equal_the_sum_of_its_cells():
    m = analysis.flow_matrix([("2309", "2380", 3), ("2380", "2380", 5), ("2380", "2321", 2)])
    assert m["total"] == 10
    assert m["row_totals"] == {"2309": 3, "2380": 7}
    assert m["col_totals"] == {"2380": 8, "2321": 2}


@pytest.mark.parametrize(
    ("part", "whole", "expected"), [(64, 100, 64.0), (2, 3, 66.7), (1, 0, None)]
)
def test_shares_are_percent_with_one_decimal(part, whole, expected):
    assert analysis.share(part, whole) == expected


# --- hub days saved: one rule, in Python and in SQL ----------------------------------


@pytest.mark.parametrize(
    ("hub_days", "commute_days", "saved"),
    [(3, 5, "3"), (3, "2", "2"), (2, "4.5", "2"), ("2.5", 2, "2"), (0, 5, "0")],
)
def test_hub_days_saved_are_the_hub_days_never_more_than_the_commuting_days(
    hub_days, commute_days, saved
):
    assert analysis.hub_days_saved(hub_days, commute_days) == Decimal(saved)


@pytest.mark.django_db
def test_hub_days_saved_in_sql_give_the_same_days_as_in_python(reference_data):
    from django.db.models import F

    from mapping.models import SurveyResponse
    from mapping.tests.factories import SurveyResponseFactory, SurveyRoundFactory

    survey_round = SurveyRoundFactory()
    for days in ("1", "2.5", "5"):
        SurveyResponseFactory(round=survey_round, commute_days_per_week=Decimal(days))
    rows = (
        SurveyResponse.objects.filter(round=survey_round)
        .annotate(saved=analysis.hub_days_saved(3, F("commute_days_per_week")))
        .order_by("commute_days_per_week")
        .values_list("commute_days_per_week", "saved")
    )
    assert [(c, s) for c, s in rows] == [
        (Decimal("1.0"), Decimal("1.0")),
        (Decimal("2.5"), Decimal("2.5")),
        (Decimal("5.0"), Decimal("3.0")),
    ]
    assert all(analysis.hub_days_saved(3, c) == s for c, s in rows)
