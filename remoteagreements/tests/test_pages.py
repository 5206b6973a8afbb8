"""The register through the test client: the end-to-end flow, access, bad input, print and PDF."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from mapping.models import Organisation
from remoteagreements import personnummer as pnr
from remoteagreements import rules, services
from remoteagreements.checklist import HEADINGS
from remoteagreements.models import DistanceAgreement, Employee
from remoteagreements.tests.factories import AgreementFactory, EmployeeFactory, EquipmentItemFactory

Status = DistanceAgreement.Status
MADE_UP = pnr.with_check_digit(1979, 6, 14, 382)  # made up for the test, check digit computed


def _agreement_post(employee, **overrides):
    today = timezone.localdate()
    data = {
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
        "fewer_days_reason": "",
        "tasks": "Löneadministration",
        "results_follow_up": "Veckomöte med chefen",
        "connection": "Regionens VPN",
        "notice_period_months": "1",
        "place_kind": "home",
        "place_description": "Bostaden i Krokom",
        "hub": "",
        "place_reason": "Ingen av regionens arbetsplatser finns på orten.",
        "home_insurance": "on",
        "aml_access_acknowledged": "on",
        "reimbursement_terms": "Endast telefonkostnader ersätts.",
        "equipment-TOTAL_FORMS": "2",
        "equipment-INITIAL_FORMS": "0",
        "equipment-MIN_NUM_FORMS": "0",
        "equipment-MAX_NUM_FORMS": "1000",
        "equipment-0-item": "Bärbar dator",
        "equipment-0-inventory_number": "INV-77001",
        "equipment-0-marking": "RJH-märkt",
        "equipment-0-provided_by": "region",
        "equipment-1-item": "",
        "equipment-1-inventory_number": "",
        "equipment-1-marking": "",
        "equipment-1-provided_by": "region",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_hr_registers_and_both_sign_and_the_agreement_is_counted(
    client_for, hr_user, manager, viewer, reference_data
):
    hr = client_for(hr_user)
    response = hr.post(
        reverse("agreements:employee-create"),
        {
            "name": "Klara Test",
            "personnummer": f"{MADE_UP[2:8]}-{MADE_UP[8:]}",  # 10 digits with a dash
            "administration": Organisation.objects.get(name="Regionstaben").pk,
            "unit": "Lön",
            "workplace": "Regionens hus",
            "workplace_municipality": "2380",
            "home_municipality": "2309",
            "manager": manager.pk,
        },
    )
    employee = Employee.objects.get(name="Klara Test")
    assert response.status_code == 302
    assert employee.personnummer == MADE_UP  # stored normalised

    response = hr.post(reverse("agreements:create"), _agreement_post(employee))
    agreement = DistanceAgreement.objects.get(employee=employee)
    assert response.status_code == 302, response.context["form"].errors
    assert agreement.status == Status.DRAFT
    assert list(agreement.equipment.values_list("inventory_number", flat=True)) == ["INV-77001"]

    hr.post(reverse("agreements:submit", args=[agreement.pk]))
    hr.post(
        reverse("agreements:sign", args=[agreement.pk]), {"signature": "employee", "confirm": "on"}
    )
    agreement.refresh_from_db()
    assert agreement.status == Status.AWAITING_MANAGER
    assert agreement.employee_signature_method == "paper"
    assert agreement.employee_signature_recorded_by == hr_user

    client_for(manager).post(
        reverse("agreements:sign", args=[agreement.pk]), {"signature": "manager", "confirm": "on"}
    )
    agreement.refresh_from_db()
    assert agreement.status == Status.ACTIVE
    assert agreement.manager_signed_by == manager

    stats = hr.get(reverse("agreements:stats"))
    assert stats.context["overall"]["with_agreement"] == 1
    # Summed from the per-kommun rows: still the whole register.
    assert stats.context["overall"]["employees"] == Employee.objects.count()
    assert stats.context["overall"]["shown"] == 1
    assert [r["shown"] for r in stats.context["homes"] if r["code"] == "2309"] == [1]
    assert {r["place"]: r["shown"] for r in stats.context["places"]}["home"] == 1
    assert stats.context["months"][-1][1] == 1
    # A single person is a small cell: hidden from a Läsare.
    assert client_for(viewer).get(reverse("agreements:stats")).context["overall"]["shown"] is None


@pytest.mark.django_db
def test_an_invalid_personnummer_is_refused_and_nothing_saved(
    client_for, hr_user, manager, reference_data
):
    wrong = MADE_UP[:-1] + str((int(MADE_UP[-1]) + 1) % 10)
    response = client_for(hr_user).post(
        reverse("agreements:employee-create"),
        {
            "name": "Fel Nummer",
            "personnummer": wrong,
            "administration": Organisation.objects.get(name="Regionstaben").pk,
            "workplace": "Regionens hus",
            "workplace_municipality": "2380",
            "home_municipality": "2380",
            "manager": manager.pk,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["personnummer"] == [str(pnr.INVALID_MESSAGE)]
    assert not Employee.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"end_date": "2020-01-01"}, "end_date", rules.MSG_END_BEFORE_START),
        (
            {"extent_unit": "percent", "extent_value": "120"},
            "extent_value",
            rules.MSG_EXTENT_PERCENT,
        ),
    ],
    ids=["end before start", "extent over 100 %"],
)
def test_bad_agreement_input_gets_a_message_and_nothing_saved(
    client_for, hr_user, employee, overrides, field, message
):
    response = client_for(hr_user).post(
        reverse("agreements:create"), _agreement_post(employee, **overrides)
    )
    assert response.status_code == 200
    assert str(message) in response.context["form"].errors[field]
    assert not DistanceAgreement.objects.exists()


@pytest.mark.django_db
def test_signing_out_of_order_is_refused_with_a_message(client_for, hr_user, manager, employee):
    agreement = AgreementFactory(employee=employee, status=Status.AWAITING_EMPLOYEE)
    response = client_for(manager).post(
        reverse("agreements:sign", args=[agreement.pk]),
        {"signature": "manager", "confirm": "on"},
        follow=True,
    )
    assert str(services.ERR_MANAGER_ORDER) in response.content.decode()
    agreement.refresh_from_db()
    assert (agreement.status, agreement.manager_signed_at) == (Status.AWAITING_EMPLOYEE, None)


@pytest.mark.django_db
def test_signing_a_rule_breaking_agreement_is_refused(client_for, hr_user, employee):
    agreement = AgreementFactory(
        employee=employee,
        status=Status.AWAITING_EMPLOYEE,
        handles_confidential=True,
        region_provides_computer=False,
    )
    response = client_for(hr_user).post(
        reverse("agreements:sign", args=[agreement.pk]),
        {"signature": "employee", "confirm": "on"},
        follow=True,
    )
    html = response.content.decode()
    assert str(services.ERR_RULES) in html
    assert str(rules.MSG_CONFIDENTIAL_COMPUTER) in html
    agreement.refresh_from_db()
    assert agreement.employee_signed_at is None


@pytest.mark.django_db
def test_editing_an_ended_agreement_is_refused(client_for, hr_user, employee):
    agreement = AgreementFactory(
        employee=employee,
        status=Status.ENDED,
        employee_signed_at=timezone.now(),
        manager_signed_at=timezone.now(),
        ended_on=timezone.localdate(),
        end_reason="notice",
    )
    response = client_for(hr_user).post(
        reverse("agreements:edit", args=[agreement.pk]),
        _agreement_post(employee, tasks="Ändrat i efterhand"),
        follow=True,
    )
    assert str(services.ERR_ENDED) in response.content.decode()
    agreement.refresh_from_db()
    assert agreement.tasks == "Budgetuppföljning och redovisning."


def _active(employee):
    now = timezone.now()
    return AgreementFactory(
        employee=employee,
        status=Status.ACTIVE,
        employee_signed_at=now,
        employee_signature_method="paper",
        manager_signed_at=now,
        manager_signed_by=employee.manager,
    )


@pytest.mark.django_db
def test_all_twelve_checklist_points_are_on_the_print_page_and_in_the_pdf(
    client_for, hr_user, employee
):
    agreement = _active(employee)
    EquipmentItemFactory(agreement=agreement, item="Dockningsstation", inventory_number="INV-42")
    client = client_for(hr_user)
    html = client.get(reverse("agreements:print", args=[agreement.pk])).content.decode()
    response = client.get(reverse("agreements:pdf", args=[agreement.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    flat = " ".join(text.split())
    assert len(HEADINGS) == 12
    for number, heading in enumerate(HEADINGS, start=1):
        assert f"{number}. {heading}" in html
        assert f"{number}. {heading}" in flat
    for value in (
        "Eva Exempel",
        "Budgetuppföljning och redovisning.",
        "INV-42",
        "Regionens VPN",
        "Deltar i APT varannan tisdag på plats.",
        "Veckovis avstämning med chefen.",
    ):
        assert value in html
        assert value in flat
    # HR's own agreement pages show the full number; a manager sees it masked.
    full = f"{employee.personnummer[:8]}-{employee.personnummer[8:]}"
    assert full in html
    assert full in flat
    manager_html = (
        client_for(employee.manager)
        .get(reverse("agreements:print", args=[agreement.pk]))
        .content.decode()
    )
    assert full not in manager_html
    assert pnr.mask(employee.personnummer) in manager_html


def _register_paths(agreement, employee):
    a, e = agreement.pk, employee.pk
    return [
        reverse("agreements:list"),
        reverse("agreements:create"),
        reverse("agreements:detail", args=[a]),
        reverse("agreements:edit", args=[a]),
        reverse("agreements:sign", args=[a]),
        reverse("agreements:end", args=[a]),
        reverse("agreements:follow-up", args=[a]),
        reverse("agreements:renew", args=[a]),
        reverse("agreements:print", args=[a]),
        reverse("agreements:pdf", args=[a]),
        reverse("agreements:employee-list"),
        reverse("agreements:employee-create"),
        reverse("agreements:employee-detail", args=[e]),
        reverse("agreements:employee-edit", args=[e]),
    ]


@pytest.mark.django_db
def test_a_lasare_and_a_planner_get_403_on_every_agreement_and_employee_page(
    client_for, viewer, planner, employee
):
    agreement = _active(employee)
    posts = [
        reverse(n, args=[agreement.pk]) for n in ("agreements:submit", "agreements:new-version")
    ]
    for user in (viewer, planner):
        client = client_for(user)
        for path in _register_paths(agreement, employee):
            assert client.get(path).status_code == 403, path
            assert client.post(path).status_code == 403, path
        for path in posts:
            assert client.post(path).status_code == 403, path
        assert client.get(reverse("agreements:stats")).status_code == 200


@pytest.mark.django_db
def test_a_manager_sees_only_their_own_staff(client_for, manager, other_manager, employee):
    mine = _active(employee)
    theirs = _active(EmployeeFactory(name="Annan Person", manager=other_manager))
    client = client_for(manager)
    listing = client.get(reverse("agreements:list"))
    assert [a.pk for a in listing.context["agreements"]] == [mine.pk]
    people = client.get(reverse("agreements:employee-list"))
    assert [e.pk for e in people.context["employees"]] == [employee.pk]
    assert client.get(reverse("agreements:detail", args=[mine.pk])).status_code == 200
    for path in (
        reverse("agreements:detail", args=[theirs.pk]),
        reverse("agreements:print", args=[theirs.pk]),
        reverse("agreements:pdf", args=[theirs.pk]),
        reverse("agreements:sign", args=[theirs.pk]),
        reverse("agreements:employee-detail", args=[theirs.employee.pk]),
    ):
        assert client.get(path).status_code == 404, path
    # A manager reads but does not edit: HR's pages stay closed.
    assert client.get(reverse("agreements:edit", args=[mine.pk])).status_code == 403
    assert client.get(reverse("agreements:employee-create")).status_code == 403
    # Their own staff's personnummer is masked for them.
    html = client.get(reverse("agreements:employee-detail", args=[employee.pk])).content.decode()
    assert employee.masked_personnummer in html
    assert employee.personnummer not in html


@pytest.mark.django_db
def test_hr_sees_the_full_personnummer_only_on_detail_pages(client_for, hr_user, employee):
    client = client_for(hr_user)
    full = f"{employee.personnummer[:8]}-{employee.personnummer[8:]}"
    assert full in client.get(employee.get_absolute_url()).content.decode()
    listing = client.get(reverse("agreements:employee-list")).content.decode()
    assert full not in listing
    assert employee.personnummer not in listing
    assert employee.masked_personnummer in listing
    response = client.get(reverse("agreements:employee-list"), {"format": "csv"})
    export = b"".join(response.streaming_content).decode()  # streamed (hubplan.exports)
    assert "Eva Exempel" in export
    assert employee.personnummer[:8] not in export


@pytest.mark.django_db
def test_overdue_follow_ups_and_agreements_ending_soon_are_listed(
    client_for, hr_user, manager, employee
):
    today = timezone.localdate()
    overdue = _active(employee)
    DistanceAgreement.objects.filter(pk=overdue.pk).update(
        next_follow_up_due=today - timedelta(days=3)
    )
    ending = _active(EmployeeFactory(name="Snart Slut", manager=manager))
    DistanceAgreement.objects.filter(pk=ending.pk).update(end_date=today + timedelta(days=10))
    for user in (hr_user, manager):
        response = client_for(user).get(reverse("agreements:list"))
        assert [a.pk for a in response.context["overdue"]] == [overdue.pk]
        assert [a.pk for a in response.context["ending"]] == [ending.pk]


@pytest.mark.django_db
def test_the_list_query_count_does_not_grow_with_rows(
    client_for, hr_user, manager, reference_data, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(hr_user)
    for _ in range(5):
        _active(EmployeeFactory(manager=manager))
    client.get(reverse("agreements:list"))
    counts = []
    for target in (5, 60):
        while DistanceAgreement.objects.count() < target:
            _active(EmployeeFactory(manager=manager))
        for name in ("agreements:list", "agreements:employee-list", "agreements:stats"):
            # The first view after a write recomputes the cached statistics; that one is
            # counted in test_statistics.py, here the views everyone gets.
            client.get(reverse(name))
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(reverse(name)).status_code == 200
            counts.append((name, len(ctx)))
    assert counts[:3] == [(n, c) for n, c in counts[3:]]
    assert all(c <= 14 for _n, c in counts), counts


@pytest.mark.django_db
def test_the_menu_leads_everyone_to_statistics_and_hr_and_managers_to_the_register(
    client_for, viewer, hr_user, manager, employee
):
    stats, register = reverse("agreements:stats"), reverse("agreements:list")
    viewer_home = client_for(viewer).get("/").content.decode()
    assert f'href="{stats}"' in viewer_home
    assert f'href="{register}"' not in viewer_home
    assert f'href="{register}"' in client_for(hr_user).get("/").content.decode()
    assert 'id="to-agreements"' in client_for(manager).get(stats).content.decode()
    assert 'id="to-agreements"' not in client_for(viewer).get(stats).content.decode()


@pytest.mark.django_db
def test_the_statistics_export_has_the_aggregates_and_hides_small_cells(
    client_for, viewer, hr_user, employee
):
    _active(employee)
    hr_csv = (
        client_for(hr_user).get(reverse("agreements:stats"), {"format": "csv"}).content.decode()
    )
    viewer_csv = (
        client_for(viewer).get(reverse("agreements:stats"), {"format": "csv"}).content.decode()
    )
    hr_row = next(line for line in hr_csv.splitlines() if line.startswith("Hemkommun;Krokom"))
    viewer_row = next(
        line for line in viewer_csv.splitlines() if line.startswith("Hemkommun;Krokom")
    )
    assert hr_row == "Hemkommun;Krokom;1;1;100,0"
    assert viewer_row == "Hemkommun;Krokom;;;"
    # The whole register's line too: one employee is a small cell, as in the API.
    everyone = "Alla medarbetare;;"
    assert next(line for line in hr_csv.splitlines() if line.startswith(everyone)) == (
        "Alla medarbetare;;1;1;100,0"
    )
    assert next(line for line in viewer_csv.splitlines() if line.startswith(everyone)) == (
        "Alla medarbetare;;;;"
    )
    api = client_for(viewer).get("/api/agreements/stats/").json()
    assert (api["employees"], api["with_agreement"], api["share"]) == (None, None, None)
    assert employee.personnummer[:8] not in hr_csv
    xlsx = client_for(viewer).get(reverse("agreements:stats"), {"format": "xlsx"})
    assert xlsx.status_code == 200
    assert xlsx.content[:2] == b"PK"
