"""Which survey round is official (issue 16, point 6).

The story, in small: a newly imported test round of 300 000 rows took over the kommun
pages and the indicators, because the round with the latest date always fed them, and
gave Ragunda 7 950 commuters against a population of 5 146. Here the official round
has 6 commuters from Ragunda and a test round imported later, with a later date, has
14. Nothing official may change until a planner publishes the test round; then it
does, and every page and API value names the round it comes from.
"""

from __future__ import annotations

import datetime as dt
import importlib
import io
import re

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from hubplan import pagecache
from hubs import selectors as hub_selectors
from hubs.models import BusinessCase
from mapping import selectors
from mapping.models import SurveyResponse, SurveyRound
from mapping.tests.factories import SurveyResponseFactory, SurveyRoundFactory

pytestmark = pytest.mark.django_db

RAGUNDA, OSTERSUND = "2303", "2380"
OFFICIAL = "Pendlingsenkät 2021"
TEST_ROUND = "Testimport 300 000 rader"
HEADER = (
    "Organisation;Enhet;Hemkommun;Postnummer;Arbetsplatskommun;Avstånd km;Restid min;"
    "Färdmedel;Pendlingsdagar per vecka;Arbetstimmar per dag;Intresse hubb;Hubbdagar per vecka"
)


def survey_tool_csv(n_commuters: int) -> bytes:
    """A survey export as Swedish Excel writes it (cp1252, ';', CRLF): ``n_commuters``
    from Ragunda working in Östersund, and two who live and work in Östersund."""
    commuter = "Region Jämtland Härjedalen;HSF;Ragunda kommun;840 70;Östersund;80,5;70;bil;5;8;ja;2"
    local = "Östersunds kommun;Skola;2380;;Östersund;3;10;cykel_gång;5;8;nej;0"
    lines = [HEADER, *[commuter] * n_commuters, local, local]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


@pytest.fixture
def official(reference_data):
    """The round published before the test import: 6 commuters from Ragunda."""
    survey_round = SurveyRoundFactory(name=OFFICIAL, date=dt.date(2021, 4, 23), published=True)
    SurveyResponseFactory.create_batch(
        6,
        round=survey_round,
        home_municipality_id=RAGUNDA,
        workplace_municipality_id=OSTERSUND,
        hub_interest="yes",
    )
    return survey_round


def import_test_round(tmp_path, n_commuters=14, *, command=False) -> SurveyRound:
    """A test round as an import leaves it: dated today, with ``n_commuters`` from
    Ragunda and two locals. With ``command``, through ``manage.py import_survey``
    (which creates the round) from a survey tool's CSV; otherwise the rows are
    bulk-written, as the COPY path writes them."""
    if command:
        path = tmp_path / "testexport.csv"
        path.write_bytes(survey_tool_csv(n_commuters))
        call_command(
            "import_survey",
            str(path),
            "--round",
            TEST_ROUND,
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
        return SurveyRound.objects.get(name=TEST_ROUND)
    survey_round = SurveyRoundFactory(name=TEST_ROUND, date=timezone.localdate())
    SurveyResponse.objects.bulk_create(
        SurveyResponseFactory.build_batch(
            n_commuters,
            round=survey_round,
            home_municipality_id=RAGUNDA,
            workplace_municipality_id=OSTERSUND,
        )
        + SurveyResponseFactory.build_batch(
            2,
            round=survey_round,
            home_municipality_id=OSTERSUND,
            workplace_municipality_id=OSTERSUND,
            hub_interest="no",
        )
    )
    return survey_round


def kommun_commuters(client, code=RAGUNDA) -> str:
    html = client.get(f"/municipalities/{code}/").content.decode()
    return re.search(r'data-figure-key="commuters">([^<]*)<', html).group(1).strip()


def source(html: str) -> str:
    """The text of the element that names the figures' round (id="survey-source")."""
    text = re.search(r'id="survey-source">(.*?)</(?:p|span)>', html, re.S).group(1)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text)).strip()


def api_survey_values(client, code=RAGUNDA) -> list[dict]:
    response = client.get(f"/api/indicators/values/?municipality={code}&indicator=survey_commuters")
    assert response.status_code == 200
    return response.json()


def test_a_later_bigger_import_changes_nothing_official_until_a_planner_publishes_it(
    official, tmp_path, client_for, viewer, planner
):
    client = client_for(viewer)
    assert kommun_commuters(client) == "6"
    comparison_before = client.get("/municipalities/").content.decode()  # now cached

    test_round = import_test_round(tmp_path, command=True)
    assert test_round.date > official.date
    assert test_round.responses.count() == 16 > official.responses.count()
    assert not test_round.is_published

    # Still the official round everywhere: kommun page, comparison, home, API.
    page = client.get(f"/municipalities/{RAGUNDA}/").content.decode()
    assert kommun_commuters(client) == "6"
    assert source(page).startswith(f"Källa: {OFFICIAL}")
    comparison = client.get("/municipalities/").content.decode()
    assert source(comparison) == source(comparison_before)
    assert source(comparison).startswith(f"Källa: {OFFICIAL}")
    assert f"Källa: {OFFICIAL}" in client.get("/").content.decode()
    assert api_survey_values(client) == [
        {
            "municipality": RAGUNDA,
            "indicator": "survey_commuters",
            "year": 2021,
            "value": 6,
            "survey_round": {"id": official.pk, "name": OFFICIAL, "date": "2021-04-23"},
        }
    ]
    detail = client.get(f"/api/municipalities/{RAGUNDA}/").json()
    assert detail["indicators"]["survey_commuters"] == 6
    assert detail["survey_round"]["name"] == OFFICIAL

    response = client_for(planner).post(f"/surveys/{test_round.pk}/publish/")
    assert response.status_code == 302
    test_round.refresh_from_db()
    official.refresh_from_db()
    assert test_round.is_published
    assert not official.is_published

    # Now the test round is official, and named as the source.
    assert kommun_commuters(client) == "14"
    page = client.get(f"/municipalities/{RAGUNDA}/").content.decode()
    assert source(page).startswith(f"Källa: {TEST_ROUND}")
    comparison = client.get("/municipalities/").content.decode()  # the cached part is renewed
    assert source(comparison).startswith(f"Källa: {TEST_ROUND}")
    values = api_survey_values(client)
    assert [(v["year"], v["value"], v["survey_round"]["name"]) for v in values] == [
        (test_round.date.year, 14, TEST_ROUND)
    ]


def test_publishing_is_recorded_in_both_rounds_history_and_shown_on_the_round_page(
    official, tmp_path, client_for, planner, viewer
):
    test_round = import_test_round(tmp_path)
    planner_client = client_for(planner)
    page = planner_client.get(f"/surveys/{test_round.pk}/").content.decode()
    assert f"Kommunsidorna och indikatorerna bygger på {OFFICIAL}" in page
    assert f'action="/surveys/{test_round.pk}/publish/"' in page
    assert "/publish/" not in client_for(viewer).get(f"/surveys/{test_round.pk}/").content.decode()

    planner_client.post(f"/surveys/{test_round.pk}/publish/")

    latest = test_round.history.latest()
    assert (latest.is_published, latest.history_change_reason) == (True, "Publicerad")
    assert latest.history_user == planner
    replaced = official.history.latest()
    assert replaced.is_published is False
    assert replaced.history_change_reason == f"Ersatt av {TEST_ROUND}"
    page = planner_client.get(f"/surveys/{test_round.pk}/").content.decode()
    assert "Publiceringshistorik" in page
    assert re.search(r"Publicerad \(t-planner\)", page)

    planner_client.post(f"/surveys/{test_round.pk}/publish/", {"action": "unpublish"})
    assert selectors.published_round() is None
    assert test_round.history.latest().history_change_reason == "Avpublicerad"


@pytest.mark.parametrize("role", ["viewer", "hr_user"])
def test_a_viewer_or_hr_may_not_publish_and_nothing_is_written(
    role, request, official, tmp_path, client_for
):
    test_round = import_test_round(tmp_path)
    before = (
        list(SurveyRound.objects.order_by("pk").values_list("pk", "is_published", "published_at")),
        SurveyRound.history.count(),
    )
    client = client_for(request.getfixturevalue(role))
    assert client.post(f"/surveys/{test_round.pk}/publish/").status_code == 403
    assert (
        client.post(f"/surveys/{official.pk}/publish/", {"action": "unpublish"}).status_code == 403
    )
    after = (
        list(SurveyRound.objects.order_by("pk").values_list("pk", "is_published", "published_at")),
        SurveyRound.history.count(),
    )
    assert after == before
    assert kommun_commuters(client) == "6"


def test_publish_is_a_post_action(official, client_for, planner):
    assert client_for(planner).get(f"/surveys/{official.pk}/publish/").status_code == 405


def test_a_round_without_answers_cannot_be_published(official, client_for, planner):
    empty = SurveyRoundFactory(name="Tom omgång", date=dt.date(2025, 1, 1))
    response = client_for(planner).post(f"/surveys/{empty.pk}/publish/", follow=True)
    assert "En enkätomgång utan svar kan inte publiceras." in response.content.decode()
    assert selectors.published_round() == official


def test_at_most_one_round_of_each_kind_is_published(reference_data):
    SurveyRoundFactory(published=True)
    SurveyRoundFactory(published=True, kind=SurveyRound.Kind.WORK_ENVIRONMENT)  # another kind
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyRoundFactory(published=True)
    SurveyRoundFactory(published=False)  # any number unpublished
    assert SurveyRound.objects.filter(is_published=True).count() == 2


def test_a_round_edited_into_a_kind_that_has_a_published_round_is_refused(
    official, client_for, planner
):
    other = SurveyRoundFactory(
        name="Arbetsmiljö 2022", kind=SurveyRound.Kind.WORK_ENVIRONMENT, published=True
    )
    response = client_for(planner).post(
        f"/surveys/{other.pk}/edit/",
        {"name": other.name, "date": "2022-05-01", "kind": SurveyRound.Kind.COMMUTING_RESIDENCE},
    )
    assert response.status_code == 200
    assert "Det finns redan en publicerad enkätomgång av den typen." in response.content.decode()
    other.refresh_from_db()
    assert other.kind == SurveyRound.Kind.WORK_ENVIRONMENT


def test_without_a_published_round_the_pages_say_so_instead_of_using_the_latest(
    reference_data, tmp_path, client_for, viewer
):
    import_test_round(tmp_path)  # answers, but nobody published them
    client = client_for(viewer)
    page = client.get(f"/municipalities/{RAGUNDA}/").content.decode()
    assert "Ingen enkätomgång är publicerad" in page
    assert 'data-figure-key="commuters"' not in page
    assert "Ingen enkätomgång är publicerad" in client.get("/municipalities/").content.decode()
    assert "Ingen enkätomgång är publicerad" in client.get("/").content.decode()
    assert (
        "Ingen enkätomgång är publicerad"
        in client.get("/municipalities/suitability/").content.decode()
    )
    assert api_survey_values(client) == []
    assert client.get(f"/api/municipalities/{RAGUNDA}/").json()["survey_round"] is None


def test_an_explicit_round_on_the_comparison_still_shows_that_round(
    official, tmp_path, client_for, viewer
):
    test_round = import_test_round(tmp_path)
    client = client_for(viewer)
    chosen = client.get(f"/municipalities/?survey_round={test_round.pk}").content.decode()
    assert source(chosen).startswith(f"Källa: {TEST_ROUND}")
    suitability = client.get(
        f"/municipalities/suitability/?survey_round={test_round.pk}"
    ).content.decode()
    assert source(suitability) == f"Källa: {TEST_ROUND}"
    assert source(client.get("/municipalities/suitability/").content.decode()) == (
        f"Källa: {OFFICIAL}"
    )


def test_the_survey_api_names_the_round_of_its_figures(official, client_for, viewer):
    client = client_for(viewer)
    expected = {"id": official.pk, "name": OFFICIAL, "date": "2021-04-23"}
    assert client.get(f"/api/surveys/{official.pk}/flows/").json()["survey_round"] == expected
    assert client.get(f"/api/surveys/{official.pk}/potential/").json()["survey_round"] == expected
    csv = client.get(
        f"/api/indicators/values.csv?municipality={RAGUNDA}&indicator=survey_commuters"
    ).content.decode("utf-8-sig")
    assert csv.splitlines() == [
        "kommunkod;indikator;ar;varde;enkatomgang",
        f"2303;survey_commuters;2021;6;{OFFICIAL}",
    ]


def test_a_business_case_without_a_round_estimates_from_the_published_one(official, tmp_path):
    import_test_round(tmp_path)
    assert hub_selectors.estimated_round(BusinessCase()) == official


def test_publishing_renews_the_cached_parts_because_they_read_the_rounds_table():
    for part in (pagecache.HOME, pagecache.COMPARISON):
        assert "mapping_surveyround" in part.tables, part.name


def test_the_migration_publishes_the_latest_round_with_answers_of_each_kind(reference_data):
    migration = importlib.import_module("mapping.migrations.0007_published_round")

    def answered(name, date, kind=SurveyRound.Kind.COMMUTING_RESIDENCE):
        r = SurveyRoundFactory(name=name, date=date, kind=kind)
        SurveyResponseFactory(round=r)
        return r

    answered("Pendling 2019", dt.date(2019, 3, 1))
    latest = answered("Pendling 2023", dt.date(2023, 3, 1))
    SurveyRoundFactory(name="Pendling 2025 utan svar", date=dt.date(2025, 3, 1))
    work = answered("Arbetsmiljö 2020", dt.date(2020, 3, 1), SurveyRound.Kind.WORK_ENVIRONMENT)
    SurveyRoundFactory(name="Annan utan svar", kind=SurveyRound.Kind.OTHER)

    migration.publish_latest(django_apps, None)

    published = set(SurveyRound.objects.filter(is_published=True).values_list("name", flat=True))
    assert published == {latest.name, work.name}
    assert SurveyResponse.objects.count() == 3
