"""Every main page with the demo data: drawn, accessible (axe-core) and photographed.

The screenshots land in test-artifacts/screenshots/ on every run; ``make screenshots``
sets SCREENSHOT_DIR=docs/screenshots so the same walk refreshes the README's pictures.
"""

from __future__ import annotations

from hubplan.demo import DEMO_PASSWORD
from hubplan.tests.browser.conftest import (
    assert_chart_drawn,
    axe_violations,
    describe_violations,
    login,
    logout,
    screenshot,
)

# (user, screenshot name, path). Paths with {placeholders} are filled from the demo data.
MAIN_PAGES = [
    ("viewer", "home", "/"),
    ("viewer", "municipalities", "/municipalities/"),
    ("viewer", "municipality", "/municipalities/2380/"),
    ("viewer", "hubs", "/hubs/"),
    ("viewer", "hub-map", "/hubs/map/"),
    ("viewer", "hub", "/hubs/{hub}/"),
    ("viewer", "surveys", "/surveys/"),
    ("viewer", "survey-round", "/surveys/{round}/"),
    ("viewer", "rams", "/surveys/rams/"),
    ("viewer", "plan", "/plan/"),
    ("viewer", "gantt", "/plan/gantt/"),
    ("viewer", "activities", "/plan/activities/"),
    ("viewer", "agreement-stats", "/agreements/stats/"),
    ("planner", "hub-form", "/hubs/new/"),
    ("planner", "activity-form", "/plan/activities/new/"),
    ("planner", "survey-import", "/surveys/import/"),
    ("hr", "agreements", "/agreements/"),
    ("hr", "agreement", "/agreements/{agreement}/"),
    ("hr", "agreement-form", "/agreements/new/"),
]
OPTIONAL_PAGES = [("planner", "suitability", "/municipalities/suitability/")]


def _suitability_exists() -> bool:
    from django.urls import Resolver404, resolve

    try:
        match = resolve("/municipalities/suitability/")
    except Resolver404:
        return False
    return match.url_name != "municipality-detail"


def test_every_main_page_draws_passes_axe_and_is_photographed(page, demo):
    pages = MAIN_PAGES + [p for p in OPTIONAL_PAGES if _suitability_exists()]
    failures = []
    page.goto("/login/")
    if violations := axe_violations(page):
        failures.append(f"/login/:\n{describe_violations(violations)}")
    screenshot(page, "login")
    current_user = None
    for user, name, path in sorted(pages, key=lambda p: p[0]):
        if user != current_user:
            if current_user:
                logout(page)
            login(page, user, DEMO_PASSWORD)
            current_user = user
        response = page.goto(path.format(**demo))
        if response.status != 200:
            failures.append(f"{path}: HTTP {response.status}")
            continue
        page.locator("main h1").first.wait_for()
        if page.locator(".plotly-chart").count():
            for index in range(page.locator(".plotly-chart").count()):
                assert_chart_drawn(page, f".plotly-chart >> nth={index}")
        violations = axe_violations(page)
        if violations:
            failures.append(f"{path}:\n{describe_violations(violations)}")
        screenshot(page, name)
    assert not failures, "\n".join(failures)
