"""Business-case pages by HTTP: create, read, compare, export, access and bad input."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from hubs.models import (
    DAYS_PER_WEEK_RANGE,
    DESKS_AT_LEAST_ONE,
    NEGATIVE_AMOUNT,
    OPEN_DAYS_PER_YEAR_RANGE,
    BusinessCase,
)
from hubs.tests.factories import BusinessCaseFactory, HubFactory, PremisesCandidateFactory
from mapping.tests.factories import SurveyResponseFactory, SurveyRoundFactory

pytestmark = pytest.mark.django_db
BRACKE, KROKOM, OSTERSUND = "2305", "2309", "2380"


@pytest.fixture(autouse=True)
def fixed_factors(settings):
    settings.HUBPLAN_WORK_WEEKS_PER_YEAR = 45
    settings.HUBPLAN_EMISSION_FACTORS = {}


@pytest.fixture
def bracke_survey(region):
    """Five potential hub users in Bräcke in the published round, and answers that are not."""
    latest = SurveyRoundFactory(name="Enkät 2021", date=dt.date(2021, 4, 23), published=True)
    older = SurveyRoundFactory(name="Enkät 2017", date=dt.date(2017, 5, 1))
    common = {
        "round": latest,
        "home_municipality_id": BRACKE,
        "workplace_municipality_id": OSTERSUND,
    }
    for _ in range(4):
        SurveyResponseFactory(
            **common, mode="car", distance_km=30, travel_minutes=40, commute_days_per_week=5,
            hub_days_per_week=2, hub_interest="yes",
        )  # fmt: skip
    SurveyResponseFactory(
        **common, mode="bus", distance_km=50, travel_minutes=70, commute_days_per_week=3,
        hub_days_per_week=None, hub_interest="maybe",
    )  # fmt: skip
    # Not potential users of a Bräcke hub: works in Bräcke, not interested, lives elsewhere,
    # or answered an older round.
    SurveyResponseFactory(
        round=latest, home_municipality_id=BRACKE, workplace_municipality_id=BRACKE
    )
    SurveyResponseFactory(**common, hub_interest="no")
    SurveyResponseFactory(round=latest, home_municipality_id=KROKOM)
    SurveyResponseFactory(round=older, home_municipality_id=BRACKE)
    return latest


def case_data(**overrides):
    data = {
        "name": "Hubb i Bräcke",
        "municipality": BRACKE,
        "premises": "",
        "desks": "2",
        "monthly_rent": "5000",
        "other_yearly_costs": "61000",
        "open_days_per_year": "240",
        "survey_round": "",
        "days_per_week": "2",
        "use_stated_days": "on",
        "reference_price_per_desk_day": "100",
        "notes": "",
    }
    data.update(overrides)
    return data


def test_break_even_and_co2_match_a_hand_computed_case(client_for, planner, bracke_survey):
    case = BusinessCaseFactory(
        municipality_id=BRACKE, desks=2, open_days_per_year=240, monthly_rent=Decimal("5000"),
        other_yearly_costs=Decimal("61000"), days_per_week=Decimal("2"),
        reference_price_per_desk_day=Decimal("100"),
    )  # fmt: skip
    response = client_for(planner).get(case.get_absolute_url())
    est = response.context["estimate"]
    assert response.context["survey_round"] == bracke_survey
    # 5 members; hub days a week: 4 × 2 (stated) + 1 × N=2 = 10, i.e. 2.00 per member.
    assert est.members == 5
    assert est.hub_days_per_member == Decimal("2.00")
    assert est.desk_days_demand == Decimal("450")  # 10 × 45 weeks
    assert est.occupancy == pytest.approx(450 / 480)
    # Break-even: (12 × 5 000 + 61 000) ÷ (100 kr × 2 days × 45 weeks) = 121 000 ÷ 9 000
    # = 13.4 → 14 members.
    assert est.break_even_members == 14
    # Car: 4 × 30 km × 2 days × 2 ways × 45 weeks = 21 600 km × 0.12 = 2 592 kg.
    # Bus: 50 km × min(2, 3) days × 2 × 45 = 9 000 km × 0.03 = 270 kg.
    assert est.km_saved == Decimal("30600")
    assert est.co2_kg_saved == Decimal("2862")
    # Hours: (4 × 40 + 70) min × 2 days × 2 × 45 ÷ 60 = 690 h.
    assert est.hours_saved == Decimal("690")
    html = response.content.decode()
    assert "2\xa0862" in html, html[html.find("CO₂e per år") : html.find("CO₂e per år") + 200]


def test_a_planner_creates_a_case_through_the_form_and_sees_the_estimates(
    client_for, planner, bracke_survey
):
    client = client_for(planner)
    assert client.get("/hubs/business-case/new/").status_code == 200
    response = client.post("/hubs/business-case/new/", case_data())
    case = BusinessCase.objects.get()
    assert response["Location"] == case.get_absolute_url()
    assert (case.municipality_id, case.desks, case.created_by) == (BRACKE, 2, planner)
    assert case.survey_round is None  # the published round, whichever it is when shown
    page = client.get(case.get_absolute_url())
    assert page.context["estimate"].break_even_members == 14
    assert "Medlemmar för att bära sig" in page.content.decode()


def test_a_case_from_a_premises_takes_its_kommun_desks_and_rent(client_for, planner, region):
    premises = PremisesCandidateFactory(
        municipality_id=BRACKE, desks_possible=6, monthly_rent=Decimal("4200")
    )
    client = client_for(planner)
    form = client.get(f"/hubs/business-case/new/?premises={premises.pk}").context["form"]
    assert (form.initial["municipality"], form.initial["desks"]) == (BRACKE, 6)
    data = case_data(premises=premises.pk, municipality="", desks="", monthly_rent="")
    assert client.post("/hubs/business-case/new/", data).status_code == 302
    case = BusinessCase.objects.get()
    assert (case.municipality_id, case.desks, case.monthly_rent) == (BRACKE, 6, Decimal("4200"))


def test_a_premises_in_another_kommun_is_refused(client_for, planner, region):
    premises = PremisesCandidateFactory(municipality_id=BRACKE)
    response = client_for(planner).post(
        "/hubs/business-case/new/", case_data(premises=premises.pk, municipality=KROKOM)
    )
    assert "municipality" in response.context["form"].errors
    assert not BusinessCase.objects.exists()


def test_bad_input_is_refused_at_each_field_and_nothing_is_saved(client_for, planner, region):
    response = client_for(planner).post(
        "/hubs/business-case/new/",
        case_data(desks="0", monthly_rent="-1", days_per_week="6", open_days_per_year="367"),
    )
    errors = response.context["form"].errors
    assert errors["desks"] == [str(DESKS_AT_LEAST_ONE)]
    assert errors["monthly_rent"] == [str(NEGATIVE_AMOUNT)]
    assert errors["days_per_week"] == [str(DAYS_PER_WEEK_RANGE)]
    assert errors["open_days_per_year"] == [str(OPEN_DAYS_PER_YEAR_RANGE)]
    response = client_for(planner).post("/hubs/business-case/new/", case_data(days_per_week="0"))
    assert response.context["form"].errors["days_per_week"] == [str(DAYS_PER_WEEK_RANGE)]
    response = client_for(planner).post("/hubs/business-case/new/", case_data(municipality=""))
    assert "municipality" in response.context["form"].errors
    assert not BusinessCase.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("desks", 0),
        ("monthly_rent", Decimal("-1")),
        ("other_yearly_costs", Decimal("-1")),
        ("open_days_per_year", 0),
        ("open_days_per_year", 367),
        ("days_per_week", Decimal("0")),
        ("days_per_week", Decimal("5.5")),
        ("reference_price_per_desk_day", Decimal("0")),
    ],
)
def test_the_database_refuses_a_case_outside_its_bounds(region, field, value):
    case = BusinessCaseFactory.build(**{field: value})
    with pytest.raises(IntegrityError), transaction.atomic():
        case.save()


def test_a_viewer_reads_cases_but_gets_403_on_create_edit_and_delete(client_for, viewer, region):
    case = BusinessCaseFactory()
    client = client_for(viewer)
    for path in (
        "/hubs/business-case/",
        case.get_absolute_url(),
        f"/hubs/business-case/compare/?ids={case.pk}",
    ):
        assert client.get(path).status_code == 200
    for path in (
        "/hubs/business-case/new/",
        f"/hubs/business-case/{case.pk}/edit/",
        f"/hubs/business-case/{case.pk}/delete/",
    ):
        assert client.get(path).status_code == 403
        assert client.post(path, case_data(name="Ändrad")).status_code == 403
    assert BusinessCase.objects.get().name == case.name


def test_a_planner_edits_and_deletes_a_case_after_confirming(client_for, planner, region):
    case = BusinessCaseFactory()
    client = client_for(planner)
    response = client.post(f"/hubs/business-case/{case.pk}/edit/", case_data(name="Sex platser"))
    assert response.status_code == 302
    assert BusinessCase.objects.get().name == "Sex platser"
    assert client.get(f"/hubs/business-case/{case.pk}/delete/").status_code == 200
    assert BusinessCase.objects.exists()
    assert client.post(f"/hubs/business-case/{case.pk}/delete/").status_code == 302
    assert not BusinessCase.objects.exists()


def test_estimates_on_fewer_than_five_respondents_are_hidden_from_a_viewer_but_not_hr(
    client_for, viewer, hr_user, region
):
    # One potential user, in the published round the case estimates from.
    SurveyResponseFactory(home_municipality_id=BRACKE, round__published=True)
    case = BusinessCaseFactory(municipality_id=BRACKE)
    seen = client_for(viewer).get(case.get_absolute_url())
    assert seen.context["estimate"].members is None
    assert "färre än 5 svarande" in seen.content.decode()
    assert client_for(hr_user).get(case.get_absolute_url()).context["estimate"].members == 1


def test_the_comparison_shows_chosen_cases_side_by_side_and_exports(client_for, viewer, region):
    a = BusinessCaseFactory(name="Bräcke sex platser", municipality_id=BRACKE)
    b = BusinessCaseFactory(name="Krokom fyra platser", municipality_id=KROKOM)
    BusinessCaseFactory(name="Inte vald")
    client = client_for(viewer)
    response = client.get("/hubs/business-case/compare/", {"ids": [a.pk, b.pk]})
    assert [c.name for c in response.context["cases"]] == [a.name, b.name]
    assert response.context["chart"]["data"][0]["type"] == "bar"
    csv = client.get("/hubs/business-case/compare/", {"ids": [a.pk, b.pk], "format": "csv"})
    lines = csv.content.decode("utf-8-sig").strip().split("\r\n")
    assert len(lines) == 3
    assert lines[1].startswith("Bräcke sex platser;Bräcke;")
    assert "120000" in lines[1]  # yearly cost: 12 × 5 000 + 60 000
    xlsx = client.get("/hubs/business-case/compare/", {"ids": [a.pk], "format": "xlsx"})
    assert xlsx["Content-Disposition"].endswith('.xlsx"')


def test_the_comparison_query_count_is_the_same_for_2_and_10_cases(client_for, viewer, region):
    SurveyResponseFactory.create_batch(6, home_municipality_id=BRACKE)
    client = client_for(viewer)

    def count(n):
        BusinessCase.objects.all().delete()
        codes = [BRACKE, KROKOM, OSTERSUND, "2313", "2321"]
        ids = [BusinessCaseFactory(municipality_id=codes[i % 5]).pk for i in range(n)]
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/hubs/business-case/compare/", {"ids": ids})
        assert len(response.context["cases"]) == n
        return len(queries)

    client.get("/hubs/business-case/compare/")
    assert count(2) == count(10)


def test_the_case_list_query_count_does_not_grow_and_it_exports(client_for, viewer, region):
    client = client_for(viewer)
    BusinessCaseFactory.create_batch(3)
    client.get("/hubs/business-case/")
    with CaptureQueriesContext(connection) as few:
        client.get("/hubs/business-case/")
    BusinessCaseFactory.create_batch(30, municipality_id=BRACKE)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/hubs/business-case/")
    assert len(response.context["cases"]) == 33
    assert len(few) == len(many)
    csv = client.get("/hubs/business-case/", {"municipality": BRACKE, "format": "csv"})
    assert len(csv.content.decode("utf-8-sig").strip().split("\r\n")) == 31


def test_the_hub_list_and_premises_link_to_the_business_case(client_for, planner, region):
    HubFactory()
    premises = PremisesCandidateFactory()
    client = client_for(planner)
    assert "/hubs/business-case/" in client.get("/hubs/").content.decode()
    link = f"/hubs/business-case/new/?premises={premises.pk}"
    assert link in client.get("/hubs/premises/").content.decode()
    assert link in client.get(f"/hubs/premises/{premises.pk}/edit/").content.decode()
