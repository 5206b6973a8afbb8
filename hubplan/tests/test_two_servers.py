"""Two app servers that share nothing but PostgreSQL (README, Production, point 10).

Two real gunicorn processes (gunicorn.conf.py, one worker each, their own ports, the
same SECRET_KEY) on the test database, asked over HTTP as a browser and a script would:

- the API's rate limit is counted across both (the shared database cache);
- a page part cached by A shows a hub created through B's form on A's next view;
- a session signed in on A is signed in on B.

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
