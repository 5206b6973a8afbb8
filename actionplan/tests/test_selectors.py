"""Per-area totals, weighted progress, overdue and the plan as of a date, computed in SQL."""

from datetime import date
from decimal import Decimal

import pytest

from actionplan import selectors
from actionplan.models import Activity
from actionplan.tests.factories import ActivityFactory, ProgressReportFactory
from mapping.models import Municipality

S = Activity.Status


@pytest.fixture
def plan(areas):
    """Area 1: three activities plus a cancelled one (the hand-computed case); area 2: one."""
    a1 = areas[1]
    return {
        "a": ActivityFactory(
            area=a1,
            progress=40,
            planned_budget=100000,
            actual_cost=30000,
            status=S.ONGOING,
            end_date=date(2024, 5, 31),
        ),
        "b": ActivityFactory(
            area=a1,
            progress=100,
            planned_budget=300000,
            actual_cost=310000.50,
            status=S.DONE,
            end_date=date(2024, 5, 31),
        ),
        "c": ActivityFactory(
            area=a1,
            progress=0,
            planned_budget=100000,
            actual_cost=0,
            status=S.NOT_STARTED,
            end_date=date(2024, 12, 31),
        ),
        "x": ActivityFactory(
            area=a1,
            progress=50,
            planned_budget=1000000,
            actual_cost=12000,
            status=S.CANCELLED,
            end_date=date(2024, 1, 31),
        ),
        "d": ActivityFactory(
            area=areas[2],
            progress=10,
            planned_budget=0,
            actual_cost=2500,
            status=S.PAUSED,
            end_date=date(2024, 3, 1),
        ),
    }


@pytest.mark.django_db
def test_budget_and_cost_per_area_are_the_sums_of_their_activities(plan, areas):
    summary = {a.number: a for a in selectors.area_summaries(on=date(2024, 6, 1))}
    # Area 1: 100 000 + 300 000 + 100 000 + 1 000 000 = 1 500 000 budget;
    # 30 000 + 310 000.50 + 0 + 12 000 = 352 000.50 cost.
    assert summary[1].budget_total == Decimal("1500000.00")
    assert summary[1].cost_total == Decimal("352000.50")
    assert summary[1].n_activities == 4
    assert summary[2].budget_total == Decimal("0")
    assert summary[2].cost_total == Decimal("2500.00")
    # Areas with no activity show zeros, not None.
    assert summary[3].budget_total == Decimal("0")
    assert summary[3].n_activities == 0
    assert summary[3].weighted_progress is None
    # And each equals a plain sum over the activities of the area.
    for number in (1, 2):
        acts = Activity.objects.filter(area__number=number)
        assert summary[number].budget_total == sum(a.planned_budget for a in acts)
        assert summary[number].cost_total == sum(a.actual_cost for a in acts)


@pytest.mark.django_db
def test_weighted_progress_per_area_matches_the_hand_computed_case(plan):
    summary = {a.number: a for a in selectors.area_summaries(on=date(2024, 6, 1))}
    # (40 × 100 000 + 100 × 300 000 + 0 × 100 000) / 500 000 = 68.0 (cancelled left out).
    assert summary[1].weighted_progress == Decimal("68.0")
    # Area 2 has no budget: equal weights, a single activity at 10 %.
    assert summary[2].weighted_progress == Decimal("10.0")


@pytest.mark.django_db
def test_overdue_counts_past_end_and_not_closed(plan):
    on = date(2024, 6, 1)
    summary = {a.number: a for a in selectors.area_summaries(on=on)}
    # a (ongoing, ended 31 May) and d (paused, ended 1 March); b is done, x cancelled.
    assert summary[1].n_overdue == 1
    assert summary[2].n_overdue == 1
    assert selectors.overdue_count(on=on) == 2
    overdue = {a.title for a in selectors.activities(overdue=True, on=on)}
    assert overdue == {plan["a"].title, plan["d"].title}


@pytest.mark.django_db
def test_plan_progress_summary_covers_the_whole_plan(plan):
    s = selectors.plan_progress_summary(on=date(2024, 6, 1))
    assert s.n_activities == 5
    assert s.n_done == 1
    assert s.n_overdue == 2
    assert s.budget_total == Decimal("1500000.00")
    assert s.cost_total == Decimal("354500.50")
    # Budget-weighted over a, b, c, d (d has no budget, so it weighs nothing): 68.0.
    assert s.weighted_progress == Decimal("68.0")


@pytest.mark.django_db
def test_activities_per_kommun_counts_each_kommun(plan):
    berg = Municipality.objects.get(code="2326")
    are = Municipality.objects.get(code="2321")
    plan["a"].municipalities.set([berg, are])
    plan["b"].municipalities.set([berg])
    rows = {m.code: m for m in selectors.activities_per_municipality(on=date(2024, 6, 1))}
    assert len(rows) == 8
    assert rows["2326"].n_activities == 2
    assert rows["2326"].n_overdue == 1
    assert rows["2326"].budget_total == Decimal("400000.00")
    assert rows["2321"].n_activities == 1
    assert rows["2380"].n_activities == 0


@pytest.mark.django_db
def test_the_board_report_reconstructs_the_plan_as_of_a_date(areas):
    a = ActivityFactory(
        area=areas[1], start_date=date(2021, 4, 1), end_date=date(2021, 9, 30), planned_budget=100
    )
    b = ActivityFactory(
        area=areas[1], start_date=date(2021, 5, 1), end_date=date(2022, 6, 30), planned_budget=300
    )
    ActivityFactory(area=areas[2], start_date=date(2023, 1, 1), end_date=date(2023, 12, 31))
    ProgressReportFactory(activity=a, date=date(2021, 5, 1), progress=20, cost_to_date=10)
    ProgressReportFactory(activity=a, date=date(2021, 8, 1), progress=60, cost_to_date=40)
    ProgressReportFactory(
        activity=a, date=date(2021, 11, 1), progress=100, cost_to_date=90, status=S.DONE
    )
    ProgressReportFactory(activity=b, date=date(2021, 6, 15), progress=10, cost_to_date=5)

    rows = {
        r.pk: r for r in selectors.board_report(as_of=date(2021, 10, 1), previous=date(2021, 7, 1))
    }
    # The 2023 activity had not started: left out.
    assert set(rows) == {a.pk, b.pk}
    assert (rows[a.pk].progress_then, rows[a.pk].cost_then) == (60, Decimal("40.00"))
    assert (rows[a.pk].progress_before, rows[a.pk].progress_change) == (20, 40)
    assert rows[a.pk].overdue_then  # ended 30 Sept, still ongoing on 1 Oct
    assert rows[a.pk].changed
    assert [r.date for r in rows[a.pk].new_reports] == [date(2021, 8, 1)]
    assert not rows[b.pk].changed  # its only report was before the previous date
    areas_then = selectors.board_report_areas(list(rows.values()))
    # (60 × 100 + 10 × 300) / 400 = 9 000 / 400 = 22.5
    assert areas_then[0]["weighted_progress"] == Decimal("22.5")
    assert areas_then[0]["cost"] == Decimal("45.00")

    later = {
        r.pk: r for r in selectors.board_report(as_of=date(2021, 12, 1), previous=date(2021, 10, 1))
    }
    assert later[a.pk].status_then == S.DONE
    assert not later[a.pk].overdue_then
