"""The home dashboard: headline figures from every app, small cells, constant queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hubplan import pagecache
from hubplan.tests.dashboard_data import build
from hubs.models import Hub


@pytest.mark.django_db
def test_the_dashboard_shows_the_regions_headline_figures(client_for, hr_user, reference_data):
    build()
    response = client_for(hr_user).get("/")
    assert response.status_code == 200
    f = response.context["figures"]
    # 3 in Krokom + 5 in Berg signed today; none a year ago.
    assert (f["active_agreements"], f["active_change"]) == (8, 8)
    assert f["hubs"] == {"hubs_open": 1, "hubs_planned": 1, "desks_open": 10, "desks_planned": 6}
    assert f["latest_occupancy"]["occupancy_share"] == 0.25
    assert f["potential_users"] == 11  # 6 from Krokom + 5 from Berg
    assert (f["plan"].n_activities, f["plan"].n_done, f["overdue_activities"]) == (2, 1, 1)
    html = response.content.decode()
    assert 'href="/municipalities/"' in html
    assert 'href="/municipalities/suitability/"' in html
    assert 'data-figure="agreement-trend"' in html


@pytest.mark.django_db
def test_small_figures_are_hidden_from_a_viewer(client_for, viewer, hr_user, reference_data):
    from hubplan.tests.dashboard_data import active_agreement
    from remoteagreements.tests.factories import EmployeeFactory

    for employee in EmployeeFactory.create_batch(3):
        active_agreement(employee)
    f = client_for(viewer).get("/").context["figures"]
    assert f["active_agreements"] is None
    assert f["active_change"] is None
    assert client_for(hr_user).get("/").context["figures"]["active_agreements"] == 3


@pytest.mark.django_db
def test_an_empty_region_still_renders(client_for, viewer, reference_data):
    response = client_for(viewer).get("/")
    assert response.status_code == 200
    assert response.context["figures"]["potential_users"] is None
    assert Hub.objects.count() == 0


@pytest.mark.django_db
def test_the_dashboard_query_count_does_not_grow_with_data(client_for, viewer, reference_data):
    client = client_for(viewer)
    build(scale=1)
    client.get("/")
    pagecache.clear()
    with CaptureQueriesContext(connection) as small:  # computed
        client.get("/")
    with CaptureQueriesContext(connection) as small_cached:
        client.get("/")
    build(scale=6)  # the writes make the cached figures obsolete
    with CaptureQueriesContext(connection) as large:
        client.get("/")
    with CaptureQueriesContext(connection) as large_cached:
        client.get("/")
    assert len(small) == len(large)
    assert len(small) <= 15
    assert len(small_cached) == len(large_cached) < len(small)


@pytest.mark.django_db
def test_the_agreement_trend_from_the_cached_statistics_is_the_counted_one(
    client_for, hr_user, reference_data
):
    build()
    client = client_for(hr_user)
    counted = client.get("/").context["agreement_chart"]  # no cached statistics yet: counted
    client.get("/agreements/stats/")  # caches the statistics
    pagecache.clear()
    with CaptureQueriesContext(connection) as queries:
        from_cache = client.get("/").context["agreement_chart"]
    assert from_cache == counted
    assert counted["data"][0]["y"][-1] == 8
    # The month-end counts (COUNT DISTINCT employee per month) were not run again.
    assert not any("COUNT(DISTINCT" in q["sql"] for q in queries.captured_queries)
