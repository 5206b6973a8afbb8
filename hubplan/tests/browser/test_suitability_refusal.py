"""In the browser, weights with nothing above zero (or out of 0–100) are refused with a message
as they are typed; the ranking is not silently recomputed with other weights (issue 16)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from hubplan.tests.browser.conftest import login


@pytest.fixture
def loaded(transactional_db):
    with open("/dev/null", "w") as devnull:
        call_command("load_reference", stdout=devnull)


def test_all_zero_weights_show_a_refusal_and_keep_the_ranking(page, loaded, planner):
    from hubplan.tests.dashboard_data import KROKOM, build

    build()
    login(page, "t-planner")
    page.goto(
        "/municipalities/suitability/?"
        + "&".join(
            f"w_{k}={50 if k == 'potential_users' else 0}"
            for k in (
                "potential_users",
                "time_saved",
                "capacity_gap",
                "premises",
                "co_location",
                "partner_interest",
            )
        )
    )
    rows = page.locator("#suitability-table tbody tr")
    assert rows.first.get_attribute("data-code") == KROKOM
    message = page.locator("#weights-live-refused")
    assert message.is_hidden()
    page.fill("#id_w_potential_users", "0")
    message.wait_for(state="visible")
    assert message.inner_text() == "Minst en vikt måste vara större än noll."
    assert rows.first.get_attribute("data-code") == KROKOM  # the last ranking stays
    page.fill("#id_w_potential_users", "-5")
    assert message.inner_text() == "En vikt är ett tal mellan 0 och 100."
    page.fill("#id_w_potential_users", "12,5")
    message.wait_for(state="hidden")
    # The server refuses the same input with the same words.
    page.fill("#id_w_potential_users", "0")
    page.get_by_role("button", name="Räkna om").click()
    page.wait_for_url("**w_potential_users=0**")
    assert (
        "Minst en vikt måste vara större än noll." in page.locator("#weights-refused").inner_text()
    )
