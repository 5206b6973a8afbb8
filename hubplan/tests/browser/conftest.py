"""Browser tests: Playwright for Python driving Debian's Chromium against the live server.

No browser is downloaded (that fails here): the tests use /usr/bin/chromium, which
.ci/run installs. Without it they skip with a message, except in CI (CI=true), where
a missing browser is a failure. Every test's page is watched: a request to any host
other than the live server, or a console error, fails the test at teardown.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "screenshots"
# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# to set up data are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# Flags that keep Chromium from calling Google's services in a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "/tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"No Chromium at {CHROMIUM}: install Debian's chromium to run the browser tests."
        if os.environ.get("CI") == "true":
            pytest.fail(message + " In CI the browser tests must run.")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class PageWatch:
    """Collects what a page did that it must not: leave the app, or log errors."""

    def __init__(self, origin: str):
        self.origin = origin
        self.foreign_requests: list[str] = []
        self.console_errors: list[str] = []

    def on_request(self, request):
        url = request.url
        if not url.startswith((self.origin, "data:", "blob:", "about:")):
            self.foreign_requests.append(url)

    def on_console(self, message):
        if message.type == "error":
            self.console_errors.append(message.text)

    def on_page_error(self, error):
        self.console_errors.append(str(error))


@pytest.fixture
def page(browser, live_server, request):
    """A fresh Swedish-locale page on the live server, watched for leaks and errors."""
    context = browser.new_context(
        base_url=live_server.url, locale="sv-SE", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    watch = PageWatch(live_server.url)
    page.on("request", watch.on_request)
    page.on("console", watch.on_console)
    page.on("pageerror", watch.on_page_error)
    page.watch = watch
    yield page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    if not page.is_closed():
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-last.png"), full_page=True)
    context.close()
    assert watch.foreign_requests == [], "requests left the app"
    assert watch.console_errors == [], "console errors"


def login(page, username: str, password: str = "pw-for-tests-only") -> None:
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/login/" not in url)


def screenshot(page, name: str) -> None:
    """Keep a full-page screenshot of the current page as a test artifact."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def assert_chart_drawn(page, selector: str = ".plotly-chart") -> None:
    """A plotly chart or map has drawn: its SVG or map canvas is there and not empty."""
    chart = page.locator(selector).first
    chart.locator(".main-svg, canvas").first.wait_for(state="attached")
    box = chart.bounding_box()
    assert box
    assert box["width"] > 100
    assert box["height"] > 100
    drawn = chart.evaluate("el => el.querySelectorAll('path, canvas, .point, .trace').length")
    assert drawn > 0
