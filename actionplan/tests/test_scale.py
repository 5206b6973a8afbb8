"""The overview and the Gantt chart at national scale: capped rows, pages of bars, fixed query counts.

The caps are lowered through the views' class attributes so a few rows exercise them.
"""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplan import views
from actionplan.tests.factories import ActivityFactory
from mapping.models import Municipality


def _titles(figure) -> list[str]:
    return [
        row[5] for trace in figure["data"] if trace["type"] == "bar" for row in trace["customdata"]
    ]


@pytest.fixture
def five_in_area_one(areas):
    return [
        ActivityFactory(area=areas[1], title=f"Område ett {i}", start_date=date(2021, 1, 1 + i))
        for i in range(5)
    ]


@pytest.mark.django_db
def test_the_overview_lists_the_first_rows_of_an_area_and_links_to_all(
    client_for, viewer, areas, five_in_area_one, monkeypatch
):
    monkeypatch.setattr(views.OverviewView, "rows_per_area", 3)
    ActivityFactory(area=areas[2], title="Område två 0")
    response = client_for(viewer).get(reverse("plan:overview"))
    html = response.content.decode()
    for i in range(3):
        assert f"Område ett {i}<" in html
    for i in (3, 4):
        assert f"Område ett {i}<" not in html
    assert "Område två 0<" in html
    list_link = f"{reverse('plan:activity-list')}?area={areas[1].pk}"
    assert list_link in html
    assert "Visar de 3 första av 5 aktiviteter" in html
    # An area within the cap gets no link, its counts are over all its activities.
    assert f"{reverse('plan:activity-list')}?area={areas[2].pk}" not in html
    area1 = next(a for a in response.context["areas"] if a.number == 1)
    assert area1.n_activities == 5
    # The link leads to every activity of the area.
    listed = client_for(viewer).get(list_link).content.decode()
    assert all(f"Område ett {i}<" in listed for i in range(5))


@pytest.mark.django_db
def test_the_gantt_chart_shows_pages_of_bars_and_says_which(
    client_for, viewer, areas, five_in_area_one, monkeypatch
):
    monkeypatch.setattr(views.GanttView, "bars_per_page", 3)
    ActivityFactory(area=areas[2], title="Område två 0")
    client = client_for(viewer)
    first = client.get(reverse("plan:gantt"))
    assert _titles(first.context["figure"]) == [f"Område ett {i}" for i in range(3)]
    html = first.content.decode()
    assert "Visar 1–3 av 6 aktiviteter – filtrera eller bläddra för att se fler." in html
    assert "page=2" in html
    second = client.get(reverse("plan:gantt"), {"page": 2})
    assert _titles(second.context["figure"]) == ["Område ett 3", "Område ett 4", "Område två 0"]
    assert "Visar 4–6 av 6 aktiviteter" in second.content.decode()
    # A filter narrows the set below the cap: everything on one page, no note, no pages.
    filtered = client.get(reverse("plan:gantt"), {"area": areas[2].pk})
    assert _titles(filtered.context["figure"]) == ["Område två 0"]
    assert "Visar " not in filtered.content.decode()
    # The pages keep the filter.
    paged = client.get(reverse("plan:gantt"), {"area": areas[1].pk}).content.decode()
    assert f"area={areas[1].pk}&amp;page=2" in paged
    # Out of range pages fall back to the last page rather than failing.
    assert client.get(reverse("plan:gantt"), {"page": 99}).status_code == 200


@pytest.mark.django_db
def test_a_gantt_bar_runs_from_the_start_through_the_end_date(client_for, viewer, areas):
    ActivityFactory(area=areas[3], start_date=date(2021, 3, 1), end_date=date(2021, 3, 1))
    ActivityFactory(area=areas[3], start_date=date(2021, 3, 1), end_date=date(2021, 3, 31))
    figure = client_for(viewer).get(reverse("plan:gantt")).context["figure"]
    bars = [t for t in figure["data"] if t["type"] == "bar"]
    assert len(bars) == 1
    assert bars[0]["orientation"] == "h"
    assert bars[0]["base"] == ["2021-03-01T00:00:00", "2021-03-01T00:00:00"]
    assert bars[0]["x"] == [86_400_000, 31 * 86_400_000]
    assert figure["layout"]["xaxis"]["type"] == "date"
    assert any(t.get("name") == "Idag" for t in figure["data"])


def _grow(areas, n):
    berg = Municipality.objects.get(code="2326")
    for i in range(n):
        ActivityFactory(area=areas[1 + i % 4]).municipalities.add(berg)


@pytest.mark.django_db
@pytest.mark.parametrize("url", [reverse("plan:overview"), reverse("plan:gantt")])
def test_query_counts_stay_the_same_below_and_above_the_caps(
    client_for, viewer, areas, url, monkeypatch
):
    monkeypatch.setattr(views.OverviewView, "rows_per_area", 3)
    monkeypatch.setattr(views.GanttView, "bars_per_page", 5)
    client = client_for(viewer)
    client.get(url)  # warm the session and role caches
    _grow(areas, 4)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    _grow(areas, 40)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url + "?page=2")
    assert response.status_code == 200
    assert len(small) == len(large), url
    assert len(large) <= 12, url
