"""The audit trail: creates, changes and deletes through the app's pages are kept with user and time.

Each test works through HTTP as the role that does the work (a planner for hubs,
premises and activities, HR for employees and agreements; deletes of employees and
agreements exist only in the admin, so a superuser does those), then reads the
simple-history rows. Edits start from the rendered edit form, so whatever hidden
fields the form carries (the lock version, say) are posted back as a browser would.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.forms import CheckboxInput
from django.urls import reverse
from django.utils import timezone

from actionplan.models import Activity
from hubs.models import Hub, PremisesCandidate
from mapping import imports
from mapping.models import Organisation, SurveyImport
from mapping.tests.factories import SurveyRoundFactory
from remoteagreements import personnummer as pnr
from remoteagreements.models import DistanceAgreement, Employee
from remoteagreements.tests.factories import ManagerFactory

pytestmark = pytest.mark.django_db

MADE_UP = pnr.with_check_digit(1981, 3, 9, 417)  # fictitious, check digit computed


def _form_data(*forms) -> dict:
    """What a browser would post back for these (bound or unbound) forms, unchanged."""
    data = {}
    for form in forms:
        for bf in form:
            value = bf.value()
            if isinstance(bf.field.widget, CheckboxInput):
                if value:
                    data[bf.html_name] = "on"
            elif value is None:
                data[bf.html_name] = ""
            elif isinstance(value, list | tuple):
                data[bf.html_name] = [str(v) for v in value]
            else:
                data[bf.html_name] = str(value)
    return data


def _edit(client, url, **changes):
    """GET the edit page, post its form back with ``changes``; returns the response."""
    page = client.get(url)
    assert page.status_code == 200, url
    forms = [page.context["form"]]
    if formset := page.context.get("formset"):
        forms += [formset.management_form, *formset.forms]
    data = _form_data(*forms)
    data.update(changes)
    return client.post(url, data)


def _trail(model, pk) -> list[tuple[str, str | None]]:
    """(type, username) of each history row of one object, oldest first."""
    rows = model.history.filter(id=pk).order_by("history_date", "history_id")
    return [(r.history_type, r.history_user.username if r.history_user else None) for r in rows]


def _assert_create_change_delete(trail, username):
    assert trail[0] == ("+", username), trail
    assert ("~", username) in trail[1:-1], trail
    assert trail[-1] == ("-", username), trail
    assert {user for _type, user in trail} == {username}, trail


def test_a_hub_created_changed_and_deleted_by_a_planner_is_in_its_history(
    client_for, planner, reference_data
):
    client = client_for(planner)
    response = client.post(
        reverse("hubs:create"),
        {
            "name": "Hubben i Hammarstrand",
            "kind": Hub.Kind.TOWN_HALL,
            "municipality": "2303",
            "address": "Kommunhuset, Centralgatan 1",
            "postcode": "840 70",
            "latitude": "63.1067",
            "longitude": "16.3456",
            "operator_type": Hub.OperatorType.MUNICIPALITY,
            "status": Hub.Status.PLANNED,
            "status_date": "2025-05-01",
            "desks": "6",
            "meeting_rooms": "1",
            "opening_hours": "vardagar 8–17",
            "cost_per_desk_month": "1200",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    hub = Hub.objects.get()
    response = _edit(client, reverse("hubs:update", args=[hub.pk]), desks="9")
    assert response.status_code == 302, response.context["form"].errors
    assert client.post(reverse("hubs:delete", args=[hub.pk])).status_code == 302

    _assert_create_change_delete(_trail(Hub, hub.pk), planner.username)
    change = Hub.history.filter(id=hub.pk, history_type="~", desks=9).get()
    assert change.history_date <= timezone.now()
    assert change.prev_record.desks == 6


def _new_premises(client, name="Biblioteket Hammarstrand") -> PremisesCandidate:
    response = client.post(
        reverse("hubs:premises-create"),
        {
            "name": name,
            "municipality": "2303",
            "address": "Centralgatan 3",
            "postcode": "840 70",
            "area_m2": "90",
            "desks_possible": "5",
            "monthly_rent": "6000",
            "available_from": "2025-09-01",
            "co_location": ["library"],
            "status": "identified",
            "assessment": "Ljust.",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    return PremisesCandidate.objects.get(name=name)


def test_a_premises_candidate_created_changed_and_deleted_is_in_its_history(
    client_for, planner, reference_data
):
    client = client_for(planner)
    candidate = _new_premises(client)
    url = reverse("hubs:premises-update", args=[candidate.pk])
    assert _edit(client, url, status="assessed").status_code == 302
    assert client.post(reverse("hubs:premises-delete", args=[candidate.pk])).status_code == 302

    _assert_create_change_delete(_trail(PremisesCandidate, candidate.pk), planner.username)
    assert PremisesCandidate.history.filter(status="assessed", history_type="~").exists()


def test_an_activity_created_changed_and_deleted_is_in_its_history(
    client_for, planner, reference_data
):
    from actionplan.models import Area

    client = client_for(planner)
    response = client.post(
        reverse("plan:activity-create"),
        {
            "title": "Dialog med Bergs kommun",
            "description": "Första mötet.",
            "area": Area.objects.get(number=1).pk,
            "start_date": "2030-01-10",
            "end_date": "2030-06-30",
            "planned_budget": "40000",
            "actual_cost": "0",
            "status": "not_started",
            "progress": "0",
            "responsible_unit": "Näringslivsenheten",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    activity = Activity.objects.get()
    url = reverse("plan:activity-update", args=[activity.pk])
    assert _edit(client, url, title="Dialog med Bergs kommun, del 2").status_code == 302
    assert client.post(reverse("plan:activity-delete", args=[activity.pk])).status_code == 302

    _assert_create_change_delete(_trail(Activity, activity.pk), planner.username)


def _employee_post(manager, **overrides):
    data = {
        "name": "Klara Test",
        "personnummer": MADE_UP,
        "administration": Organisation.objects.get(name="Regionstaben").pk,
        "unit": "Lön",
        "workplace": "Regionens hus",
        "workplace_municipality": "2380",
        "home_municipality": "2309",
        "manager": manager.pk,
    }
    data.update(overrides)
    return data


def _agreement_post(employee):
    today = timezone.localdate()
    return {
        "employee": employee.pk,
        "start_date": today.isoformat(),
        "end_date": (today + timedelta(days=364)).isoformat(),
        "extent_unit": "days",
        "extent_value": "2",
        "working_hours": "Dagtid 08–17",
        "availability": "Telefon och Teams 08–16",
        "absence_routines": "Sjukanmälan till chefen",
        "meeting_attendance": "APT varannan tisdag på plats",
        "days_at_workplace": "3",
        "tasks": "Löneadministration",
        "results_follow_up": "Veckomöte med chefen",
        "connection": "Regionens VPN",
        "notice_period_months": "1",
        "place_kind": "region_workplace",
        "place_description": "Regionens hus",
        "reimbursement_terms": "Endast telefonkostnader ersätts.",
        "equipment-TOTAL_FORMS": "0",
        "equipment-INITIAL_FORMS": "0",
        "equipment-MIN_NUM_FORMS": "0",
        "equipment-MAX_NUM_FORMS": "1000",
    }


def _admin_delete(client, obj) -> None:
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[obj.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302


def test_employees_and_agreements_keep_hr_edits_and_superuser_deletes_in_their_history(
    client_for, hr_user, superuser, reference_data
):
    manager = ManagerFactory(username="t-chef-audit")
    hr = client_for(hr_user)
    assert (
        hr.post(reverse("agreements:employee-create"), _employee_post(manager)).status_code == 302
    )
    employee = Employee.objects.get()
    response = _edit(hr, reverse("agreements:employee-edit", args=[employee.pk]), unit="Ekonomi")
    assert response.status_code == 302, response.context["form"].errors

    response = hr.post(reverse("agreements:create"), _agreement_post(employee))
    assert response.status_code == 302, response.context["form"].errors
    agreement = DistanceAgreement.objects.get()
    response = _edit(hr, reverse("agreements:edit", args=[agreement.pk]), tasks="Lön och pension")
    assert response.status_code == 302, response.context["form"].errors
    assert DistanceAgreement.history.filter(tasks="Lön och pension", history_type="~").exists()

    admin = client_for(superuser)
    _admin_delete(admin, agreement)
    _admin_delete(admin, employee)

    for model, pk in ((Employee, employee.pk), (DistanceAgreement, agreement.pk)):
        trail = _trail(model, pk)
        assert trail[0] == ("+", hr_user.username), trail
        assert ("~", hr_user.username) in trail, trail
        assert trail[-1] == ("-", superuser.username), trail
    assert Employee.history.filter(id=employee.pk, unit="Ekonomi").exists()


def test_the_employee_history_has_no_personnummer(client_for, hr_user, reference_data):
    manager = ManagerFactory(username="t-chef-audit")
    client_for(hr_user).post(reverse("agreements:employee-create"), _employee_post(manager))
    table = Employee.history.model._meta.db_table
    with connection.cursor() as cursor:
        columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
    assert "name" in columns
    assert not [c for c in columns if "personnummer" in c]
    row = Employee.history.values().get()
    assert MADE_UP not in repr(row)


SURVEY_HEADER = (
    "Organisation;Enhet;Hemkommun;Postnummer;Arbetsplatskommun;Avstånd km;Restid min;"
    "Färdmedel;Pendlingsdagar per vecka;Arbetstimmar per dag;Intresse hubb;"
    "Hubbdagar per vecka;Kommentar"
)
SURVEY_ROW = "Krokoms kommun;Skola;2309;;2309;3;10;cykel_gång;5;8;nej;0;"


def _import_survey(client, rows) -> None:
    """Upload, map the columns and import, as the import pages do."""
    content = "\r\n".join([SURVEY_HEADER, *rows, ""]).encode()
    client.post(
        reverse("surveys:import-upload"),
        {
            "survey_round": SurveyRoundFactory().pk,
            "file": SimpleUploadedFile("svar.csv", content),
        },
    )
    mapping = {c.field: "" for c in imports.COLUMNS}
    mapping.update(imports.guess_mapping(SURVEY_HEADER.split(";")))
    client.post(reverse("surveys:import-map"), {**mapping, "validate": "1"})
    client.post(reverse("surveys:import-map"), {"import": "1"})


def test_a_survey_import_is_in_its_history_once_started_and_once_done(
    client_for, planner, reference_data, settings
):
    """Two rows, not one per chunk: progress is the job's, outside the trail."""
    _import_survey(client_for(planner), [SURVEY_ROW] * 40)
    job = SurveyImport.objects.get()
    assert job.status == SurveyImport.Status.DONE
    assert _trail(SurveyImport, job.pk) == [("+", planner.username), ("~", planner.username)]
    assert job.history.first().status == SurveyImport.Status.DONE
    assert job.history.first().row_count == 40


def test_a_failed_survey_import_keeps_its_failure_and_user_in_the_history(
    planner, reference_data, settings, tmp_path
):
    """The pages refuse a bad file before any job starts; a job that fails all the same
    (the file changed, the database refused) is marked failed by a save that the trail
    keeps, with the importing user although no request is at hand (a background job)."""
    from django.core.files.base import ContentFile

    from hubplan import storage
    from mapping import services

    bad = SURVEY_ROW.replace("Krokoms kommun;Skola;2309", "Krokoms kommun;Skola;Atlantis")
    content = "\r\n".join([SURVEY_HEADER, SURVEY_ROW, bad, ""]).encode()
    job = services.survey_import_start(
        survey_round=SurveyRoundFactory(),
        upload=storage.save_upload(ContentFile(content)),
        sha256="",
        file_name="svar.csv",
        mapping=imports.guess_mapping(SURVEY_HEADER.split(";")),
        valid_only=False,
        user=planner,
        total_rows=2,
    )
    assert job.status == SurveyImport.Status.FAILED
    last = job.history.first()
    assert (last.history_type, last.status, last.history_user) == ("~", "failed", planner)
    assert "Atlantis" in last.message


# --- browsing the trail in the admin -------------------------------------------------


@pytest.fixture
def staff_with_every_permission(db):
    """A staff account given every model permission: still not a superuser."""
    from django.contrib.auth.models import Permission, User

    user = User.objects.create_user("t-staff", password="pw-for-tests-only", is_staff=True)
    user.user_permissions.set(Permission.objects.all())
    return user


def test_superusers_browse_the_history_and_nobody_else_reaches_it(
    client_for, planner, hr_user, superuser, staff_with_every_permission, reference_data
):
    candidate = _new_premises(client_for(planner), "Lokalen")
    record = candidate.history.get()
    history = reverse("admin:hubs_premisescandidate_history", args=[candidate.pk])
    version = reverse(
        "admin:hubs_premisescandidate_simple_history", args=[candidate.pk, record.history_id]
    )
    all_rows = reverse("admin:hubs_historicalpremisescandidate_changelist")

    admin = client_for(superuser)
    page = admin.get(history)
    assert page.status_code == 200
    assert planner.username in page.content.decode()
    assert admin.get(version).status_code == 200
    listing = admin.get(all_rows)
    assert listing.status_code == 200
    assert "Lokalen" in listing.content.decode()

    for url in (history, version, all_rows):
        assert client_for(staff_with_every_permission).get(url).status_code == 403, url
        for user in (planner, hr_user):
            response = client_for(user).get(url)
            assert response.status_code == 302, url  # the admin's own login page
            assert response["Location"].startswith(reverse("admin:login"))


def test_the_history_cannot_be_used_to_revert(client_for, planner, superuser, reference_data):
    client = client_for(planner)
    candidate = _new_premises(client, "Lokalen")
    first = candidate.history.get()
    response = _edit(client, reverse("hubs:premises-update", args=[candidate.pk]), name="Nytt namn")
    assert response.status_code == 302
    url = reverse("admin:hubs_premisescandidate_simple_history", args=[candidate.pk, first.pk])
    response = client_for(superuser).post(url, {"name": "Lokalen", "municipality": "2303"})
    assert response.status_code == 403
    candidate.refresh_from_db()
    assert candidate.name == "Nytt namn"


def test_the_admin_never_shows_an_employees_personnummer(
    client_for, hr_user, superuser, reference_data
):
    manager = ManagerFactory(username="t-chef-audit")
    client_for(hr_user).post(reverse("agreements:employee-create"), _employee_post(manager))
    employee = Employee.objects.get()
    record = employee.history.get()
    admin = client_for(superuser)
    pages = [
        reverse("admin:remoteagreements_employee_changelist"),
        reverse("admin:remoteagreements_employee_change", args=[employee.pk]),
        reverse("admin:remoteagreements_employee_history", args=[employee.pk]),
        reverse(
            "admin:remoteagreements_employee_simple_history",
            args=[employee.pk, record.history_id],
        ),
        reverse("admin:remoteagreements_historicalemployee_changelist"),
        reverse("admin:remoteagreements_historicalemployee_change", args=[record.history_id]),
    ]
    for url in pages:
        html = admin.get(url).content.decode()
        assert "Klara Test" in html, url
        assert MADE_UP not in html, url
        assert f"{MADE_UP[:8]}-{MADE_UP[8:]}" not in html, url
        assert f"{MADE_UP[2:8]}-{MADE_UP[8:]}" not in html, url
    change = admin.get(pages[1]).content.decode()
    assert employee.masked_personnummer in change
