"""load_reference: the shipped kommun and organisation data, loaded idempotently."""

import pytest
from django.core.management import call_command

from mapping.models import County, Municipality, Organisation


def _load():
    call_command("load_reference", stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.mark.django_db
def test_it_loads_all_kommuner_twice_without_duplicates():
    _load()
    first_orgs = Organisation.objects.count()
    _load()
    assert Municipality.objects.count() == 290
    assert Municipality.objects.exclude(boundary=None).count() == 8
    assert County.objects.count() == 21
    assert Organisation.objects.count() == first_orgs


@pytest.mark.django_db
def test_the_region_has_its_eight_kommuner_with_facts():
    _load()
    region = Municipality.objects.in_region()
    assert sorted(region.values_list("name", flat=True)) == sorted(
        ["Berg", "Bräcke", "Härjedalen", "Krokom", "Ragunda", "Strömsund", "Åre", "Östersund"]
    )
    ostersund = Municipality.objects.get(code="2380")
    assert ostersund.official_name == "Östersunds kommun"
    assert ostersund.population == 64979
    assert ostersund.population_year == 2024
    assert ostersund.centre_name == "Östersund"
    assert ostersund.boundary["type"] in {"Polygon", "MultiPolygon"}
    # Every region kommun has a full set of facts; no other kommun has a boundary.
    assert not region.filter(population=None).exists()
    assert not region.filter(centre_latitude=None).exists()
    assert not Municipality.objects.exclude(county_id="23").exclude(boundary=None).exists()


@pytest.mark.django_db
def test_organisations_follow_the_documents():
    _load()
    network = set(
        Organisation.objects.filter(in_agency_network=True).values_list("name", flat=True)
    )
    # Ten agencies plus Östersunds kommun (seed 001).
    assert len(network) == 11
    assert "Östersunds kommun" in network
    assert "Länsstyrelsen Jämtlands län" in network
    region = Organisation.objects.get(name="Region Jämtland Härjedalen")
    assert region.children.count() == 3
    assert Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY).count() == 8


@pytest.mark.django_db
def test_it_restores_a_changed_fact():
    _load()
    Municipality.objects.filter(code="2380").update(population=1, name="Fel")
    _load()
    ostersund = Municipality.objects.get(code="2380")
    assert (ostersund.name, ostersund.population) == ("Östersund", 64979)
