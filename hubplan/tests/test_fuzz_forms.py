"""Property-based tests: random and hostile data posted to every form of the project.

Every Form and ModelForm in the apps' ``forms.py`` (and ``survey_forms.py``) has at
least one target here: the page that uses it, a user allowed to send it, and the URL
arguments of sample objects. A new form without a target fails
:func:`test_every_form_of_the_project_is_fuzzed`.

For each target the page is read once and its form's fields (with their options and
initial values) become the fuzz's field pool; each example sends a mostly sensible
version of the form with a few fields replaced by hostile values, dropped, or
joined by unknown fields. Whatever is sent: never a 500; a GET form never writes;
and a POST that does not succeed (the form shown again with errors, or a refusal
that redirects with an error message) writes nothing at all. Fixed seed, bounded
number of examples, every example rolled back.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import BaseForm
from django.urls import get_resolver, reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.configuration import storage_directory

from actionplan.tests.factories import ActivityFactory, RelocationAssessmentFactory
from hubplan import storage
from hubplan.tests.crawl import _walk
from hubplan.tests.fuzz import (
    PROJECT_APPS,
    changed_tables,
    dates_text,
    error_messages,
    fingerprint,
    forget_messages,
    fuzz_settings,
    hostile_text,
    numbers_text,
    rolled_back,
)
from hubs.models import BusinessCase
from hubs.tests.factories import HubStatusChangeFactory, PremisesCandidateFactory
from mapping import imports, survey_views
from mapping.tests.factories import SurveyResponseFactory, SurveyRoundFactory
from remoteagreements.models import DistanceAgreement
from remoteagreements.tests.factories import AgreementFactory, EmployeeFactory, ManagerFactory

pytestmark = pytest.mark.django_db

Status = DistanceAgreement.Status
SURVEY_CSV = (
    "Organisation;Hemkommun;Arbetsplatskommun;Avstånd km;Färdmedel\r\n"
    "Region Jämtland Härjedalen;Krokom;Östersund;22,5;bil\r\n"
    "Krokoms kommun;2309;2380;12;buss\r\n"
).encode()


@dataclass(frozen=True)
class Target:
    """Where a form is sent from: URL name, URL arguments from the sample world, who sends it."""

    url: str
    user: str = "planner"
    method: str = "post"
    kwargs: Callable[[dict], dict] = lambda world: {}
    fixed: dict = field(default_factory=dict)  # always sent (which submit button)
    benign: dict = field(default_factory=dict)  # sensible values where the page has none
    examples: int = 7
    prepare: Callable[[dict, object], None] | None = None  # before the page is read

    @property
    def id(self) -> str:
        return self.url.replace(":", "-")


def _pk(name: str) -> Callable[[dict], dict]:
    return lambda world: {"pk": world[name].pk}


def _upload_survey(world, client) -> None:
    """The mapping and confirm steps need an uploaded, checked file in the session."""
    client.post(
        "/surveys/import/",
        {
            "survey_round": world["round"].pk,
            "file": SimpleUploadedFile("svar.csv", SURVEY_CSV),
        },
    )
    data = {c.field: "" for c in imports.COLUMNS}
    data |= imports.guess_mapping(SURVEY_CSV.decode().splitlines()[0].split(";"))
    client.post("/surveys/import/columns/", data | {"validate": "1"})
    world["survey_state"] = client.session[survey_views.SESSION_KEY]


def _restore_upload(world, client) -> None:
    """An import takes the upload out of the session (and its job deletes the stored
    file); put both back so every example starts alike."""
    state = client.session.get(survey_views.SESSION_KEY)
    if state is None and world.get("survey_state"):
        session = client.session
        session[survey_views.SESSION_KEY] = world["survey_state"]
        session.save()
        state = world["survey_state"]
    if state and not storage.uploads().exists(state["upload"]):
        from hubplan.models import StoredFileChunk

        StoredFileChunk.objects.create(name=state["upload"], seq=0, data=SURVEY_CSV)


HUB_BENIGN = {
    "name": "Hubben i Hammarstrand",
    "municipality": "2303",
    "latitude": "63.1067",
    "longitude": "16.3456",
    "desks": "6",
    "meeting_rooms": "1",
    "status_date": "2025-05-01",
}

TARGETS: dict[str, list[Target]] = {
    "hubplan.forms.ComparisonFilterForm": [
        Target("municipalities:list", user="viewer", method="get", examples=4)
    ],
    "hubplan.forms.SuitabilityForm": [
        Target("municipalities:suitability", user="viewer", method="get", examples=4)
    ],
    "hubplan.forms.ScenarioForm": [
        Target("municipalities:scenario-create", benign={"name": "Scenario"})
    ],
    "mapping.survey_forms.SurveyRoundForm": [
        Target("surveys:round-create", benign={"name": "Enkät", "date": "2025-01-15"}),
        Target("surveys:round-update", kwargs=_pk("round")),
    ],
    "mapping.survey_forms.UploadForm": [Target("surveys:import-upload")],
    "mapping.survey_forms.MappingForm": [
        Target("surveys:import-map", fixed={"validate": "1"}, prepare=_upload_survey)
    ],
    "mapping.survey_forms.ConfirmForm": [
        Target("surveys:import-map", fixed={"import": "1"}, prepare=_upload_survey)
    ],
    "mapping.survey_forms.CodingForm": [
        Target("surveys:import-map", fixed={"recode": "1"}, prepare=_upload_survey)
    ],
    "mapping.survey_forms.ContextUploadForm": [
        Target("surveys:rams", examples=5),
        Target("surveys:context", examples=5),
    ],
    "mapping.shift_forms.ShiftImportForm": [
        Target("surveys:shift-import", benign={"name": "Schema v. 10"})
    ],
    "hubs.forms.HubFilterForm": [
        Target("hubs:list", user="viewer", method="get", examples=4),
        Target("hubs:map", user="viewer", method="get", examples=3),
    ],
    "hubs.forms.HubForm": [Target("hubs:update", kwargs=_pk("hub"))],
    "hubs.forms.HubCreateForm": [Target("hubs:create", benign=HUB_BENIGN)],
    "hubs.forms.HubStatusForm": [Target("hubs:status", kwargs=_pk("hub"))],
    "hubs.forms.MonthlyUseForm": [
        Target(
            "hubs:use",
            kwargs=_pk("hub"),
            benign={"month": "2025-03", "open_days": "20", "desk_days_used": "100"},
        )
    ],
    "hubs.forms.MonthlyUseImportForm": [Target("hubs:use-import")],
    "hubs.forms.HubSettingsForm": [Target("hubs:settings", benign={"critical_mass_members": "12"})],
    "hubs.forms.PremisesFilterForm": [
        Target("hubs:premises-list", user="viewer", method="get", examples=4)
    ],
    "hubs.forms.PremisesForm": [
        Target("hubs:premises-create", benign={"name": "Lokalen", "municipality": "2380"}),
        Target("hubs:premises-update", kwargs=_pk("premises")),
    ],
    "hubs.forms.BusinessCaseFilterForm": [
        Target("hubs:business-case", user="viewer", method="get", examples=4)
    ],
    "hubs.forms.BusinessCaseForm": [
        Target(
            "hubs:business-case-create",
            benign={
                "name": "Kalkyl",
                "municipality": "2380",
                "desks": "6",
                "monthly_rent": "9000",
                "reference_price_per_desk_day": "60",
            },
        ),
        Target("hubs:business-case-update", kwargs=_pk("case")),
    ],
    "remoteagreements.forms.EmployeeForm": [
        Target(
            "agreements:employee-create",
            user="hr",
            benign={"name": "Ny Person", "personnummer": "19811218-9876", "unit": "Enheten"},
        ),
        Target("agreements:employee-edit", user="hr", kwargs=_pk("employee")),
    ],
    "remoteagreements.forms.AgreementForm": [
        Target("agreements:create", user="hr", benign={"start_date": "2025-01-01"}),
        Target("agreements:edit", user="hr", kwargs=_pk("draft")),
    ],
    "remoteagreements.forms.EmployeeSignatureForm": [
        Target(
            "agreements:sign",
            user="hr",
            kwargs=_pk("awaiting_employee"),
            fixed={"signature": "employee"},
        )
    ],
    "remoteagreements.forms.ManagerSignatureForm": [
        Target(
            "agreements:sign",
            user="manager",
            kwargs=_pk("awaiting_manager"),
            fixed={"signature": "manager"},
        )
    ],
    "remoteagreements.forms.EndForm": [Target("agreements:end", user="hr", kwargs=_pk("active"))],
    "remoteagreements.forms.FollowUpForm": [
        Target("agreements:follow-up", user="hr", kwargs=_pk("active"))
    ],
    "remoteagreements.forms.RenewForm": [
        Target("agreements:renew", user="hr", kwargs=_pk("active"))
    ],
    "actionplan.forms.ActivityForm": [
        Target("plan:activity-create", benign={"title": "Ny aktivitet"}),
        Target("plan:activity-update", kwargs=_pk("activity")),
    ],
    "actionplan.forms.ProgressReportForm": [
        Target("plan:report-create", kwargs=_pk("activity"), benign={"text": "Läget"})
    ],
    "actionplan.forms.RelocationAssessmentForm": [
        Target("plan:relocation-create", benign={"unit": "Enheten"}),
        Target("plan:relocation-update", kwargs=_pk("relocation")),
    ],
    "actionplan.forms.ActivityFilterForm": [
        Target("plan:activity-list", user="viewer", method="get", examples=4),
        Target("plan:gantt", user="viewer", method="get", examples=3),
    ],
    "actionplan.forms.BoardReportForm": [
        Target("plan:board-report", user="viewer", method="get", examples=5)
    ],
}
ALL_TARGETS = [(form, target) for form, targets in TARGETS.items() for target in targets]


def project_forms() -> set[str]:
    """Every Form and ModelForm class defined in a project app's forms modules."""
    found = set()
    for app in PROJECT_APPS:
        for path in sorted((Path(settings.BASE_DIR) / app).glob("*forms.py")):
            module = importlib.import_module(f"{app}.{path.stem}")
            for name, obj in inspect.getmembers(module, inspect.isclass):
                if (
                    issubclass(obj, BaseForm)
                    and obj.__module__ == module.__name__
                    and not name.startswith("_")
                ):
                    found.add(f"{module.__name__}.{name}")
    return found


def test_every_form_of_the_project_is_fuzzed():
    forms = project_forms()
    assert len(forms) >= 30  # the discovery itself must find them
    assert sorted(forms - set(TARGETS)) == [], "forms without a fuzz target"
    assert sorted(set(TARGETS) - forms) == [], "fuzz targets of forms that no longer exist"


def test_hypothesis_keeps_nothing_in_the_repository():
    assert fuzz_settings(1).database is None
    cache = storage_directory("constants", intent_to_write=False).path
    assert not cache.resolve().is_relative_to(Path(settings.BASE_DIR).resolve())


def test_every_view_with_a_form_class_has_its_form_fuzzed():
    fuzzed = {(form.rsplit(".", 1)[1], t.url) for form, t in ALL_TARGETS}
    missing = []
    for name, pattern in _walk(get_resolver().url_patterns):
        form_class = getattr(getattr(pattern.callback, "view_class", None), "form_class", None)
        if (
            form_class is not None
            and form_class.__module__.split(".")[0] in PROJECT_APPS
            and (form_class.__name__, name) not in fuzzed
        ):
            missing.append((name, form_class.__name__))
    assert missing == []


# --- The page's form, as a browser has it ------------------------------------------------------


@dataclass
class Field:
    kind: str  # text, hidden, date, number, checkbox, select, multiple, textarea, file, button
    values: list[str] = field(default_factory=list)  # options, or the initial value(s)
    initial: object = None


class _FormParser(HTMLParser):
    """The fields of the page's forms that are sent to ``path`` with ``method``."""

    def __init__(self, path: str, method: str):
        super().__init__()
        self.path, self.method = path, method
        self.fields: dict[str, Field] = {}
        self._in_form = False
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            action = urlsplit(a.get("action", "")).path
            self._in_form = a.get("method", "get").lower() == self.method and action in (
                "",
                self.path,
            )
            return
        if tag == "option" and self._in_form and self._select:
            f = self.fields[self._select]
            f.values.append(a.get("value", ""))
            if "selected" in a and f.initial is None:
                f.initial = a.get("value", "")
            return
        if not self._in_form or "name" not in a or a["name"] == "csrfmiddlewaretoken":
            return
        name = a["name"]
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                f = self.fields.setdefault(name, Field("checkbox"))
                f.values.append(a.get("value", "on"))
                if len(f.values) > 1 or kind == "radio":
                    f.kind = "multiple" if kind == "checkbox" else "select"
                if "checked" in a:
                    f.initial = a.get("value", "on")
            elif kind in ("submit", "button", "image", "reset"):
                self.fields.setdefault(name, Field("button", [a.get("value", "1")]))
            else:
                self.fields[name] = Field(kind, [], a.get("value", ""))
        elif tag == "button" and a.get("type", "submit") == "submit":
            self.fields.setdefault(name, Field("button", [a.get("value", "1")]))
        elif tag == "select":
            self.fields[name] = Field("multiple" if "multiple" in a else "select")
            self._select = name
        elif tag == "textarea":
            self.fields[name] = Field("textarea", [], "")
            self._textarea = name

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea].initial += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def page_fields(html: str, path: str, method: str) -> dict[str, Field]:
    parser = _FormParser(path, method)
    parser.feed(html)
    return parser.fields


# --- Values ------------------------------------------------------------------------------------

ABSENT = object()
EDGE_DATES = ("0001-01-01", "9999-12-31")
EDGE_NUMBERS = ("99999999999999999999", "-1")


# Values that pass the fields' own checks, where "Text" or "1" would not.
NAME_BENIGN = {"postcode": "831 30", "latitude": "63.17", "longitude": "14.63"}


def benign_value(f: Field, override=None, fill: bool = True, name: str = ""):
    """A sensible value: the target's, the page's initial one, or (``fill``) a made-up one."""
    if override is not None:
        return override
    if not fill and f.kind not in ("button", "file"):
        return f.initial if f.initial is not None else ([] if f.kind == "multiple" else ABSENT)
    if f.kind == "multiple":
        return [f.initial] if f.initial else []
    if f.kind == "button":
        return ABSENT
    if f.initial is not None and str(f.initial).strip():
        return f.initial
    if f.kind == "select":
        return next((v for v in f.values if v), "")
    if f.kind == "checkbox":
        return f.values[0] if f.values else "on"
    if f.kind == "hidden":
        return f.initial
    if name in NAME_BENIGN:
        return NAME_BENIGN[name]
    return {"date": "2025-03-01", "number": "1", "file": ABSENT}.get(f.kind, "Text")


def hostile_value(f: Field):
    """What the field should never have to accept, or something else it might."""
    dates = st.one_of(st.sampled_from(EDGE_DATES), dates_text())
    typed = {"date": dates, "number": numbers_text(), "month": dates}.get(f.kind, hostile_text())
    choices = [st.just(ABSENT), hostile_text(), typed, typed]
    if f.values and f.kind in ("select", "multiple", "checkbox", "button"):
        choices.append(st.sampled_from(f.values))
    if f.kind == "multiple":
        choices.append(st.lists(st.one_of(st.sampled_from(f.values or [""]), hostile_text())))
    if f.kind == "file":
        choices.append(
            st.tuples(
                st.sampled_from(["data.csv", "data.xlsx", "data.txt", "data.exe"]),
                st.one_of(
                    st.binary(max_size=200),
                    st.lists(
                        st.lists(hostile_text(), min_size=1, max_size=5), min_size=1, max_size=4
                    ).map(lambda rows: "\r\n".join(";".join(r) for r in rows).encode()),
                    st.sampled_from(
                        [
                            b"kommun;\xc3\xa5r;inflyttade;utflyttade\r\n2380;2020;100;90\r\n",
                            b"kommun;\xc3\xa5r;sektor;rekryteringsbehov\r\n2380;x;v\xc3\xa5rd;9\r\n",
                            b"bostadskommun;arbetsst\xc3\xa4llekommun;\xc3\xa5r;antal\r\n"
                            b"2380;2309;0000;5\r\n",
                            b"bostadskommun;arbetsst\xc3\xa4llekommun;2020\r\n2380;2309;..\r\n",
                        ]
                    ),
                ),
            ).map(lambda t: SimpleUploadedFile(*t))
        )
    return st.one_of(*choices)


@st.composite
def form_data(draw, pool: dict[str, Field], target: Target):
    """A mostly sensible submission with a few fields spoilt, dropped or added."""
    fill = draw(st.booleans())
    data = {name: benign_value(f, target.benign.get(name), fill, name) for name, f in pool.items()}
    names = sorted(pool)
    for name in draw(st.lists(st.sampled_from(names), unique=True, max_size=4)) if names else []:
        data[name] = draw(hostile_value(pool[name]))
    data |= draw(st.dictionaries(st.sampled_from(["extra", "pk", "id", "x\x00"]), hostile_text()))
    data |= target.fixed
    return {k: v for k, v in data.items() if v is not ABSENT}


# --- The sample world --------------------------------------------------------------------------


@pytest.fixture
def world(reference_data, planner, hr_user, viewer):
    manager = ManagerFactory(username="t-chef-fuzz")
    employee = EmployeeFactory(manager=manager)
    hub = HubStatusChangeFactory(hub__name="Hubben", hub__status="open").hub
    survey_round = SurveyRoundFactory()
    SurveyResponseFactory.create_batch(3, round=survey_round)
    return {
        "planner": planner,
        "hr": hr_user,
        "viewer": viewer,
        "manager": manager,
        "hub": hub,
        "premises": PremisesCandidateFactory(),
        "case": BusinessCase.objects.create(
            name="Kalkyl",
            municipality_id="2380",
            desks=6,
            monthly_rent=Decimal("9000"),
            reference_price_per_desk_day=Decimal("60"),
        ),
        "round": survey_round,
        "activity": ActivityFactory(),
        "relocation": RelocationAssessmentFactory(),
        "employee": employee,
        "draft": AgreementFactory(employee=employee),
        "awaiting_employee": AgreementFactory(employee=employee, status=Status.AWAITING_EMPLOYEE),
        "awaiting_manager": AgreementFactory(
            employee=employee, status=Status.AWAITING_MANAGER, employee_signed_at=timezone.now()
        ),
        "active": AgreementFactory(
            employee=employee,
            status=Status.ACTIVE,
            start_date=dt.date(2025, 1, 1),
            end_date=dt.date(2025, 12, 31),
            employee_signed_at=timezone.now(),
            manager_signed_at=timezone.now(),
        ),
    }


@pytest.mark.parametrize(("form", "target"), ALL_TARGETS, ids=[t.id for _f, t in ALL_TARGETS])
def test_hostile_input_to_a_form_never_fails_and_a_refusal_writes_nothing(
    form, target, world, client_for, tmp_path, monkeypatch
):
    client = client_for(world[target.user])
    if target.prepare:
        target.prepare(world, client)
    path = reverse(target.url, kwargs=target.kwargs(world))
    page = client.get(path)
    assert page.status_code == 200, (path, page.status_code)
    pool = page_fields(page.content.decode(), path, target.method)
    declared = set(
        importlib.import_module(form.rsplit(".", 1)[0]).__dict__[form.rsplit(".", 1)[1]].base_fields
    )
    for name in declared - set(pool):  # fields the page does not show (yet)
        pool[name] = Field("text", [], "")
    assert pool, f"no fields found for {form} at {path}"

    @given(data=form_data(pool, target))
    @fuzz_settings(max_examples=target.examples)
    def send(data):
        check(data)

    def check(data):
        forget_messages(client)
        with rolled_back():
            _restore_upload(world, client)
            before = fingerprint()
            if target.method == "get":
                response = client.get(
                    path, {k: v for k, v in data.items() if not hasattr(v, "read")}
                )
                assert response.status_code == 200, response.status_code
                assert changed_tables(before, fingerprint()) == []
                return
            response = client.post(path, data)
            assert response.status_code in (200, 302, 400, 403, 404), response.status_code
            refused = response.status_code != 302 or error_messages(response)
            if refused:
                assert changed_tables(before, fingerprint()) == [], (
                    response.status_code,
                    error_messages(response),
                )

    # The calendar's edges in every date field and out-of-range numbers in every number
    # field, once each, besides the random examples.
    for name, f in sorted(pool.items()):
        edges = {"date": EDGE_DATES, "month": EDGE_DATES, "number": EDGE_NUMBERS}.get(f.kind, ())
        for edge, fill in itertools.product(edges, (True, False)):
            data = {n: benign_value(g, target.benign.get(n), fill, n) for n, g in pool.items()}
            data |= {name: edge} | target.fixed
            check({k: v for k, v in data.items() if v is not ABSENT})
    send()


# --- What the fuzzing found, kept as plain regression tests -----------------------------------


def test_a_board_report_as_of_the_calendars_first_day_is_refused_not_a_500(client_for, viewer):
    # Was a 500: the default previous report, three months before 0001-01-01, overflowed.
    response = client_for(viewer).get(reverse("plan:board-report"), {"as_of": "0001-01-01"})
    assert response.status_code == 200
    assert response.context["form"].errors["previous"] == [
        "Föregående rapportdatum måste vara före rapportdatumet."
    ]
    response = client_for(viewer).get(reverse("plan:board-report"), {"as_of": "0001-02-01"})
    assert response.status_code == 200
    assert response.context["form"].cleaned_data["previous"] == dt.date(1, 1, 1)


def test_a_follow_up_held_in_the_calendars_last_year_is_saved_not_a_500(world, client_for):
    # Was a 500: the next follow-up, a year after 9999-12-31, is past the calendar's end.
    agreement = world["active"]
    response = client_for(world["hr"]).post(
        reverse("agreements:follow-up", kwargs={"pk": agreement.pk}),
        {"held_on": "9999-12-31", "outcome": "continue", "notes": ""},
    )
    assert response.status_code == 302
    assert error_messages(response) == []
    agreement.refresh_from_db()
    assert agreement.next_follow_up_due == dt.date.max
    assert agreement.follow_ups.get().held_on == dt.date.max
