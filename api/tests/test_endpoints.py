"""What each endpoint answers, with hand-counted figures (hubplan/tests/dashboard_data.py):

Krokom (2309): 6 employees, 3 with an active agreement; an open hub with 10 desks used
50 desk-days of 10 × 20 this month (25 %), members 3 from the region and 4 from companies;
8 survey commuters to Östersund, 6 of them positive. Berg (2326): 5 employees, all 5 with
an agreement; a planned hub with 6 desks; 5 positive commuters and one who works in Berg.
The survey round is from 2021; one overdue activity concerns both, a done one Berg.
"""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hubplan.tests import dashboard_data
from hubplan.tests.dashboard_data import BERG, KROKOM, OSTERSUND

pytestmark = pytest.mark.django_db


@pytest.fixture
def region(reference_data):
    return dashboard_data.build()


def by(rows, key, value):
    return next(r for r in rows if r[key] == value)


def test_agreement_statistics_hide_small_cells_from_a_viewer_but_not_from_hr(
    region, viewer, hr_user, api_client_for
):
    url = reverse("api:agreement-stats")
    seen = api_client_for(viewer).get(url).json()
    krokom = by(seen["by_home_municipality"], "municipality", KROKOM)
    berg = by(seen["by_home_municipality"], "municipality", BERG)
    assert (krokom["employees"], krokom["with_agreement"], krokom["share"]) == (6, None, None)
    assert (berg["employees"], berg["with_agreement"], berg["share"]) == (5, 5, 100.0)
    assert (seen["employees"], seen["with_agreement"], seen["share"]) == (11, 8, 72.7)
    assert seen["by_month"][-1]["with_agreement"] == 8
    hr = api_client_for(hr_user).get(url).json()
    krokom = by(hr["by_home_municipality"], "municipality", KROKOM)
    assert (krokom["with_agreement"], krokom["share"]) == (3, 50.0)


def test_agreement_statistics_filter_by_kommun_and_count_on_31_december(
    region, viewer, api_client_for
):
    data = api_client_for(viewer).get(reverse("api:agreement-stats"), {"municipality": BERG})
    assert [r["municipality"] for r in data.json()["by_home_municipality"]] == [BERG]
    past = api_client_for(viewer).get(reverse("api:agreement-stats"), {"year": 2019}).json()
    assert past["reference_date"] == "2019-12-31"
    assert past["with_agreement"] == 0


def test_no_personal_detail_of_an_agreement_is_in_the_statistics(region, hr_user, api_client_for):
    text = api_client_for(hr_user).get(reverse("api:agreement-stats")).content.decode()
    assert "Medarbetare" not in text  # employees' names
    assert "personnummer" not in text.lower()


def test_the_flow_matrix_counts_answers_per_home_and_workplace(
    region, viewer, hr_user, api_client_for
):
    round_id = region["round"].pk
    url = reverse("api:survey-flows", args=[round_id])
    data = api_client_for(viewer).get(url).json()
    cells = {(c["home"], c["workplace"]): c["n"] for c in data["cells"]}
    # Berg → Berg is one person; with Berg's row total (6) shown, Berg → Östersund (5) would
    # give it away, and Östersund's column total would then give Berg → Östersund away
    # through Krokom → Östersund (8): secondary suppression hides all three.
    assert cells == {(KROKOM, OSTERSUND): None, (BERG, OSTERSUND): None, (BERG, BERG): None}
    assert by(data["home_totals"], "municipality", BERG)["n"] == 6
    assert data["total"] == 14
    hr_cells = api_client_for(hr_user).get(url).json()["cells"]
    assert {(c["home"], c["workplace"]): c["n"] for c in hr_cells} == {
        (KROKOM, OSTERSUND): 8,
        (BERG, OSTERSUND): 5,
        (BERG, BERG): 1,
    }
    only_berg = api_client_for(viewer).get(url, {"municipality": BERG}).json()
    assert {(c["home"], c["workplace"]) for c in only_berg["cells"]} == {
        (BERG, OSTERSUND),
        (BERG, BERG),
    }


def test_potential_hub_users_and_their_savings(region, viewer, api_client_for):
    url = reverse("api:survey-potential", args=[region["round"].pk])
    data = api_client_for(viewer).get(url, {"hub_days": 1}).json()
    krokom = by(data["municipalities"], "municipality", KROKOM)
    assert (krokom["commuters"], krokom["potential_users"]) == (8, 6)
    # 6 people × 20 km × 2 ways × 1 day × 45 weeks = 10 800 km; 6 × 30 min × 2 × 45 = 270 h.
    assert (krokom["km_saved"], krokom["hours_saved"]) == (10800, 270)
    berg = by(data["municipalities"], "municipality", BERG)
    assert (berg["commuters"], berg["potential_users"]) == (5, 5)
    assert api_client_for(viewer).get(url, {"hub_days": 9}).status_code == 400
    assert (
        api_client_for(viewer).get(reverse("api:survey-potential", args=[999999])).status_code
        == 404
    )


def test_survey_rounds_by_year(region, viewer, api_client_for):
    client = api_client_for(viewer)
    rows = client.get(reverse("api:survey-list"), {"year": 2021}).json()["results"]
    assert [(r["id"], r["responses"]) for r in rows] == [(region["round"].pk, 14)]
    assert client.get(reverse("api:survey-list"), {"year": 2020}).json()["results"] == []


def test_hubs_as_a_list_and_as_geojson(region, viewer, api_client_for):
    client = api_client_for(viewer)
    hubs = client.get(reverse("api:hub-list"), {"municipality": KROKOM}).json()
    assert hubs["count"] == 1
    hub = hubs["results"][0]
    assert (hub["status"], hub["desks"], hub["occupancy_percent"]) == ("open", 10, 25.0)
    assert "contact" not in hub  # a person's name and number stay on the hub's page
    assert "notes" not in hub
    assert client.get(reverse("api:hub-detail", args=[hub["id"]])).json()["name"] == hub["name"]
    geo = client.get(reverse("api:hub-geojson"), {"municipality": BERG}).json()
    assert geo["type"] == "FeatureCollection"
    (feature,) = geo["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [14.4, 62.8]}
    assert feature["properties"]["desks"] == 6
    planned = client.get(reverse("api:hub-list"), {"status": "planned"}).json()
    assert [h["municipality"] for h in planned["results"]] == [BERG]
    assert client.get(reverse("api:hub-list"), {"municipality": "23"}).status_code == 400


def test_monthly_use_hides_fewer_than_five_members_from_non_hr(
    region, viewer, hr_user, api_client_for
):
    url = reverse("api:hub-use")
    (row,) = api_client_for(viewer).get(url, {"municipality": KROKOM}).json()["results"]
    assert (row["members_region"], row["members_company"], row["members"]) == (None, None, 7)
    assert (row["desk_days_used"], row["occupancy_percent"]) == (50, 25.0)
    (row,) = api_client_for(hr_user).get(url, {"municipality": KROKOM}).json()["results"]
    assert (row["members_region"], row["members_company"]) == (3, 4)
    assert api_client_for(viewer).get(url, {"year": 2001}).json()["count"] == 0


def test_plan_activities_with_progress_and_budget_by_kommun_and_year(
    region, viewer, api_client_for
):
    client = api_client_for(viewer)
    rows = client.get(reverse("api:activity-list"), {"municipality": BERG}).json()["results"]
    assert sorted((r["status"], r["progress"], r["is_overdue"]) for r in rows) == [
        ("done", 100, False),
        ("ongoing", 0, True),
    ]
    assert all(r["planned_budget"] == 100000.0 for r in rows)
    assert rows[0]["municipalities"]
    krokom = client.get(reverse("api:activity-list"), {"municipality": KROKOM}).json()
    assert krokom["count"] == 1
    assert client.get(reverse("api:activity-list"), {"year": 2020}).json()["count"] == 0


def test_kommuner_carry_their_indicators(region, viewer, api_client_for):
    client = api_client_for(viewer)
    data = client.get(reverse("api:municipality-list")).json()
    assert data["count"] == 8
    krokom = by(data["results"], "code", KROKOM)["indicators"]
    assert (krokom["hubs_open"], krokom["desks_open"], krokom["occupancy"]) == (1, 10, 25.0)
    assert (krokom["region_employees"], krokom["active_agreements"]) == (6, None)
    assert krokom["potential_hub_users"] == 6
    one = client.get(reverse("api:municipality-detail", args=[BERG]), {"year": 2021}).json()
    assert one["indicators"]["potential_hub_users"] == 5
    assert one["indicators"]["hubs_open"] is None  # hub status is known for this year only
    assert client.get(reverse("api:municipality-detail", args=["0114"])).status_code == 404


def test_the_indicator_catalogue_describes_every_indicator(viewer, api_client_for):
    rows = api_client_for(viewer).get(reverse("api:indicator-list")).json()
    assert len(rows) >= 15
    assert all(r["id"] and r["title"] and r["unit"] and r["description"] for r in rows)
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids))


def test_indicator_values_one_row_per_kommun_indicator_and_year(region, viewer, api_client_for):
    client = api_client_for(viewer)
    rows = client.get(reverse("api:indicator-values"), {"year": 2021}).json()
    keys = [(r["municipality"], r["indicator"], r["year"]) for r in rows]
    assert len(keys) == len(set(keys))
    source = {"id": region["round"].pk, "name": region["round"].name, "date": "2021-04-23"}
    assert {
        "municipality": KROKOM,
        "indicator": "potential_hub_users",
        "year": 2021,
        "value": 6,
        "survey_round": source,  # a survey value names the (published) round it is from
    } in rows
    assert {
        "municipality": BERG,
        "indicator": "plan_activities",
        "year": 2021,
        "value": 2,
        "survey_round": None,
    } in rows
    # No survey in 2020, so no survey indicator that year; every year up to now without ?year.
    all_rows = client.get(reverse("api:indicator-values"), {"municipality": KROKOM}).json()
    assert {r["municipality"] for r in all_rows} == {KROKOM}
    assert not [r for r in all_rows if r["year"] == 2020 and r["indicator"] == "survey_commuters"]
    assert min(r["year"] for r in all_rows) == 2017
    one = client.get(reverse("api:indicator-values"), {"indicator": "occupancy"}).json()
    assert {r["indicator"] for r in one} == {"occupancy"}
    assert client.get(reverse("api:indicator-values"), {"indicator": "nope"}).status_code == 400


def test_indicator_values_as_swedish_excel_csv(region, viewer, api_client_for):
    response = api_client_for(viewer).get(
        reverse("api:indicator-values-csv"), {"municipality": KROKOM}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeffkommunkod;indikator;ar;varde;enkatomgang\r\n")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert [KROKOM, "potential_hub_users", "2021", "6", region["round"].name] in rows
    assert [r for r in rows if r[1] == "plan_activities" and r[4] == ""]
    # Decimal comma; a hidden cell is empty.
    occupancy_now = [r for r in rows if r[1] == "occupancy" and r[3]]
    assert occupancy_now
    assert all("," in r[3] for r in occupancy_now)
    assert [r for r in rows if r[1] == "active_agreements" and r[3] == ""]
    bad = api_client_for(viewer).get(reverse("api:indicator-values-csv"), {"year": "x"})
    assert bad.status_code == 400
    assert bad["Content-Type"] == "application/json"


LISTS = (
    ("api:municipality-list", {}),
    ("api:hub-list", {}),
    ("api:hub-geojson", {}),
    ("api:hub-use", {}),
    ("api:agreement-stats", {}),
    ("api:survey-list", {}),
    ("api:activity-list", {}),
    ("api:indicator-values", {"year": 2021}),
)


def _query_counts(client) -> dict[str, int]:
    counts = {}
    for name, params in LISTS:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(name), params).status_code == 200
        counts[name] = len(queries)
    return counts


def test_lists_cost_the_same_queries_whatever_the_amount_of_data(
    reference_data, viewer, api_client_for
):
    client = api_client_for(viewer)
    dashboard_data.build()
    small = _query_counts(client)
    dashboard_data.build(scale=4)
    large = _query_counts(client)
    # The user's roles are read (once) only when some cell is under five, which the
    # larger data no longer has; apart from that one query the counts are the same.
    assert all(0 <= small[name] - large[name] <= 1 for name in small), (small, large)
    assert max(small.values()) <= 12, small
