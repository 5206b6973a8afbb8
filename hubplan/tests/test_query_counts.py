"""Every main page (the ones ``manage.py bench`` times) costs the same few queries at two data sizes.

The budget is issue 9's: at most 15 queries a page, counted as Django counts them
(session, user, roles, transaction and the page's own), and not one more when the
data grows sixfold: no query per row anywhere.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hubplan import pagecache
from hubplan.tests.dashboard_data import KROKOM, build
from hubs.tests.factories import BusinessCaseFactory
from mapping.models import SurveyResponse
from mapping.tests.factories import SurveyResponseFactory

MAX_QUERIES = 15

PAGES = {
    "home": lambda d: "/",
    "comparison": lambda d: "/municipalities/",
    "kommun": lambda d: f"/municipalities/{KROKOM}/",
    "suitability": lambda d: "/municipalities/suitability/",
    "business_case_list": lambda d: "/hubs/business-case/",
    "business_case": lambda d: d["case"].get_absolute_url(),
    "hubs_list": lambda d: "/hubs/",
    "hubs_map": lambda d: "/hubs/map/",
    "agreements_list": lambda d: "/agreements/",
    "agreements_stats": lambda d: "/agreements/stats/",
    "survey_round": lambda d: d["round"].get_absolute_url(),
    "flow_matrix": lambda d: d["round"].get_absolute_url() + "?table=flows&format=csv",
    "plan_overview": lambda d: "/plan/",
    "plan_gantt": lambda d: "/plan/gantt/",
}


def _grow(data: dict) -> None:
    """Six times the rows: another five rounds of everything, and more answers in the first round."""
    build(scale=5)
    BusinessCaseFactory.create_batch(5)
    SurveyResponseFactory.create_batch(20, round=data["round"], home_municipality_id="2326")
    SurveyResponseFactory.create_batch(
        10, round=data["round"], mode=SurveyResponse.Mode.TRAIN, workplace_municipality_id="2321"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("cached", [False, True], ids=["computed", "cached"])
@pytest.mark.parametrize("page", list(PAGES))
def test_a_main_page_has_the_same_few_queries_for_six_times_the_data(
    client_for, hr_user, reference_data, page, cached
):
    """``computed``: every cached page part (hubplan.pagecache) is forgotten before the
    request counted, as on the first view after a write; ``cached``: the view after it."""
    data = build(scale=1)
    data["case"] = BusinessCaseFactory()
    url = PAGES[page](data)
    client = client_for(hr_user)
    assert client.get(url).status_code == 200  # warm the session and role caches
    if not cached:
        pagecache.clear()
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _grow(data)
    client.get(url)  # recompute any summary the new rows made stale (the statistics page's)
    if not cached:
        pagecache.clear()
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert response.status_code == 200
    assert len(small) == len(large), [q["sql"][:120] for q in large.captured_queries]
    assert len(large) <= MAX_QUERIES, [q["sql"][:120] for q in large.captured_queries]
