"""Locust users for ``make loadtest``: signed-in staff reading the three busiest pages.

Each user takes one of the sessions ``loadtest/run.py`` logged in before the clock
started (``LOADTEST_SESSIONS``), or without them logs in itself as the demo viewer
(``LOADTEST_USER``/``LOADTEST_PASSWORD``); then it requests the home dashboard, the
kommun comparison and the hubs list in turn,
with ``LOADTEST_WAIT`` seconds between requests (0 by default: as fast as the server
answers, so the figures show capacity, not a pace we chose).

The users are ``FastHttpUser`` (geventhttpclient) rather than ``HttpUser`` (requests):
on a two-core machine locust shares the CPU with gunicorn and PostgreSQL, and the
requests library spent several times the CPU per request that the pages did.
Redirects are not followed: a page answers 200, anything else (a redirect to the
login page included) is a failure.
"""

import http.cookiejar
import itertools
import os
import re
import urllib.parse

from locust import FastHttpUser, constant, task

USERNAME = os.environ.get("LOADTEST_USER", "viewer")
PASSWORD = os.environ.get("LOADTEST_PASSWORD", "hubplan-demo")
PAGES = (("home", "/"), ("comparison", "/municipalities/"), ("hubs", "/hubs/"))
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SESSIONS = [s for s in os.environ.get("LOADTEST_SESSIONS", "").split(",") if s]
NEXT_SESSION = itertools.count()


def session_cookie(host: str, value: str) -> http.cookiejar.Cookie:
    """Django's session cookie for ``host`` (a base URL), as the server would have set it."""
    return http.cookiejar.Cookie(
        version=0,
        name="sessionid",
        value=value,
        port=None,
        port_specified=False,
        domain=urllib.parse.urlsplit(host).hostname,
        domain_specified=False,
        domain_initial_dot=False,
        path="/",
        path_specified=True,
        secure=False,
        expires=None,
        discard=True,
        comment=None,
        comment_url=None,
        rest={},
    )


class Staff(FastHttpUser):
    wait_time = constant(float(os.environ.get("LOADTEST_WAIT", "0")))

    def on_start(self) -> None:
        self.turn = 0
        if SESSIONS:
            session = SESSIONS[next(NEXT_SESSION) % len(SESSIONS)]
            self.client.cookiejar.set_cookie(session_cookie(self.host, session))
            return
        page = self.client.get("/login/", name="login")
        match = CSRF_INPUT.search(page.text or "")
        with self.client.post(
            "/login/",
            data={
                "username": USERNAME,
                "password": PASSWORD,
                "csrfmiddlewaretoken": match.group(1) if match else "",
            },
            headers={"Referer": f"{self.host}/login/"},
            name="login",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            # A failed login answers 200 with the form again; a good one redirects home.
            if response.status_code != 302:
                response.failure("login failed")

    @task
    def next_page(self) -> None:
        name, path = PAGES[self.turn % len(PAGES)]
        self.turn += 1
        with self.client.get(
            path, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code == 302 and "/login/" in response.headers.get("Location", ""):
                response.failure("not signed in")
            elif response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
