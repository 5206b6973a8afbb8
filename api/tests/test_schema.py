"""The OpenAPI 3 schema is valid, and the API keeps to it under schemathesis.

Schemathesis generates requests from the schema (bounded examples, fixed seed) and
checks each answer: no server error, status codes and content types as documented,
bodies valid against the documented schemas. It runs as a viewer token and as an HR
token (who sees small cells, so other values), against Django's WSGI application in
this test's transaction.
"""

from __future__ import annotations

import json
import os

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import reverse
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from hubplan.tests import dashboard_data

pytestmark = pytest.mark.django_db

# Per operation and role; API_FUZZ_EXAMPLES=200 for a longer hunt by hand.
EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "6"))
SEED = 20210427


def test_the_schema_is_valid_openapi_3(viewer, api_client_for):
    response = api_client_for(viewer).get(reverse("api:schema"), {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)  # against the OpenAPI 3.0 meta-schema shipped with drf-spectacular
    paths = set(schema["paths"])
    assert {"/api/hubs/geojson/", "/api/indicators/values.csv", "/api/agreements/stats/"} <= paths
    assert all(set(ops) <= {"get", "parameters"} for ops in schema["paths"].values())


def test_the_validation_sees_a_broken_schema():
    with pytest.raises(Exception, match="paths"):
        validate_schema({"openapi": "3.0.3", "info": {"title": "x", "version": "1"}})


@pytest.fixture
def wsgi_app():
    """Django's WSGI application, sharing this test's connection and transaction.

    A real handler closes "old" connections around each request; inside the test's
    transaction that would break it, so those two signal receivers are off meanwhile
    (Django's own test client does the same).
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _run_schemathesis(app, token: str) -> int:
    headers = {"Authorization": f"Token {token}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", app, headers=headers)
    calls = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        strategy = st.one_of(
            operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
            operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
        )

        @given(case=strategy)
        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            nonlocal calls
            calls += 1
            case.call_and_validate(headers=headers)

        check()
    return calls


@pytest.mark.parametrize("role", ["viewer", "hr_user"])
def test_schemathesis_finds_no_failure(role, request, reference_data, token_for, wsgi_app):
    dashboard_data.build()
    user = request.getfixturevalue(role)
    calls = _run_schemathesis(wsgi_app, token_for(user))
    assert calls >= 15 * 5  # every operation was exercised


def test_the_schema_is_generated_without_a_warning(tmp_path):
    """Every view and field is typed: drf-spectacular guesses nothing."""
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yaml"))
    assert "/api/municipalities/{code}/" in (tmp_path / "s.yaml").read_text()


def test_every_value_built_from_a_survey_round_names_the_round_in_the_schema(
    viewer, api_client_for
):
    """Issue 16: indicator values, kommuner and the survey endpoints say which round
    their figures come from, as {id, name, date}."""
    response = api_client_for(viewer).get(reverse("api:schema"), {"format": "json"})
    components = json.loads(response.content)["components"]["schemas"]

    def resolve(prop: dict) -> dict:
        ref = prop.get("$ref") or next(
            (p["$ref"] for p in prop.get("allOf", []) + prop.get("oneOf", []) if "$ref" in p),
            None,
        )
        return components[ref.rsplit("/", 1)[-1]] if ref else prop

    for name in ("IndicatorValue", "Municipality", "FlowMatrix", "Potential"):
        prop = components[name]["properties"]["survey_round"]
        ref = resolve(prop)
        assert set(ref["properties"]) == {"id", "name", "date"}, name
        assert ref["properties"]["date"]["format"] == "date"
    # Null where no round is published (kommuner) or the indicator has no survey.
    for name in ("IndicatorValue", "Municipality"):
        prop = components[name]["properties"]["survey_round"]
        assert prop.get("nullable") or any(p.get("nullable") for p in prop.get("oneOf", [])), name
