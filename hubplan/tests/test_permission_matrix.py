"""The permission matrix: every URL of the project, asked by every role, answers as intended.

The intended answers live next to each app, in ``<app>/tests/access_matrix.py``
(format and shorthands in ``access_matrix_kit.py``). A URL pattern without an entry,
or an entry without a URL pattern, fails ``test_every_url_pattern_has_exactly_one_matrix_entry``.

Each request runs in a savepoint that is rolled back, so an accepted POST (a delete, a
chosen premises) leaves the sample data as it was for the next request, and a refused
request is checked to have written nothing.
"""

from __future__ import annotations

import datetime

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, path, reverse

from hubplan import suitability
from hubplan.models import SuitabilityScenario
from hubplan.tests import access_matrix_kit as kit
from hubplan.tests.crawl import SAMPLE_KWARGS
from mapping.models import ShiftImport, SurveyImport, SurveyImportProfile

pytestmark = pytest.mark.django_db


# --- the sample data: one object of every kind a URL can point at ---------------------


@pytest.fixture
def sample(reference_data, viewer, planner, hr_user, superuser) -> dict[str, object]:
    """Model label → the object a URL's ``pk`` points at.

    The manager manages the sample employee, whose agreement is a draft, so the
    manager's answers are those for their own staff.
    """
    from actionplan.tests.factories import (
        ActivityFactory,
        ProgressReportFactory,
        RelocationAssessmentFactory,
    )
    from hubs.tests.factories import (
        BusinessCaseFactory,
        HubFactory,
        HubMonthlyUseFactory,
        HubStatusChangeFactory,
        PremisesCandidateFactory,
    )
    from mapping.tests.factories import SurveyResponseFactory, SurveyRoundFactory
    from remoteagreements.models import PersonnummerAccess
    from remoteagreements.tests.factories import (
        AgreementFactory,
        EmployeeFactory,
        EquipmentItemFactory,
        ManagerFactory,
    )

    manager = ManagerFactory(username="t-matrix-manager")
    employee = EmployeeFactory(name="Matris Exempel", manager=manager)
    agreement = AgreementFactory(employee=employee)
    EquipmentItemFactory(agreement=agreement)
    hub = HubFactory(name="Matrishubben")
    HubStatusChangeFactory(hub=hub)
    HubMonthlyUseFactory(hub=hub)
    survey_round = SurveyRoundFactory(name="Matrisenkäten")
    SurveyResponseFactory(round=survey_round)
    survey_import = SurveyImport.objects.create(
        round=survey_round, file_name="enkat.csv", file_sha256="0" * 64, total_rows=1
    )
    activity = ActivityFactory(title="Matrisaktiviteten")
    ProgressReportFactory(activity=activity)
    scenario = SuitabilityScenario.objects.create(
        name="Matrisscenariot",
        created_by=superuser,
        **{f"w_{k}": v for k, v in suitability.DEFAULT_WEIGHTS.items()},
    )
    _axes_rows()
    from django.core.files.base import ContentFile

    from hubplan.models import Job
    from hubplan.storage import save_upload

    job = Job.objects.create(
        kind="export",
        user=planner,
        status=Job.Status.DONE,
        output=save_upload(ContentFile(b"a;b\n1;2\n"), prefix="export"),
        result={"filename": "matris.csv"},
    )
    from procrastinate.contrib.django.models import ProcrastinateJob

    from hubplan.tasks import run_job_task

    queued = ProcrastinateJob.objects.get(pk=run_job_task.defer(job_id=job.pk))
    if apps.is_installed("rest_framework.authtoken"):  # the API's tokens, in the admin
        from rest_framework.authtoken.models import Token

        Token.objects.create(user=superuser)
    objects = {
        "auth.User": manager,
        "remoteagreements.Employee": employee,
        "remoteagreements.DistanceAgreement": agreement,
        "remoteagreements.PersonnummerAccess": PersonnummerAccess.objects.create(
            viewed_by=superuser, employee=employee, page="agreements:detail"
        ),
        "hubs.Hub": hub,
        "hubplan.Job": job,
        "procrastinate.ProcrastinateJob": queued,
        "hubs.PremisesCandidate": PremisesCandidateFactory(name="Matrislokalen"),
        "hubs.BusinessCase": BusinessCaseFactory(name="Matriskalkylen"),
        "mapping.SurveyRound": survey_round,
        "mapping.SurveyImport": survey_import,
        "mapping.ShiftImport": ShiftImport.objects.create(
            name="Matrisschemat",
            first_date=datetime.date(2025, 3, 3),
            last_date=datetime.date(2025, 3, 9),
            shift_count=10,
            people=5,
            people_short=2,
            short_rests=3,
            worst_rest_minutes=480,
        ),
        "mapping.SurveyImportProfile": SurveyImportProfile.objects.create(
            name="Matriskopplingen", mapping={"home_municipality": "Hemkommun"}
        ),
        "actionplan.Activity": activity,
        "actionplan.RelocationAssessment": RelocationAssessmentFactory(unit="Matrisenheten"),
        "hubplan.SuitabilityScenario": scenario,
    }
    objects["_users"] = {
        "viewer": viewer,
        "planner": planner,
        "hr": hr_user,
        "manager": manager,
        "superuser": superuser,
    }
    return objects


def _axes_rows() -> None:
    """One row of each django-axes model, so their admin pages have an object."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    common = {"user_agent": "pytest", "ip_address": "127.0.0.1", "username": "t-someone"}
    common |= {"http_accept": "text/html", "path_info": "/login/"}
    AccessAttempt.objects.create(**common, get_data="", post_data="", failures_since_start=1)
    AccessLog.objects.create(**common)
    AccessFailureLog.objects.create(**common)


# --- sample URLs ----------------------------------------------------------------------

_ADMIN_MODELS = {f"{m._meta.app_label}/{m._meta.model_name}/": m for m in admin.site._registry}


def _admin_model(p: kit.Pattern):
    for piece in p.pieces:
        if (model := _ADMIN_MODELS.get(str(piece.pattern))) is not None:
            return model
    return None


def _object(model, sample: dict):
    obj = sample.get(model._meta.label) or model._default_manager.order_by("pk").first()
    if obj is None:
        raise LookupError(f"no sample {model._meta.label}: add one to the sample fixture")
    return obj


def _model_of(p: kit.Pattern, sample_objects: dict):
    if p.key in sample_objects:
        return apps.get_model(sample_objects[p.key])
    if (model := _admin_model(p)) is not None:
        return model
    view = getattr(p.callback, "view_class", None) or getattr(p.callback, "cls", None)
    model = getattr(view, "model", None)
    queryset = getattr(view, "queryset", None)
    if model is None and queryset is not None:
        model = queryset.model
    if model is None:
        raise LookupError(f"no sample object for {p.key}: add it to SAMPLE_OBJECTS")
    return model


def sample_url(p: kit.Pattern, sample: dict, sample_objects: dict, sample_query: dict) -> str:
    """The URL of ``p`` with arguments that point at existing sample objects."""
    kwargs: dict = {}
    args: tuple = ()
    params = p.params
    if p.positional:
        if not (p.key.startswith("admin:") and p.key.endswith("_simple_history")):
            raise LookupError(f"no sample arguments for the unnamed groups of {p.key}")
        # simple-history's page of one version: the object and one of its versions.
        obj = _object(_model_of(p, sample_objects), sample)
        args = (obj.pk, obj.history.order_by("history_id").first().history_id)
    elif p.key == "admin:view_on_site":
        hub = sample["hubs.Hub"]
        kwargs = {"content_type_id": ContentType.objects.get_for_model(hub).pk, "object_id": hub.pk}
    else:
        for param in params:
            if param in ("pk", "id", "object_id"):
                kwargs[param] = _object(_model_of(p, sample_objects), sample).pk
            elif param == "app_label":
                kwargs[param] = "hubs"
            elif param == "url":  # the admin's catch-all
                kwargs[param] = "no-such-page/"
            elif param in SAMPLE_KWARGS:
                kwargs[param] = SAMPLE_KWARGS[param]
            else:
                raise LookupError(f"no sample value for <{param}> of {p.key}")
    url = p.path(kwargs, args)
    if query := sample_query.get(p.key):
        url += f"?{query}"
    return url


# --- asking ---------------------------------------------------------------------------


def ask(client: Client, method: str, url: str, user: User | None):
    """One request in a savepoint rolled back afterwards: (response or exception, writes)."""
    cookie = client.cookies.get("sessionid")
    session = cookie.value if cookie else None
    # The query log keeps 9000 queries; a full log would hide this request's writes.
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as queries:
        try:
            with transaction.atomic():
                # POST: an empty body; the test client needs no CSRF token.
                response = client.get(url) if method == "GET" else client.post(url, {})
                transaction.set_rollback(True)
        except Exception as exc:  # a 500 is a finding, reported in the table
            response = exc
    cookie = client.cookies.get("sessionid")
    if user is not None and (cookie.value if cookie else None) != session:
        client.force_login(user)  # a logout ended the session; the next request needs one
    return response, kit.writes(queries.captured_queries)


def clients_for(users: dict[str, User]) -> dict[str, tuple[Client, User | None]]:
    out: dict[str, tuple[Client, User | None]] = {"anonymous": (Client(), None)}
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        out[role] = (client, user)
    return out


def _table(rows: list[tuple]) -> str:
    header = ("url name", "method", "role", "url", "expected / got")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(5)]
    lines = [" | ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    head = " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))
    return "\n".join([head, "-" * len(head), *lines])


# --- the tests ------------------------------------------------------------------------


def test_every_url_answers_every_role_as_the_matrix_says(sample):
    matrix, sample_objects, sample_query = kit.load_matrix()
    clients = clients_for(sample["_users"])
    problems: list[tuple] = []
    asked = 0
    for p in sorted(kit.representatives(kit.url_patterns()), key=lambda p: p.key):
        e = kit.entry_for(p.key, matrix)
        if e is None:
            continue  # reported by the coverage test
        try:
            url = sample_url(p, sample, sample_objects, sample_query)
        except (LookupError, NoReverseMatch) as exc:
            problems.append((p.key, "-", "-", p.route, str(exc)))
            continue
        for method in kit.METHODS:
            for role in kit.ROLES:
                client, user = clients[role]
                expected = e[method][role]
                response, wrote = ask(client, method, url, user)
                asked += 1
                if isinstance(response, Exception):
                    why = f"expected {kit.describe(expected, role)}, got 500 {response!r}"[:200]
                else:
                    why = kit.mismatch(expected, role, url, response)
                if why is None and wrote and kit.refusal(expected, role):
                    why = f"refused, yet wrote: {wrote[0]}"
                if why:
                    problems.append((p.key, method, role, url, why))
    assert asked >= 1000, asked  # ~190 URL names × 6 roles × 2 methods
    assert not problems, f"{len(problems)} answers differ from the matrix:\n" + _table(problems)


def test_every_url_pattern_has_exactly_one_matrix_entry():
    matrix, _objects, _query = kit.load_matrix()
    missing, stale = kit.coverage(kit.url_patterns(), matrix)
    assert not missing, (
        "URL patterns without an entry in any <app>/tests/access_matrix.py "
        "(unnamed ones are shown as <namespace>:~<view>; give them a name): " + ", ".join(missing)
    )
    assert not stale, "matrix entries for URLs that no longer exist: " + ", ".join(stale)
    errors = kit.shape_errors(matrix, keys={p.key for p in kit.url_patterns()})
    assert not errors, errors


def _fake_view(request):  # pragma: no cover - never called
    raise AssertionError


def test_the_coverage_check_fails_for_a_url_without_an_entry():
    matrix, _objects, _query = kit.load_matrix()
    patterns = kit.url_patterns()
    added = path("added/", _fake_view, name="added-without-entry")
    unnamed = path("unnamed/", _fake_view)
    fake = [
        kit.Pattern("hubs:added-without-entry", added.name, "hubs", (added,), _fake_view),
        kit.Pattern("hubs:~_fake_view", None, "hubs", (unnamed,), _fake_view),
    ]
    missing, stale = kit.coverage(patterns, matrix)  # empty, unless a URL lacks an entry
    assert kit.coverage(patterns + fake, matrix) == (
        sorted([*missing, "hubs:added-without-entry", "hubs:~_fake_view"]),
        stale,
    )
    # A removed URL leaves a stale entry, which fails too.
    assert kit.coverage(patterns, {**matrix, "hubs:gone": kit.read()}) == (
        missing,
        sorted([*stale, "hubs:gone"]),
    )
    # The admin's wildcard is the only one: "hubs:*" covers nothing and is a shape error.
    assert (
        "hubs:added-without-entry"
        in kit.coverage(patterns + fake[:1], {**matrix, "hubs:*": kit.read()})[0]
    )
    assert kit.shape_errors({"hubs:*": kit.read()})
    # An entry that forgets a role or a method is a shape error.
    partial = kit.read()
    del partial["POST"]["manager"]
    assert kit.shape_errors({"hubs:list": partial}) == [
        "hubs:list POST: roles " + str(sorted(set(kit.ROLES) - {"manager"}))
    ]


def test_every_admin_pattern_is_covered_by_the_admin_rule_or_its_own_entry():
    matrix, _objects, _query = kit.load_matrix()
    admin_keys = {p.key for p in kit.url_patterns() if p.key.startswith("admin:")}
    assert len(admin_keys) > 50  # every registered model's pages, not just the index
    assert kit.ADMIN_WILDCARD in matrix
    own = {k for k in admin_keys if k in matrix}
    assert own >= {"admin:login", "admin:logout", "admin:~RedirectView", "admin:~catch_all_view"}
    # Without the rule every other admin page would be missing.
    without = {k: v for k, v in matrix.items() if k != kit.ADMIN_WILDCARD}
    missing = kit.coverage(kit.url_patterns(), without)[0]
    assert {k for k in missing if k.startswith("admin:")} == admin_keys - own


def test_no_admin_page_lets_in_anyone_but_a_superuser():
    matrix, _objects, _query = kit.load_matrix()
    admin_keys = {p.key for p in kit.url_patterns() if p.key.startswith("admin:")}
    for key in sorted(admin_keys - {"admin:login"}):  # the login page itself is open
        e = kit.entry_for(key, matrix)
        for method in kit.METHODS:
            for role in kit.ROLES[:-1]:
                assert kit.refusal(e[method][role], role), (key, method, role)


def test_laesare_and_planerare_are_refused_every_agreement_and_employee_page():
    """Issue 4: they see only the aggregate statistics (and the API's aggregates)."""
    matrix, _objects, _query = kit.load_matrix()
    register = [k for k in matrix if k.startswith("agreements:") and k != "agreements:stats"]
    assert len(register) >= 15
    for key in register:
        for method in kit.METHODS:
            for role in ("viewer", "planner"):
                assert matrix[key][method][role] == 403, (key, method, role)


def test_the_checks_see_a_wrong_answer_and_a_write(sample):
    """The matrix test is not vacuous: a wrong status, a wrong redirect and a write are seen."""
    clients = clients_for(sample["_users"])
    hub = sample["hubs.Hub"]
    delete = reverse("hubs:delete", args=[hub.pk])

    viewer, viewer_user = clients["viewer"]
    response, wrote = ask(viewer, "POST", delete, viewer_user)
    assert response.status_code == 403
    assert wrote == []
    assert kit.mismatch(403, "viewer", delete, response) is None
    assert kit.mismatch(302, "viewer", delete, response) == "expected 302, got 403"

    planner, planner_user = clients["planner"]
    response, wrote = ask(planner, "POST", delete, planner_user)
    assert response.status_code == 302
    assert any(sql.startswith('DELETE FROM "hubs_hub"') for sql in wrote), wrote
    assert hub.__class__.objects.filter(pk=hub.pk).exists()  # rolled back

    anonymous, _none = clients["anonymous"]
    response, wrote = ask(anonymous, "POST", delete, None)
    assert kit.mismatch(302, "anonymous", delete, response) is None
    assert kit.mismatch(302, "anonymous", "/elsewhere/", response).startswith(
        "expected a login redirect"
    )
    assert wrote == []
