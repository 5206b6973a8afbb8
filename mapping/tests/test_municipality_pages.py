"""The kommun pages at /municipalities/ (views in hubplan, which reads every app)."""

import pytest
from django.urls import reverse

from hubplan.tests.dashboard_data import BERG, build
from mapping import charts
from mapping.models import Municipality


@pytest.mark.django_db
def test_the_comparison_lists_the_regions_eight_kommuner(client_for, viewer, reference_data):
    response = client_for(viewer).get("/municipalities/")
    assert response.status_code == 200
    assert [r["code"] for r in response.context["rows"]] == list(
        Municipality.objects.in_region().order_by("name").values_list("code", flat=True)
    )
    assert len(response.context["rows"]) == 8


@pytest.mark.django_db
def test_a_kommun_page_shows_its_data_from_every_app(client_for, hr_user, reference_data):
    build()
    response = client_for(hr_user).get(f"/municipalities/{BERG}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Bergs kommun" in html
    assert "Svenstavik" in html
    assert response.context["municipality"] == Municipality.objects.get(code=BERG)
    figures = response.context["figures"]
    assert (figures["employees"], figures["with_agreement"], figures["potential"]) == (5, 5, 5)
    assert [h.desks for h in response.context["hubs"]] == [6]
    assert len(response.context["premises"]) == 2
    assert len(response.context["activities"]) == 2


@pytest.mark.django_db
def test_the_kommun_map_is_framed_on_the_kommun_without_a_colour_bar(
    client_for, viewer, reference_data
):
    berg = Municipality.objects.get(code=BERG)
    figure = client_for(viewer).get(f"/municipalities/{BERG}/").context["map"]
    trace = figure["data"][0]
    assert trace["locations"] == [BERG]
    assert trace["showscale"] is False
    centre = figure["layout"]["map"]["center"]
    lons = [p[0] for p in charts._positions(berg.boundary)]
    lats = [p[1] for p in charts._positions(berg.boundary)]
    assert min(lons) < centre["lon"] < max(lons)
    assert min(lats) < centre["lat"] < max(lats)
    # Closer than the whole-region view.
    assert figure["layout"]["map"]["zoom"] > charts.REGION_ZOOM


def test_the_frame_of_a_square_is_its_centre():
    square = {
        "type": "Polygon",
        "coordinates": [[[14, 62], [18, 62], [18, 63], [14, 63], [14, 62]]],
    }
    (lat, lon), zoom = charts.frame(square, width_px=512, height_px=512)
    assert lon == 16
    assert 62.4 < lat < 62.6
    # Longitude decides (4° wide, 1° high ≈ 2.2° of longitude at 62.5° N):
    # 4° in 512 px → 2^z = 360 / 4 → z = log2(90) ≈ 6.49; minus the 0.1 margin.
    assert zoom == pytest.approx(6.39, abs=0.01)


@pytest.mark.django_db
def test_suitability_is_not_taken_for_a_kommun_code(client_for, viewer, reference_data):
    assert reverse("municipalities:suitability") == "/municipalities/suitability/"
    response = client_for(viewer).get("/municipalities/suitability/")
    assert response.status_code == 200
    assert "ranking" in response.context


@pytest.mark.django_db
def test_an_unknown_kommun_is_404(client_for, viewer, reference_data):
    assert client_for(viewer).get("/municipalities/9999/").status_code == 404


@pytest.mark.django_db
def test_the_menu_leads_to_the_kommuner(client_for, viewer, reference_data):
    html = client_for(viewer).get("/").content.decode()
    assert 'href="/municipalities/"' in html
