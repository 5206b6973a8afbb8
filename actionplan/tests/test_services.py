"""Services refuse bad input with a clear message and save nothing; reports roll up."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from actionplan import services
from actionplan.models import END_BEFORE_START, NEGATIVE_AMOUNT, PROGRESS_RANGE, Activity
from actionplan.tests.factories import ActivityFactory


def _fields(area, **overrides):
    fields = {
        "title": "Dialog med kommunerna",
        "area": area,
        "start_date": date(2021, 5, 1),
        "end_date": date(2021, 12, 31),
        "planned_budget": Decimal("50000"),
    }
    fields.update(overrides)
    return fields


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"end_date": date(2021, 4, 30)}, "end_date", END_BEFORE_START),
        ({"progress": 101}, "progress", PROGRESS_RANGE),
        ({"progress": -1}, "progress", PROGRESS_RANGE),
        ({"planned_budget": Decimal("-1")}, "planned_budget", NEGATIVE_AMOUNT),
        ({"actual_cost": Decimal("-0.01")}, "actual_cost", NEGATIVE_AMOUNT),
    ],
)
def test_activity_create_refuses_bad_input_and_saves_nothing(areas, overrides, field, message):
    with pytest.raises(ValidationError) as exc:
        services.activity_create(fields=_fields(areas[1], **overrides))
    assert str(message) in exc.value.message_dict[field]
    assert Activity.objects.count() == 0


@pytest.mark.django_db
def test_a_dependency_cycle_is_refused_and_the_old_dependencies_kept(areas):
    a = ActivityFactory(area=areas[1], title="Kartlägga lokaler")
    b = services.activity_create(fields=_fields(areas[1], title="Välja orter", dependencies=[a]))
    c = services.activity_create(fields=_fields(areas[1], title="Öppna hubb", dependencies=[b]))
    with pytest.raises(ValidationError) as exc:
        services.activity_update(activity=a, fields={"title": "Ändrad", "dependencies": [c]})
    message = exc.value.message_dict["dependencies"][0]
    assert "Kartlägga lokaler → Öppna hubb → Välja orter → Kartlägga lokaler" in message
    a.refresh_from_db()
    assert a.title == "Kartlägga lokaler"
    assert list(a.dependencies.all()) == []


@pytest.mark.django_db
def test_the_latest_report_sets_the_activitys_progress_cost_and_status(areas):
    activity = ActivityFactory(area=areas[1], progress=0, actual_cost=0)
    services.progress_report_create(
        activity=activity,
        fields={
            "date": date(2021, 9, 1),
            "text": "Hälften klar",
            "progress": 50,
            "cost_to_date": Decimal("20000"),
            "status": Activity.Status.ONGOING,
        },
    )
    # A back-dated report does not override the newer one.
    services.progress_report_create(
        activity=activity,
        fields={
            "date": date(2021, 6, 1),
            "text": "Start",
            "progress": 10,
            "cost_to_date": Decimal("2000"),
            "status": Activity.Status.ONGOING,
        },
    )
    activity.refresh_from_db()
    assert (activity.progress, activity.actual_cost) == (50, Decimal("20000.00"))
    latest = activity.reports.order_by("-date").first()
    services.progress_report_delete(report=latest)
    activity.refresh_from_db()
    assert (activity.progress, activity.actual_cost) == (10, Decimal("2000.00"))


@pytest.mark.django_db
def test_a_report_with_bad_figures_saves_nothing(areas):
    activity = ActivityFactory(area=areas[1], progress=30)
    for bad in ({"progress": 120}, {"cost_to_date": Decimal("-5")}):
        fields = {"date": date(2021, 9, 1), "text": "x", "progress": 40, "cost_to_date": 0} | bad
        with pytest.raises(ValidationError):
            services.progress_report_create(activity=activity, fields=fields)
    activity.refresh_from_db()
    assert activity.progress == 30
    assert activity.reports.count() == 0
