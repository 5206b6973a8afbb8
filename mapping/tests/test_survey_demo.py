"""The demo kartläggning reproduces the region's documented figures (seed 000)."""

import io

import pytest
from django.core.management import call_command

from mapping import analysis, demo, selectors
from mapping.models import MunicipalityMigration, SurveyResponse, SurveyRound

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(reference_data):
    call_command("seed_demo", stdout=io.StringIO())


def test_the_2017_round_has_64_percent_of_commuters_living_in_ostersund_or_krokom(seeded):
    r = SurveyRound.objects.get(name=demo.ROUND_2017)
    rows = selectors.commuters_by_home_municipality(r)
    total = sum(row["n"] for row in rows)
    in_two = sum(row["n"] for row in rows if row["home_municipality"] in ("2380", "2309"))
    assert abs(analysis.share(in_two, total) - 64) <= 2


def test_about_65_percent_are_positive_to_flexible_work(seeded):
    r = SurveyRound.objects.get(name=demo.ROUND_2017)
    positive, answered = selectors.positive_to_flexible_work(r)
    assert abs(analysis.share(positive, answered) - 65) <= 2
    r21 = SurveyRound.objects.get(name=demo.ROUND_2021)
    assert abs(analysis.share(*selectors.positive_to_flexible_work(r21)) - 65) <= 2


def test_seed_demo_creates_the_data_once(seeded):
    counts = (SurveyResponse.objects.count(), MunicipalityMigration.objects.count())
    assert counts[0] > 1000
    assert MunicipalityMigration.objects.values("municipality").distinct().count() == 8
    call_command("seed_demo", stdout=io.StringIO())
    assert (SurveyResponse.objects.count(), MunicipalityMigration.objects.count()) == counts


def test_the_demo_publishes_its_rounds_so_the_kommun_pages_show_figures(seeded, client_for, viewer):
    assert selectors.published_round() == SurveyRound.objects.get(name=demo.ROUND_2017)
    assert selectors.published_round(SurveyRound.Kind.WORK_ENVIRONMENT).name == demo.ROUND_2021
    page = client_for(viewer).get("/municipalities/2309/").content.decode()
    assert f"Källa: {demo.ROUND_2017}" in page
    assert "Ingen enkätomgång är publicerad" not in page
