"""No personnummer outside HR's own pages: every page, export, error page, URL and log line.

The demo data (``seed_demo``, region scale) is loaded once for the module. For each
role (Läsare, Planerare, HR, a manager and a superuser) the test crawls the site from
every URL pattern (:func:`hubplan.tests.crawl.sample_paths`) and every same-site link
it finds, and scans every answer: HTML, JSON, CSV, XLSX (its cells), PDF (its text),
and the headers. Exports are found as links with ``?format=``. HR and superusers may
see a full number only on the pages that show one employee's number on purpose
(:data:`HR_PAGES`), and there only that employee's number.

Pages of one kind (one URL name with the same query keys) are visited at most
:data:`PER_KIND` times: 480 employee pages would prove nothing 478 of them do not
already prove, and the crawl stays under a minute per role. The crawl here, unlike
:func:`hubplan.tests.crawl.crawl`, keeps the non-HTML answers, since those are the
exports to scan.
"""

from __future__ import annotations

import io
import logging
import os
import re
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve

from hubplan.tests.crawl import SKIP_PREFIXES, sample_paths, urls_in
from remoteagreements import personnummer as pnr
from remoteagreements.models import Employee

# A run of 12 digits (YYYYMMDDNNNN, or YYYYMMDD-NNNN) or 10 digits with the "-"/"+"
# separator (YYMMDD-NNNN); digits on either side mean a longer number, and a
# preceding "digit." a decimal fraction. Only matches that are valid numbers (a real
# date, the Luhn check digit) count.
_CANDIDATE = re.compile(r"(?<![0-9])(?<![0-9]\.)(?:\d{8}-?|\d{6}[-+])\d{4}(?![0-9])")

# The pages that show one employee's full number, to HR and superusers only.
HR_PAGES = {
    "agreements:detail",
    "agreements:print",
    "agreements:pdf",
    "agreements:sign",
    "agreements:employee-detail",
    "agreements:employee-edit",
}
ROLES = ("viewer", "planner", "hr", "manager", "superuser")
PER_KIND = 2
PAGE_LIMIT = 700


def find_personnummer(text: str) -> set[str]:
    """Every valid personnummer in ``text``, normalised to 12 digits."""
    found = set()
    for match in _CANDIDATE.finditer(text):
        if pnr.is_valid(match.group()):
            found.add(pnr.normalise(match.group()))
    return found


def _text_of(response) -> str:
    """What a reader of the answer sees: the body as text (XLSX cells, PDF text), headers."""
    content_type = response.get("Content-Type", "")
    headers = " ".join(f"{k}: {v}" for k, v in response.headers.items())
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if "spreadsheetml" in content_type:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(body), read_only=True)
        cells = (str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row)
        text = "\n".join(cells)
    elif "application/pdf" in content_type:
        from pypdf import PdfReader

        text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    else:
        text = body.decode("utf-8", errors="replace")
    return headers + "\n" + text


def _kind(path: str) -> tuple:
    """Pages of one kind: the URL name, the query keys and any export format."""
    parts = urlsplit(path)
    try:
        name = resolve(parts.path).view_name
    except Resolver404:
        name = parts.path
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    return (name, tuple(sorted(query)), query.get("format", ""))


def _shown_on(view_name: str, path: str) -> set[str]:
    """The one number an HR page may show: its employee's (its agreement's employee's)."""
    pk = resolve(urlsplit(path).path).kwargs["pk"]
    if view_name.startswith("agreements:employee-"):
        employee = Employee.objects.filter(pk=pk).first()
    else:
        employee = Employee.objects.filter(agreements__pk=pk).first()
    return {employee.personnummer} if employee else set()


def scan_site(client: Client, *, may_see_hr_pages: bool):
    """Crawl as ``client``; returns (leaks, hrefs with numbers, numbers seen on HR pages, pages)."""
    leaks: list[tuple[str, set[str]]] = []
    url_leaks: list[str] = []
    on_hr_pages: set[str] = set()
    seen: set[str] = set()
    per_kind: dict[tuple, int] = {}
    queue = ["/", *sample_paths()]
    while queue and len(seen) < PAGE_LIMIT:
        path = queue.pop(0)
        if path in seen or path.startswith(SKIP_PREFIXES):
            continue
        kind = _kind(path)
        if per_kind.get(kind, 0) >= PER_KIND:
            continue
        per_kind[kind] = per_kind.get(kind, 0) + 1
        seen.add(path)
        response = client.get(path)
        found = find_personnummer(_text_of(response))
        view_name = kind[0]
        if found and may_see_hr_pages and view_name in HR_PAGES and response.status_code == 200:
            allowed = _shown_on(view_name, path)
            on_hr_pages |= found & allowed
            found -= allowed
        if found:
            leaks.append((path, found))
        if "text/html" not in response.get("Content-Type", ""):
            continue
        for tag, _attr, url in urls_in(response.content.decode()):
            if find_personnummer(url):
                url_leaks.append(f"{path}: {url}")
            parts = urlsplit(urljoin(path, url))
            if tag == "a" and not parts.netloc and parts.path.startswith("/"):
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return leaks, url_leaks, on_hr_pages, seen


# --- the scanner itself ----------------------------------------------------------------

FICTITIOUS = pnr.with_check_digit(1975, 4, 30, 123)  # made up here, check digit computed


def test_the_scanner_finds_a_number_in_every_written_form():
    short = f"{FICTITIOUS[2:8]}-{FICTITIOUS[8:]}"
    for text in (
        f"<td>{FICTITIOUS}</td>",
        f"Personnummer: {FICTITIOUS[:8]}-{FICTITIOUS[8:]}",
        f"namn;{short};Östersund",
        f'{{"pnr": "{FICTITIOUS}"}}',
        f"/agreements/employees/{FICTITIOUS}/",
    ):
        assert find_personnummer(text) == {FICTITIOUS}, text
    # A centenarian's 10-digit form, with "+".
    old = pnr.with_check_digit(1920, 2, 14, 123)
    assert find_personnummer(f"född {old[2:8]}+{old[8:]}") == {old}


def test_the_scanner_ignores_masks_wrong_check_digits_and_other_numbers():
    wrong = FICTITIOUS[:-1] + str((int(FICTITIOUS[-1]) + 1) % 10)
    for text in (
        f"{FICTITIOUS[:8]}-XXXX",
        wrong,
        f"1{FICTITIOUS}",  # 13 digits: a longer number
        f"{FICTITIOUS}5",
        f"0.{FICTITIOUS}",  # a decimal fraction in chart data
        f"{FICTITIOUS[2:8]}{FICTITIOUS[8:]}",  # 10 bare digits: too many false alarms
        "Kostnad 120000000000 kr",  # 12 digits, no real date
    ):
        assert find_personnummer(text) == set(), text


# --- the demo data, once for the module ------------------------------------------------


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """load_reference and seed_demo in one transaction, rolled back after the module.

    Each test's own transaction (pytest-django's ``db``) nests inside it as a savepoint.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with open(os.devnull, "w") as devnull:
                call_command("load_reference", stdout=devnull)
                call_command("seed_demo", stdout=devnull)
            manager = (
                User.objects.filter(username__startswith="chef", managed_employees__isnull=False)
                .order_by("username")
                .first()
            )
            yield {
                "viewer": "viewer",
                "planner": "planner",
                "hr": "hr",
                "superuser": "admin",
                "manager": manager.username,
            }
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.mark.parametrize("role", ROLES)
def test_no_page_export_or_link_shows_a_personnummer_outside_hrs_pages(demo, db, role, caplog):
    assert Employee.objects.count() > 100  # the demo's employees are there to leak
    user = User.objects.get(username=demo[role])
    # A 500 is answered with the error page, which is scanned like any other answer.
    client = Client(raise_request_exception=False)
    client.force_login(user)
    may_see = role in ("hr", "superuser")
    caplog.set_level(logging.DEBUG)

    leaks, url_leaks, on_hr_pages, seen = scan_site(client, may_see_hr_pages=may_see)
    # Error pages: a missing page and one the role may not open.
    missing = client.get("/agreements/employees/999999/")
    assert missing.status_code in (403, 404)
    error_text = _text_of(missing) + _text_of(client.get("/no-such-page/"))

    assert leaks == [], leaks
    assert url_leaks == [], url_leaks
    assert find_personnummer(error_text) == set()
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert find_personnummer(logged) == set()
    assert len(seen) > 60, len(seen)
    if may_see:
        # The crawl reached HR's pages and the scanner saw the numbers there: it works.
        assert on_hr_pages, "no full personnummer seen on HR's pages"
    else:
        assert not on_hr_pages


def test_hr_registering_an_employee_writes_the_number_to_no_log(demo, db, caplog, client):
    """The one place a number is typed in: the employee form, valid and refused."""
    from mapping.models import Organisation

    client.force_login(User.objects.get(username="hr"))
    number = pnr.with_check_digit(1990, 2, 11, 246)  # fictitious
    existing = Employee.objects.order_by("pk").first()
    caplog.set_level(logging.DEBUG)
    data = {
        "name": "Skanna Test",
        "administration": Organisation.objects.get(name="Regionstaben").pk,
        "unit": "Lön",
        "workplace": "Regionens hus",
        "workplace_municipality": "2380",
        "home_municipality": "2309",
        "manager": existing.manager_id,
    }
    refused = client.post(
        "/agreements/employees/new/", {**data, "personnummer": existing.personnummer}
    )
    assert refused.status_code == 200  # already registered: the form says so
    created = client.post("/agreements/employees/new/", {**data, "personnummer": number})
    assert created.status_code == 302
    assert find_personnummer(created["Location"]) == set()
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert find_personnummer(logged) == set()
