"""The suitability score: hand-checked arithmetic, weights that reorder, saved scenarios."""

from __future__ import annotations

import pytest

from hubplan import suitability
from hubplan.models import SuitabilityScenario
from hubplan.tests.dashboard_data import BERG, KROKOM, build

URL = "/municipalities/suitability/"


def test_min_max_normalisation_is_hand_checked():
    assert suitability.normalise({"a": 10, "b": 20, "c": 15}) == {"a": 0.0, "b": 1.0, "c": 0.5}
    # Equal values cannot tell kommuner apart; a missing value counts as the minimum.
    assert suitability.normalise({"a": 3, "b": 3}) == {"a": 0.0, "b": 0.0}
    assert suitability.normalise({"a": None, "b": -4, "c": 4}) == {"a": 0.0, "b": 0.0, "c": 1.0}


def test_the_score_is_the_weighted_mean_and_its_parts_add_up():
    raw = {key: {"x": 0, "y": 0} for key in suitability.KEYS}
    raw["potential_users"] = {"x": 10, "y": 0}  # x: 1, y: 0
    raw["premises"] = {"x": 0, "y": 2}  # x: 0, y: 1
    weights = dict.fromkeys(suitability.KEYS, 0.0) | {"potential_users": 30, "premises": 10}
    x, y = suitability.score(raw, weights)
    # x: 100 × 30 × 1 / 40 = 75; y: 100 × 10 × 1 / 40 = 25.
    assert (x.code, x.score, y.code, y.score) == ("x", 75.0, "y", 25.0)
    assert x.parts["potential_users"] == 75.0
    assert y.parts["premises"] == 25.0
    assert sum(x.parts.values()) == x.score
    # Weighting premises more turns the ranking round.
    weights["premises"] = 60
    assert [s.code for s in suitability.score(raw, weights)] == ["y", "x"]


def test_weights_out_of_range_or_none_above_zero_are_refused_not_defaulted():
    assert suitability.weights_problem({"potential_users": "150"}) == str(suitability.WEIGHT_RANGE)
    assert suitability.weights_problem({"premises": "-2"}) == str(suitability.WEIGHT_RANGE)
    assert suitability.weights_problem({"co_location": "x"}) == str(suitability.WEIGHT_RANGE)
    zero = dict.fromkeys(suitability.KEYS, "0")
    assert suitability.weights_problem(zero) == str(suitability.NO_WEIGHT)
    with pytest.raises(ValueError, match="Minst en vikt"):
        suitability.clean_weights(zero)
    # Typed as Swedes type them; a missing weight is its default.
    cleaned = suitability.clean_weights({"potential_users": "12,5", "premises": "0"})
    assert cleaned["potential_users"] == 12.5
    assert cleaned["premises"] == 0
    assert cleaned["co_location"] == suitability.DEFAULT_WEIGHTS["co_location"]


@pytest.mark.django_db
def test_the_page_refuses_all_zero_or_negative_weights_with_a_message(
    client_for, viewer, reference_data
):
    build()
    client = client_for(viewer)
    zero = client.get(URL, {f"w_{k}": "0" for k in suitability.KEYS})
    html = zero.content.decode()
    assert 'id="weights-refused"' in html
    assert str(suitability.NO_WEIGHT) in html
    assert zero.context["weights_refused"] == str(suitability.NO_WEIGHT)
    assert str(suitability.NO_WEIGHT) in zero.context["form"].non_field_errors()
    negative = client.get(URL, {f"w_{k}": "-5" for k in suitability.KEYS})
    assert negative.context["weights_refused"] == str(suitability.WEIGHT_RANGE)
    assert negative.context["form"].errors["w_premises"]
    ok = client.get(URL, _only("premises"))
    assert ok.context["weights_refused"] is None
    assert 'id="weights-refused"' not in ok.content.decode()


def _ranking(response) -> list[str]:
    return [r["code"] for r in response.context["ranking"]]


def _only(key: str) -> dict:
    return {f"w_{k}": (50 if k == key else 0) for k in suitability.KEYS}


@pytest.mark.django_db
def test_changing_the_weights_reorders_the_ranking(client_for, viewer, reference_data):
    build()
    client = client_for(viewer)
    by_users = _ranking(client.get(URL, _only("potential_users")))
    by_premises = _ranking(client.get(URL, _only("premises")))
    # Krokom has the most potential users (6 vs 5); Berg the only available premises.
    assert by_users[0] == KROKOM
    assert by_premises[0] == BERG
    assert by_users.index(BERG) > 0
    assert by_premises.index(KROKOM) > 0


@pytest.mark.django_db
def test_every_score_shows_its_parts_and_the_page_carries_the_data_for_the_script(
    client_for, viewer, reference_data
):
    build()
    response = client_for(viewer).get(URL)
    top = response.context["ranking"][0]
    assert round(sum(p["part"] for p in top["parts"]), 9) == round(top["score"], 9)
    html = response.content.decode()
    assert 'id="suitability-data"' in html
    assert "hubplan/suitability.js" in html
    assert "<script>" not in html.replace('<script type="application/json"', "")
    # The default weights are documented on the page.
    assert response.context["weights"] == suitability.DEFAULT_WEIGHTS


@pytest.mark.django_db
def test_a_planner_saves_a_scenario_and_everyone_can_use_it(
    client_for, planner, viewer, reference_data
):
    build()
    data = {"name": "Lokaler först", "description": "", **_only("premises")}
    response = client_for(planner).post(f"{URL}scenarios/new/", data)
    scenario = SuitabilityScenario.objects.get(name="Lokaler först")
    assert response.status_code == 302
    assert response["Location"] == scenario.get_absolute_url()
    assert (scenario.w_premises, scenario.w_potential_users, scenario.created_by) == (
        50,
        0,
        planner,
    )
    page = client_for(viewer).get(URL, {"scenario": scenario.pk})
    assert page.context["scenario"] == scenario
    # The weight fields show the scenario's weights.
    assert 'name="w_premises" value="50' in page.content.decode()
    assert _ranking(page)[0] == BERG


@pytest.mark.django_db
def test_a_viewer_may_not_save_or_delete_a_scenario(client_for, viewer, reference_data):
    scenario = SuitabilityScenario.objects.create(name="Standard")
    client = client_for(viewer)
    assert client.post(f"{URL}scenarios/new/", {"name": "X"}).status_code == 403
    assert client.post(f"{URL}scenarios/{scenario.pk}/delete/").status_code == 403
    assert SuitabilityScenario.objects.count() == 1


@pytest.mark.django_db
def test_bad_scenarios_are_refused_with_a_message_and_nothing_saved(
    client_for, planner, reference_data
):
    SuitabilityScenario.objects.create(name="Standard")
    client = client_for(planner)
    duplicate = client.post(f"{URL}scenarios/new/", {"name": "Standard", **_only("premises")})
    assert "Det finns redan ett scenario med det namnet." in duplicate.content.decode()
    zero = client.post(
        f"{URL}scenarios/new/", {"name": "Noll", **{f"w_{k}": 0 for k in suitability.KEYS}}
    )
    assert str(suitability.NO_WEIGHT) in zero.content.decode()
    assert SuitabilityScenario.objects.count() == 1


@pytest.mark.django_db
def test_deleting_a_scenario_asks_first(client_for, planner, reference_data):
    scenario = SuitabilityScenario.objects.create(name="Gammal")
    client = client_for(planner)
    assert "Gammal" in client.get(f"{URL}scenarios/{scenario.pk}/delete/").content.decode()
    assert SuitabilityScenario.objects.filter(pk=scenario.pk).exists()
    client.post(f"{URL}scenarios/{scenario.pk}/delete/")
    assert not SuitabilityScenario.objects.filter(pk=scenario.pk).exists()


@pytest.mark.django_db
def test_the_demo_seeds_two_scenarios_once(reference_data):
    import io

    from hubplan import demo

    ctx = demo.DemoContext(scale="region", seed=1, stdout=io.StringIO())
    demo.seed(ctx)
    assert set(SuitabilityScenario.objects.values_list("name", flat=True)) == set(
        demo.DEMO_SCENARIOS
    )
    assert SuitabilityScenario.objects.get(name="Kritisk massa först").created_by.username == (
        "planner"
    )
    demo.seed(ctx)
    assert SuitabilityScenario.objects.count() == 2
