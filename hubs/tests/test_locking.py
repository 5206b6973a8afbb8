"""No lost updates on a hub: two planners edit at once, the second save is refused (issue 8).

Through HTTP with two test clients, as two browsers would: both open the edit form,
the first saves, the second's save is refused on the form with their input kept.
"""

import datetime as dt

from django.contrib.auth.models import Group, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from hubplan.access import PLANNER
from hubplan.locking import STALE_MESSAGE
from hubs.models import Hub
from hubs.tests.factories import HubFactory, HubStatusChangeFactory
from hubs.tests.test_hub_pages import hub_post_data
from mapping.models import Organisation


def _second_planner() -> User:
    user = User.objects.create_user("t-planner-2", password="pw-for-tests-only")
    user.groups.add(Group.objects.get_or_create(name=PLANNER)[0])
    return user


def _open(client, hub) -> str:
    """GET the edit form; the lock_version it carries."""
    response = client.get(f"/hubs/{hub.pk}/edit/")
    assert response.status_code == 200
    return response.context["form"]["lock_version"].value()


def _edit(client, hub, lock_version, **overrides):
    # Östersund's centre: the hub is in Östersund (a point elsewhere is refused).
    data = hub_post_data(municipality="2380", latitude="63.1792", longitude="14.6357", **overrides)
    data["lock_version"] = lock_version
    return client.post(f"/hubs/{hub.pk}/edit/", data)


def test_the_second_of_two_planners_editing_a_hub_is_refused_and_keeps_their_input(
    client_for, planner, region
):
    hub = HubStatusChangeFactory(hub__name="Hubben i Krokom").hub
    other = _second_planner()
    first, second = client_for(planner), client_for(other)
    seen_by_first, seen_by_second = _open(first, hub), _open(second, hub)
    assert seen_by_first == seen_by_second == 1

    assert _edit(first, hub, seen_by_first, name="Första namnet", desks="12").status_code == 302
    history_after_first = hub.history.count()

    ragunda = Organisation.objects.get(name="Ragunda kommun")
    response = _edit(
        second,
        hub,
        seen_by_second,
        name="Andra namnet",
        desks="12",
        notes="Anteckning från den andra",
        users=[ragunda.pk],
    )

    assert response.status_code == 200
    html = response.content.decode()
    message = STALE_MESSAGE % {"object": "Första namnet (Östersund)"}
    assert escape(message) in html
    # Who saved first, from the history.
    assert "Senast sparat" in html
    assert "av t-planner." in html
    # Their input is still in the form …
    assert 'value="Andra namnet"' in html
    assert "Anteckning från den andra" in html
    # … beside what is saved now, only for the fields that differ.
    assert "Nu sparat: Första namnet" in html
    assert "Nu sparat: 12" not in html  # both asked for 12 desks: no difference shown
    assert "Nu sparat: –" in html  # the notes and users are empty in the saved hub
    # The refusal wrote nothing: the first planner's values, no history row, no users.
    hub.refresh_from_db()
    assert (hub.name, hub.desks, hub.notes) == ("Första namnet", 12, "")
    assert not hub.users.exists()
    assert hub.lock_version == 2
    assert hub.history.count() == history_after_first
    # The hidden field now carries the saved version, so a deliberate second submit saves.
    assert response.context["form"]["lock_version"].value() == "2"
    assert 'name="lock_version" value="2"' in html

    again = _edit(second, hub, "2", name="Andra namnet", notes="Anteckning från den andra")
    assert again.status_code == 302
    hub.refresh_from_db()
    assert (hub.name, hub.notes, hub.lock_version) == (
        "Andra namnet",
        "Anteckning från den andra",
        3,
    )
    latest = hub.history.first()
    assert (latest.name, latest.lock_version, latest.history_user) == ("Andra namnet", 3, other)


def test_a_status_change_between_opening_and_saving_the_hub_form_refuses_the_save(
    client_for, planner, region
):
    hub = HubStatusChangeFactory(
        hub__status=Hub.Status.PLANNED, hub__status_since=dt.date(2024, 1, 1)
    ).hub
    client = client_for(planner)
    opened = _open(client, hub)
    changed = client_for(_second_planner()).post(
        f"/hubs/{hub.pk}/status/", {"status": Hub.Status.OPEN, "date": "2025-03-01"}
    )
    assert changed.status_code == 302

    response = _edit(client, hub, opened, name="Nytt namn")

    assert response.status_code == 200
    assert escape(STALE_MESSAGE % {"object": hub}) in response.content.decode()
    hub.refresh_from_db()
    assert hub.name != "Nytt namn"
    assert hub.status == Hub.Status.OPEN


def test_an_edit_form_without_a_later_save_in_between_saves_at_once(client_for, planner, region):
    hub = HubFactory()
    client = client_for(planner)
    response = _edit(client, hub, _open(client, hub), name="Bara jag")
    assert response.status_code == 302
    hub.refresh_from_db()
    assert (hub.name, hub.lock_version) == ("Bara jag", 2)


def _refusal_queries(client, hub, users, users_now) -> int:
    data = hub_post_data(
        municipality="2380",
        latitude="63.1792",
        longitude="14.6357",
        name=f"Senare {hub.pk}",
        users=[o.pk for o in users],
    )
    data["lock_version"] = "1"
    with CaptureQueriesContext(connection) as queries:
        response = client.post(f"/hubs/{hub.pk}/edit/", data)
    assert response.status_code == 200
    assert f"Nu sparat: {users_now[0]}" in response.content.decode()
    return len(queries)


def test_the_refusal_page_costs_the_same_queries_however_many_organisations_use_the_hub(
    client_for, planner, region
):
    organisations = list(Organisation.objects.order_by("pk")[:12])
    client = client_for(planner)
    counts = []
    for n in (1, 10):
        hub = HubFactory()
        users = [o.pk for o in organisations[:n]]
        # The first save links n organisations; the refusal then lists them as saved.
        assert _edit(client, hub, "1", name=f"Först {n}", users=users).status_code == 302
        assert hub.users.count() == n
        counts.append(
            _refusal_queries(
                client, hub, organisations[n : n + 2], list(hub.users.order_by("name"))
            )
        )
    assert counts[0] == counts[1]
