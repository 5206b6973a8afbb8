"""load_reference creates the plan's four insatsområden and five strategies, once."""

import pytest
from django.core.management import call_command

from actionplan.models import Area, Strategy
from actionplan.reference import AREA_4_MAPPINGS


@pytest.mark.django_db
def test_load_reference_creates_four_areas_and_five_strategies_even_when_run_twice(
    reference_data,
):
    call_command("load_reference", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert list(Area.objects.values_list("number", flat=True)) == [1, 2, 3, 4]
    assert list(Strategy.objects.values_list("number", flat=True)) == [1, 2, 3, 4, 5]
    assert Area.objects.get(number=2).title == "Ansöka om och delta i Myndighetsnätverket"
    assert Strategy.objects.get(number=4).title.startswith("Omlokalisering av verksamheter")


@pytest.mark.django_db
def test_area_four_lists_the_plans_mappings_as_suggested_activities(reference_data):
    area = Area.objects.get(number=4)
    assert area.title == "Fördjupad kunskapsbild"
    assert area.suggested_activities == list(AREA_4_MAPPINGS)
    assert "Regionanställdas dygnsvila" in area.suggested_activities
    assert len(area.suggested_activities) == 8
