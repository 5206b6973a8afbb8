"""Survey analysis pages: flow matrix, hub potential and CO₂, dygnsvila, privacy, exports, access."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mapping import analysis, selectors
from mapping.models import SurveyRound
from mapping.tests.factories import SurveyResponseFactory, SurveyRoundFactory

pytestmark = pytest.mark.django_db


def make_answers(survey_round, n, **fields):
    return SurveyResponseFactory.create_batch(n, round=survey_round, **fields)


def test_the_flow_matrix_sums_to_the_number_of_responses(client_for, viewer, reference_data):
    r = SurveyRoundFactory()
    make_answers(r, 6)
    make_answers(r, 5, home_municipality_id="2380")
    make_answers(r, 7, home_municipality_id="2321", workplace_municipality_id="2309")
    response = client_for(viewer).get(r.get_absolute_url())
    assert response.status_code == 200
    flows = {key: rows for key, _title, _headers, rows in response.context["tables"]}["flows"]
    assert flows[-1][-1] == 18 == r.responses.count()
    matrix = analysis.flow_matrix(selectors.flow_pairs(r))
    assert sum(matrix["cells"].values()) == 18
    assert "sankey" in response.context


def test_potential_hub_users_and_savings_match_a_hand_computed_case(settings, reference_data):
    settings.HUBPLAN_WORK_WEEKS_PER_YEAR = 40
    r = SurveyRoundFactory()
    # Krokom → Östersund, interested: 3 by car 20 km/30 min 5 days; 2 by bus 25 km/40 min 1 day.
    make_answers(r, 3)
    make_answers(
        r,
        2,
        mode="bus",
        distance_km=Decimal(25),
        travel_minutes=40,
        commute_days_per_week=Decimal(1),
        hub_interest="maybe",
    )
    # Not potential users: not interested, or living and working in Östersund.
    make_answers(r, 4, hub_interest="no")
    make_answers(r, 5, home_municipality_id="2380")
    rows = selectors.hub_potential(r, 2)
    assert [(p["code"], p["n"]) for p in rows] == [("2309", 5)]
    saved = rows[0]["saved"]
    # Car: 3 × 20 km × min(2, 5) = 120 km-days; bus: 2 × 25 × min(2, 1) = 50.
    # km/year = 2 × (120 + 50) × 40 = 13 600; hours = 2 × (3×30×2 + 2×40×1) × 40 / 60 = 346.67
    # CO₂ = 2 × 120 × 40 × 0.12 + 2 × 50 × 40 × 0.03 = 1 152 + 120 = 1 272 kg.
    assert saved.km == Decimal(13600)
    assert round(saved.hours, 2) == Decimal("346.67")
    assert saved.co2_kg == Decimal(1272)
    assert selectors.potential_hub_users_by_municipality(r) == {"2309": 5}


def test_dygnsvila_counts_agree_with_the_rule_at_the_eleven_hour_edge(reference_data):
    r = SurveyRoundFactory()
    make_answers(r, 5, work_hours_per_day=Decimal(9), travel_minutes=120)  # exactly 11 h
    make_answers(
        r, 5, work_hours_per_day=Decimal(9), travel_minutes=121, employer_kind="municipality"
    )
    rows = {row["group"]: row for row in selectors.daily_rest(r, "employer_kind")}
    assert (rows["region"]["n"], rows["region"]["short"]) == (5, 0)
    assert (rows["municipality"]["n"], rows["municipality"]["short"]) == (5, 5)
    side = selectors.daily_rest_by_municipality_and_employer(r)
    assert side == [
        {"name": "Krokom", "region": {"n": 5, "short": 0}, "municipality": {"n": 5, "short": 5}}
    ]


def test_figures_on_fewer_than_five_people_are_hidden_from_viewers_but_not_hr(
    client_for, viewer, hr_user, reference_data
):
    r = SurveyRoundFactory()
    make_answers(r, 6)
    make_answers(r, 2, home_municipality_id="2321")

    def commuters(user):
        tables = {
            key: rows
            for key, _t, _h, rows in client_for(user).get(r.get_absolute_url()).context["tables"]
        }
        return {row[0]: row[1] for row in tables["commuters"]}

    assert commuters(viewer) == {"Krokom": 6, "Åre": None}
    assert commuters(hr_user) == {"Krokom": 6, "Åre": 2}
    page = client_for(viewer).get(r.get_absolute_url()).content.decode()
    assert "färre än fem" in page


@pytest.mark.parametrize(
    "table",
    [
        "flows",
        "commuters",
        "travel_time",
        "travel_year",
        "hub",
        "rest_municipality",
        "rest_organisation",
        "rest_employer",
        "rest_side_by_side",
    ],
)
def test_every_table_exports_as_csv_and_xlsx(client_for, viewer, reference_data, table):
    r = SurveyRoundFactory()
    make_answers(r, 5)
    client = client_for(viewer)
    csv = client.get(r.get_absolute_url(), {"table": table, "format": "csv"})
    assert csv.status_code == 200
    assert csv["Content-Type"].startswith("text/csv")
    assert client.get(r.get_absolute_url(), {"table": table, "format": "xlsx"}).status_code == 200


def test_the_round_page_uses_the_same_number_of_queries_for_more_answers(
    client_for, viewer, reference_data
):
    r = SurveyRoundFactory()
    client = client_for(viewer)
    make_answers(r, 5)
    client.get(r.get_absolute_url())
    with CaptureQueriesContext(connection) as small:
        client.get(r.get_absolute_url())
    make_answers(r, 60, home_municipality_id="2321", mode="train")
    with CaptureQueriesContext(connection) as large:
        client.get(r.get_absolute_url())
    assert len(small) == len(large)


def test_the_round_list_has_constant_queries_and_exports(client_for, viewer, reference_data):
    client = client_for(viewer)
    SurveyRoundFactory.create_batch(3)
    with CaptureQueriesContext(connection) as small:
        client.get("/surveys/")
    SurveyRoundFactory.create_batch(20)
    with CaptureQueriesContext(connection) as large:
        response = client.get("/surveys/")
    assert len(small) == len(large)
    assert response.context["page_obj"].paginator.count == 23
    assert client.get("/surveys/", {"format": "xlsx"}).status_code == 200


def test_a_planner_creates_edits_and_deletes_a_round(client_for, planner, reference_data):
    client = client_for(planner)
    response = client.post(
        "/surveys/new/",
        {"name": "Pendling 2024", "date": "2024-05-01", "kind": "commuting_residence"},
    )
    r = SurveyRound.objects.get(name="Pendling 2024")
    assert response["Location"] == r.get_absolute_url()
    client.post(
        f"/surveys/{r.pk}/edit/", {"name": "Pendling 2024", "date": "2024-05-02", "kind": "other"}
    )
    r.refresh_from_db()
    assert r.kind == "other"
    assert client.get(f"/surveys/{r.pk}/delete/").status_code == 200
    assert SurveyRound.objects.filter(pk=r.pk).exists()
    client.post(f"/surveys/{r.pk}/delete/")
    assert not SurveyRound.objects.filter(pk=r.pk).exists()


def test_a_duplicate_round_name_is_refused_with_a_message(client_for, planner, reference_data):
    SurveyRoundFactory(name="Pendling 2024")
    response = client_for(planner).post(
        "/surveys/new/", {"name": "Pendling 2024", "date": "2024-05-01", "kind": "other"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert SurveyRound.objects.count() == 1


def test_a_viewer_reads_analyses_but_gets_403_on_edit(client_for, viewer, reference_data):
    r = SurveyRoundFactory()
    client = client_for(viewer)
    assert client.get(r.get_absolute_url()).status_code == 200
    assert client.get("/surveys/new/").status_code == 403
    assert client.post(f"/surveys/{r.pk}/delete/").status_code == 403
    assert SurveyRound.objects.filter(pk=r.pk).exists()


def test_rams_and_context_files_import_and_a_second_import_adds_nothing(
    client_for, planner, viewer, reference_data
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from mapping.models import CommutingFlow, MunicipalityMigration, RecruitmentNeed

    rams = '"bostadskommun","arbetsställekommun","2021","2022"\r\n"2309 Krokom","2380 Östersund","3210","3300"\r\n'.encode()
    context = "kommun;år;inflyttade;utflyttade;sektor;rekryteringsbehov\r\nBräcke;2022;250;270;Vård och omsorg;40\r\n".encode(
        "cp1252"
    )
    client = client_for(planner)
    for _ in range(2):
        client.post("/surveys/rams/", {"file": SimpleUploadedFile("rams.csv", rams)})
        client.post("/surveys/context/", {"file": SimpleUploadedFile("ctx.csv", context)})
    assert list(CommutingFlow.objects.values_list("year", "commuters").order_by("year")) == [
        (2021, 3210),
        (2022, 3300),
    ]
    assert MunicipalityMigration.objects.get().in_migration == 250
    assert RecruitmentNeed.objects.get().needed == 40
    assert (
        client_for(viewer)
        .post("/surveys/rams/", {"file": SimpleUploadedFile("rams.csv", rams)})
        .status_code
        == 403
    )
    assert client_for(viewer).get("/surveys/rams/").context["flows"][0]["commuters"] == 3300
    assert (
        client_for(viewer)
        .get("/surveys/context/", {"table": "migration", "format": "csv"})
        .status_code
        == 200
    )
