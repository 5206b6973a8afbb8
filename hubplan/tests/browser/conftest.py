"""Browser tests: Playwright for Python driving Debian's Chromium against the live server.

No browser is downloaded (that fails here): the tests use /usr/bin/chromium, which
.ci/run installs. Without it they skip with a message, except in CI (CI=true), where
a missing browser is a failure. Every test's page is watched: a request to any host
other than the live server, or a console error, fails the test at teardown.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[3]
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
# `make screenshots` sets this (docs/screenshots): the README's pictures, one viewport each.
SCREENSHOT_DIR = os.environ.get("SCREENSHOT_DIR", "")
VIEWPORT = {"width": 1280, "height": 800}
# axe-core as bundled by the PyPI package axe-playwright-python: a local file, nothing fetched.
AXE_SCRIPT_PATH = (
    Path(importlib.util.find_spec("axe_playwright_python").origin).parent / "axe.min.js"
)
# Impacts that fail a page; "moderate" and "minor" are reported by axe but tolerated.
AXE_FAILING_IMPACTS = ("serious", "critical")
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


@pytest.fixture
def demo(transactional_db):
    """load_reference and seed_demo, as `make run` does; some of the demo's primary keys.

    The role groups first: the previous transactional test's flush removed them.
    """
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from hubplan.access import HR, PLANNER, VIEWER
    from hubs.models import Hub
    from mapping.models import SurveyRound
    from remoteagreements.models import DistanceAgreement

    for role in (VIEWER, PLANNER, HR):
        Group.objects.get_or_create(name=role)
    with open(os.devnull, "w") as devnull:
        call_command("load_reference", stdout=devnull)
        call_command("seed_demo", stdout=devnull)
    return {
        "hub": Hub.objects.filter(status=Hub.Status.OPEN).order_by("pk").first().pk,
        "round": SurveyRound.objects.order_by("pk").first().pk,
        "agreement": DistanceAgreement.objects.filter(status="active").order_by("pk").first().pk,
    }


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
    context = browser.new_context(base_url=live_server.url, locale="sv-SE", viewport=VIEWPORT)
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


def goto_refused(page, path: str) -> int:
    """Open ``path`` expecting a refusal; return the status.

    Chromium logs a 4xx page as a console error ("Failed to load resource"); that one
    line is expected here, so it is taken off the watch list. Any other error stays.
    """
    before = len(page.watch.console_errors)
    response = page.goto(path)
    status = response.status
    expected = f"status of {status} "
    page.watch.console_errors[before:] = [
        e for e in page.watch.console_errors[before:] if expected not in e
    ]
    return status


def logout(page) -> None:
    page.locator("header").get_by_role("button", name="Logga ut").click()
    page.wait_for_url("**/login/**")


def screenshot(page, name: str) -> None:
    """Keep a full-page screenshot of the current page as a test artifact.

    With ``SCREENSHOT_DIR`` set (``make screenshots``) the visible 1280×800 viewport is
    also written there: the README shows those, and a viewport keeps each file small.
    """
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    if SCREENSHOT_DIR:
        target = Path(SCREENSHOT_DIR)
        if not target.is_absolute():
            target = ROOT / target
        target.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(target / f"{name}.png"), full_page=False)


def axe_violations(page) -> list[dict]:
    """Serious and critical axe-core violations on the current page.

    The script is evaluated through the DevTools protocol, not added as a <script>,
    so the app's Content-Security-Policy does not have to allow it.
    """
    page.evaluate(AXE_SCRIPT_PATH.read_text(encoding="utf-8"))
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [v for v in results["violations"] if v["impact"] in AXE_FAILING_IMPACTS]


def describe_violations(violations: list[dict]) -> str:
    """One line per failing rule and element, readable in a test failure."""
    lines = []
    for v in violations:
        for node in v["nodes"][:5]:
            lines.append(
                f"{v['id']} ({v['impact']}): {v['help']} at {' '.join(map(str, node['target']))}"
                f" – {node['html'][:160]}"
            )
    return "\n".join(lines)


def assert_accessible(page) -> None:
    """No serious or critical axe-core violations on the current page."""
    violations = axe_violations(page)
    assert not violations, f"{page.url}:\n" + describe_violations(violations)


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
