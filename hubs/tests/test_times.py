"""Issue 16, point 2: use months that make sense, confirmed overwrites, reopening and
cancelling hubs, critical mass as a planner setting, and the error summary on long forms."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from hubs import rules, services
from hubs.models import Hub, HubMonthlyUse, HubSettings
from hubs.tests.factories import BusinessCaseFactory, HubFactory, HubStatusChangeFactory

pytestmark = pytest.mark.django_db

D = dt.date


def _use(month, **extra):
    data = {"month": month, "desks": "10", "open_days": "20", "desk_days_used": "50"}
    return data | {"members_region": "2"} | extra


def _opened_hub(opened=None, closed=None, planner=None):
    opened = opened or D(2021, 8, 15)
    hub = services.hub_create(
        hub=HubFactory.build(status="planned"), user=planner, status_date=D(2021, 1, 1)
    )
    services.hub_set_status(hub=hub, status="open", date=opened, user=planner)
    if closed:
        services.hub_set_status(hub=hub, status="closed", date=closed, user=planner)
    return Hub.objects.get(pk=hub.pk)


# --- the rule, hand-checked ------------------------------------------------------------


def test_open_periods_and_the_month_rule_are_hand_checked():
    changes = [
        ("proposed", D(2020, 1, 1)),
        ("open", D(2021, 8, 15)),
        ("closed", D(2022, 6, 30)),
        ("open", D(2023, 3, 10)),
    ]
    periods = rules.open_periods(changes)
    assert periods == [(D(2021, 8, 15), D(2022, 6, 30)), (D(2023, 3, 10), None)]
    today = D(2025, 5, 20)
    problem = rules.use_month_problem
    assert problem(D(2021, 8, 1), periods, today) is None  # opened mid-month: the month counts
    assert problem(D(2022, 6, 1), periods, today) is None  # closed on the 30th: June counts
    assert problem(D(2025, 5, 1), periods, today) is None  # the current month
    assert problem(D(2010, 1, 1), periods, today) == ("before_open", {"opened": D(2021, 8, 15)})
    assert problem(D(2025, 6, 1), periods, today) == ("future", {"current": D(2025, 5, 1)})
    assert problem(D(2022, 9, 1), periods, today) == (
        "while_closed",
        {"closed": D(2022, 6, 30), "reopened": D(2023, 3, 10)},
    )
    closed = rules.open_periods([("open", D(2021, 1, 1)), ("closed", D(2024, 7, 1))])
    # Closed on 1 July: it had no July.
    assert problem(D(2024, 6, 1), closed, today) is None
    assert problem(D(2024, 7, 1), closed, today) == ("after_close", {"closed": D(2024, 7, 1)})
    assert problem(D(2024, 1, 1), [], today) == ("never_open", {})


def test_status_steps_allow_reopening_and_cancelling_a_proposal_only():
    allowed = rules.status_step_allowed
    assert allowed("closed", "open")
    assert not allowed("closed", "planned")
    assert allowed("proposed", "cancelled")
    assert allowed("planned", "cancelled")
    assert not allowed("open", "cancelled")
    assert not allowed(None, "cancelled")
    assert not allowed("cancelled", "proposed")
    assert not allowed("cancelled", "open")


# --- months by form ----------------------------------------------------------------------


def test_use_for_2010_next_month_or_an_unopened_hub_is_refused_and_nothing_written(
    client_for, planner, region
):
    hub = _opened_hub(planner=planner)
    client = client_for(planner)
    response = client.post(f"/hubs/{hub.pk}/use/", _use("2010-01"))
    assert response.context["form"].errors["month"] == [
        "Hubben öppnade 2021-08-15; månaden 2010-01 ligger före."
    ]
    today = timezone.localdate()
    next_month = (today.replace(day=28) + dt.timedelta(days=5)).replace(day=1)
    response = client.post(f"/hubs/{hub.pk}/use/", _use(next_month.strftime("%Y-%m")))
    assert response.context["form"].errors["month"] == [
        f"Månaden {next_month:%Y-%m} har inte börjat än: ange en månad till och med {today:%Y-%m}."
    ]
    proposal = services.hub_create(hub=HubFactory.build(status="proposed"), user=planner)
    response = client.post(f"/hubs/{proposal.pk}/use/", _use("2025-03"))
    assert response.context["form"].errors["month"][0].startswith("Hubben har aldrig varit öppen")
    assert not HubMonthlyUse.objects.exists()
    assert client.post(f"/hubs/{hub.pk}/use/", _use("2021-08")).status_code == 302
    assert HubMonthlyUse.objects.get().month == D(2021, 8, 1)


def test_use_after_a_hub_closed_is_refused(client_for, planner, region):
    hub = _opened_hub(closed=D(2024, 6, 30), planner=planner)
    response = client_for(planner).post(f"/hubs/{hub.pk}/use/", _use("2024-07"))
    assert response.context["form"].errors["month"] == [
        "Hubben stängde 2024-06-30; månaden 2024-07 ligger efter."
    ]
    assert not HubMonthlyUse.objects.exists()


# --- months by import --------------------------------------------------------------------


def test_the_import_refuses_months_outside_the_hubs_open_time_naming_row_and_column(
    client_for, planner, region
):
    hub = _opened_hub(closed=D(2024, 6, 30), planner=planner)
    hub.name = "Gällö hubb"
    hub.save()
    csv = (
        "Hubb;Kommun;Månad;Öppna dagar;Platsdagar\r\n"
        "Gällö hubb;Östersund;2024-05;20;30\r\n"
        "Gällö hubb;Östersund;2010-01;20;30\r\n"
        "Gällö hubb;Östersund;2024-08;20;30\r\n"
    )
    response = client_for(planner).post(
        "/hubs/use/import/",
        {"file": SimpleUploadedFile("use.csv", csv.encode("cp1252"))},
        follow=True,
    )
    errors = response.context["import_errors"]
    assert [(e["row"], e["column"], e["value"]) for e in errors] == [
        (3, "Månad", "2010-01-01"),
        (4, "Månad", "2024-08-01"),
    ]
    assert errors[0]["reason"] == "Hubben öppnade 2021-08-15; månaden 2010-01 ligger före."
    assert errors[1]["reason"] == "Hubben stängde 2024-06-30; månaden 2024-08 ligger efter."
    assert not HubMonthlyUse.objects.exists()  # the valid May row is not written either


# --- re-entering a month -----------------------------------------------------------------


def test_re_entering_a_month_shows_the_old_figures_and_needs_a_confirmation(
    client_for, planner, region
):
    hub = _opened_hub(planner=planner)
    client = client_for(planner)
    assert client.post(f"/hubs/{hub.pk}/use/", _use("2025-03", desk_days_used="50")).status_code
    response = client.post(f"/hubs/{hub.pk}/use/", _use("2025-03", desk_days_used="77"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="existing-use"' in html
    assert "Sparat för 2025-03" in html
    assert "<td>50</td>" in html  # the stored desk-days, beside the new input
    assert response.context["form"].errors["confirm_overwrite"] == [
        "Månaden 2025-03 är redan registrerad (se de sparade siffrorna). "
        "Kryssa i rutan för att ersätta dem."
    ]
    assert HubMonthlyUse.objects.get().desk_days_used == 50
    confirmed = client.post(
        f"/hubs/{hub.pk}/use/", _use("2025-03", desk_days_used="77", confirm_overwrite="on")
    )
    assert confirmed.status_code == 302
    assert HubMonthlyUse.objects.get().desk_days_used == 77


# --- reopening and cancelling ------------------------------------------------------------


def test_a_closed_hub_reopens_only_with_a_reason_which_its_history_shows(
    client_for, planner, viewer, region
):
    hub = _opened_hub(closed=D(2024, 6, 30), planner=planner)
    client = client_for(planner)
    refused = client.post(f"/hubs/{hub.pk}/status/", {"status": "open", "date": "2025-01-07"})
    assert refused.context["form"].errors["note"] == [str(services.REOPEN_NEEDS_REASON)]
    hub.refresh_from_db()
    assert hub.status == "closed"
    reason = "Ny hyresgäst i huset; kommunen driver vidare."
    ok = client.post(
        f"/hubs/{hub.pk}/status/", {"status": "open", "date": "2025-01-07", "note": reason}
    )
    assert ok.status_code == 302
    hub.refresh_from_db()
    assert (hub.status, hub.status_since) == ("open", D(2025, 1, 7))
    assert hub.status_changes.order_by("-date").first().note == reason
    assert reason in client_for(viewer).get(f"/hubs/{hub.pk}/").content.decode()
    # Use is accepted again from the reopening, not for the months it stood closed.
    assert client.post(f"/hubs/{hub.pk}/use/", _use("2025-01")).status_code == 302
    gap = client.post(f"/hubs/{hub.pk}/use/", _use("2024-09"))
    assert gap.context["form"].errors["month"] == [
        "Hubben var stängd från 2024-06-30 till 2025-01-07; månaden 2024-09 ligger emellan."
    ]


def test_a_proposal_can_be_cancelled_but_an_opened_hub_cannot(client_for, planner, region):
    proposal = HubStatusChangeFactory(hub__status="proposed", hub__status_since=D(2025, 1, 1)).hub
    client = client_for(planner)
    response = client.post(
        f"/hubs/{proposal.pk}/status/",
        {"status": "cancelled", "date": "2025-02-01", "note": "Ingen lokal."},
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.get_status_display() == "avbruten"
    again = client.post(f"/hubs/{proposal.pk}/status/", {"status": "open", "date": "2025-03-01"})
    assert again.context["form"].errors["status"] == [str(services.CANCELLED_IS_FINAL)]
    opened = HubStatusChangeFactory(hub__status="open").hub
    response = client.post(
        f"/hubs/{opened.pk}/status/", {"status": "cancelled", "date": "2025-03-01"}
    )
    assert response.context["form"].errors["status"] == [str(services.CANCEL_NOT_PROPOSAL)]
    assert client.get("/hubs/", {"status": "cancelled"}).context["hubs"]


# --- critical mass -----------------------------------------------------------------------


def test_a_planner_sets_the_default_critical_mass_and_a_viewer_may_not(
    client_for, planner, viewer, region
):
    assert HubSettings.current().critical_mass_members == 10
    assert (
        client_for(viewer).post("/hubs/settings/", {"critical_mass_members": "3"}).status_code
        == 403
    )
    client = client_for(planner)
    refused = client.post("/hubs/settings/", {"critical_mass_members": "0"})
    assert refused.status_code == 200
    assert HubSettings.current().critical_mass_members == 10
    assert client.post("/hubs/settings/", {"critical_mass_members": "14"}).status_code == 302
    row = HubSettings.objects.get()
    assert (row.pk, row.critical_mass_members, row.updated_by) == (1, 14, planner)


def test_the_hub_chart_and_the_business_case_use_the_setting_and_a_hubs_own_figure(
    client_for, planner, viewer, region
):
    settings = HubSettings.current()
    settings.critical_mass_members = 7
    settings.save()
    hub = _opened_hub(planner=planner)
    HubMonthlyUse.objects.create(
        hub=hub, month=D(2025, 3, 1), desks=10, open_days=20, desk_days_used=40, members_region=5
    )
    client = client_for(viewer)

    def line(response):
        return response.context["occupancy_chart"]["data"][2]["y"]

    first = client.get(f"/hubs/{hub.pk}/")
    assert line(first) == [7, 7]
    assert "7 medlemmar (standardvärdet)" in first.content.decode()
    hub.critical_mass_members = 4
    hub.save()
    page = client.get(f"/hubs/{hub.pk}/")
    assert line(page) == [4, 4]
    assert page.context["critical_mass"] == 4
    assert "4 medlemmar (hubbens egen siffra)" in page.content.decode()
    # A case: no survey answers, so 0 members; short of the default 7, as its page says.
    case = BusinessCaseFactory()
    detail = client.get(f"/hubs/business-case/{case.pk}/")
    estimate = detail.context["estimate"]
    assert (estimate.critical_mass, estimate.below_critical_mass) == (7, True)
    assert detail.context["critical_mass"] == 7


def test_the_hub_form_takes_a_critical_mass_of_its_own(client_for, planner, region):
    from hubs.tests.test_hub_pages import hub_post_data

    response = client_for(planner).post("/hubs/new/", hub_post_data(critical_mass_members="6"))
    assert response.status_code == 302
    assert Hub.objects.get().critical_mass_members == 6


# --- the error summary -------------------------------------------------------------------


def test_long_forms_summarise_their_errors_at_the_top_with_links_to_the_fields(
    client_for, planner, region
):
    from hubs.tests.test_hub_pages import hub_post_data

    response = client_for(planner).post(
        "/hubs/new/", hub_post_data(municipality="2305", latitude="55.605", longitude="13.0038")
    )
    html = response.content.decode()
    form_start = '<form method="post" class="col-lg-8"'
    summary = html[html.index('id="form-errors"') : html.index(form_start)]
    assert 'href="#id_latitude"' in summary
    assert "Punkten ligger i Malmö, inte i Bräcke." in summary
    premises = client_for(planner).post("/hubs/premises/new/", {"name": ""}).content.decode()
    assert 'href="#id_name"' in premises[: premises.index(form_start)]
    case = client_for(planner).post("/hubs/business-case/new/", {}).content.decode()
    assert 'id="form-errors"' in case[: case.index(form_start)]
    # Without errors there is no summary.
    assert 'id="form-errors"' not in client_for(planner).get("/hubs/new/").content.decode()
