"""A scan of every API answer on the demo data: no personnummer, no cell under five people.

The demo data (``seed_demo``, region scale) is loaded once into this test's
transaction; every endpoint is then read as a viewer and as a manager (a plain user
who manages an employee) by token, with each year, each survey round and
every page. An answer fails the scan if it contains a valid personnummer (12 digits,
or 10 with a separator, with a correct check digit) or a count of people between
1 and 4, or a figure computed from such a count. HR's answers are scanned too, to
show that the demo data has small cells to hide at all.
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from api import indicators
from hubplan.dashboards import FIRST_YEAR, today
from hubs.models import Hub
from mapping.models import SurveyRound
from remoteagreements import personnummer
from remoteagreements.models import Employee
from remoteagreements.tests.factories import ManagerFactory

pytestmark = pytest.mark.django_db

# 19800101-1234, 198001011234, 800101-1234, 800101+1234; never part of a longer number.
CANDIDATE = re.compile(r"(?<![\d])(\d{8}[-+]?\d{4}|\d{6}[-+]\d{4})(?![\d])")
# Keys whose value counts people; the serializers build them with ``people()``.
PEOPLE_KEYS = {
    "employees",
    "with_agreement",
    "overdue",
    "due",
    "responses",
    "n",
    "commuters",
    "potential_users",
    "members",
    "members_region",
    "members_municipality",
    "members_state_agency",
    "members_company",
    "members_other",
}
PEOPLE_INDICATORS = {i.id for i in indicators.INDICATORS if str(i.unit) == "personer"}
# Figures computed from a count: hidden whenever the count is.
DERIVED = {
    "potential_users": ("hours_saved", "km_saved", "co2_saved_kg"),
    "with_agreement": ("share",),
}


def personnummer_in(text: str) -> list[str]:
    return [m for m in CANDIDATE.findall(text) if personnummer.is_valid(m)]


def small(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 5


def small_cells(data, path="") -> list[str]:
    """Where in a JSON answer a count of people (or a figure from one) under five shows."""
    found = []
    if isinstance(data, dict):
        for key, value in data.items():
            here = f"{path}.{key}"
            if key in PEOPLE_KEYS and small(value):
                found.append(f"{here}={value}")
            if key == "indicators" and isinstance(value, dict):
                found += [
                    f"{here}.{k}={v}"
                    for k, v in value.items()
                    if k in PEOPLE_INDICATORS and small(v)
                ]
            found += small_cells(value, here)
        if data.get("indicator") in PEOPLE_INDICATORS and small(data.get("value")):
            found.append(f"{path}.value={data['value']} ({data['indicator']})")
        for count, derived in DERIVED.items():
            if count in data and data[count] is None:
                found += [
                    f"{path}.{d} shown for a hidden {count}"
                    for d in derived
                    if data.get(d) is not None
                ]
    elif isinstance(data, list):
        for i, item in enumerate(data):
            found += small_cells(item, f"{path}[{i}]")
    return found


def small_csv_cells(text: str) -> list[str]:
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))[1:]
    return [";".join(r) for r in rows if r[1] in PEOPLE_INDICATORS and r[3] in {"1", "2", "3", "4"}]


def read_everything(client: APIClient) -> dict[str, object]:
    """URL → answer (parsed JSON, or text for CSV) of every endpoint and page."""
    answers: dict[str, object] = {}

    def get(url, params=None):
        response = client.get(url, params or {})
        assert response.status_code == 200, (url, params, response.content[:300])
        key = url + (
            "?" + "&".join(f"{k}={v}" for k, v in (params or {}).items()) if params else ""
        )
        if response["Content-Type"].startswith("text/csv"):
            answers[key] = response.content.decode("utf-8")
        else:
            answers[key] = json.loads(response.content)
        return answers[key]

    def every_page(url, params=None):
        params = dict(params or {}, page_size=1000)
        page = 1
        while True:
            data = get(url, {**params, "page": page})
            if not data["next"]:
                return
            page += 1

    years = range(FIRST_YEAR, today().year + 1)
    get(reverse("api:root"))
    get(reverse("api:indicator-list"))
    get(reverse("api:indicator-values"))
    get(reverse("api:indicator-values-csv"))
    get(reverse("api:hub-geojson"))
    every_page(reverse("api:hub-list"))
    every_page(reverse("api:hub-use"))
    every_page(reverse("api:survey-list"))
    every_page(reverse("api:activity-list"))
    every_page(reverse("api:municipality-list"))
    get(reverse("api:agreement-stats"))
    for year in years:
        every_page(reverse("api:municipality-list"), {"year": year})
        get(reverse("api:agreement-stats"), {"year": year})
    for pk in Hub.objects.values_list("pk", flat=True):
        get(reverse("api:hub-detail", args=[pk]))
    for pk in SurveyRound.objects.values_list("pk", flat=True):
        get(reverse("api:survey-flows", args=[pk]))
        for days in (1, 3, 5):
            get(reverse("api:survey-potential", args=[pk]), {"hub_days": days})
    return answers


def scan(answers: dict[str, object]) -> tuple[list, list]:
    numbers, cells = [], []
    for url, data in answers.items():
        text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
        numbers += [(url, n) for n in personnummer_in(text)]
        found = small_csv_cells(data) if isinstance(data, str) else small_cells(data)
        cells += [(url, c) for c in found]
    return numbers, cells


@pytest.fixture
def demo(reference_data):
    call_command("seed_demo", "--scale", "region", stdout=io.StringIO())


def test_no_api_answer_on_the_demo_data_has_a_personnummer_or_a_small_cell(
    demo, viewer, hr_user, token_for
):
    manager = ManagerFactory(username="t-api-demo-chef")
    Employee.objects.filter(pk=Employee.objects.order_by("pk").first().pk).update(manager=manager)
    assert Employee.objects.exclude(personnummer="").count() >= 20  # there is something to leak

    def client(user):
        c = APIClient()
        c.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
        return c

    # A planner's answers are a viewer's (neither is HR nor manages anyone).
    for user in (viewer, manager):
        answers = read_everything(client(user))
        assert len(answers) >= 40
        numbers, cells = scan(answers)
        assert numbers == [], user
        assert cells == [], (user, cells[:20])
    # HR sees the small cells the others do not: the scan had something to find.
    _numbers, hr_cells = scan(read_everything(client(hr_user)))
    assert hr_cells


def test_the_scan_finds_what_it_looks_for():
    valid = personnummer.with_check_digit(1980, 1, 1, 123)
    assert personnummer_in(f'{{"x": "{valid}"}}') == [valid]
    assert personnummer_in(f"{valid[:8]}-{valid[8:]}") == [f"{valid[:8]}-{valid[8:]}"]
    assert personnummer_in(f"{valid[2:8]}-{valid[8:]}") == [f"{valid[2:8]}-{valid[8:]}"]
    wrong_check = valid[:-1] + str((int(valid[-1]) + 1) % 10)
    assert personnummer_in(wrong_check) == []
    assert personnummer_in("1" + valid) == []  # part of a longer number
    assert small_cells({"rows": [{"n": 3}, {"n": 5}, {"n": None}, {"n": 0}]}) == [".rows[0].n=3"]
    assert small_cells({"potential_users": None, "km_saved": 120}) == [
        ".km_saved shown for a hidden potential_users"
    ]
    assert small_cells([{"indicator": "active_agreements", "value": 2}])
    assert small_cells({"indicators": {"survey_commuters": 4, "hubs_open": 1}}) == [
        ".indicators.survey_commuters=4"
    ]
    assert small_csv_cells("\ufeffk;i;a;v\r\n2309;active_agreements;2024;3\r\n") == [
        "2309;active_agreements;2024;3"
    ]
