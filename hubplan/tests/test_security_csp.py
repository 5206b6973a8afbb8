"""Content-Security-Policy: the header on every page, and no page that needs inline script.

The real browser proves the policy lets every chart and map draw
(hubplan/tests/browser/test_csp.py); these tests keep every crawled page free of
what the policy would block: inline <script> and event-handler attributes.
"""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from hubplan.tests.crawl import crawl, sample_paths


def _directives(header: str) -> dict[str, list[str]]:
    parts = (d.split() for d in header.split(";") if d.strip())
    return {name: values for name, *values in parts}


class _InlineScriptFinder(HTMLParser):
    """Collects <script> elements without src that a browser would run, and on* attributes."""

    DATA_TYPES = {"application/json", "application/ld+json"}

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        runs = attributes.get("type") not in self.DATA_TYPES
        if tag == "script" and "src" not in attributes and runs:
            self.found.append(f"<script {attributes}>")
        self.found.extend(f"<{tag} {name}=...>" for name, _ in attrs if name.startswith("on"))


def _inline_scripts(html: str) -> list[str]:
    finder = _InlineScriptFinder()
    finder.feed(html)
    return finder.found


@pytest.mark.django_db
def test_the_login_page_sends_a_policy_without_inline_script_or_other_hosts(client):
    response = client.get(reverse("login"))
    policy = _directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    # MapLibre's workers and images; nothing names another host.
    assert "blob:" in policy["worker-src"]
    every_source = {value for values in policy.values() for value in values}
    assert every_source <= {"'self'", "'none'", "'unsafe-inline'", "data:", "blob:"}
    # 'unsafe-inline' only for styles (plotly sets them as it draws).
    assert [name for name, values in policy.items() if "'unsafe-inline'" in values] == ["style-src"]


@pytest.mark.django_db
def test_a_signed_in_page_and_an_error_page_carry_the_policy(client_for, viewer):
    client = client_for(viewer)
    assert "script-src 'self'" in client.get(reverse("home"))["Content-Security-Policy"]
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404
    assert "script-src 'self'" in missing["Content-Security-Policy"]


@pytest.mark.django_db
def test_no_page_has_an_inline_script_or_event_handler(client_for, superuser, reference_data):
    pages = crawl(client_for(superuser), ["/", *sample_paths()])
    html_pages = {p: h for p, h in pages.items() if h}
    assert len(html_pages) >= 5
    offenders = {
        path: found for path, html in html_pages.items() if (found := _inline_scripts(html))
    }
    assert offenders == {}


def test_the_finder_sees_what_the_policy_would_block():
    assert _inline_scripts('<script>alert(1)</script><a onclick="x()">a</a>') == [
        "<script {}>",
        "<a onclick=...>",
    ]
    assert _inline_scripts('<script id="f" type="application/json">{}</script>') == []
    assert _inline_scripts('<script src="/static/x.js"></script>') == []
