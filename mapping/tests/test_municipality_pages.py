"""The kommun list and kommun page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mapping.models import Municipality


@pytest.mark.django_db
def test_the_list_shows_the_region_by_default(client_for, viewer, reference_data):
    response = client_for(viewer).get("/municipalities/")
    assert response.status_code == 200
    assert [m.code for m in response.context["municipalities"]] == [
        "2303",
        "2305",
        "2309",
        "2313",
        "2321",
        "2326",
        "2361",
        "2380",
    ]
    assert "map" in response.context


@pytest.mark.django_db
def test_all_kommuner_are_paged(client_for, viewer, reference_data):
    client = client_for(viewer)
    response = client.get("/municipalities/", {"county": "all"})
    assert response.context["page_obj"].paginator.count == 290
    assert len(response.context["municipalities"]) == 50
    last = client.get("/municipalities/", {"county": "all", "page": 6})
    assert len(last.context["municipalities"]) == 40


@pytest.mark.django_db
def test_an_unknown_county_falls_back_to_the_region(client_for, viewer, reference_data):
    response = client_for(viewer).get("/municipalities/", {"county": "99"})
    assert response.context["page_obj"].paginator.count == 8


@pytest.mark.django_db
def test_the_list_query_count_does_not_grow_with_rows(client_for, viewer, reference_data):
    client = client_for(viewer)
    client.get("/municipalities/")  # warm the session and role caches
    with CaptureQueriesContext(connection) as jamtland:
        client.get("/municipalities/", {"county": "23"})  # 8 kommuner
    with CaptureQueriesContext(connection) as vastra_gotaland:
        client.get("/municipalities/", {"county": "14"})  # 49 kommuner
    assert len(jamtland) == len(vastra_gotaland)
    assert len(jamtland) <= 9


@pytest.mark.django_db
def test_a_kommun_page_shows_its_facts(client_for, viewer, reference_data):
    response = client_for(viewer).get("/municipalities/2326/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Bergs kommun" in html
    assert "Svenstavik" in html
    assert response.context["municipality"] == Municipality.objects.get(code="2326")


@pytest.mark.django_db
def test_an_unknown_kommun_is_404(client_for, viewer, reference_data):
    assert client_for(viewer).get("/municipalities/9999/").status_code == 404
