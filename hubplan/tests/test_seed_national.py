"""seed_demo --scale national, run with tiny sizes: the same code as the full run
(which takes minutes and is measured, not tested), checked for its promises."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q

from actionplan.models import Activity
from hubs.demo import NATIONAL_NOTE as NATIONAL_HUB
from hubs.models import Hub, HubMonthlyUse
from mapping.models import Municipality, Organisation, SurveyResponse
from remoteagreements import personnummer as pnr
from remoteagreements.models import DistanceAgreement, Employee

# Totals, above what the region's demo data alone has (4,000 employees, some 600
# agreements, 30 hubs, 1,530 answers, 40-odd activities).
TINY = {
    "employees": 6000,
    "agreements": 1000,
    "hubs": 350,
    "survey_responses": 5000,
    "activities": 350,
}


def _seed(seed=2021) -> str:
    out = io.StringIO()
    call_command("seed_demo", "--scale", "national", "--seed", str(seed), stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    return {
        "employees": Employee.objects.count(),
        "agreements": DistanceAgreement.objects.count(),
        "hubs": Hub.objects.count(),
        "use": HubMonthlyUse.objects.count(),
        "survey_responses": SurveyResponse.objects.count(),
        "activities": Activity.objects.count(),
        "organisations": Organisation.objects.count(),
    }


@pytest.fixture
def national(reference_data, monkeypatch):
    monkeypatch.setattr("hubplan.demo.NATIONAL_SIZES", TINY)
    return _seed()


def test_the_national_seed_reaches_every_total_it_is_given(national):
    counts = _counts()
    for key in ("employees", "agreements", "hubs", "survey_responses", "activities"):
        assert counts[key] == TINY[key], key
    assert counts["agreements"] <= counts["employees"]


def test_every_kommun_has_a_centre_a_boundary_and_data(national):
    assert Municipality.objects.count() == 290
    assert not Municipality.objects.filter(
        Q(boundary=None) | Q(centre_latitude=None) | Q(centre_longitude=None)
    ).exists()
    lacking = Municipality.objects.annotate(
        hubs_n=Count("hubs", distinct=True),
        staff=Count("workplace_employees", distinct=True),
        activities=Count("plan_activities", distinct=True),
    ).filter(Q(hubs_n=0) | Q(staff=0) | Q(activities=0))
    assert list(lacking.values_list("code", flat=True)) == []
    answered = set(SurveyResponse.objects.values_list("home_municipality_id", flat=True))
    assert answered == set(Municipality.objects.values_list("code", flat=True))


def test_personnummer_are_unique_and_valid(national):
    numbers = list(Employee.objects.values_list("personnummer", flat=True))
    assert len(numbers) == len(set(numbers)) == TINY["employees"]
    assert all(pnr.is_valid(n) for n in numbers)


def test_every_national_hub_has_24_months_of_use_within_capacity(national):
    national_hubs = Hub.objects.filter(notes=NATIONAL_HUB)
    assert national_hubs.count() == TINY["hubs"] - 30
    months = national_hubs.annotate(n=Count("monthly_use")).values_list("n", flat=True)
    assert set(months) == {24}
    assert not HubMonthlyUse.objects.filter(desk_days_used__gt=F("desks") * F("open_days")).exists()


def test_surveys_show_commuting_between_kommuner_within_each_county(national):
    responses = SurveyResponse.objects.exclude(round__name__startswith="CERO").exclude(
        round__name__startswith="Medarbetarenkät"
    )
    commuters = responses.exclude(home_municipality=F("workplace_municipality"))
    share = commuters.count() / responses.count()
    assert 0.1 < share < 0.4
    assert not commuters.exclude(
        home_municipality__county=F("workplace_municipality__county")
    ).exists()
    # Every region's staff are spread over the region's own kommuner.
    assert (
        Employee.objects.values("administration").distinct().count() >= 21
    )  # 21 regions (+ the region's own administrations)


def test_agreements_are_spread_over_kommuner_and_mostly_running(national):
    kommuner = DistanceAgreement.objects.values("employee__home_municipality").distinct()
    assert kommuner.count() > 150
    statuses = dict(
        DistanceAgreement.objects.values_list("status").annotate(n=Count("pk")).order_by()
    )
    assert statuses["active"] > statuses.get("draft", 0)
    assert DistanceAgreement.objects.filter(place_kind="hub", hub__notes=NATIONAL_HUB).exists()


def test_a_second_national_run_adds_nothing(national):
    before = _counts()
    out = _seed()
    assert _counts() == before
    assert "nationella hubbar finns redan" in out


def test_the_run_prints_counts_and_time_per_app(national):
    for label in ("mapping", "hubs", "remoteagreements", "actionplan"):
        assert f"\n{label}: " in national
    assert "nationella medarbetare" in national
    assert "Totalt:" in national


def test_the_region_keeps_its_eight_kommuner_and_the_region_seed_stays_regional(
    reference_data,
):
    call_command("seed_demo", stdout=io.StringIO())
    assert Municipality.objects.in_region().count() == 8
    assert not Hub.objects.filter(notes=NATIONAL_HUB).exists()
    # Without the national scale no kommun outside the region gets a boundary.
    assert not Municipality.objects.exclude(county_id="23").exclude(boundary=None).exists()
