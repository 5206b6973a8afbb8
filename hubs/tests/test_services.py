"""Services and selectors: status history, choosing premises, SQL aggregates."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from hubs import selectors, services
from hubs.models import Hub, HubStatusChange, PremisesCandidate
from hubs.tests.factories import (
    HubFactory,
    HubMonthlyUseFactory,
    HubStatusChangeFactory,
    PremisesCandidateFactory,
)

pytestmark = pytest.mark.django_db


def test_a_hub_moves_through_its_statuses_with_dated_history(region, planner):
    hub = services.hub_create(
        hub=HubFactory.build(status="proposed"), user=planner, status_date=dt.date(2023, 1, 10)
    )
    services.hub_set_status(hub=hub, status="planned", date=dt.date(2023, 6, 1), user=planner)
    services.hub_set_status(hub=hub, status="open", date=dt.date(2023, 6, 1), user=planner)
    services.hub_set_status(hub=hub, status="closed", date=dt.date(2025, 1, 31), user=planner)
    hub.refresh_from_db()
    assert (hub.status, hub.status_since) == ("closed", dt.date(2025, 1, 31))
    assert list(hub.status_changes.values_list("status", flat=True)) == [
        "proposed",
        "planned",
        "open",
        "closed",
    ]


def test_a_new_hub_cannot_be_registered_closed(region, planner):
    with pytest.raises(ValidationError) as exc:
        services.hub_create(hub=HubFactory.build(status="closed"), user=planner)
    assert exc.value.message_dict["status"] == [str(services.NEW_HUB_CLOSED)]
    assert not Hub.objects.exists()


def test_choosing_an_assessed_premises_creates_a_planned_hub(region, planner):
    candidate = PremisesCandidateFactory(
        name="Hälsocentralen Svenstavik plan 2",
        municipality_id="2326",
        co_location=["health_centre", "library"],
        desks_possible=6,
        monthly_rent=Decimal("9000"),
    )
    hub = services.premises_choose(candidate=candidate, user=planner, date=dt.date(2025, 4, 1))
    candidate.refresh_from_db()
    assert candidate.status == "chosen"
    assert candidate.hub == hub
    assert hub.name == "Hälsocentralen Svenstavik plan 2"
    assert (hub.kind, hub.operator_type, hub.status) == ("health_centre", "region", "planned")
    assert hub.desks == 6
    assert hub.cost_per_desk_month == Decimal("1500")
    # No coordinates on the premises: the hub is placed at Svenstavik, Berg's centre.
    berg = hub.municipality
    assert (hub.latitude, hub.longitude) == (berg.centre_latitude, berg.centre_longitude)
    assert HubStatusChange.objects.get(hub=hub).date == dt.date(2025, 4, 1)


def test_premises_must_be_assessed_before_being_chosen_and_only_once(region, planner):
    identified = PremisesCandidateFactory(status="identified")
    with pytest.raises(ValidationError):
        services.premises_choose(candidate=identified, user=planner)
    assessed = PremisesCandidateFactory()
    services.premises_choose(candidate=assessed, user=planner)
    with pytest.raises(ValidationError):
        services.premises_choose(candidate=assessed, user=planner)
    assert Hub.objects.count() == 1


def test_deleting_a_hub_returns_its_premises_to_assessed(region, planner):
    candidate = PremisesCandidateFactory()
    hub = services.premises_choose(candidate=candidate, user=planner)
    services.hub_delete(hub=hub, user=planner)
    candidate.refresh_from_db()
    assert (candidate.status, candidate.hub) == (PremisesCandidate.Status.ASSESSED, None)


def test_occupancy_by_month_is_computed_in_sql_as_by_hand(region):
    # March 2025: 8 desks × 21 open days = 168 desk-days; 105 used → 62.5 %.
    # April 2025: 8 desks × 20 days = 160; 40 used → 25 %.  May: closed all month → unknown.
    hub = HubFactory(desks=8)
    HubMonthlyUseFactory(hub=hub, month=dt.date(2025, 3, 1), open_days=21, desk_days_used=105)
    HubMonthlyUseFactory(
        hub=hub,
        month=dt.date(2025, 4, 1),
        open_days=20,
        desk_days_used=40,
        members_region=1,
        members_municipality=2,
        members_state_agency=3,
        members_company=0,
        members_other=1,
    )
    HubMonthlyUseFactory(hub=hub, month=dt.date(2025, 5, 1), open_days=0, desk_days_used=0)
    rows = list(selectors.occupancy_by_month(hub))
    assert [r.occupancy_share for r in rows] == [pytest.approx(0.625), pytest.approx(0.25), None]
    assert rows[1].members_total == 7
    assert rows[0].occupancy == pytest.approx(0.625)  # the model's pure-rule property agrees
    region_rows = list(selectors.occupancy_by_region_month())
    assert region_rows[0]["capacity"] == 168


def test_hubs_by_municipality_counts_open_and_planned_hubs_and_desks(region):
    HubFactory(municipality_id="2326", status="open", desks=6)
    HubFactory(municipality_id="2326", status="planned", desks=4)
    HubFactory(municipality_id="2326", status="planned", desks=5)
    HubFactory(municipality_id="2326", status="closed", desks=9)
    HubFactory(municipality_id="2380", status="open", desks=20)
    rows = {m.code: m for m in selectors.hubs_by_municipality()}
    assert len(rows) == 8
    berg = rows["2326"]
    assert (berg.hubs_open, berg.hubs_planned, berg.desks_open, berg.desks_planned) == (1, 2, 6, 9)
    assert (rows["2380"].hubs_open, rows["2380"].desks_open) == (1, 20)
    assert (rows["2303"].hubs_open, rows["2303"].desks_open) == (0, 0)


def test_a_status_change_refuses_a_date_before_the_previous_one(region, planner):
    hub = HubStatusChangeFactory(hub__status="proposed", hub__status_since=dt.date(2024, 3, 1)).hub
    with pytest.raises(ValidationError) as exc:
        services.hub_set_status(hub=hub, status="planned", date=dt.date(2024, 2, 1), user=planner)
    assert list(exc.value.message_dict) == ["date"]


def test_dashboard_selectors_count_statuses_and_pool_occupancy(region):
    # Hub A: 168 capacity, 105 used; hub B: 4 × 20 = 80 capacity, 20 used → (105+20)/(168+80).
    a = HubFactory(desks=8, status="open")
    b = HubFactory(desks=4, status="planned")
    HubMonthlyUseFactory(hub=a, desks=8, open_days=21, desk_days_used=105)
    HubMonthlyUseFactory(hub=b, desks=4, open_days=20, desk_days_used=20)
    assert selectors.status_counts() == {
        "proposed": 0,
        "planned": 1,
        "open": 1,
        "closed": 0,
        "cancelled": 0,
    }
    pooled = {h.pk: h.avg_occupancy for h in selectors.with_occupancy(Hub.objects.all())}
    assert pooled[a.pk] == pytest.approx(0.625)
    assert pooled[b.pk] == pytest.approx(0.25)
    month = selectors.occupancy_by_region_month().get()
    assert month["occupancy_share"] == pytest.approx(125 / 248)
    assert month["hubs"] == 2
