"""The Content-Security-Policy holds in a real browser: every chart and map draws under it.

The page fixture fails on any console error, and Chromium reports each blocked
script, style, image or worker as one. On top of that, a listener records every
``securitypolicyviolation`` event, so a violation is named with its page.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from hubplan.access import HR, PLANNER, VIEWER
from hubplan.tests.browser.conftest import assert_chart_drawn, login

# (path, charts at least, maps at least). Paths with {placeholders} come from the demo data.
PAGES_WITH_CHARTS = [
    ("/", 1, 0),
    ("/municipalities/", 1, 1),
    ("/municipalities/2380/", 1, 1),
    ("/hubs/map/", 1, 1),
    ("/hubs/{hub}/", 1, 0),
    ("/surveys/{round}/", 2, 0),
    ("/agreements/stats/", 1, 0),
    ("/plan/gantt/", 1, 0),
]
OTHER_PAGES = [
    "/hubs/",
    "/plan/",
    "/hubs/new/",
    "/agreements/",
    "/admin/",
    "/admin/auth/user/add/",
]

# Runs before any of the page's own scripts (injected by the browser, not by a <script>).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"}`);
});
"""


@pytest.fixture
def demo(transactional_db):
    """Reference and demo data, as `make run` loads them (groups first: a flush removed them)."""
    for role in (VIEWER, PLANNER, HR):
        Group.objects.get_or_create(name=role)
    with open("/dev/null", "w") as devnull:
        call_command("load_reference", stdout=devnull)
        call_command("seed_demo", stdout=devnull)
    from hubs.models import HubMonthlyUse
    from mapping.models import SurveyRound

    return {
        "hub": HubMonthlyUse.objects.order_by("hub_id").values_list("hub_id", flat=True).first(),
        "round": SurveyRound.objects.order_by("pk").first().pk,
    }


def test_every_chart_and_map_draws_under_the_policy(page, demo, superuser):
    page.add_init_script(RECORD_VIOLATIONS)
    login(page, superuser.username)
    for template, min_charts, min_maps in PAGES_WITH_CHARTS:
        path = template.format(**demo)
        response = page.goto(path)
        assert response.status == 200, path
        policy = response.header_value("content-security-policy")
        assert policy, path
        assert "script-src 'self';" in policy + ";"
        page.locator("main h1").first.wait_for()
        charts = page.locator(".plotly-chart")
        assert charts.count() >= min_charts, path
        for index in range(charts.count()):
            assert_chart_drawn(page, f".plotly-chart >> nth={index}")
        # Maps start their workers and load their images after the first paint.
        page.wait_for_load_state("networkidle")
        # Each map has its MapLibre canvas (its blob: workers would show as violations).
        assert page.locator(".plotly-chart canvas").count() >= min_maps, path
        assert page.evaluate("window.__cspViolations") == [], path
        assert page.watch.console_errors == [], path


def test_forms_and_the_admin_work_under_the_policy(page, demo, superuser):
    page.add_init_script(RECORD_VIOLATIONS)
    login(page, superuser.username)
    for path in OTHER_PAGES:
        response = page.goto(path)
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__cspViolations") == [], path
        assert page.watch.console_errors == [], path
