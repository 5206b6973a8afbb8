"""The statistics page through HTTP: hand-counted figures, never stale, its as-of time, its queries, no locks."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mapping.models import Municipality, Organisation
from remoteagreements.models import DistanceAgreement, Employee
from remoteagreements.tests.factories import AgreementFactory, EmployeeFactory

Status = DistanceAgreement.Status
STATS = "/agreements/stats/"


def _active(employee, **fields):
    now = timezone.now()
    return AgreementFactory(
        employee=employee,
        status=Status.ACTIVE,
        employee_signed_at=now,
        employee_signature_method="paper",
        manager_signed_at=now,
        manager_signed_by=employee.manager,
        **fields,
    )


@pytest.fixture
def register(reference_data, manager):
    """Krokom (2309): 4 employees, 3 with an active agreement; Östersund (2380): 2, 1 with one.

    One Östersund agreement is only a draft and one Krokom person's agreement ended
    yesterday: neither counts. Krokom's three are in Ekonomienheten, the rest in IT-enheten.
    """
    krokom, ostersund = (Municipality.objects.get(code=c) for c in ("2309", "2380"))
    staff = Organisation.objects.get(name="Regionstaben")
    k = [
        EmployeeFactory(manager=manager, home_municipality=krokom, administration=staff)
        for _ in range(4)
    ]
    o = [
        EmployeeFactory(
            manager=manager, home_municipality=ostersund, administration=staff, unit="IT-enheten"
        )
        for _ in range(2)
    ]
    k[3].unit = "IT-enheten"
    k[3].save()
    agreements = [_active(e) for e in k[:3]]
    agreements.append(_active(o[0], place_kind=DistanceAgreement.Place.HOME))
    AgreementFactory(employee=o[1])  # a draft
    ended = _active(k[3])
    ended.status, ended.ended_on = Status.ENDED, timezone.localdate() - timedelta(days=1)
    ended.save()
    return agreements


def _row(rows, **match):
    return [r for r in rows if all(r[k] == v for k, v in match.items())]


@pytest.mark.django_db
def test_the_figures_match_a_hand_count(client_for, hr_user, register):
    ctx = client_for(hr_user).get(STATS).context
    total = Employee.objects.count()
    assert ctx["overall"]["with_agreement"] == 4
    assert ctx["overall"]["employees"] == total
    (krokom,) = _row(ctx["homes"], code="2309")
    assert (krokom["employees"], krokom["with_agreement"], krokom["share"]) == (4, 3, 75.0)
    (ostersund,) = _row(ctx["homes"], code="2380")
    assert (ostersund["employees"], ostersund["with_agreement"], ostersund["share"]) == (2, 1, 50.0)
    (eko,) = _row(ctx["units"], administration="Regionstaben", unit="Ekonomienheten")
    assert (eko["employees"], eko["with_agreement"]) == (3, 3)
    (it,) = _row(ctx["units"], administration="Regionstaben", unit="IT-enheten")
    assert (it["employees"], it["with_agreement"]) == (3, 1)
    places = {r["place"]: r["with_agreement"] for r in ctx["places"]}
    assert (places["region_workplace"], places["home"]) == (3, 1)
    # The one ended yesterday was active last month's end and is not now.
    assert ctx["months"][-1][1] == 4
    assert ctx["months"][-2][1] == 5


@pytest.mark.django_db
def test_the_second_view_comes_from_the_cache_with_its_as_of_time(client_for, hr_user, register):
    client = client_for(hr_user)
    first = client.get(STATS)
    with CaptureQueriesContext(connection) as ctx:
        second = client.get(STATS)
    assert second.context["as_of"] == first.context["as_of"]
    # No aggregate ran: the only query on the agreements is the role check's EXISTS.
    assert not [q for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]
    shown = timezone.localtime(first.context["as_of"]).strftime("%Y-%m-%d %H:%M:%S")
    assert shown in second.content.decode()
    assert 'id="stats-as-of"' in second.content.decode()


@pytest.mark.django_db
def test_ending_an_agreement_over_http_shows_at_once(client_for, hr_user, register):
    client = client_for(hr_user)
    before = client.get(STATS)
    assert before.context["overall"]["with_agreement"] == 4
    response = client.post(
        reverse("agreements:end", args=[register[0].pk]),
        {"on": (timezone.localdate() - timedelta(days=1)).isoformat(), "reason": "notice"},
    )
    assert response.status_code == 302
    after = client.get(STATS)
    assert after.context["overall"]["with_agreement"] == 3
    assert after.context["as_of"] > before.context["as_of"]


@pytest.mark.django_db
def test_writes_that_bypass_save_still_make_the_figures_recompute(client_for, hr_user, register):
    """A queryset update and a bulk insert send no signals; the trigger sees them all the same."""
    client = client_for(hr_user)
    assert client.get(STATS).context["overall"]["with_agreement"] == 4
    DistanceAgreement.objects.filter(pk=register[1].pk).update(status=Status.DRAFT)
    assert client.get(STATS).context["overall"]["with_agreement"] == 3
    extra = EmployeeFactory.build(manager=register[0].employee.manager)
    Employee.objects.bulk_create([extra])
    ctx = client.get(STATS).context
    assert ctx["overall"]["employees"] == Employee.objects.count()
    Municipality.objects.filter(code="2309").update(name="Krokoms kommun")
    assert _row(client.get(STATS).context["homes"], code="2309")[0]["name"] == "Krokoms kommun"


@pytest.mark.django_db
def test_a_new_day_recomputes_the_figures(client_for, hr_user, register, monkeypatch):
    """An agreement whose period ends today counts today and not tomorrow, with no write between."""
    last = register[0]
    last.end_date = timezone.localdate()
    last.save()
    client = client_for(hr_user)
    assert client.get(STATS).context["overall"]["with_agreement"] == 4
    tomorrow = timezone.localdate() + timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: tomorrow)
    assert client.get(STATS).context["overall"]["with_agreement"] == 3


@pytest.mark.django_db
def test_the_query_count_does_not_grow_with_rows_whether_fresh_or_recomputed(
    client_for, hr_user, manager, reference_data
):
    client = client_for(hr_user)
    client.get(STATS)  # warm the session and role caches
    counts = []
    for size in (5, 60):
        while Employee.objects.count() < size:
            _active(EmployeeFactory(manager=manager))
        with CaptureQueriesContext(connection) as recomputed:
            assert client.get(STATS).status_code == 200
        with CaptureQueriesContext(connection) as fresh:
            assert client.get(STATS).status_code == 200
        counts.append((len(recomputed), len(fresh)))
    assert counts[0] == counts[1], counts
    recomputed_n, fresh_n = counts[0]
    # The cached figures are read in one query; recomputing adds the five aggregates and
    # the cache write, once after each write.
    assert fresh_n <= 14, counts
    assert recomputed_n == fresh_n + 6, counts


def _other_connection():
    import psycopg

    params = connection.get_connection_params()
    keep = ("dbname", "user", "password", "host", "port")
    return psycopg.connect(**{k: v for k, v in params.items() if k in keep and v})


@pytest.mark.django_db(transaction=True)
def test_a_write_in_progress_neither_holds_up_the_page_nor_leaves_it_stale(
    client_for, hr_user, register
):
    """An uncommitted write is not counted and not waited for; once committed, it is shown."""
    other = _other_connection()
    client = client_for(hr_user)
    try:
        other.execute(
            "UPDATE remoteagreements_distanceagreement SET status = 'draft' WHERE id = %s",
            [register[1].pk],
        )
        with connection.cursor() as cursor:
            # Were the page to wait for the writer's lock, this would fail it at once.
            cursor.execute("SET lock_timeout = '50ms'")
        assert client.get(STATS).context["overall"]["with_agreement"] == 4
        other.commit()
    finally:
        other.close()
        with connection.cursor() as cursor:
            # The session outlives the test: later tests must not inherit the timeout.
            cursor.execute("RESET lock_timeout")
    assert client.get(STATS).context["overall"]["with_agreement"] == 3


@pytest.mark.django_db(transaction=True)
def test_a_statistics_read_held_open_does_not_block_an_agreement_save(register):
    """The read runs inside a transaction kept open while another connection saves an
    agreement. The saver gives up after 2 s of waiting for a lock (lock_timeout); it
    finishes in well under that, and the next read counts what it saved."""
    import threading
    import time

    from remoteagreements import selectors

    today = timezone.localdate()
    agreement = register[1]
    timing = {}

    def save_beside():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '2s'")
            started = time.monotonic()
            agreement.status = Status.DRAFT
            agreement.save()
            timing["seconds"] = time.monotonic() - started
        except Exception as error:  # reported below, in the test's own thread
            timing["error"] = error
        finally:
            connection.close()

    with transaction.atomic():
        held = selectors.agreement_statistics(today)
        assert held["months"][-1][1] == 4
        saver = threading.Thread(target=save_beside)
        saver.start()
        saver.join(timeout=30)
        assert not saver.is_alive()
    assert "error" not in timing, timing.get("error")
    assert timing["seconds"] < 2.0, timing
    after = selectors.agreement_statistics(today)
    assert after["as_of"] > held["as_of"]
    assert after["months"][-1][1] == 3
