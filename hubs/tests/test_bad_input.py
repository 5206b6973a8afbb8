"""Issue point 6: bad input gets a Swedish message at the field and nothing is saved."""

import datetime as dt

import pytest

from hubs import services
from hubs.models import (
    DUPLICATE_HUB_NAME,
    LATITUDE_OUTSIDE_SWEDEN,
    LONGITUDE_OUTSIDE_SWEDEN,
    NEGATIVE_NUMBER,
    Hub,
    HubMonthlyUse,
    HubStatusChange,
)
from hubs.tests.factories import HubFactory, HubStatusChangeFactory
from hubs.tests.test_hub_pages import hub_post_data

pytestmark = pytest.mark.django_db


def _post_new_hub(client_for, planner, **overrides):
    response = client_for(planner).post("/hubs/new/", hub_post_data(**overrides))
    assert response.status_code == 200
    return response.context["form"]


def test_a_latitude_outside_sweden_is_refused_at_the_field(client_for, planner, region):
    form = _post_new_hub(client_for, planner, latitude="59.91", longitude="10.75")  # Oslo
    assert form.errors["longitude"] == [str(LONGITUDE_OUTSIDE_SWEDEN)]
    form = _post_new_hub(client_for, planner, latitude="54.5")
    assert form.errors["latitude"] == [str(LATITUDE_OUTSIDE_SWEDEN)]
    assert not Hub.objects.exists()


def test_negative_desks_are_refused_at_the_field(client_for, planner, region):
    form = _post_new_hub(client_for, planner, desks="-3")
    assert form.errors["desks"] == [str(NEGATIVE_NUMBER)]
    assert not Hub.objects.exists()


def test_a_duplicate_hub_name_in_the_same_kommun_is_refused_at_the_name(
    client_for, planner, region
):
    HubFactory(name="Hubben i Hammarstrand", municipality_id="2303")
    form = _post_new_hub(client_for, planner)
    assert form.errors["name"] == [str(DUPLICATE_HUB_NAME)]
    assert "__all__" not in form.errors
    assert Hub.objects.count() == 1
    assert not HubStatusChange.objects.exists()


def test_the_same_hub_name_in_another_kommun_is_allowed(client_for, planner, region):
    HubFactory(name="Hubben i Hammarstrand", municipality_id="2380")
    response = client_for(planner).post("/hubs/new/", hub_post_data())
    assert response.status_code == 302
    assert Hub.objects.filter(name="Hubben i Hammarstrand").count() == 2


def test_a_status_date_before_the_previous_change_is_refused_at_the_date(
    client_for, planner, region
):
    hub = HubStatusChangeFactory(hub__status="planned", hub__status_since=dt.date(2024, 6, 1)).hub
    response = client_for(planner).post(
        f"/hubs/{hub.pk}/status/", {"status": "open", "date": "2024-05-31"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["date"] == [
        str(services.STATUS_DATE_BEFORE_PREVIOUS) % {"previous": "2024-06-01"}
    ]
    hub.refresh_from_db()
    assert hub.status == "planned"
    assert hub.status_changes.count() == 1


def test_closing_an_unopened_hub_is_refused_at_the_status(client_for, planner, region):
    hub = HubStatusChangeFactory(hub__status="planned").hub
    response = client_for(planner).post(
        f"/hubs/{hub.pk}/status/", {"status": "closed", "date": "2025-01-01"}
    )
    assert response.context["form"].errors["status"] == [str(services.CLOSE_UNOPENED)]
    hub.refresh_from_db()
    assert hub.status == "planned"
    assert hub.status_changes.count() == 1


def test_going_back_in_status_is_refused(region, planner):
    hub = HubStatusChangeFactory(hub__status="open").hub
    with pytest.raises(services.ValidationError) as exc:
        services.hub_set_status(hub=hub, status="planned", date=dt.date(2025, 1, 1), user=planner)
    assert "status" in exc.value.message_dict
    assert hub.status_changes.count() == 1


def test_desk_days_over_capacity_are_refused_at_the_field(client_for, planner, region):
    hub = HubFactory(desks=4)
    response = client_for(planner).post(
        f"/hubs/{hub.pk}/use/",
        {"month": "2025-03", "desks": "4", "open_days": "20", "desk_days_used": "81"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["desk_days_used"] == [
        "Fler platsdagar än kapaciteten: högst 80 (skrivbord × öppna dagar)."
    ]
    assert not HubMonthlyUse.objects.exists()
