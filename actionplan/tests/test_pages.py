"""The plan's pages through the test client: reading, the planner's forms, bad input, access."""

import json
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplan.models import (
    END_BEFORE_START,
    NEGATIVE_AMOUNT,
    PROGRESS_RANGE,
    Activity,
    ProgressReport,
    RelocationAssessment,
)
from actionplan.tests.factories import (
    ActivityFactory,
    ProgressReportFactory,
    RelocationAssessmentFactory,
)
from mapping.models import Municipality, Organisation


def _gantt_json(response) -> str:
    return json.dumps(response.context["figure"], ensure_ascii=False)


def _activity_post(area, **overrides):
    data = {
        "title": "Dialog med Bergs kommun om hubb i Svenstavik",
        "description": "Första mötet med kommunledningen.",
        "area": area.pk,
        "start_date": "2030-01-10",
        "end_date": "2030-06-30",
        "planned_budget": "40000",
        "actual_cost": "0",
        "status": "not_started",
        "progress": "0",
        "responsible_unit": "Näringslivsenheten",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_every_read_page_answers_a_viewer(client_for, viewer, areas):
    a = ActivityFactory(area=areas[2])
    ProgressReportFactory(activity=a)
    r = RelocationAssessmentFactory()
    client = client_for(viewer)
    for name, args in [
        ("plan:overview", []),
        ("plan:gantt", []),
        ("plan:activity-list", []),
        ("plan:activity-detail", [a.pk]),
        ("plan:relocation-list", []),
        ("plan:relocation-detail", [r.pk]),
        ("plan:board-report", []),
    ]:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
        html = response.content.decode()
        assert "<h1" in html, name
        assert reverse("plan:activity-create") not in html, name  # no edit button for viewers


@pytest.mark.django_db
def test_a_planner_adds_an_activity_and_a_report_and_sees_overview_and_gantt_change(
    client_for, planner, areas, strategies
):
    client = client_for(planner)
    berg = Municipality.objects.get(code="2326")
    bergs_kommun = Organisation.objects.get(name="Bergs kommun")
    title = "Dialog med Bergs kommun om hubb i Svenstavik"
    assert title not in client.get(reverse("plan:overview")).content.decode()
    assert title not in _gantt_json(client.get(reverse("plan:gantt")))

    response = client.post(
        reverse("plan:activity-create"),
        _activity_post(
            areas[1],
            strategy=strategies[3].pk,
            municipalities=[berg.pk],
            partners=[bergs_kommun.pk],
            responsible=planner.pk,
        ),
    )
    activity = Activity.objects.get(title=title)
    assert response.status_code == 302
    assert response["Location"] == activity.get_absolute_url()
    assert list(activity.municipalities.all()) == [berg]
    assert list(activity.partners.all()) == [bergs_kommun]
    assert activity.responsible == planner

    response = client.post(
        reverse("plan:report-create", args=[activity.pk]),
        {
            "date": "2030-02-15",
            "status": "ongoing",
            "progress": "35",
            "cost_to_date": "12500",
            "text": "Möte hållet, två lokaler besökta.",
        },
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.status, activity.progress, activity.actual_cost) == (
        "ongoing",
        35,
        Decimal("12500.00"),
    )
    report = ProgressReport.objects.get(activity=activity)
    assert report.author == planner

    overview = client.get(reverse("plan:overview"))
    html = overview.content.decode()
    assert title in html
    area1 = next(a for a in overview.context["areas"] if a.number == 1)
    assert area1.weighted_progress == Decimal("35.0")
    assert area1.budget_total == Decimal("40000.00")
    assert area1.cost_total == Decimal("12500.00")

    gantt = client.get(reverse("plan:gantt"))
    assert title in _gantt_json(gantt)
    # Filtering by kommun keeps it; by another kommun or status drops it.
    assert title in _gantt_json(client.get(reverse("plan:gantt"), {"municipality": "2326"}))
    assert client.get(reverse("plan:gantt"), {"municipality": "2380"}).context["figure"] is None
    assert client.get(reverse("plan:gantt"), {"status": "done"}).context["figure"] is None
    assert title in _gantt_json(
        client.get(reverse("plan:gantt"), {"area": areas[1].pk, "status": "ongoing"})
    )
    detail = client.get(activity.get_absolute_url()).content.decode()
    assert "Möte hållet, två lokaler besökta." in detail


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"end_date": "2029-12-31"}, "end_date", END_BEFORE_START),
        ({"progress": "101"}, "progress", PROGRESS_RANGE),
        ({"planned_budget": "-100"}, "planned_budget", NEGATIVE_AMOUNT),
        ({"actual_cost": "-1"}, "actual_cost", NEGATIVE_AMOUNT),
    ],
)
def test_bad_activity_input_is_refused_at_the_field_and_nothing_saved(
    client_for, planner, areas, overrides, field, message
):
    response = client_for(planner).post(
        reverse("plan:activity-create"), _activity_post(areas[1], **overrides)
    )
    assert response.status_code == 200
    assert str(message) in response.context["form"].errors[field]
    assert str(message) in response.content.decode()
    assert Activity.objects.count() == 0


@pytest.mark.django_db
def test_a_dependency_cycle_is_refused_in_the_edit_form(client_for, planner, areas):
    a = ActivityFactory(area=areas[1], title="Kartlägga lokaler")
    b = ActivityFactory(area=areas[1], title="Öppna hubb")
    b.dependencies.add(a)
    response = client_for(planner).post(
        reverse("plan:activity-update", args=[a.pk]),
        _activity_post(areas[1], title="Nytt namn", dependencies=[b.pk]),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["dependencies"]
    assert "Beroendet skapar en cirkel" in errors[0]
    assert "Kartlägga lokaler → Öppna hubb → Kartlägga lokaler" in errors[0]
    a.refresh_from_db()
    assert a.title == "Kartlägga lokaler"
    assert list(a.dependencies.all()) == []


@pytest.mark.django_db
def test_a_report_with_progress_out_of_range_or_negative_cost_is_refused(
    client_for, planner, areas
):
    activity = ActivityFactory(area=areas[1], progress=20)
    client = client_for(planner)
    url = reverse("plan:report-create", args=[activity.pk])
    base = {"date": "2021-06-01", "status": "ongoing", "progress": "30", "cost_to_date": "10"}
    for bad, field, message in [
        ({"progress": "-5"}, "progress", PROGRESS_RANGE),
        ({"progress": "150"}, "progress", PROGRESS_RANGE),
        ({"cost_to_date": "-1"}, "cost_to_date", NEGATIVE_AMOUNT),
    ]:
        response = client.post(url, base | {"text": "x"} | bad)
        assert response.status_code == 200
        assert str(message) in response.context["form"].errors[field]
    assert ProgressReport.objects.count() == 0
    activity.refresh_from_db()
    assert activity.progress == 20


@pytest.mark.django_db
def test_relocation_assessments_are_created_and_bad_amounts_refused(client_for, planner, areas):
    client = client_for(planner)
    data = {
        "unit": "Löneservice",
        "reason": "existing_unit",
        "assessed_on": "2023-03-15",
        "one_off_cost": "450000",
        "yearly_cost": "120000",
        "one_off_saving": "0",
        "yearly_saving": "180000",
        "decision": "stay",
        "decision_date": "2023-05-16",
        "municipalities": [Municipality.objects.get(code="2321").pk],
    }
    bad = client.post(reverse("plan:relocation-create"), data | {"yearly_saving": "-1"})
    assert str(NEGATIVE_AMOUNT) in bad.context["form"].errors["yearly_saving"]
    undated = client.post(reverse("plan:relocation-create"), data | {"decision_date": ""})
    assert "decision_date" in undated.context["form"].errors
    assert RelocationAssessment.objects.count() == 0
    response = client.post(reverse("plan:relocation-create"), data)
    assessment = RelocationAssessment.objects.get()
    assert response["Location"] == assessment.get_absolute_url()
    # (450 000 - 0) / (180 000 - 120 000) = 7.5 years.
    assert assessment.payback_years == Decimal("7.5")
    assert "7,5" in client.get(assessment.get_absolute_url()).content.decode()
    client.post(
        reverse("plan:relocation-update", args=[assessment.pk]),
        data | {"unit": "Löneservice (del)"},
    )
    assessment.refresh_from_db()
    assert assessment.unit == "Löneservice (del)"


@pytest.mark.django_db
@pytest.mark.parametrize("user_fixture", ["viewer", "hr_user", "nobody"])
def test_only_planners_may_write(client_for, request, user_fixture, areas):
    user = request.getfixturevalue(user_fixture)
    activity = ActivityFactory(area=areas[1])
    assessment = RelocationAssessmentFactory()
    client = client_for(user)
    for name, args in [
        ("plan:activity-create", []),
        ("plan:activity-update", [activity.pk]),
        ("plan:activity-delete", [activity.pk]),
        ("plan:report-create", [activity.pk]),
        ("plan:relocation-create", []),
        ("plan:relocation-update", [assessment.pk]),
        ("plan:relocation-delete", [assessment.pk]),
    ]:
        url = reverse(name, args=args)
        assert client.get(url).status_code == 403, name
        assert client.post(url, {}).status_code == 403, name
    assert Activity.objects.filter(pk=activity.pk).exists()
    assert RelocationAssessment.objects.filter(pk=assessment.pk).exists()


@pytest.mark.django_db
def test_deleting_asks_first_and_deletes_on_post(client_for, planner, areas):
    activity = ActivityFactory(area=areas[1])
    ProgressReportFactory(activity=activity)
    client = client_for(planner)
    url = reverse("plan:activity-delete", args=[activity.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert Activity.objects.filter(pk=activity.pk).exists()
    assert client.post(url)["Location"] == reverse("plan:activity-list")
    assert not Activity.objects.filter(pk=activity.pk).exists()
    assert ProgressReport.objects.count() == 0


@pytest.mark.django_db
def test_overdue_activities_are_highlighted(client_for, viewer, areas):
    ActivityFactory(
        area=areas[1],
        title="Sen aktivitet",
        end_date=date(2021, 1, 31),
        start_date=date(2020, 1, 1),
        status="ongoing",
    )
    ActivityFactory(
        area=areas[1],
        title="Klar aktivitet",
        end_date=date(2021, 1, 31),
        start_date=date(2020, 1, 1),
        status="done",
    )
    client = client_for(viewer)
    for url in (reverse("plan:overview"), reverse("plan:activity-list")):
        html = client.get(url).content.decode()
        assert html.count("badge text-bg-danger") == 1, url
    listed = client.get(reverse("plan:activity-list"), {"overdue": "on"})
    assert [a.title for a in listed.context["activities"]] == ["Sen aktivitet"]


@pytest.mark.django_db
def test_the_list_filters_sorts_and_exports(client_for, viewer, areas):
    berg = Municipality.objects.get(code="2326")
    a = ActivityFactory(area=areas[1], title="Alfa", planned_budget=300)
    ActivityFactory(area=areas[2], title="Beta", planned_budget=100)
    ActivityFactory(area=areas[1], title="=HYPERLINK(1)", planned_budget=200, status="done")
    a.municipalities.add(berg)
    client = client_for(viewer)
    url = reverse("plan:activity-list")
    by_budget = client.get(url, {"sort": "-budget"}).context["activities"]
    assert [x.title for x in by_budget] == ["Alfa", "=HYPERLINK(1)", "Beta"]
    assert [x.title for x in client.get(url, {"municipality": "2326"}).context["activities"]] == [
        "Alfa"
    ]
    assert [x.title for x in client.get(url, {"q": "bet"}).context["activities"]] == ["Beta"]
    csv = client.get(url, {"area": areas[1].pk, "format": "csv", "sort": "title"})
    assert csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Insatsområde;Aktivitet")
    assert len(lines) == 3
    assert lines[1].startswith("1;'=HYPERLINK(1)")
    assert "Berg" in lines[2]
    xlsx = client.get(url, {"format": "xlsx"})
    assert xlsx["Content-Disposition"].endswith('.xlsx"')


@pytest.mark.django_db
def test_the_board_report_shows_the_plan_as_of_a_date(client_for, viewer, areas):
    a = ActivityFactory(
        area=areas[1],
        title="Chefsutbildning",
        start_date=date(2021, 4, 12),
        end_date=date(2021, 12, 10),
    )
    ProgressReportFactory(activity=a, date=date(2021, 5, 1), progress=20, text="Första kursen")
    ProgressReportFactory(activity=a, date=date(2021, 9, 1), progress=70, text="Höstens kurser")
    ProgressReportFactory(activity=a, date=date(2021, 12, 10), progress=100, status="done")
    response = client_for(viewer).get(
        reverse("plan:board-report"), {"as_of": "2021-09-30", "previous": "2021-06-30"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert [x.title for x in response.context["changed"]] == ["Chefsutbildning"]
    assert "Höstens kurser" in html
    assert "Första kursen" not in html  # before the previous report
    assert "70 %" in html
    bad = client_for(viewer).get(
        reverse("plan:board-report"), {"as_of": "2021-09-30", "previous": "2021-10-30"}
    )
    assert "previous" in bad.context["form"].errors


def _make_plan(areas, n):
    berg = Municipality.objects.get(code="2326")
    org = Organisation.objects.get(name="Regionstaben")
    for i in range(n):
        act = ActivityFactory(area=areas[1 + i % 4], responsible_organisation=org)
        act.municipalities.add(berg)
        ProgressReportFactory(activity=act)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        reverse("plan:overview"),
        reverse("plan:activity-list"),
        reverse("plan:gantt"),
        reverse("plan:board-report") + "?as_of=2021-12-31",
    ],
)
def test_query_counts_do_not_grow_with_the_plan(client_for, viewer, areas, url):
    client = client_for(viewer)
    client.get(url)  # warm the session and role caches
    _make_plan(areas, 5)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    _make_plan(areas, 55)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert response.status_code == 200
    assert len(small) == len(large), url
    assert len(large) <= 12, url
