"""The statistics page through HTTP: hand-counted figures, its snapshot never stale, its as-of time, its queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mapping.models import Municipality, Organisation
from remoteagreements.models import DistanceAgreement, Employee
from remoteagreements.tests.factories import AgreementFactory, EmployeeFactory

Status = DistanceAgreement.Status
STATS = "/agreements/stats/"
CURRENT_SNAPSHOTS = (
    "SELECT count(*) FROM remoteagreements_statssnapshot"
    " WHERE generation = (SELECT last_value FROM remoteagreements_stats_generation)"
)


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
def test_the_second_view_comes_from_the_snapshot_with_its_as_of_time(client_for, hr_user, register):
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
def test_writes_that_bypass_save_still_make_the_snapshot_recompute(client_for, hr_user, register):
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
def test_a_new_day_recomputes_the_snapshot(client_for, hr_user, register, monkeypatch):
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
    # The snapshot is read in one query; recomputing adds the locks, five aggregates, the
    # write and the savepoint around them, once after each write.
    assert fresh_n <= 14, counts
    assert recomputed_n == fresh_n + 9, counts


@pytest.mark.django_db(transaction=True)
def test_a_write_holding_its_table_does_not_hold_up_the_page_nor_get_a_stale_snapshot(
    client_for, hr_user, register
):
    """An import in progress keeps its lock: the page gives way after 200 ms and stores nothing."""
    import psycopg

    params = connection.get_connection_params()
    keep = ("dbname", "user", "password", "host", "port")
    other = psycopg.connect(**{k: v for k, v in params.items() if k in keep and v})
    client = client_for(hr_user)
    try:
        other.execute("UPDATE remoteagreements_employee SET unit = unit WHERE false")
        # Uncommitted: the sequence has moved on, the lock is held until the commit.
        ctx = client.get(STATS).context
        assert ctx["overall"]["with_agreement"] == 4
        with connection.cursor() as cursor:
            cursor.execute(CURRENT_SNAPSHOTS)
            assert cursor.fetchone() == (0,)
        other.commit()
    finally:
        other.close()
    client.get(STATS)
    with connection.cursor() as cursor:
        cursor.execute(CURRENT_SNAPSHOTS)
        assert cursor.fetchone() == (1,)
