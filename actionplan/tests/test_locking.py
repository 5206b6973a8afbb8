"""No lost updates on an activity: two planners edit at once, the second save is refused (issue 8).

Through HTTP with two test clients: both open the edit form, the first saves, the
second's save is refused on the form with their input kept; a progress report filed
in between refuses an edit opened before it too.
"""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse
from django.utils.html import escape

from actionplan.models import Activity
from actionplan.tests.factories import ActivityFactory
from actionplan.tests.test_pages import _activity_post
from hubplan.access import PLANNER
from hubplan.locking import STALE_MESSAGE
from mapping.models import Municipality


def _second_planner() -> User:
    user = User.objects.create_user("t-planner-2", password="pw-for-tests-only")
    user.groups.add(Group.objects.get_or_create(name=PLANNER)[0])
    return user


def _open(client, activity):
    response = client.get(reverse("plan:activity-update", args=[activity.pk]))
    assert response.status_code == 200
    return response.context["form"]["lock_version"].value()


def _edit(client, activity, lock_version, **overrides):
    data = _activity_post(activity.area, **overrides)
    data["lock_version"] = lock_version
    return client.post(reverse("plan:activity-update", args=[activity.pk]), data)


@pytest.mark.django_db
def test_the_second_of_two_planners_editing_an_activity_is_refused_and_keeps_their_input(
    client_for, planner, areas
):
    activity = ActivityFactory(area=areas[1], title="Kartlägga lokaler")
    other = _second_planner()
    first, second = client_for(planner), client_for(other)
    seen_by_first, seen_by_second = _open(first, activity), _open(second, activity)

    assert _edit(first, activity, seen_by_first, planned_budget="55000").status_code == 302
    history_after_first = activity.history.count()

    berg = Municipality.objects.get(code="2326")
    response = _edit(
        second,
        activity,
        seen_by_second,
        title="Kartlägga lokaler i Berg",
        municipalities=[berg.pk],
    )

    assert response.status_code == 200
    html = response.content.decode()
    title_now = "Dialog med Bergs kommun om hubb i Svenstavik"  # what the first one saved
    assert escape(STALE_MESSAGE % {"object": title_now}) in html
    assert 'value="Kartlägga lokaler i Berg"' in html  # their input is kept
    assert f"Nu sparat: {title_now}" in html
    assert "Nu sparat: 55" in html  # the first one's budget, which the second did not enter
    activity.refresh_from_db()
    assert activity.title == title_now
    assert activity.planned_budget == Decimal("55000")
    assert not activity.municipalities.exists()
    assert activity.lock_version == 2
    assert activity.history.count() == history_after_first
    assert response.context["form"]["lock_version"].value() == "2"

    again = _edit(second, activity, "2", title="Kartlägga lokaler i Berg")
    assert again.status_code == 302
    activity.refresh_from_db()
    assert (activity.title, activity.lock_version) == ("Kartlägga lokaler i Berg", 3)
    assert activity.history.first().history_user == other


@pytest.mark.django_db
def test_a_progress_report_between_opening_and_saving_an_activity_refuses_the_edit(
    client_for, planner, areas
):
    activity = ActivityFactory(area=areas[1])
    client = client_for(planner)
    opened = _open(client, activity)
    report = client_for(_second_planner()).post(
        reverse("plan:report-create", args=[activity.pk]),
        {
            "date": "2030-02-15",
            "status": "ongoing",
            "progress": "35",
            "cost_to_date": "12500",
            "text": "Två lokaler besökta.",
        },
    )
    assert report.status_code == 302

    # The form still shows progress 0 from before the report; saving it would undo the roll-up.
    response = _edit(client, activity, opened, title="Nytt namn")

    assert response.status_code == 200
    assert "Nu sparat: 35" in response.content.decode()
    activity.refresh_from_db()
    assert activity.title != "Nytt namn"
    assert activity.progress == 35
    assert activity.actual_cost == Decimal("12500")
    assert activity.lock_version == 2


@pytest.mark.django_db
def test_the_create_form_has_no_lock_version_and_still_creates(client_for, planner, areas):
    client = client_for(planner)
    form = client.get(reverse("plan:activity-create")).context["form"]
    assert "lock_version" not in form.fields
    response = client.post(reverse("plan:activity-create"), _activity_post(areas[1]))
    assert response.status_code == 302
    assert Activity.objects.get().lock_version == 1
