"""A planner's journeys in a real browser: a hub on the map, a survey import and its flow
matrix, suitability weights that reorder the ranking, an activity on the Gantt chart.

Each journey seeds only what it needs; the live server shares the test database.
"""

from __future__ import annotations

import contextlib

import pytest
from django.core.management import call_command

from actionplan.models import Activity
from hubplan.tests.browser.conftest import assert_chart_drawn, login, screenshot
from hubs.models import Hub
from mapping.models import SurveyImport, SurveyResponse
from mapping.tests.factories import SurveyRoundFactory

# A survey as Excel saves it in Sweden: semicolons, decimal commas, Windows-1252.
# Six people commute from Krokom to Östersund, enough (≥ 5) for the cell to be shown.
SURVEY_HEADER = (
    "Organisation;Enhet;Hemkommun;Postnummer;Arbetsplatskommun;Avstånd km;Restid min;"
    "Färdmedel;Pendlingsdagar per vecka;Arbetstimmar per dag;Intresse hubb;"
    "Hubbdagar per vecka;Kommentar"
)
SURVEY_ROWS = [
    *[
        f"Region Jämtland Härjedalen;Enhet {n};Krokoms kommun;835 31;Östersund;22,5;30;bil;5;8;ja;2;"
        for n in range(6)
    ],
    "Krokoms kommun;Skola;2309;;2309;3;10;cykel_gång;5;8;nej;0;",
    "Region Jämtland Härjedalen;HSF;Åre;;ostersund;100;75;tåg;4;8,5;kanske;2;Bra idé",
]


@pytest.fixture
def loaded(transactional_db):
    with open("/dev/null", "w") as devnull:
        call_command("load_reference", stdout=devnull)


def _embedded_json(page) -> str:
    """Every figure the page embeds for charts.js (json_script), as one string."""
    return page.evaluate(
        "Array.from(document.querySelectorAll('script[type=\"application/json\"]'))"
        ".map(s => s.textContent).join('\\n')"
    )


def test_a_planner_adds_a_hub_and_finds_it_on_the_map(page, loaded, planner):
    login(page, "t-planner")
    page.goto("/hubs/")
    page.locator("main").get_by_role("link", name="Ny hubb").first.click()
    page.wait_for_url("**/hubs/new/")
    page.fill("#id_name", "Hubben i Hammarstrand")
    page.select_option("#id_kind", Hub.Kind.TOWN_HALL.value)
    page.select_option("#id_municipality", "2303")
    page.fill("#id_address", "Kommunhuset, Centralgatan 1")
    page.fill("#id_postcode", "840 70")
    page.fill("#id_latitude", "63.1067")
    page.fill("#id_longitude", "16.3456")
    page.select_option("#id_operator_type", Hub.OperatorType.MUNICIPALITY.value)
    page.select_option("#id_status", Hub.Status.OPEN.value)
    page.fill("#id_status_date", "2026-01-15")
    page.fill("#id_desks", "6")
    page.fill("#id_meeting_rooms", "1")
    page.check("#id_video_room")
    page.fill("#id_opening_hours", "vardagar 8–17")
    page.fill("#id_cost_per_desk_month", "1200")
    page.locator("main form button[type=submit]").last.click()
    page.get_by_text("Hubben Hubben i Hammarstrand är registrerad.").wait_for()
    hub = Hub.objects.get(name="Hubben i Hammarstrand")
    assert page.url.endswith(hub.get_absolute_url())
    assert (hub.municipality_id, hub.status, hub.desks) == ("2303", Hub.Status.OPEN, 6)

    page.goto("/hubs/map/")
    assert_chart_drawn(page)
    assert "Hubben i Hammarstrand" in _embedded_json(page)
    screenshot(page, "planner-hub-map")


def test_a_planner_imports_a_swedish_excel_survey_and_sees_the_flow_matrix(
    page, loaded, planner, settings, tmp_path
):
    # The check and the import run on a real worker, as in production; the pages poll
    # their jobs and go on by themselves when they are done.
    from hubplan.tests.processes import child_env, worker

    settings.HUBPLAN_JOBS_INLINE = False
    survey_round = SurveyRoundFactory(name="Pendlingsenkät webbtest")
    csv = ("\r\n".join([SURVEY_HEADER, *SURVEY_ROWS]) + "\r\n").encode("cp1252")

    login(page, "t-planner")
    stack = contextlib.ExitStack()
    stack.enter_context(worker(tmp_path / "worker.log", env=child_env()))
    page.goto(survey_round.get_absolute_url())
    page.get_by_role("link", name="Importera svar").click()
    page.wait_for_url("**/surveys/import/**")
    page.select_option("#id_survey_round", str(survey_round.pk))
    page.set_input_files("#id_file", {"name": "svar.csv", "mimeType": "text/csv", "buffer": csv})
    page.get_by_role("button", name="Ladda upp").click()
    page.wait_for_url("**/surveys/import/columns/")
    # The columns are guessed from the Swedish headers; the planner checks and accepts them.
    assert page.locator("#id_home_municipality").input_value() == "Hemkommun"
    with stack:
        page.get_by_role("button", name="Kontrollera hela filen").click()
        # The page waits for the check on the worker, then shows its report.
        page.get_by_text("8 rader, 8 giltiga, 0 med fel.").wait_for(timeout=60_000)
        screenshot(page, "planner-survey-columns")
        page.get_by_role("button", name="Steg 3: importera").click()
        page.wait_for_url("**/surveys/imports/*/")
        # The import page polls the job and reloads with the report when it is done.
        page.locator("dd", has_text="klar").wait_for(timeout=60_000)
    job = SurveyImport.objects.get()
    assert job.status == SurveyImport.Status.DONE
    assert job.job.status == "done"
    assert SurveyResponse.objects.filter(round=survey_round).count() == 8

    page.goto(survey_round.get_absolute_url())
    assert_chart_drawn(page, 'div[data-figure="flow-sankey"]')
    flows = page.locator("table", has=page.locator("caption", has_text="Pendlingsströmmar"))
    headers = [h.strip() for h in flows.locator("thead th").all_inner_texts()]
    krokom = flows.locator("tbody tr", has=page.locator("th", has_text="Krokom")).first
    cells = [krokom.locator("th").inner_text().strip()] + [
        c.strip() for c in krokom.locator("td").all_inner_texts()
    ]
    row = dict(zip(headers, cells, strict=True))
    # Krokom: 6 to Östersund, 1 at home. A planner may not see the 1, and with Krokom's total
    # shown the 6 would give it away, so both are hidden (secondary suppression); the total stays.
    assert (row["Östersund"], row["Krokom"], row["Summa"]) == ("–", "–", "7")
    screenshot(page, "planner-survey-round")


def test_a_planner_changes_the_suitability_weights_and_the_ranking_changes(page, loaded, planner):
    from hubplan.tests.dashboard_data import BERG, KROKOM, build

    build()
    login(page, "t-planner")
    page.goto("/municipalities/suitability/")
    rows = page.locator("#suitability-table tbody tr")

    def set_weights(**weights):
        for field in page.locator("#weights-form [data-weight]").all():
            field.fill(str(weights.get(field.get_attribute("data-weight"), 0)))

    # Only potential hub users count: Krokom has the most (6 vs 5).
    set_weights(potential_users=50)
    page.get_by_role("button", name="Räkna om").click()
    page.wait_for_url("**w_potential_users=50**")
    assert rows.first.get_attribute("data-code") == KROKOM

    # Only available premises count: Berg has the only ones. The script reorders at once…
    set_weights(premises=50)
    page.wait_for_function(
        f"document.querySelector('#suitability-table tbody tr').dataset.code === '{BERG}'"
    )
    # …and the server, asked with the same weights, agrees.
    page.get_by_role("button", name="Räkna om").click()
    page.wait_for_url("**w_premises=50**")
    assert rows.first.get_attribute("data-code") == BERG
    assert rows.nth(0).locator("[data-part=premises]").inner_text().strip() != "+0,0"
    screenshot(page, "planner-suitability")


def test_a_planner_adds_an_activity_and_sees_it_on_the_gantt_chart(page, loaded, planner):
    title = "Dialog med Bergs kommun om hubb i Svenstavik"
    login(page, "t-planner")
    page.goto("/plan/activities/")
    page.locator("main").get_by_role("link", name="Ny aktivitet").first.click()
    page.wait_for_url("**/plan/activities/new/")
    page.fill("#id_title", title)
    page.fill("#id_description", "Första mötet med kommunledningen.")
    page.select_option("#id_area", index=1)
    page.fill("#id_start_date", "2026-09-01")
    page.fill("#id_end_date", "2027-03-31")
    page.fill("#id_planned_budget", "40000")
    page.fill("#id_actual_cost", "0")
    page.select_option("#id_status", "ongoing")
    page.fill("#id_progress", "10")
    page.select_option("#id_municipalities", "2326")
    page.locator("main form button[type=submit]").last.click()
    page.get_by_role("heading", name=title).wait_for()
    activity = Activity.objects.get(title=title)
    assert activity.planned_budget == 40000
    assert list(activity.municipalities.values_list("code", flat=True)) == ["2326"]

    page.goto("/plan/gantt/")
    assert_chart_drawn(page)
    assert title in _embedded_json(page)
    assert page.locator(".plotly-chart").get_by_text(title[:20]).count() > 0
    screenshot(page, "planner-gantt")
