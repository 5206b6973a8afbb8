"""The kommun comparison: each figure checked against the database, filters, export, queries."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import F, Q, Sum
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from actionplan.models import Activity
from hubplan import pagecache
from hubplan.tests.dashboard_data import BERG, KROKOM, build
from hubs.models import Hub, HubMonthlyUse
from mapping.analysis import emission_factors, work_weeks_per_year
from mapping.models import Municipality, Organisation, SurveyResponse
from remoteagreements.models import DistanceAgreement, Employee
from remoteagreements.tests.factories import EmployeeFactory

URL = "/municipalities/"


def _rows(response) -> dict[str, dict]:
    return {r["code"]: r for r in response.context["rows"]}


def _direct(code: str, hub_days: int = 1) -> dict:
    """Every figure of one kommun, computed straight from the tables (no app selector)."""
    today = timezone.localdate()
    m = Municipality.objects.get(code=code)
    employees = Employee.objects.filter(home_municipality_id=code)
    active = (
        DistanceAgreement.objects.filter(
            employee__home_municipality_id=code,
            status__in=["active", "ended"],
            manager_signed_at__isnull=False,
            start_date__lte=today,
            end_date__gte=today,
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
        .values("employee")
        .distinct()
        .count()
    )
    hubs = Hub.objects.filter(municipality_id=code)
    first = today.replace(day=1).replace(year=today.year - 1)
    use = HubMonthlyUse.objects.filter(hub__municipality_id=code, month__gt=first)
    used = use.aggregate(d=Sum("desk_days_used"), c=Sum(F("desks") * F("open_days")))
    answers = SurveyResponse.objects.filter(home_municipality_id=code).exclude(
        workplace_municipality_id=code
    )
    potential = answers.filter(hub_interest__in=["yes", "maybe"])
    factors = emission_factors()
    weeks = work_weeks_per_year()
    hours = km = co2 = Decimal(0)
    for a in potential:
        days = min(Decimal(hub_days), a.commute_days_per_week)
        trip_km = 2 * a.distance_km * days * weeks
        hours += 2 * a.travel_minutes * days * weeks / Decimal(60)
        km += trip_km
        co2 += trip_km * factors[a.mode]
    activities = Activity.objects.filter(municipalities=m)
    return {
        "population": m.population,
        "employees": employees.count(),
        "with_agreement": active,
        "agreements_per_1000": round(1000 * active / m.population, 2),
        "hubs_open": hubs.filter(status="open").count(),
        "desks_open": hubs.filter(status="open").aggregate(s=Sum("desks"))["s"] or 0,
        "hubs_planned": hubs.filter(status="planned").count(),
        "desks_planned": hubs.filter(status="planned").aggregate(s=Sum("desks"))["s"] or 0,
        "occupancy": round(100 * used["d"] / used["c"], 1) if used["c"] else None,
        "commuters": answers.count(),
        "potential": potential.count(),
        "hours_saved": round(hours),
        "km_saved": round(km),
        "co2_saved_kg": round(co2),
        "activities": activities.count(),
        "overdue": activities.filter(end_date__lt=today)
        .exclude(status__in=["done", "cancelled"])
        .count(),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("hub_days", [1, 2])
def test_every_figure_equals_the_database_for_two_kommuner(
    client_for, hr_user, reference_data, hub_days
):
    build()
    response = client_for(hr_user).get(URL, {"hub_days": hub_days})
    assert response.status_code == 200
    rows = _rows(response)
    for code in (KROKOM, BERG):
        expected = _direct(code, hub_days)
        shown = {key: rows[code][key] for key in expected}
        assert shown == expected, code


@pytest.mark.django_db
def test_the_hand_counted_figures_of_krokom_and_berg(client_for, hr_user, reference_data):
    build()
    rows = _rows(client_for(hr_user).get(URL))
    krokom, berg = rows[KROKOM], rows[BERG]
    assert (krokom["employees"], krokom["with_agreement"]) == (6, 3)
    assert (krokom["commuters"], krokom["potential"]) == (8, 6)
    # 6 people × 1 day × 2 trips × 30 min × 45 weeks = 16 200 min = 270 h;
    # 6 × 1 × 2 × 20 km × 45 = 10 800 km.
    assert (krokom["hours_saved"], krokom["km_saved"]) == (270, 10800)
    assert krokom["co2_saved_kg"] == 1296  # 10 800 km × 0,12 kg
    assert krokom["occupancy"] == 25.0  # 50 desk-days of 10 desks × 20 days
    assert (berg["hubs_planned"], berg["desks_planned"], berg["occupancy"]) == (1, 6, None)
    assert (berg["activities"], berg["overdue"]) == (2, 1)
    assert berg["commuters"] == 5  # the one living and working in Berg is no commuter


@pytest.mark.django_db
def test_small_cells_are_hidden_from_a_viewer_but_not_from_hr(
    client_for, viewer, hr_user, reference_data
):
    build()
    viewer_row = _rows(client_for(viewer).get(URL))[KROKOM]
    # 3 active agreements rest on fewer than 5 people.
    assert viewer_row["with_agreement"] is None
    assert viewer_row["agreements_per_1000"] is None
    assert viewer_row["employees"] == 6
    assert _rows(client_for(hr_user).get(URL))[KROKOM]["with_agreement"] == 3


@pytest.mark.django_db
def test_the_organisation_filter_counts_only_its_people(client_for, hr_user, reference_data):
    build()
    other = Organisation.objects.filter(kind="administration").exclude(name="Regionstaben").first()
    EmployeeFactory(administration=other, home_municipality_id=KROKOM)
    client = client_for(hr_user)
    assert _rows(client.get(URL))[KROKOM]["employees"] == 7
    rows = _rows(client.get(URL, {"organisation": other.pk}))
    assert rows[KROKOM]["employees"] == 1
    assert rows[KROKOM]["potential"] == 0  # the survey answers are from the region itself


@pytest.mark.django_db
def test_the_table_sorts_by_any_column(client_for, hr_user, reference_data):
    build()
    client = client_for(hr_user)
    down = [r["code"] for r in client.get(URL, {"sort": "-potential"}).context["rows"]]
    assert down[:2] == [KROKOM, BERG]
    up = [r["code"] for r in client.get(URL, {"sort": "potential"}).context["rows"]]
    assert up[-2:] == [BERG, KROKOM]


@pytest.mark.django_db
def test_the_map_shows_the_chosen_indicator(client_for, hr_user, reference_data):
    build()
    response = client_for(hr_user).get(URL, {"indicator": "desks_planned"})
    trace = response.context["map"]["data"][0]
    assert trace["type"] == "choroplethmap"
    values = dict(zip(trace["locations"], trace["z"], strict=True))
    assert values[BERG] == 6
    assert response.context["map"]["layout"]["map"]["style"] == "white-bg"


@pytest.mark.django_db
def test_the_table_exports_as_csv_and_xlsx(client_for, hr_user, reference_data):
    build()
    client = client_for(hr_user)
    response = client.get(URL, {"format": "csv", "sort": "name"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Kommunkod", "Kommun", "Folkmängd"]
    assert len(rows) == 9
    krokom = next(r for r in rows if r[0] == KROKOM)
    assert krokom[rows[0].index("Potentiella hubbanvändare")] == "6"
    xlsx = client.get(URL, {"format": "xlsx"})
    assert xlsx["Content-Disposition"].endswith('.xlsx"')


@pytest.mark.django_db
def test_the_comparison_query_count_does_not_grow_with_data(client_for, hr_user, reference_data):
    client = client_for(hr_user)
    build(scale=1)
    client.get(URL)  # warm session and role caches
    pagecache.clear()
    with CaptureQueriesContext(connection) as small:  # computed
        client.get(URL)
    with CaptureQueriesContext(connection) as small_cached:
        client.get(URL)
    build(scale=6)  # the writes make the cached comparison obsolete
    with CaptureQueriesContext(connection) as large:
        client.get(URL)
    with CaptureQueriesContext(connection) as large_cached:
        client.get(URL)
    assert len(small) == len(large)
    assert len(small) <= 15
    assert len(small_cached) == len(large_cached) < len(small)


@pytest.mark.django_db
def test_a_past_year_counts_as_on_its_last_day(client_for, hr_user, reference_data):
    build()
    year = timezone.localdate().year - 3
    response = client_for(hr_user).get(URL, {"year": year})
    assert response.context["filters"].reference_date.isoformat() == f"{year}-12-31"
    rows = _rows(response)
    # The agreements began a month ago and the hub's use is this month's.
    assert (rows[KROKOM]["with_agreement"], rows[KROKOM]["occupancy"]) == (0, None)
    # Only the long activity ran that year, and it was not yet overdue then.
    assert (rows[BERG]["activities"], rows[BERG]["overdue"]) == (1, 0)


@pytest.mark.django_db
@pytest.mark.parametrize("hub_days", [1, 3])
def test_the_comparison_and_the_rounds_hub_potential_give_the_same_figures(
    reference_data, hub_days
):
    """One query behind both (mapping.selectors.hub_savings_by_home): the same users and savings."""
    from hubplan import dashboards
    from mapping import selectors as survey_selectors

    data = build()
    used_round, by_kommun = dashboards.survey_by_kommun(
        dashboards.Filters(survey_round=data["round"], hub_days=hub_days)
    )
    assert used_round == data["round"]
    potential = survey_selectors.hub_potential(data["round"], hub_days)
    assert potential, "the build has potential hub users"
    assert {p["code"] for p in potential} == {c for c, k in by_kommun.items() if k["potential"]}
    for p in potential:
        kommun = by_kommun[p["code"]]
        assert (kommun["potential"], kommun["hours_saved"], kommun["km_saved"]) == (
            p["n"],
            p["saved"].hours,
            p["saved"].km,
        )
    assert by_kommun[KROKOM]["potential"] == _direct(KROKOM, hub_days)["potential"]
