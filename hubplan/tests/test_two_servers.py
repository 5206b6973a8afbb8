"""Two app servers that share nothing but PostgreSQL (README, Production, point 10).

Two real gunicorn processes (gunicorn.conf.py, one worker each, their own ports, the
same SECRET_KEY) on the test database, asked over HTTP as a browser and a script would:

- the API's rate limit is counted across both (the shared database cache);
- a page part cached by A shows a hub created through B's form on A's next view;
- a session signed in on A is signed in on B;
- a survey file uploaded on A is mapped and checked on B and imported by a worker.

Committed data (``transactional_db``): the servers see only what is committed.
"""

from __future__ import annotations

import re

import pytest
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from rest_framework.authtoken.models import Token

from hubplan.tests import processes
from hubs.models import Hub

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "pw-two-servers-only"


@pytest.fixture
def servers(tmp_path):
    """Base URLs of servers A and B, both limiting the API to 5 requests an hour."""
    env = processes.child_env(API_RATE_LIMIT="5/hour")
    logs = tmp_path / "a.log", tmp_path / "b.log"
    with (
        processes.start_gunicorn(processes.free_port(), env, log=logs[0]) as a,
        processes.start_gunicorn(processes.free_port(), env, log=logs[1]) as b,
    ):
        yield a, b


@pytest.fixture
def planner_with_password(planner):
    """The planner, with a password the servers' own hashers check (the suite's is MD5)."""
    hasher = PBKDF2PasswordHasher()
    planner.password = hasher.encode(PASSWORD, hasher.salt(), iterations=1000)
    planner.save()
    return planner


def _form_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def _figure(html: str, key: str) -> int:
    return int(re.search(rf'data-figure-key="{key}">([^<]*)<', html).group(1).strip())


def _as_of(html: str) -> str:
    return re.search(r'data-as-of="([^"]+)"', html).group(1)


def _log_in(session: requests.Session, base_url: str, username: str) -> None:
    page = session.get(f"{base_url}/login/")
    response = session.post(
        f"{base_url}/login/",
        data={
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": _form_token(page.text),
        },
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[:2000]
    assert response.headers["Location"] == "/"


def test_the_api_rate_limit_is_counted_across_both_servers(servers, viewer):
    a, b = servers
    headers = {"Authorization": f"Token {Token.objects.create(user=viewer).key}"}

    def ask(base_url: str) -> int:
        return requests.get(f"{base_url}/api/indicators/", headers=headers, timeout=30).status_code

    # 5 an hour in all: three on A and two on B pass, then both refuse.
    assert [ask(a), ask(a), ask(a), ask(b), ask(b)] == [200] * 5
    assert ask(a) == 429
    assert ask(b) == 429


def test_a_part_cached_by_a_shows_a_hub_created_through_b(
    servers, planner_with_password, reference_data
):
    a, b = servers
    browser = requests.Session()
    _log_in(browser, a, planner_with_password.username)

    first = browser.get(f"{a}/").text
    again = browser.get(f"{a}/").text
    assert _as_of(again) == _as_of(first)  # A serves its cached part
    open_before = _figure(first, "hubs_open")

    form = browser.get(f"{b}/hubs/new/")
    assert form.status_code == 200
    response = browser.post(
        f"{b}/hubs/new/",
        data={
            "csrfmiddlewaretoken": _form_token(form.text),
            "name": "Hubben i Hammarstrand",
            "kind": Hub.Kind.TOWN_HALL,
            "municipality": "2303",
            "latitude": "63.1067",
            "longitude": "16.3456",
            "operator_type": Hub.OperatorType.MUNICIPALITY,
            "status": Hub.Status.OPEN,
            "status_date": "2025-05-01",
            "desks": "6",
            "meeting_rooms": "1",
        },
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[-3000:]
    assert Hub.objects.filter(name="Hubben i Hammarstrand", status=Hub.Status.OPEN).count() == 1

    after = browser.get(f"{a}/").text
    assert _figure(after, "hubs_open") == open_before + 1
    assert _as_of(after) > _as_of(first)


def test_a_session_signed_in_on_a_is_signed_in_on_b(servers, planner_with_password):
    a, b = servers
    browser = requests.Session()
    _log_in(browser, a, planner_with_password.username)
    on_b = browser.get(f"{b}/", allow_redirects=False)
    assert on_b.status_code == 200
    assert "Logga ut" in on_b.text
    # Without the session cookie B sends to the login page: it was the cookie that did it.
    assert requests.get(f"{b}/", allow_redirects=False, timeout=30).status_code == 302


def test_a_survey_file_uploaded_on_a_is_mapped_on_b_and_imported_by_the_worker(
    servers, planner_with_password, reference_data, settings, tmp_path
):
    """The whole survey import over three processes: nothing of it lives on one server.

    The file (2 000 rows, as Swedish Excel writes it) is uploaded to A, its columns are
    mapped and checked through B (the check runs on the worker), and the import is
    started on A again and written by the worker.
    """
    from hubplan import bench
    from mapping.imports import COLUMNS
    from mapping.models import SurveyImport, SurveyResponse
    from mapping.tests.factories import SurveyRoundFactory

    a, b = servers
    survey_round = SurveyRoundFactory(name="Tvåserverenkäten")
    path = tmp_path / "enkat.csv"
    bench.write_survey_csv(path, 2000)
    browser = requests.Session()
    _log_in(browser, a, planner_with_password.username)
    with processes.worker(tmp_path / "worker.log"):
        page = browser.get(f"{a}/surveys/import/")
        with open(path, "rb") as fh:
            uploaded = browser.post(
                f"{a}/surveys/import/",
                data={
                    "survey_round": survey_round.pk,
                    "csrfmiddlewaretoken": _form_token(page.text),
                },
                files={"file": ("enkat.csv", fh, "text/csv")},
                allow_redirects=False,
            )
        assert uploaded.status_code == 302, uploaded.text[:3000]
        assert uploaded.headers["Location"] == "/surveys/import/columns/"
        # Server B has the upload: its column page shows the file's headers.
        columns = browser.get(f"{b}/surveys/import/columns/")
        assert columns.status_code == 200
        assert "Ladda upp en fil först" not in columns.text
        mapping = {c.field: c.header for c in COLUMNS}
        checked = browser.post(
            f"{b}/surveys/import/columns/",
            data={**mapping, "csrfmiddlewaretoken": _form_token(columns.text)},
            allow_redirects=False,
        )
        assert checked.status_code == 302, checked.text[:3000]
        # The worker checks the whole file; B shows the report when it is done.
        report = processes.wait_until(
            lambda: (
                (p := browser.get(f"{b}/surveys/import/columns/"))
                and 'name="import"' in p.text
                and p
            ),
            deadline=90,
            what="the check's report on B",
            every=0.5,
        )
        started = browser.post(
            f"{a}/surveys/import/columns/",
            data={"import": "1", "csrfmiddlewaretoken": _form_token(report.text)},
            allow_redirects=False,
        )
        assert started.status_code == 302, started.text[:3000]
        record = SurveyImport.objects.get(round=survey_round)
        assert started.headers["Location"] == record.get_absolute_url()
        processes.wait_until(
            lambda: SurveyImport.objects.get(pk=record.pk).status != SurveyImport.Status.RUNNING,
            deadline=90,
            what="the import on the worker",
            every=0.5,
        )
    record.refresh_from_db()
    assert (record.status, record.row_count) == (SurveyImport.Status.DONE, 2000), record.message
    assert SurveyResponse.objects.filter(round=survey_round).count() == 2000
    # Either server shows the import's report: 2 000 rows imported (Swedish thousands).
    for server in (a, b):
        shown = browser.get(f"{server}{record.get_absolute_url()}").text
        assert re.search(r"Importerade rader</dt><dd[^>]*>2\s000<", shown), shown[:3000]
