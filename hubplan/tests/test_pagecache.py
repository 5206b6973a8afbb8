"""Cached page parts (hubplan.pagecache) are never stale and never cross roles.

Every test goes through HTTP: a page is viewed (and its parts cached), the data is
changed in one of the ways the app or an operator can change it (a service, a
queryset update, bulk_create, a raw COPY), and the next view must show the new
figure. The write-stamp triggers are checked against the SQL the parts actually run,
so a part that starts reading a new table cannot go stale unnoticed.
"""

from __future__ import annotations

import base64
import pickle
import re
from datetime import datetime

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hubplan import pagecache
from hubplan.tests.dashboard_data import BERG, KROKOM, active_agreement, build
from hubs import services as hub_services
from hubs.models import Hub, HubMonthlyUse
from hubs.tests.factories import HubFactory
from mapping.models import Organisation, SurveyResponse
from mapping.tests.factories import SurveyResponseFactory
from remoteagreements.models import Employee
from remoteagreements.selectors import STATISTICS_TABLES
from remoteagreements.tests.factories import EmployeeFactory

CACHED_PAGES = {
    "home": "/",
    "comparison": "/municipalities/",
    "hubs_list": "/hubs/",
    "hubs_map": "/hubs/map/",
}
# A page's own queries when its part is cached: session, user, the savepoint of the
# request's transaction and its release, the write stamps with the part from the
# shared cache (one query, hubplan.cache), the user's roles (menu).
CACHED_QUERIES = 6
# Storing a computed part in the cache: one statement.
STORE_QUERIES = 1
# The reads of each part when it is computed (dashboard_data.build's data, viewer).
PART_QUERIES = {"home": 8, "comparison": 6, "hubs_list": 3, "hubs_map": 3}


def figure(html: str, key: str) -> str:
    """The home dashboard's figure ``key`` as shown (data-figure-key)."""
    return re.search(rf'data-figure-key="{key}">([^<]*)<', html).group(1).strip()


def comparison_cell(html: str, code: str, column: int) -> str:
    """The comparison table's cell ``column`` (0 = Folkmängd) in kommun ``code``'s row."""
    row = re.search(rf'<tr data-code="{code}">(.*?)</tr>', html, re.S).group(1)
    return re.findall(r'<td class="text-end">([^<]*)</td>', row)[column].strip()


def as_of(html: str) -> datetime:
    return datetime.fromisoformat(re.search(r'data-as-of="([^"]+)"', html).group(1))


def without_form_token(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def stored_parts() -> list[str]:
    """Every part's HTML as the shared cache holds it (its table, as hubplan.cache writes it);
    each entry is ``(stamp, html)``."""
    table = caches[pagecache.CACHE_ALIAS]._table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {connection.ops.quote_name(table)}")
        return [pickle.loads(base64.b64decode(value))[1] for (value,) in cursor.fetchall()]


def view_all(client) -> dict[str, str]:
    out = {}
    for key, url in CACHED_PAGES.items():
        response = client.get(url)
        assert response.status_code == 200, key
        out[key] = response.content.decode()
    return out


@pytest.mark.django_db
def test_a_hub_registered_through_the_service_is_on_the_next_view_of_every_page(
    client_for, planner, reference_data
):
    build()
    client = client_for(planner)
    before = view_all(client)
    assert figure(before["home"], "hubs_open") == "1"
    assert "2 hubbar på kartan" in before["hubs_map"]
    view_all(client)  # served from the cache from here on

    hub = HubFactory.build(name="Hubben vid sjön", municipality_id=KROKOM, status="open")
    hub_services.hub_create(hub=hub, user=planner, status_date=timezone.localdate(), users=[])

    after = view_all(client)
    assert figure(after["home"], "hubs_open") == "2"
    assert "Hubben vid sjön" in after["hubs_list"]
    assert "3 hubbar på kartan" in after["hubs_map"]
    assert comparison_cell(after["comparison"], KROKOM, 4) == "2"  # Öppna hubbar
    for key in CACHED_PAGES:
        assert as_of(after[key]) > as_of(before[key]), key


@pytest.mark.django_db
def test_a_queryset_update_is_on_the_next_view(client_for, viewer, reference_data):
    build()
    client = client_for(viewer)
    before = view_all(client)
    assert "10 skrivbord" in before["home"]
    assert comparison_cell(before["comparison"], KROKOM, 5) == "10"  # Skrivbord i öppna hubbar

    Hub.objects.filter(status=Hub.Status.OPEN).update(desks=40)

    after = view_all(client)
    assert "40 skrivbord" in after["home"]
    assert comparison_cell(after["comparison"], KROKOM, 5) == "40"
    assert re.search(r"<td class=\"text-end\">40</td>", after["hubs_list"])


@pytest.mark.django_db
def test_rows_added_by_bulk_create_are_on_the_next_view(client_for, viewer, reference_data):
    data = build()
    client = client_for(viewer)
    assert figure(client.get("/").content.decode(), "potential_users") == "11"
    assert comparison_cell(client.get("/municipalities/").content.decode(), BERG, 10) == "5"

    SurveyResponse.objects.bulk_create(
        SurveyResponseFactory.build_batch(
            4, round=data["round"], home_municipality_id=BERG, hub_interest="yes"
        )
    )

    assert figure(client.get("/").content.decode(), "potential_users") == "15"
    assert comparison_cell(client.get("/municipalities/").content.decode(), BERG, 10) == "9"


@pytest.mark.django_db
def test_rows_added_by_a_raw_copy_are_on_the_next_view(client_for, viewer, reference_data):
    build()
    client = client_for(viewer)
    # Krokom's open hub: 50 of 10 desks × 20 days this month.
    assert figure(client.get("/").content.decode(), "occupancy") == "25 %"
    planned = Hub.objects.get(status=Hub.Status.PLANNED)
    fields = [f for f in HubMonthlyUse._meta.concrete_fields if not f.primary_key]
    template = HubMonthlyUse.objects.values(*(f.attname for f in fields)).get()
    row = {**template, "hub_id": planned.pk, "desks": 6, "open_days": 20, "desk_days_used": 120}
    columns = ", ".join(f.column for f in fields)
    sql = f"COPY hubs_hubmonthlyuse ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        copy.write_row([row[f.attname] for f in fields])

    # (50 + 120) of (200 + 120) desk-days.
    assert figure(client.get("/").content.decode(), "occupancy") == "53 %"


@pytest.mark.django_db
@pytest.mark.parametrize("page", list(CACHED_PAGES))
def test_a_second_view_of_an_unchanged_page_reads_no_figures_and_shows_the_same(
    client_for, viewer, reference_data, page, django_assert_num_queries
):
    build()
    client = client_for(viewer)
    url = CACHED_PAGES[page]
    client.get("/plan/")  # session and role caches warm, nothing of the page cached
    with django_assert_num_queries(CACHED_QUERIES + PART_QUERIES[page] + STORE_QUERIES):
        computed = client.get(url)
    with django_assert_num_queries(CACHED_QUERIES):
        cached = client.get(url)
    assert computed.status_code == cached.status_code == 200
    assert without_form_token(cached.content.decode()) == without_form_token(
        computed.content.decode()
    )


@pytest.mark.django_db
def test_a_figure_hidden_from_a_viewer_never_reaches_one_through_the_cache(
    client_for, viewer, hr_user, reference_data
):
    """HR sees a count of three people; a viewer, asking after HR, must still see "–"."""
    for employee in EmployeeFactory.create_batch(3, home_municipality_id=KROKOM):
        active_agreement(employee)
    hr, reader = client_for(hr_user), client_for(viewer)
    for _ in range(2):  # the second round is served from the cache
        assert figure(hr.get("/").content.decode(), "active_agreements") == "3"
        assert comparison_cell(hr.get("/municipalities/").content.decode(), KROKOM, 2) == "3"
        assert figure(reader.get("/").content.decode(), "active_agreements") == "–"
        assert comparison_cell(reader.get("/municipalities/").content.decode(), KROKOM, 2) == "–"
    # Both roles' parts are cached, separately.
    assert len(stored_parts()) == 4


@pytest.mark.django_db
def test_the_cached_parts_hold_no_form_token_and_nothing_of_the_user(
    client_for, hr_user, reference_data
):
    build()
    hr_user.first_name, hr_user.last_name = "Ingegerd", "Personalsson"
    hr_user.save()
    client = client_for(hr_user)
    pages = view_all(client)
    assert "Ingegerd Personalsson" in pages["home"]  # the page has them, outside the parts
    stored = stored_parts()
    assert len(stored) == len(CACHED_PAGES)
    for html in stored:
        assert "csrf" not in html.lower()
        assert "Personalsson" not in html
        assert hr_user.username not in html
        assert "Siffrorna räknades fram" in html


@pytest.mark.django_db
def test_each_page_says_when_its_figures_were_computed(client_for, viewer, reference_data):
    build()
    client = client_for(viewer)
    first = view_all(client)
    again = view_all(client)
    for key in CACHED_PAGES:
        assert "Siffrorna räknades fram" in first[key], key
        assert as_of(again[key]) == as_of(first[key]), key
        assert as_of(first[key]) <= timezone.now()


@pytest.mark.django_db
def test_filters_pages_and_languages_are_cached_apart(client_for, viewer, reference_data):
    build()
    for i in range(60):
        HubFactory(municipality_id=BERG, name=f"Bergshubben {i:02}")
    client = client_for(viewer)
    first = client.get("/hubs/", {"sort": "name"}).content.decode()
    second = client.get("/hubs/", {"sort": "name", "page": 2}).content.decode()
    assert "Sida 1 av 2" in first
    assert "Sida 2 av 2" in second
    krokom = client.get("/hubs/", {"municipality": KROKOM}).content.decode()
    assert "Bergshubben" in first
    assert "Bergshubben" not in krokom
    assert client.get("/hubs/", {"page": 9}).status_code == 404  # nothing cached for it
    assert "Aktiva distansavtal" in client.get("/").content.decode()
    client.cookies["django_language"] = "en"
    english = client.get("/").content.decode()
    assert "Active distance-work agreements" in english
    assert "Aktiva distansavtal" not in english


# --- the write stamps ------------------------------------------------------------------------

_TABLE = re.compile(r'(?:FROM|JOIN)\s+"?(\w+)"?', re.I)


def _tables(queries) -> set[str]:
    return {t for q in queries for t in _TABLE.findall(q["sql"])}


def _tables_read_by_part(client, url) -> set[str]:
    """Tables the page reads when computed and not when cached: its part's."""
    client.get(url)
    pagecache.clear()
    with CaptureQueriesContext(connection) as computed:
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as cached:
        client.get(url)
    return _tables(computed.captured_queries) - _tables(cached.captured_queries)


@pytest.mark.django_db
def test_every_table_a_cached_part_reads_has_the_write_trigger(client_for, hr_user, reference_data):
    data = build()
    organisation = Organisation.objects.filter(children__isnull=False).first()
    organisation = organisation or Organisation.objects.first()
    variants = {
        pagecache.HOME: ["/"],
        pagecache.COMPARISON: [
            "/municipalities/",
            f"/municipalities/?year=2023&organisation={organisation.pk}&hub_days=3"
            f"&survey_round={data['round'].pk}&indicator=potential&sort=-potential",
        ],
        pagecache.HUB_LIST: [
            "/hubs/",
            f"/hubs/?municipality={KROKOM}&kind=coworking&status=open&q=Hubb&sort=-desks",
        ],
        pagecache.HUB_MAP: ["/hubs/map/", f"/hubs/map/?municipality={BERG}&status=planned"],
    }
    client = client_for(hr_user)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            " WHERE t.tgname = c.relname || '_generation' AND t.tgenabled = 'O'"
        )
        triggered = {r[0] for r in cursor.fetchall()}
    for part, urls in variants.items():
        assert set(part.tables) <= triggered, part.name
        read = set()
        for url in urls:
            read |= _tables_read_by_part(client, url)
        if part is pagecache.HOME:
            # The agreement trend: from the statistics page's figures while current,
            # counted by the page while it is not (after any write to the register).
            client.get("/agreements/stats/")
            with CaptureQueriesContext(connection) as current:
                read |= _tables_read_by_part(client, "/")
            Employee.objects.filter(pk=-1).update(unit="")  # no row, but a write statement
            with CaptureQueriesContext(connection) as stale:
                read |= _tables_read_by_part(client, "/")
            counted = "remoteagreements_distanceagreement"
            assert counted not in _tables(current.captured_queries)
            assert counted in _tables(stale.captured_queries)
        if part is pagecache.HOME:
            # The trend's cached figures: a cache table, whose entry holds the stamps
            # of the statistics' own tables, which the part must watch too.
            read.discard(settings.CACHES[pagecache.VALUE_CACHE_ALIAS]["LOCATION"])
            assert set(part.tables) >= set(STATISTICS_TABLES), part.name
        assert read, part.name
        assert read <= set(part.tables), (part.name, read - set(part.tables))


@pytest.mark.django_db(transaction=True)
def test_a_stamp_changes_only_when_a_write_commits_and_writers_never_wait_for_each_other():
    """Two connections write to the hubs at once: neither waits (lock_timeout would
    fail it), the other sees no new stamp until a write commits, and a rolled-back
    write leaves the stamp as it was."""
    tables = ("hubs_hub",)
    touch = "UPDATE hubs_hub SET desks = desks WHERE id < 0"  # no rows: the trigger still fires
    other = connections.create_connection("default")
    try:
        other.ensure_connection()
        other.connection.autocommit = True
        with other.cursor() as cursor:
            cursor.execute("SET lock_timeout = '500ms'")

        def stamp_seen_by_other() -> str:
            with other.cursor() as cursor:
                cursor.execute(
                    "SELECT string_agg(table_name || ':' || slot || ':' || generation, ','"
                    " ORDER BY table_name, slot) FROM hubplan_datageneration"
                    " WHERE table_name = ANY(%s)",
                    [list(tables)],
                )
                return cursor.fetchone()[0] or ""

        start = stamp_seen_by_other()
        from django.db import transaction

        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(touch)
            assert stamp_seen_by_other() == start  # not committed yet
            with other.cursor() as cursor:
                cursor.execute(touch)  # would time out if it waited for the open writer
            after_other = stamp_seen_by_other()
            assert after_other != start
        after_both = stamp_seen_by_other()
        assert after_both not in (start, after_other)
        assert pagecache.data_stamp(tables) == after_both

        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(touch)
                raise RuntimeError("roll back")
        except RuntimeError:
            pass
        assert stamp_seen_by_other() == after_both
    finally:
        other.close()


LOCMEM = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}


@pytest.mark.django_db
def test_a_cache_other_than_the_database_reads_the_stamps_and_the_entry_apart(
    client_for, viewer, reference_data, settings, django_assert_num_queries
):
    """As with Redis (CACHE_URL): no get_beside, the stamps are a query and the entry is not."""
    settings.CACHES = {"default": {**LOCMEM, "LOCATION": "d"}, "pages": {**LOCMEM, "LOCATION": "p"}}
    build()
    client = client_for(viewer)
    client.get("/plan/")
    with django_assert_num_queries(CACHED_QUERIES + PART_QUERIES["home"]):
        first = client.get("/").content.decode()
    with django_assert_num_queries(CACHED_QUERIES):
        assert figure(client.get("/").content.decode(), "hubs_open") == "1"
    Hub.objects.filter(status=Hub.Status.PLANNED).update(status=Hub.Status.OPEN)
    after = client.get("/").content.decode()
    assert int(figure(after, "hubs_open")) > int(figure(first, "hubs_open"))
    assert as_of(after) > as_of(first)
