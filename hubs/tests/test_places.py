"""Issue 16, point 2: a hub's or premises' point lies inside its kommun, or the form says where it is."""

import pytest
from django.core.exceptions import ValidationError

from hubs import services
from hubs.models import Hub, PremisesCandidate
from hubs.tests.factories import HubFactory, PremisesCandidateFactory
from hubs.tests.test_hub_pages import hub_post_data
from hubs.tests.test_premises import premises_data
from mapping import geometry
from mapping.models import Municipality

pytestmark = pytest.mark.django_db

MALMO = ("55.605", "13.0038")  # Malmö's Stortorget, as the issue saw it saved for Bräcke
BRACKE_TOWN = ("62.7514", "15.4209")  # Bräcke's centre, inside Bräcke
OSTERSUND_TOWN = ("63.1792", "14.6357")


def test_a_brackee_hub_at_malmos_coordinates_is_refused_with_the_kommun_named(
    client_for, planner, region
):
    lat, lon = MALMO
    response = client_for(planner).post(
        "/hubs/new/", hub_post_data(municipality="2305", latitude=lat, longitude=lon)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["latitude"] == [
        "Punkten ligger i Malmö, inte i Bräcke. Kontrollera latitud och longitud, "
        "eller välj rätt kommun."
    ]
    assert not Hub.objects.exists()


def test_a_point_in_a_neighbouring_kommun_names_it(client_for, planner, region):
    lat, lon = OSTERSUND_TOWN
    response = client_for(planner).post(
        "/hubs/new/", hub_post_data(municipality="2305", latitude=lat, longitude=lon)
    )
    assert (
        "Punkten ligger i Östersund, inte i Bräcke."
        in response.context["form"].errors["latitude"][0]
    )
    assert not Hub.objects.exists()


def test_a_point_in_the_sea_is_outside_every_known_boundary(client_for, planner, region):
    # The Bothnian Sea east of Sundsvall: in Sweden's box, in no kommun.
    response = client_for(planner).post(
        "/hubs/new/", hub_post_data(municipality="2305", latitude="62.5", longitude="19.5")
    )
    message = response.context["form"].errors["latitude"][0]
    assert message.startswith("Punkten ligger utanför alla kända kommungränser, inte i Bräcke.")
    assert not Hub.objects.exists()


def test_a_point_inside_the_kommun_is_saved(client_for, planner, region):
    lat, lon = BRACKE_TOWN
    response = client_for(planner).post(
        "/hubs/new/",
        hub_post_data(municipality="2305", latitude=lat, longitude=lon, name="Bräcke hubb"),
    )
    assert response.status_code == 302
    hub = Hub.objects.get()
    assert (hub.municipality_id, hub.latitude, hub.longitude) == ("2305", 62.7514, 15.4209)


def test_editing_a_hub_cannot_move_it_out_of_its_kommun(client_for, planner, region):
    hub = HubFactory(municipality_id="2305")
    data = hub_post_data(municipality="2305", latitude=MALMO[0], longitude=MALMO[1])
    data.pop("status")
    data.pop("status_date")
    data["lock_version"] = hub.lock_version
    response = client_for(planner).post(f"/hubs/{hub.pk}/edit/", data)
    assert response.status_code == 200
    assert "Malmö" in response.context["form"].errors["latitude"][0]
    hub.refresh_from_db()
    assert hub.latitude != 55.605


def test_a_premises_at_the_wrong_place_is_refused_and_one_without_a_point_is_not(
    client_for, planner, region
):
    client = client_for(planner)
    response = client.post(
        "/hubs/premises/new/",
        premises_data(municipality="2305", latitude=MALMO[0], longitude=MALMO[1]),
    )
    assert response.status_code == 200
    assert (
        response.context["form"]
        .errors["latitude"][0]
        .startswith("Punkten ligger i Malmö, inte i Bräcke.")
    )
    assert not PremisesCandidate.objects.exists()
    assert client.post("/hubs/premises/new/", premises_data()).status_code == 302


def test_the_service_refuses_the_point_so_no_path_can_bypass_it(region, planner):
    hub = Hub(
        name="Fel plats",
        kind=Hub.Kind.OTHER,
        municipality_id="2305",
        latitude=55.605,
        longitude=13.0038,
        operator_type=Hub.OperatorType.REGION,
    )
    with pytest.raises(ValidationError, match="Punkten ligger i Malmö, inte i Bräcke"):
        services.hub_create(hub=hub, user=planner)
    assert not Hub.objects.exists()
    candidate = PremisesCandidateFactory(municipality_id="2305", latitude=55.605, longitude=13.0)
    with pytest.raises(ValidationError, match="Malmö"):
        services.premises_update(candidate=candidate, user=planner)


def test_a_point_just_across_the_coarse_border_is_accepted(region):
    # The stored boundaries are simplified by up to 0.01°: Hackås (Berg) lies 0.0003°
    # outside Berg's coarse outline and is still accepted; 0.1° outside is not.
    berg = Municipality.objects.get(code="2326")
    assert not geometry.contains(berg.boundary, 62.925, 14.516, tolerant=False)
    assert geometry.point_outside_message(berg, 62.925, 14.516) is None
    assert geometry.point_outside_message(berg, 63.1792, 14.6357) is not None


def test_every_central_town_lies_in_its_own_kommun_and_names_it(region):
    for m in Municipality.objects.in_region():
        assert geometry.point_outside_message(m, m.centre_latitude, m.centre_longitude) is None
        assert geometry.municipality_at(m.centre_latitude, m.centre_longitude) == (m.code, m.name)


def test_a_kommun_without_a_boundary_is_not_checked(region):
    malmo = Municipality.objects.get(code="1280")
    assert malmo.boundary is None
    assert geometry.point_outside_message(malmo, 63.1792, 14.6357) is None


def test_factories_place_hubs_inside_their_kommun(region):
    for m in Municipality.objects.in_region():
        hub = HubFactory(municipality_id=m.code)
        hub.full_clean(validate_unique=False)
