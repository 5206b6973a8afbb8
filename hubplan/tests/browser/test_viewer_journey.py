"""A viewer's journey through the shared pages, and switching language, in a real browser."""

import pytest
from django.core.management import call_command

from hubplan.tests.browser.conftest import assert_chart_drawn, login, screenshot


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
