"""Numbers typed the Swedish way in a browser that is not Swedish (issue 16, point 1).

The "Why": Chromium set to en-US drops the comma from ``<input type="number">``, and
Django's English localized parsing read "12,5" as 125. Here Chromium runs with the en-US
locale and the app's English UI, types "12,5" (a whole number such as "1 200" in integer
fields, or a valid coordinate with a comma) into every number field of the main forms,
submits, and reads the value back from the database. Each page's number inputs are
counted against the list below, so a form that gains a number field fails until the
field is typed here too. One browser context for the whole journey.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import call_command

from actionplan.models import Activity, Area, ProgressReport, RelocationAssessment
from actionplan.tests.factories import ActivityFactory, RelocationAssessmentFactory
from hubplan import suitability
from hubplan.models import SuitabilityScenario
from hubplan.tests.browser.conftest import CHROMIUM, VIEWPORT, PageWatch, login
from hubs.models import BusinessCase, Hub, HubMonthlyUse, PremisesCandidate
from hubs.tests.factories import BusinessCaseFactory, PremisesCandidateFactory
from remoteagreements.models import DistanceAgreement
from remoteagreements.tests.factories import AgreementFactory

TWELVE_AND_A_HALF = "12,5"
GROUPED = "1 200"  # a space as the thousands separator
NBSP_GROUPED = "1\u00a0200"  # as pasted from Excel or Word


@pytest.fixture
def en_page(browser, live_server, transactional_db):
    """An en-US Chromium page with the app's English UI chosen (the language cookie)."""
    from pathlib import Path

    if not Path(CHROMIUM).exists():  # pragma: no cover - the browser fixture skips first
        pytest.skip("no Chromium")
    context = browser.new_context(base_url=live_server.url, locale="en-US", viewport=VIEWPORT)
    context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}]
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    watch = PageWatch(live_server.url)
    page.on("request", watch.on_request)
    page.on("console", watch.on_console)
    page.on("pageerror", watch.on_page_error)
    yield page
    context.close()
    assert watch.foreign_requests == []
    assert watch.console_errors == []


def _type_numbers(page, form: str, values: dict[str, str]) -> None:
    """Type ``values`` into the form's number inputs, which must be exactly these, as text."""
    inputs = page.eval_on_selector_all(
        f"{form} input[inputmode]", "els => els.map(e => [e.name, e.type, e.inputMode])"
    )
    assert sorted(name for name, _type, _mode in inputs) == sorted(values), page.url
    assert {kind for _name, kind, _mode in inputs} == {"text"}
    assert page.locator("input[type=number]").count() == 0
    for name, value in values.items():
        page.fill(f"{form} [name='{name}']", value)


def _has_field(model, name: str) -> bool:
    return any(f.name == name for f in model._meta.get_fields())


def _submit(page, form: str) -> None:
    with page.expect_navigation():
        page.locator(f"{form} button[type=submit]").last.click()
    errors = page.locator(
        "form .invalid-feedback, form .alert-danger, .errorlist"
    ).all_inner_texts()
    assert errors == [], f"{page.url}: {errors}"


@pytest.mark.django_db(transaction=True)
def test_numbers_typed_the_swedish_way_in_an_en_us_browser_are_stored_right(en_page, superuser):
    page = en_page
    with open("/dev/null", "w") as devnull:
        call_command("load_reference", stdout=devnull)
    premises = PremisesCandidateFactory()
    case = BusinessCaseFactory()
    area = Area.objects.order_by("number").first()
    activity = ActivityFactory(area=area)
    relocation = RelocationAssessmentFactory()
    agreement = AgreementFactory()
    login(page, "t-admin")
    form = "main form[method=post]"

    # Hub (create): coordinates with a decimal comma, grouped integers, 12,5 kr.
    page.goto("/hubs/new/")
    page.fill("#id_name", "Hubben i Hammarstrand")
    page.select_option("#id_kind", Hub.Kind.TOWN_HALL.value)
    page.select_option("#id_municipality", "2303")
    page.fill("#id_address", "Kommunhuset, Centralgatan 1")
    page.fill("#id_postcode", "840 70")
    page.select_option("#id_operator_type", Hub.OperatorType.MUNICIPALITY.value)
    page.select_option("#id_status", Hub.Status.OPEN.value)
    page.fill("#id_status_date", "2026-01-15")
    hub_numbers = {
        "latitude": "63,1067",
        "longitude": "16,3456",
        "desks": GROUPED,
        "meeting_rooms": "12",
        "cost_per_desk_month": TWELVE_AND_A_HALF,
    }
    if _has_field(Hub, "critical_mass_members"):  # the hub's own critical mass (point 2)
        hub_numbers["critical_mass_members"] = "12"
    _type_numbers(page, form, hub_numbers)
    _submit(page, form)
    hub = Hub.objects.get(name="Hubben i Hammarstrand")
    if "critical_mass_members" in hub_numbers:
        assert hub.critical_mass_members == 12
    assert (hub.latitude, hub.longitude) == (63.1067, 16.3456)
    assert (hub.desks, hub.meeting_rooms) == (1200, 12)
    assert hub.cost_per_desk_month == Decimal("12.5")

    # The edit form shows the stored values so that they read back the same (English: ".").
    page.goto(f"/hubs/{hub.pk}/edit/")
    assert page.input_value("#id_latitude") == "63.1067"
    assert page.input_value("#id_cost_per_desk_month") == "12.50"

    # Monthly use: every count grouped with a (no-break) space.
    page.goto(f"/hubs/{hub.pk}/use/")
    page.fill("#id_month", "2026-03")
    _type_numbers(
        page,
        form,
        {
            "desks": GROUPED,
            "open_days": "20",
            "desk_days_used": NBSP_GROUPED,
            "members_region": GROUPED,
            "members_municipality": NBSP_GROUPED,
            "members_state_agency": GROUPED,
            "members_company": GROUPED,
            "members_other": GROUPED,
        },
    )
    _submit(page, form)
    use = HubMonthlyUse.objects.get(hub=hub)
    assert (use.desks, use.open_days, use.desk_days_used) == (1200, 20, 1200)
    assert use.members_region == use.members_municipality == use.members_other == 1200

    # Premises.
    page.goto(f"/hubs/premises/{premises.pk}/edit/")
    _type_numbers(
        page,
        form,
        {
            "latitude": "63,1792",
            "longitude": "14,6357",
            "area_m2": GROUPED,
            "desks_possible": GROUPED,
            "monthly_rent": TWELVE_AND_A_HALF,
        },
    )
    _submit(page, form)
    premises = PremisesCandidate.objects.get(pk=premises.pk)
    assert (premises.latitude, premises.longitude) == (63.1792, 14.6357)
    assert (premises.area_m2, premises.desks_possible) == (1200, 1200)
    assert premises.monthly_rent == Decimal("12.5")

    # Business case.
    page.goto(f"/hubs/business-case/{case.pk}/edit/")
    _type_numbers(
        page,
        form,
        {
            "desks": GROUPED,
            "monthly_rent": TWELVE_AND_A_HALF,
            "other_yearly_costs": "1 200,50",
            "open_days_per_year": "230",
            "days_per_week": "2,5",
            "reference_price_per_desk_day": TWELVE_AND_A_HALF,
        },
    )
    _submit(page, form)
    case = BusinessCase.objects.get(pk=case.pk)
    assert case.desks == 1200
    assert case.monthly_rent == case.reference_price_per_desk_day == Decimal("12.5")
    assert case.other_yearly_costs == Decimal("1200.50")
    assert case.days_per_week == Decimal("2.5")

    # Activity and a progress report.
    page.goto(f"/plan/activities/{activity.pk}/edit/")
    _type_numbers(
        page,
        form,
        {"planned_budget": "1 200,50", "actual_cost": TWELVE_AND_A_HALF, "progress": "50"},
    )
    _submit(page, form)
    activity = Activity.objects.get(pk=activity.pk)
    assert activity.planned_budget == Decimal("1200.50")
    assert activity.actual_cost == Decimal("12.5")
    assert activity.progress == 50

    page.goto(f"/plan/activities/{activity.pk}/reports/new/")
    page.fill("#id_date", "2021-06-01")
    page.fill("#id_text", "Läget")
    _type_numbers(page, form, {"progress": "60", "cost_to_date": TWELVE_AND_A_HALF})
    _submit(page, form)
    report = ProgressReport.objects.get(activity=activity)
    assert (report.progress, report.cost_to_date) == (60, Decimal("12.5"))

    # Relocation assessment.
    page.goto(f"/plan/relocation/{relocation.pk}/edit/")
    _type_numbers(
        page,
        form,
        {
            "staff_count": "12",
            "one_off_cost": TWELVE_AND_A_HALF,
            "yearly_cost": GROUPED,
            "one_off_saving": "1 200,50",
            "yearly_saving": TWELVE_AND_A_HALF,
        },
    )
    _submit(page, form)
    relocation = RelocationAssessment.objects.get(pk=relocation.pk)
    assert relocation.staff_count == 12
    assert relocation.one_off_cost == relocation.yearly_saving == Decimal("12.5")
    assert relocation.yearly_cost == Decimal("1200")
    assert relocation.one_off_saving == Decimal("1200.50")

    # Distance-work agreement: 2,5 days a week away, 2,5 at the workplace.
    page.goto(f"/agreements/{agreement.pk}/edit/")
    _type_numbers(
        page,
        form,
        {"extent_value": "2,5", "days_at_workplace": "2,5", "notice_period_months": "12"},
    )
    _submit(page, form)
    agreement = DistanceAgreement.objects.get(pk=agreement.pk)
    assert agreement.extent_value == agreement.days_at_workplace == Decimal("2.5")
    assert agreement.notice_period_months == 12

    # Suitability: the weights (GET form), then saved as a scenario.
    page.goto("/municipalities/suitability/")
    weights = {f"w_{k}": TWELVE_AND_A_HALF for k in suitability.KEYS}
    _type_numbers(page, "#weights-form", weights)
    _submit(page, "#weights-form")
    page.fill("#scenario-form [name=name]", "Tolv och en halv")
    _submit(page, "#scenario-form")
    scenario = SuitabilityScenario.objects.get(name="Tolv och en halv")
    assert {k: getattr(scenario, f"w_{k}") for k in suitability.KEYS} == {
        k: Decimal("12.5") for k in suitability.KEYS
    }
