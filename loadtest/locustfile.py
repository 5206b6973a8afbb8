"""Locust users for ``make loadtest``: signed-in staff reading the three busiest pages.

Each user takes one of the sessions ``loadtest/run.py`` logged in before the clock
started (``LOADTEST_SESSIONS``), or without them logs in itself as the demo viewer
(``LOADTEST_USER``/``LOADTEST_PASSWORD``); then it requests the home dashboard, the
kommun comparison and the hubs list in turn,
with ``LOADTEST_WAIT`` seconds between requests (0 by default: as fast as the server
answers, so the figures show capacity, not a pace we chose).
"""

import itertools
import os
import re

from locust import HttpUser, constant, task

USERNAME = os.environ.get("LOADTEST_USER", "viewer")
PASSWORD = os.environ.get("LOADTEST_PASSWORD", "hubplan-demo")
PAGES = (("home", "/"), ("comparison", "/municipalities/"), ("hubs", "/hubs/"))
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SESSIONS = [s for s in os.environ.get("LOADTEST_SESSIONS", "").split(",") if s]
NEXT_SESSION = itertools.count()


class Staff(HttpUser):
    wait_time = constant(float(os.environ.get("LOADTEST_WAIT", "0")))

    def on_start(self) -> None:
        self.turn = 0
        if SESSIONS:
            self.client.cookies.set("sessionid", SESSIONS[next(NEXT_SESSION) % len(SESSIONS)])
            return
        page = self.client.get("/login/", name="login")
        match = CSRF_INPUT.search(page.text)
        with self.client.post(
            "/login/",
            data={
                "username": USERNAME,
                "password": PASSWORD,
                "csrfmiddlewaretoken": match.group(1) if match else "",
            },
            headers={"Referer": f"{self.host}/login/"},
            name="login",
            catch_response=True,
        ) as response:
            # A failed login answers 200 with the form again; a good one redirects home.
            if response.url.rstrip("/").endswith("/login"):
                response.failure("login failed")

    @task
    def next_page(self) -> None:
        name, path = PAGES[self.turn % len(PAGES)]
        self.turn += 1
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code == 200 and "/login/" in response.url:
                response.failure("not signed in")
