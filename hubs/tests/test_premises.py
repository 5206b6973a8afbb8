"""Premises candidates: list, filters, export, create/edit/delete and choose, by HTTP."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hubs.models import Hub, PremisesCandidate
from hubs.tests.factories import PremisesCandidateFactory

pytestmark = pytest.mark.django_db


def premises_data(**overrides):
    data = {
        "name": "Biblioteket Hammarstrand",
        "municipality": "2303",
        "address": "Centralgatan 3",
        "postcode": "840 70",
        "area_m2": "90",
        "desks_possible": "5",
        "monthly_rent": "6000",
        "available_from": "2025-09-01",
        "co_location": ["library", "town_hall"],
        "status": "identified",
        "assessment": "Ljust, nära busshållplatsen.",
    }
    data.update(overrides)
    return data


def test_a_planner_registers_assesses_and_chooses_a_premises(client_for, planner, region):
    client = client_for(planner)
    assert client.post("/hubs/premises/new/", premises_data()).status_code == 302
    candidate = PremisesCandidate.objects.get()
    assert candidate.co_location == ["library", "town_hall"]
    response = client.post(f"/hubs/premises/{candidate.pk}/edit/", premises_data(status="assessed"))
    assert response.status_code == 302
    response = client.post(f"/hubs/premises/{candidate.pk}/choose/")
    hub = Hub.objects.get()
    assert response["Location"] == f"/hubs/{hub.pk}/edit/"
    assert (hub.name, hub.kind, hub.status) == ("Biblioteket Hammarstrand", "other", "planned")
    candidate.refresh_from_db()
    assert candidate.status == "chosen"


def test_the_premises_form_cannot_set_chosen(client_for, planner, region):
    response = client_for(planner).post("/hubs/premises/new/", premises_data(status="chosen"))
    assert "status" in response.context["form"].errors
    assert not PremisesCandidate.objects.exists()


def test_choosing_an_unassessed_premises_shows_why_and_creates_nothing(client_for, planner, region):
    candidate = PremisesCandidateFactory(status="identified")
    response = client_for(planner).post(f"/hubs/premises/{candidate.pk}/choose/")
    assert response.status_code == 400
    assert "bedöm den först" in response.content.decode()
    assert not Hub.objects.exists()


def test_a_viewer_reads_premises_but_gets_403_on_writes(client_for, viewer, region):
    candidate = PremisesCandidateFactory()
    client = client_for(viewer)
    assert client.get("/hubs/premises/").status_code == 200
    for path in (
        "/hubs/premises/new/",
        f"/hubs/premises/{candidate.pk}/edit/",
        f"/hubs/premises/{candidate.pk}/delete/",
        f"/hubs/premises/{candidate.pk}/choose/",
    ):
        assert client.get(path).status_code == 403
        assert client.post(path).status_code == 403
    assert PremisesCandidate.objects.filter(status="assessed").count() == 1


def test_deleting_a_premises_asks_first(client_for, planner, region):
    candidate = PremisesCandidateFactory()
    client = client_for(planner)
    assert client.get(f"/hubs/premises/{candidate.pk}/delete/").status_code == 200
    assert client.post(f"/hubs/premises/{candidate.pk}/delete/").status_code == 302
    assert not PremisesCandidate.objects.exists()


def test_the_premises_list_filters_sorts_and_exports(client_for, viewer, region):
    PremisesCandidateFactory(name="A", municipality_id="2326", co_location=["health_centre"])
    PremisesCandidateFactory(name="B", status="rejected", co_location=["library", "town_hall"])
    client = client_for(viewer)

    def names(**params):
        return [c.name for c in client.get("/hubs/premises/", params).context["candidates"]]

    assert names(municipality="2326") == ["A"]
    assert names(status="rejected") == ["B"]
    assert names(co_location="town_hall") == ["B"]
    assert names(sort="name") == ["A", "B"]
    csv_text = client.get("/hubs/premises/", {"status": "rejected", "format": "csv"})
    lines = csv_text.content.decode("utf-8-sig").strip().split("\r\n")
    assert len(lines) == 2
    assert lines[1].startswith("B;Östersund")
    xlsx = client.get("/hubs/premises/", {"format": "xlsx"})
    assert xlsx["Content-Disposition"].endswith('.xlsx"')


def test_the_premises_list_query_count_does_not_grow(client_for, viewer, region):
    client = client_for(viewer)
    client.get("/hubs/premises/")
    PremisesCandidate.objects.bulk_create(
        [PremisesCandidateFactory.build(name=f"L{i}") for i in range(5)]
    )
    with CaptureQueriesContext(connection) as few:
        client.get("/hubs/premises/")
    PremisesCandidate.objects.bulk_create(
        [PremisesCandidateFactory.build(name=f"M{i}") for i in range(120)]
    )
    with CaptureQueriesContext(connection) as many:
        response = client.get("/hubs/premises/")
    assert response.context["page_obj"].paginator.count == 125
    assert len(few) == len(many)
