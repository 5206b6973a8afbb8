"""Cached page parts that are never stale: the dashboard's figures, the kommun comparison,
the hub list and the hub map, rendered once and served again until their data changes.

A part is a template rendered from a context that a function computes (the expensive
aggregates, charts and tables). Its HTML is kept in the ``pages`` cache, which every
server shares (a table in PostgreSQL by default, ``hubplan.cache``; Redis where
``CACHE_URL`` names it), beside the write stamps it was computed from: the stamps
of every table the part reads, from ``hubplan_datageneration``, where a trigger
(migration ``hubplan.0003``) gives a table a new stamp at every write statement, COPY
and queryset updates included, visible once the writer commits. An entry is used
only while its stamps are the current ones, so a write through any server is seen
by every other. With the database cache the stamps and the entry are read in one
query. The entry's key is made of

- today's date (figures "as on today"), the active language;
- whether the user may see small cells (:func:`hubplan.privacy.may_see_small_cells`):
  HR's figures and everyone else's are separate entries, so a figure hidden from a
  viewer can never reach one through the cache;
- the request's query string (filters, sort, page), which decides everything else.

The stamps are read *before* the figures are computed, so an entry can only hold
figures as new as its stamps or newer, never older: a write committed after the stamps
were read changes them, and the next view computes afresh.

The part is rendered without the request: no context processor runs, so no CSRF
token, user name or message can end up in the cache, only what the part's own
context holds (aggregates and registry rows, no personal data). It shows the time
its figures were computed (``as_of``), so a cached page says how old it is.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import caches
from django.db import connection
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from hubplan.privacy import may_see_small_cells

CACHE_ALIAS = "pages"
# Figures kept by cached_value live in the default cache, so that clearing the rendered
# parts (clear()) forgets the HTML and keeps the figures that several parts share.
VALUE_CACHE_ALIAS = "default"


@dataclass(frozen=True)
class Part:
    """A cached page part: its name and every table its figures are read from.

    ``hubplan/tests/test_pagecache.py`` computes each part and fails if it reads a
    table not listed here or a listed table has no write trigger.
    """

    name: str
    tables: tuple[str, ...]


_PLAN = (
    "actionplan_activity",
    "actionplan_activity_municipalities",
    "actionplan_activity_partners",
)
_HUBS = ("hubs_hub", "hubs_hubmonthlyuse")
# The published round is read with its finished imports (how many rows it rests on).
_SURVEYS = ("mapping_surveyround", "mapping_surveyresponse", "mapping_surveyimport")
_REGISTER = ("remoteagreements_employee", "remoteagreements_distanceagreement")

HOME = Part(
    "home",
    (
        *_PLAN,
        *_HUBS,
        *_SURVEYS,
        *_REGISTER,
        "mapping_municipality",
        "mapping_organisation",
    ),
)
COMPARISON = Part(
    "comparison",
    (*_PLAN, *_HUBS, *_SURVEYS, *_REGISTER, "mapping_municipality", "mapping_organisation"),
)
HUB_LIST = Part("hub-list", ("hubs_hub", "mapping_municipality", "mapping_organisation"))
HUB_MAP = Part("hub-map", ("hubs_hub", "mapping_municipality"))

PARTS = (HOME, COMPARISON, HUB_LIST, HUB_MAP)


# The write stamps of a part's tables as one string (the tables as a list parameter).
STAMP_SQL = (
    "SELECT string_agg(table_name || ':' || slot || ':' || generation, ','"
    " ORDER BY table_name, slot)"
    " FROM hubplan_datageneration WHERE table_name = ANY(%s)"
)


def data_stamp(tables: tuple[str, ...]) -> str:
    """One string that changes whenever a write to any of ``tables`` commits (one query)."""
    with connection.cursor() as cursor:
        cursor.execute(STAMP_SQL, [list(tables)])
        return cursor.fetchone()[0] or ""


def cache_key(part: Part, request) -> str:
    """The entry of ``part`` for this request's date, language, privacy and query string.

    The write stamps are not in the key but in the entry, beside the HTML: a part
    recomputed after a write replaces its entry rather than adding one.
    """
    vary = "|".join(
        (
            timezone.localdate().isoformat(),
            translation.get_language() or "",
            "hr" if may_see_small_cells(request.user) else "all",
            request.GET.urlencode(),
        )
    )
    return f"pagecache:{part.name}:{hashlib.sha256(vary.encode()).hexdigest()}"


def _stamp_and_entry(tables: tuple[str, ...], key: str, cache) -> tuple[str, object]:
    """The tables' write stamps now and the cache entry: one query with the database cache
    (:meth:`hubplan.cache.DatabaseCache.get_beside`), else a query and a cache read."""
    if hasattr(cache, "get_beside"):
        stamp, entry = cache.get_beside(key, STAMP_SQL, [list(tables)])
        return stamp or "", entry
    return data_stamp(tables), cache.get(key)


def render(part: Part, request, template_name: str, compute: Callable[[], dict]) -> SafeString:
    """``template_name`` rendered with ``compute()``'s context (plus ``as_of``), or the
    HTML rendered earlier for the same data, date, language, privacy and query string.

    An entry is ``(stamp, html)``; it is used only while its stamp is the current one.
    ``compute`` runs only on a miss; anything it raises (a 404 for a page past the
    end, say) propagates and nothing is stored.
    """
    cache = caches[CACHE_ALIAS]
    key = cache_key(part, request)
    stamp, entry = _stamp_and_entry(part.tables, key, cache)
    if entry is not None and entry[0] == stamp:
        return mark_safe(entry[1])  # our own template's output, escaped as it was rendered
    as_of = timezone.now()  # after the stamps were read: the figures are at least this new
    context = compute()
    context["as_of"] = as_of
    html = render_to_string(template_name, context)
    cache.set(key, (stamp, html))
    return mark_safe(html)


def _value_key(name: str, vary: str) -> str:
    return f"pagecache:value:{name}:{hashlib.sha256(vary.encode()).hexdigest()}"


def cached_value(
    name: str, tables: tuple[str, ...], vary: str, compute: Callable[[], object]
) -> tuple[object, datetime]:
    """``compute()`` and the time it was computed, kept beside the write stamps of
    ``tables`` and used again while they are current: the same rule as :func:`render`,
    for figures rather than HTML (the agreement statistics, whose page and API both
    read them).

    No lock is taken, so a read never holds up a write: the stamps are read before the
    figures, and a write that commits during the computation changes them, so the next
    read computes afresh. ``vary`` must hold everything the value depends on besides the
    tables (the date, for figures "as on today"); the value must not hold personal data.
    """
    cache = caches[VALUE_CACHE_ALIAS]
    key = _value_key(name, vary)
    stamp, entry = _stamp_and_entry(tables, key, cache)
    if entry is not None and entry[0] == stamp:
        return entry[1], entry[2]
    as_of = timezone.now()
    value = compute()
    cache.set(key, (stamp, value, as_of))
    return value, as_of


def current_value(name: str, tables: tuple[str, ...], vary: str) -> object | None:
    """What :func:`cached_value` holds for ``name`` and ``vary`` if it is current, else None
    (for a page that would rather count the little it needs than compute all of it)."""
    cache = caches[VALUE_CACHE_ALIAS]
    stamp, entry = _stamp_and_entry(tables, _value_key(name, vary), cache)
    return entry[1] if entry is not None and entry[0] == stamp else None


def clear() -> None:
    """Forget every cached part, on every server (tests, and the bench's cold measurement)."""
    caches[CACHE_ALIAS].clear()
