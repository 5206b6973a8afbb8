"""A viewer's journey through the shared pages, and switching language, in a real browser."""

import pytest
from django.core.management import call_command

from hubplan.demo import DEMO_PASSWORD
from hubplan.tests.browser.conftest import (
    assert_chart_drawn,
    goto_refused,
    login,
    screenshot,
)

# Links and buttons that change data; a Läsare must see none of them.
EDIT_CONTROLS = (
    "main a[href$='/new/'], main a[href$='/edit/'], main a[href$='/delete/'], "
    "main a[href$='/status/'], main a[href*='/import'], main form[method=post] button"
)


@pytest.fixture
def loaded(transactional_db):
    call_command("load_reference", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_a_viewer_sees_the_kommun_map_drawn_offline(page, loaded, viewer):
    login(page, "t-viewer")
    page.get_by_role("link", name="Kommuner").first.click()
    page.wait_for_url("**/municipalities/")
    assert_chart_drawn(page)
    assert page.locator("table tbody tr").count() == 8
    screenshot(page, "municipalities")
    page.get_by_role("link", name="Östersund").click()
    page.get_by_role("heading", name="Östersunds kommun").wait_for()
    screenshot(page, "municipality-2380")


def test_the_language_switch_goes_to_english_and_back(page, loaded, viewer):
    login(page, "t-viewer")
    assert page.locator("html").get_attribute("lang") == "sv"
    page.select_option("#language-select", "en")
    page.get_by_role("button", name="Byt språk").click()
    page.get_by_role("link", name="Overview").wait_for()
    assert page.locator("html").get_attribute("lang") == "en"
    page.select_option("#language-select", "sv")
    page.get_by_role("button", name="Change language").click()
    page.get_by_role("link", name="Översikt").wait_for()
    assert page.locator("html").get_attribute("lang") == "sv"


def _charts_drawn(page) -> int:
    charts = page.locator(".plotly-chart")
    for index in range(charts.count()):
        assert_chart_drawn(page, f".plotly-chart >> nth={index}")
    return charts.count()


def test_a_viewer_sees_the_dashboards_drawn_no_edit_controls_and_403_on_edit_urls(page, demo):
    from actionplan.models import Activity

    activity = Activity.objects.order_by("pk").first().pk
    hub = demo["hub"]
    login(page, "viewer", DEMO_PASSWORD)

    page.goto("/")
    assert _charts_drawn(page) >= 1
    page.get_by_role("link", name="Kommuner").first.click()
    page.wait_for_url("**/municipalities/")
    assert _charts_drawn(page) >= 1
    page.locator("main table").get_by_role("link", name="Östersund").first.click()
    page.wait_for_url("**/municipalities/2380/")
    assert _charts_drawn(page) >= 1
    screenshot(page, "viewer-municipality-2380")

    for path in (
        "/hubs/",
        f"/hubs/{hub}/",
        "/hubs/map/",
        "/plan/",
        f"/plan/activities/{activity}/",
    ):
        page.goto(path)
        page.locator("main h1").first.wait_for()
        controls = page.locator(EDIT_CONTROLS)
        assert controls.count() == 0, (
            path,
            controls.evaluate_all("els => els.map(e => e.outerHTML)"),
        )

    for path in (
        "/hubs/new/",
        f"/hubs/{hub}/edit/",
        f"/hubs/{hub}/delete/",
        "/plan/activities/new/",
        f"/plan/activities/{activity}/edit/",
        f"/plan/activities/{activity}/delete/",
        "/surveys/new/",
        "/surveys/import/",
        "/agreements/new/",
    ):
        assert goto_refused(page, path) == 403, path
