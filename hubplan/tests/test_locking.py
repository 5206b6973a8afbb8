"""Optimistic locking (hubplan.locking): real concurrency, and every write path counts.

The per-app files (``<app>/tests/test_locking.py``) show the refusal on each edit page.
Here: two saves in two threads with two database connections, where exactly one of two
saves with the same ``lock_version`` wins; and that status changes, signatures,
follow-ups, progress reports and admin saves all raise ``lock_version`` and record
it in the history with the user who did it.
"""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from actionplan.models import Activity
from actionplan.tests.factories import ActivityFactory
from hubplan import locking
from hubplan.access import HR, PLANNER
from hubs.models import Hub
from hubs.tests.factories import HubFactory, HubStatusChangeFactory
from hubs.tests.test_hub_pages import hub_post_data
from remoteagreements.models import DistanceAgreement
from remoteagreements.tests.factories import AgreementFactory, EmployeeFactory, ManagerFactory

Status = DistanceAgreement.Status
WAIT = 30  # seconds; only a bound so a broken test fails instead of hanging

# A hub in Östersund must stand in Östersund: the form refuses a point in another kommun.
IN_OSTERSUND = {"municipality": "2380", "latitude": "63.1792", "longitude": "14.6357"}


def _user(username: str, role: str) -> User:
    user = User.objects.create_user(username, password="pw-for-tests-only")
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


def _run_in_threads(*targets):
    """Run each callable in its own thread (so its own DB connection); return results or errors."""
    results: list = [None] * len(targets)

    def run(i, target):
        try:
            results[i] = target()
        except Exception as exc:  # handed back to the test to assert on
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, t)) for i, t in enumerate(targets)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(WAIT)
        assert not t.is_alive(), "a save hung"
    return results


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _is_blocked(pid: int) -> bool:
    """Whether the server process ``pid`` waits for a lock another one holds."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT cardinality(pg_blocking_pids(%s)) > 0", [pid])
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_of_two_simultaneous_saves_with_the_same_lock_version_exactly_one_wins():
    """The lost update itself: B reads before A commits, then A holds the row while B saves.

    A saves and keeps its transaction open until B's save is seen waiting on the row lock
    in ``pg_locks``; then A commits. B had read lock_version 1 too, so without the check in
    the ``UPDATE`` it would overwrite A. It must be refused, and A's title must stay.
    """
    activity = ActivityFactory(title="Början")
    a_has_saved, b_has_read = threading.Event(), threading.Event()
    b_pid: list[int] = []

    def save_a():
        with transaction.atomic():
            mine = Activity.objects.get(pk=activity.pk)
            assert b_has_read.wait(WAIT)
            mine.title = "A:s titel"
            locking.save_if_current(mine, expected=1)
            a_has_saved.set()
            for _ in range(WAIT * 20):  # until B queues behind A's row lock
                if _is_blocked(b_pid[0]):
                    break
                threading.Event().wait(0.05)
            else:
                raise AssertionError("B never waited for the row lock")
        return "saved"

    def save_b():
        with transaction.atomic():
            mine = Activity.objects.get(pk=activity.pk)
            assert mine.lock_version == 1  # read before A committed
            b_pid.append(_backend_pid())
            b_has_read.set()
            assert a_has_saved.wait(WAIT)
            mine.title = "B:s titel"
            locking.save_if_current(mine, expected=1)
        return "saved"

    result_a, result_b = _run_in_threads(save_a, save_b)

    assert result_a == "saved"
    assert isinstance(result_b, locking.StaleEditError), result_b
    assert (result_b.expected, result_b.current) == (1, 2)
    activity.refresh_from_db()
    assert (activity.title, activity.lock_version) == ("A:s titel", 2)
    assert list(activity.history.values_list("title", flat=True)) == ["A:s titel", "Början"]


@pytest.mark.django_db(transaction=True)
def test_two_planners_posting_the_same_hub_form_at_once_one_is_saved_one_refused(
    reference_data,
):
    """Two browsers, two threads, two connections: both post lock_version 1 at the same moment."""
    hub = HubStatusChangeFactory(hub__name="Start").hub
    users = [_user("t-planner-a", PLANNER), _user("t-planner-b", PLANNER)]
    start = threading.Barrier(2)

    def post_as(user, name):
        def post():
            from django.test import Client

            client = Client()
            client.force_login(user)
            lock = client.get(f"/hubs/{hub.pk}/edit/").context["form"]["lock_version"].value()
            data = hub_post_data(name=name, **IN_OSTERSUND)
            data["lock_version"] = lock
            start.wait(WAIT)
            return client.post(f"/hubs/{hub.pk}/edit/", data)

        return post

    responses = _run_in_threads(post_as(users[0], "Namn A"), post_as(users[1], "Namn B"))

    codes = sorted(r.status_code for r in responses)
    assert codes == [200, 302]
    saved = next(r for r in responses if r.status_code == 302)
    refused = next(r for r in responses if r.status_code == 200)
    hub.refresh_from_db()
    winner = "Namn A" if saved is responses[0] else "Namn B"
    loser = "Namn B" if winner == "Namn A" else "Namn A"
    assert hub.name == winner
    assert hub.lock_version == 2
    html = refused.content.decode()
    assert "Någon annan har sparat ändringar" in html
    assert f'value="{loser}"' in html
    assert f"Nu sparat: {winner}" in html
    assert hub.history.filter(name=loser).count() == 0


# --- every write path raises lock_version, and the history records it ----------------


def _assert_counted(obj, before: int, user) -> None:
    obj.refresh_from_db()
    assert obj.lock_version == before + 1
    latest = obj.history.first()
    assert latest.lock_version == obj.lock_version
    assert latest.history_user == user


@pytest.mark.django_db
def test_a_hub_status_change_raises_lock_version(client_for, reference_data):
    hub = HubStatusChangeFactory(hub__status=Hub.Status.PLANNED).hub
    planner = _user("t-planner-a", PLANNER)
    response = client_for(planner).post(
        f"/hubs/{hub.pk}/status/",
        {"status": Hub.Status.OPEN, "date": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    _assert_counted(hub, 1, planner)


@pytest.mark.django_db
def test_submitting_signing_and_following_up_an_agreement_each_raise_lock_version(
    client_for, reference_data
):
    manager = ManagerFactory(username="t-chef")
    employee = EmployeeFactory(manager=manager)
    agreement = AgreementFactory(employee=employee)
    hr = _user("t-hr-a", HR)
    client = client_for(hr)
    steps = [
        (hr, client, "agreements:submit", {}),
        (hr, client, "agreements:sign", {"signature": "employee", "confirm": "on"}),
        (
            manager,
            client_for(manager),
            "agreements:sign",
            {"signature": "manager", "confirm": "on"},
        ),
        (
            hr,
            client,
            "agreements:follow-up",
            {"held_on": timezone.localdate().isoformat(), "outcome": "continue", "notes": ""},
        ),
    ]
    for number, (user, c, url, data) in enumerate(steps, start=1):
        response = c.post(reverse(url, args=[agreement.pk]), data)
        assert response.status_code == 302, url
        _assert_counted(agreement, number, user)
    assert agreement.status == Status.ACTIVE


@pytest.mark.django_db
def test_a_progress_report_raises_the_activitys_lock_version(client_for, reference_data):
    activity = ActivityFactory()
    planner = _user("t-planner-a", PLANNER)
    response = client_for(planner).post(
        reverse("plan:report-create", args=[activity.pk]),
        {
            "date": "2021-06-01",
            "status": "ongoing",
            "progress": "20",
            "cost_to_date": "100",
            "text": "Läget.",
        },
    )
    assert response.status_code == 302
    _assert_counted(activity, 1, planner)


def _admin_post_data(response) -> dict:
    """What the admin change page would post back unchanged: its form and inline formsets."""
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[form.add_prefix(name)] = (
            [str(v) for v in value] if isinstance(value, list | tuple) else value
        )
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data[formset.management_form.add_prefix(key)] = value
        for f in formset.forms:
            for name in f.fields:
                value = f[name].value()
                if value not in (None, False):
                    data[f.add_prefix(name)] = value
    return data


@pytest.mark.django_db
def test_an_admin_save_raises_lock_version_so_an_open_form_is_refused(
    client_for, superuser, reference_data
):
    hub = HubFactory(name="Före")
    planner = _user("t-planner-a", PLANNER)
    app = client_for(planner)
    opened = app.get(f"/hubs/{hub.pk}/edit/").context["form"]["lock_version"].value()

    admin = client_for(superuser)
    url = reverse("admin:hubs_hub_change", args=[hub.pk])
    data = _admin_post_data(admin.get(url))
    data["name"] = "Ändrad i admin"
    response = admin.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    _assert_counted(hub, 1, superuser)

    data = hub_post_data(name="Från appen", **IN_OSTERSUND)
    data["lock_version"] = opened
    refused = app.post(f"/hubs/{hub.pk}/edit/", data)
    assert refused.status_code == 200
    hub.refresh_from_db()
    assert hub.name == "Ändrad i admin"


@pytest.mark.django_db
def test_a_form_posted_without_lock_version_saves_unchecked_and_still_counts(
    client_for, reference_data
):
    """Scripts and older clients that do not send the field: saved, the count still goes up."""
    hub = HubFactory()
    planner = _user("t-planner-a", PLANNER)
    response = client_for(planner).post(
        f"/hubs/{hub.pk}/edit/", hub_post_data(name="Utan version", **IN_OSTERSUND)
    )
    assert response.status_code == 302
    _assert_counted(hub, 1, planner)


@pytest.mark.django_db
def test_a_tampered_lock_version_is_a_form_error_and_nothing_is_saved(client_for, reference_data):
    hub = HubFactory(name="Orörd")
    planner = _user("t-planner-a", PLANNER)
    data = hub_post_data(name="Ändrad", **IN_OSTERSUND)
    data["lock_version"] = "inte ett tal"
    response = client_for(planner).post(f"/hubs/{hub.pk}/edit/", data)
    assert response.status_code == 200
    hub.refresh_from_db()
    assert (hub.name, hub.lock_version) == ("Orörd", 1)


def test_only_the_three_edited_models_take_part():
    from django.apps import apps

    locked = sorted(m._meta.label for m in apps.get_models() if locking.is_locked_model(m))
    assert locked == ["actionplan.Activity", "hubs.Hub", "remoteagreements.DistanceAgreement"]


@pytest.mark.django_db
def test_what_is_now_saved_is_shown_escaped(client_for, reference_data):
    """The saved values are other people's input; the refusal must not run them as HTML."""
    hub = HubFactory()
    first, second = (
        client_for(_user("t-planner-a", PLANNER)),
        client_for(_user("t-planner-b", PLANNER)),
    )
    data = hub_post_data(**IN_OSTERSUND, notes="<script>alert(1)</script>")
    data["lock_version"] = "1"
    assert first.post(f"/hubs/{hub.pk}/edit/", data).status_code == 302

    data = hub_post_data(**IN_OSTERSUND, notes="Lugnt")
    data["lock_version"] = "1"
    response = second.post(f"/hubs/{hub.pk}/edit/", data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Nu sparat: &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" not in html
