"""HR's journey through the agreement register in a real browser.

HR registers an employee and a distance-work agreement through the forms, records the
employee's signature from paper, the manager signs in their own session, the agreement is
counted in the statistics and the printable agreement opens.
"""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from hubplan.tests.browser.conftest import login, logout, screenshot
from remoteagreements import personnummer as pnr
from remoteagreements.models import DistanceAgreement, Employee
from remoteagreements.tests.factories import ManagerFactory

EMPLOYEE = "Klara Webbtest"


@pytest.fixture
def loaded(transactional_db):
    with open("/dev/null", "w") as devnull:
        call_command("load_reference", stdout=devnull)


def test_hr_registers_an_agreement_both_sign_and_it_is_counted_and_printable(page, loaded, hr_user):
    manager = ManagerFactory(username="t-chef-webb", first_name="Maja", last_name="Chef")
    # Made up by the project's generator (valid check digit), never a real person's number.
    number = pnr.fictitious(random.Random(10))

    login(page, "t-hr")
    page.goto("/agreements/employees/new/")
    page.fill("#id_name", EMPLOYEE)
    page.fill("#id_personnummer", f"{number[:8]}-{number[8:]}")
    page.select_option("#id_administration", label="Regionstaben")
    page.fill("#id_unit", "Löneenheten")
    page.fill("#id_workplace", "Regionens hus")
    page.select_option("#id_workplace_municipality", label="Östersund")
    page.select_option("#id_home_municipality", label="Krokom")
    page.select_option("#id_manager", label=manager.username)
    page.locator("main form").get_by_role("button").last.click()
    page.get_by_role("heading", name=EMPLOYEE).wait_for()
    employee = Employee.objects.get(name=EMPLOYEE)
    assert employee.personnummer == number  # stored as 12 digits
    assert employee.manager == manager

    today = timezone.localdate()
    page.goto(f"/agreements/new/?employee={employee.pk}")
    page.fill("#id_start_date", today.isoformat())
    page.fill("#id_end_date", (today + timedelta(days=364)).isoformat())
    page.select_option("#id_extent_unit", "days")
    page.fill("#id_extent_value", "2")
    page.fill("#id_working_hours", "Dagtid 08–17 enligt flextidsavtalet")
    page.fill("#id_availability", "Telefon och Teams 08–16")
    page.fill("#id_absence_routines", "Sjukanmälan till chefen före kl. 08")
    page.fill("#id_meeting_attendance", "APT varannan tisdag på plats")
    page.fill("#id_days_at_workplace", "3")
    page.fill("#id_tasks", "Löneadministration")
    page.fill("#id_results_follow_up", "Veckomöte med chefen")
    page.fill("#id_connection", "Regionens VPN")
    page.fill("#id_notice_period_months", "1")
    page.select_option("#id_place_kind", "home")
    page.fill("#id_place_description", "Bostaden i Krokom")
    page.fill("#id_place_reason", "Ingen av regionens arbetsplatser finns på orten.")
    page.check("#id_home_insurance")
    page.check("#id_aml_access_acknowledged")
    page.fill("#id_equipment-0-item", "Bärbar dator")
    page.fill("#id_equipment-0-inventory_number", "INV-88001")
    page.fill("#id_equipment-0-marking", "RJH-märkt")
    screenshot(page, "hr-agreement-form-filled")
    page.locator("main form button[type=submit]").last.click()
    page.get_by_text("Avtalet är sparat som utkast.").wait_for()
    agreement = DistanceAgreement.objects.get(employee=employee)
    assert agreement.status == DistanceAgreement.Status.DRAFT
    assert list(agreement.equipment.values_list("inventory_number", flat=True)) == ["INV-88001"]

    page.get_by_role("button", name="Skicka för underskrift").click()
    page.get_by_text("Avtalet väntar nu på medarbetarens underskrift.").wait_for()
    page.get_by_role("link", name="Underskrifter").click()
    employee_form = page.locator("form:has(input[name=signature][value=employee])")
    employee_form.get_by_label("Jag bekräftar underskriften").check()
    employee_form.get_by_role("button", name="Registrera underskrift från papper").click()
    page.get_by_text("Medarbetarens underskrift är registrerad.").wait_for()
    agreement.refresh_from_db()
    assert agreement.status == DistanceAgreement.Status.AWAITING_MANAGER
    assert agreement.employee_signature_method == "paper"
    logout(page)

    login(page, manager.username)
    page.goto(agreement.get_absolute_url())
    page.get_by_role("link", name="Underskrifter").click()
    manager_form = page.locator("form:has(input[name=signature][value=manager])")
    manager_form.get_by_label("Jag skriver under avtalet som närmaste chef").check()
    manager_form.get_by_role("button", name="Skriv under som chef").click()
    page.get_by_text("Chefens underskrift är registrerad. Avtalet gäller.").wait_for()
    agreement.refresh_from_db()
    assert agreement.status == DistanceAgreement.Status.ACTIVE
    assert agreement.manager_signed_by == manager
    logout(page)

    login(page, "t-hr")
    page.goto("/agreements/stats/")
    # One person: a small cell, which HR (and only HR) sees as a number.
    assert page.locator("#stat-active").inner_text().strip() == "1"
    krokom = page.locator("table:has(caption:text('Per hemkommun')) tr:has(th:text-is('Krokom'))")
    assert krokom.locator("td").first.inner_text().strip() == "1"
    screenshot(page, "hr-stats")

    page.goto(agreement.get_absolute_url())
    page.get_by_role("link", name="Utskriftsvänlig sida").click()
    page.wait_for_url(f"**/agreements/{agreement.pk}/print/")
    printable = page.locator("main")
    printable.get_by_text(EMPLOYEE).first.wait_for()
    assert "INV-88001" in printable.inner_text()
    screenshot(page, "hr-printable-agreement")
