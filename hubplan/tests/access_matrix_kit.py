"""The permission matrix: the intended answer of every URL of the project, for every role.

Each app with URLs keeps ``<app>/tests/access_matrix.py`` with a ``MATRIX`` dict::

    MATRIX = {
        "hubs:list": {
            "GET": {"anonymous": 302, "viewer": 200, "planner": 200, "hr": 200,
                    "manager": 200, "superuser": 200},
            "POST": {"anonymous": 302, "viewer": 405, ...},
        },
    }

The key is the URL name with its namespace; an answer is an HTTP status. For ``anonymous``,
302 means "sent to the login page with ``?next=`` this URL"; for a signed-in role, 302 is a
redirect anywhere but the login page. ``Redirect(to)`` is a 302 whose Location has the path
``to`` (a path or a URL name), for the few redirects that must go somewhere in particular.

Optional, next to ``MATRIX``:
- ``SAMPLE_OBJECTS``: URL name → model label (``"hubs.Hub"``) whose sample object gives
  the ``pk`` (or ``id``/``object_id``) argument;
- ``SAMPLE_QUERY``: URL name → query string added to the sample URL.

Unnamed patterns have the key ``<namespace>:~<view name>``. Django's admin is covered by
one rule, ``"admin:*"``, for every admin pattern without an entry of its own: an entry, or
a function of the URL key that returns one (the admin's pages differ by model); no other
namespace may use a wildcard. ``hubplan/tests/test_permission_matrix.py`` merges every
app's matrix, fails for a pattern without an entry or an entry without a pattern, and asks
every URL as every role.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from django.apps import apps
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.regex_helper import normalize

ROLES = ("anonymous", "viewer", "planner", "hr", "manager", "superuser")
METHODS = ("GET", "POST")
ADMIN_WILDCARD = "admin:*"

# Role groups for the shorthands. Superusers pass every role check (hubplan.access).
SIGNED_IN = ROLES[1:]
PLANNERS = ("planner", "superuser")
HR = ("hr", "superuser")
# The agreement register: HR, and a manager for their own staff (remoteagreements.visibility).
REGISTER = ("hr", "manager", "superuser")
SUPERUSER = ("superuser",)


@dataclass(frozen=True)
class Redirect:
    """A 302 whose Location has the path ``to``: a path, a URL name to reverse, or a path
    ending in ``*`` that the Location's path must start with."""

    to: str
    status: int = 302

    def path(self) -> str:
        return self.to if self.to.startswith("/") else reverse(self.to)

    def matches(self, path: str) -> bool:
        target = self.path()
        if target.endswith("*"):
            return path.startswith(target[:-1])
        return path == target

    def __str__(self) -> str:
        return f"{self.status}→{self.to}"


# --- shorthands ----------------------------------------------------------------------


def answers(default, **by_role) -> dict:
    """An answer for each role: ``default`` unless named in ``by_role``."""
    unknown = set(by_role) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}")
    return {role: by_role.get(role, default) for role in ROLES}


def entry(get: dict, post: dict) -> dict:
    return {"GET": get, "POST": post}


def read(post: int = 405) -> dict:
    """Every signed-in user reads it; anonymous goes to login; POST answers ``post``."""
    return entry(answers(200, anonymous=302), answers(post, anonymous=302))


def only(allowed: tuple[str, ...], get=200, post=200, refused=403) -> dict:
    """Roles in ``allowed`` get ``get``/``post``; other signed-in roles ``refused``."""
    return entry(
        answers(refused, anonymous=302, **dict.fromkeys(allowed, get)),
        answers(refused, anonymous=302, **dict.fromkeys(allowed, post)),
    )


def read_all_write(allowed: tuple[str, ...], post=200) -> dict:
    """Every signed-in user reads (GET 200); only ``allowed`` may POST, others 403."""
    return entry(
        answers(200, anonymous=302),
        answers(403, anonymous=302, **dict.fromkeys(allowed, post)),
    )


# --- the URL patterns ------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    """One URL pattern of the project, with the patterns leading to it from the root."""

    key: str
    name: str | None
    namespace: str | None
    pieces: tuple
    callback: object

    @property
    def params(self) -> list[str]:
        out: list[str] = []
        for piece in self.pieces:
            out += list(piece.pattern.regex.groupindex)
        return out

    @property
    def positional(self) -> int:
        """How many unnamed groups the regex has (simple-history's admin uses two)."""
        return sum(p.pattern.regex.groups - len(p.pattern.regex.groupindex) for p in self.pieces)

    @property
    def route(self) -> str:
        return "".join(str(p.pattern) for p in self.pieces)

    def path(self, kwargs: dict, args: tuple = ()) -> str:
        """The URL for ``kwargs`` (or ``args``): reversed by name, or built if unnamed."""
        if self.name:
            name = f"{self.namespace}:{self.name}" if self.namespace else self.name
            return reverse(name, args=args) if args else reverse(name, kwargs=kwargs)
        out = "/"
        for piece in self.pieces:
            fmt, _params = normalize(piece.pattern.regex.pattern)[0]
            out += fmt % {k: kwargs[k] for k in piece.pattern.regex.groupindex}
        return out


def view_name(callback) -> str:
    """The name of a view (class-based views by their class, DRF views by theirs)."""
    cls = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    return (cls or callback).__name__


def _walk(patterns, pieces=(), namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from _walk(p.url_patterns, (*pieces, p), ns)
        elif isinstance(p, URLPattern):
            if p.name:
                key = f"{namespace}:{p.name}" if namespace else p.name
            else:
                key = (
                    f"{namespace}:~{view_name(p.callback)}"
                    if namespace
                    else f"~{view_name(p.callback)}"
                )
            yield Pattern(key, p.name, namespace, (*pieces, p), p.callback)


def url_patterns() -> list[Pattern]:
    """Every URL pattern of the project, Django's admin and unnamed patterns included."""
    return list(_walk(get_resolver().url_patterns))


def representatives(patterns: list[Pattern]) -> list[Pattern]:
    """One pattern per key, the one with the fewest parameters (a name can have several
    patterns, e.g. DRF's ``.json`` suffixes; the admin redirects every model's object URL)."""
    best: dict[str, Pattern] = {}
    for p in patterns:
        if p.key not in best or len(p.params) < len(best[p.key].params):
            best[p.key] = p
    return list(best.values())


# --- the matrices --------------------------------------------------------------------


def _project_apps():
    base = Path(settings.BASE_DIR).resolve()
    return [a for a in apps.get_app_configs() if base in Path(a.path).resolve().parents]


def load_matrix() -> tuple[dict, dict, dict]:
    """Every app's MATRIX merged, and the optional SAMPLE_OBJECTS and SAMPLE_QUERY."""
    matrix: dict = {}
    sample_objects: dict = {}
    sample_query: dict = {}
    for app in _project_apps():
        module_name = f"{app.name}.tests.access_matrix"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name in (module_name, f"{app.name}.tests"):
                continue
            raise
        for key in module.MATRIX:
            if key in matrix:
                raise AssertionError(f"{key} has an entry in two apps' access matrices")
        matrix.update(module.MATRIX)
        sample_objects.update(getattr(module, "SAMPLE_OBJECTS", {}))
        sample_query.update(getattr(module, "SAMPLE_QUERY", {}))
    return matrix, sample_objects, sample_query


def entry_for(key: str, matrix: dict) -> dict | None:
    """The entry for ``key``: its own, or the admin's rule for an admin URL."""
    if key in matrix:
        return matrix[key]
    if key.startswith("admin:") and ADMIN_WILDCARD in matrix:
        rule = matrix[ADMIN_WILDCARD]
        return rule(key) if callable(rule) else rule
    return None


def coverage(patterns: list[Pattern], matrix: dict) -> tuple[list[str], list[str]]:
    """(keys of patterns without an entry, entries without a pattern), both sorted."""
    keys = {p.key for p in patterns}
    missing = sorted(k for k in keys if entry_for(k, matrix) is None)
    stale = sorted(
        k
        for k in matrix
        if k not in keys and not (k == ADMIN_WILDCARD and any(x.startswith("admin:") for x in keys))
    )
    return missing, stale


def shape_errors(matrix: dict, keys=()) -> list[str]:
    """Entries that do not give an answer for both methods and all six roles
    (the admin's rule as it answers for each admin URL among ``keys``)."""
    errors = []
    entries = {k: e for k, e in matrix.items() if not callable(e)}
    entries |= {k: entry_for(k, matrix) for k in keys if k.startswith("admin:") and k not in matrix}
    for key in matrix:
        if key.endswith(":*") and key != ADMIN_WILDCARD:
            errors.append(f"{key}: only Django's admin may be covered by a wildcard")
    for key, e in entries.items():
        if e is None:
            continue
        if set(e) != set(METHODS):
            errors.append(f"{key}: methods {sorted(e)}, expected {list(METHODS)}")
            continue
        for method in METHODS:
            if set(e[method]) != set(ROLES):
                errors.append(f"{key} {method}: roles {sorted(e[method])}")
            for role, answer in e[method].items():
                if not isinstance(answer, int | Redirect):
                    errors.append(f"{key} {method} {role}: {answer!r} is not a status")
    return errors


# --- checking one answer ---------------------------------------------------------------

_WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
# Tables a request may write without changing any data: the session (idle timeout,
# messages) is bookkeeping of the visit itself.
_BOOKKEEPING = {"django_session"}


def writes(queries) -> list[str]:
    """The data-changing statements among captured queries (session bookkeeping aside)."""
    out = []
    for q in queries:
        m = _WRITE.match(q["sql"])
        if m and m.group(2) not in _BOOKKEEPING:
            out.append(q["sql"][:120])
    return out


def refusal(expected, role: str) -> bool:
    """True if ``expected`` means "not allowed": nothing may be written."""
    if isinstance(expected, Redirect):
        return expected.to in ("admin:login", "admin:index")
    return expected in (401, 403, 404, 405) or (role == "anonymous" and expected == 302)


def describe(answer, role: str) -> str:
    if answer == 302 and role == "anonymous":
        return "302→login"
    return str(answer)


def mismatch(expected, role: str, url: str, response) -> str | None:
    """Why ``response`` is not the ``expected`` answer, or None if it is."""
    status = response.status_code
    location = response.get("Location", "")
    got = f"{status}→{urlsplit(location).path}" if 300 <= status < 400 else str(status)
    want = describe(expected, role)
    if isinstance(expected, Redirect):
        if status != expected.status or not expected.matches(urlsplit(location).path):
            return f"expected {want}, got {got}"
        return None
    if status != expected:
        return f"expected {want}, got {got}"
    if status == 302:
        parts = urlsplit(location)
        login = reverse(settings.LOGIN_URL)
        if role == "anonymous":
            nxt = parse_qs(parts.query).get("next", [""])[0]
            if parts.path != login or nxt != url:
                return f"expected a login redirect with next={url}, got Location {location}"
        elif parts.path == login:
            return f"a signed-in user was sent to the login page ({location})"
    return None
