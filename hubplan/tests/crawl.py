"""Enumerate the project's URLs and crawl its pages, for tests that check every page."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.urls import URLPattern, URLResolver, get_resolver, reverse

# Sample arguments for URL patterns with parameters, by parameter name.
SAMPLE_KWARGS = {"code": "2380", "pk": 1, "id": 1, "year": 2024, "month": 1}
# Paths the crawler must not follow (side effects or Django's own admin).
SKIP_PREFIXES = ("/admin/", "/logout/", "/static/", "/i18n/")


def _walk(patterns, prefix="", namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or namespace
            if ns == "admin":
                continue
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern) and p.name:
            yield (f"{namespace}:{p.name}" if namespace else p.name), p


def sample_paths() -> list[str]:
    """A path for every named, non-admin URL pattern, using SAMPLE_KWARGS for parameters."""
    paths = []
    for name, pattern in _walk(get_resolver().url_patterns):
        params = list(pattern.pattern.regex.groupindex)
        paths.append(reverse(name, kwargs={k: SAMPLE_KWARGS[k] for k in params}))
    return paths


def public_paths() -> list[str]:
    """Paths of views that are reachable signed out (marked login_not_required)."""
    out = []
    for name, pattern in _walk(get_resolver().url_patterns):
        if getattr(pattern.callback, "login_required", True) is False:
            params = list(pattern.pattern.regex.groupindex)
            out.append(reverse(name, kwargs={k: SAMPLE_KWARGS[k] for k in params}))
    return out


class _LinkParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        for attr, value in attrs:
            if attr in {"href", "src", "action", "srcset", "poster", "data"} and value:
                self.urls.append((tag, attr, value))


def urls_in(html: str) -> list[tuple[str, str, str]]:
    parser = _LinkParser()
    parser.feed(html)
    return parser.urls


def crawl(client, start: list[str], limit: int = 300) -> dict[str, str]:
    """Follow same-site links from ``start``; returns path → HTML of each page visited."""
    seen: dict[str, str] = {}
    queue = list(start)
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if path in seen or path.startswith(SKIP_PREFIXES):
            continue
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            seen[path] = ""
            continue
        html = response.content.decode()
        seen[path] = html
        for tag, _attr, url in urls_in(html):
            if tag != "a":
                continue
            parts = urlsplit(urljoin(path, url))
            if not parts.netloc and parts.path.startswith("/"):
                target = parts.path + (f"?{parts.query}" if parts.query else "")
                if target not in seen:
                    queue.append(target)
    return seen
