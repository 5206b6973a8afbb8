"""seed_demo creates the plan's activities as the documents describe them, once."""

from datetime import date

import pytest
from django.core.management import call_command

from actionplan.models import Activity, ProgressReport, RelocationAssessment
from actionplan.reference import AREA_4_MAPPINGS
from mapping.models import Municipality


def _seed():
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.mark.django_db
def test_seed_demo_creates_the_plan_and_a_second_run_adds_nothing(reference_data):
    _seed()
    counts = (
        Activity.objects.count(),
        ProgressReport.objects.count(),
        RelocationAssessment.objects.count(),
    )
    assert counts[0] >= 30
    assert counts[1] > counts[0]
    assert counts[2] >= 2
    _seed()
    assert counts == (
        Activity.objects.count(),
        ProgressReport.objects.count(),
        RelocationAssessment.objects.count(),
    )


@pytest.mark.django_db
def test_the_demo_plan_follows_the_documents(reference_data):
    _seed()
    training = Activity.objects.get(title__contains="Effektiva Virtuella Team")
    assert training.start_date == date(2021, 4, 12)
    assert training.partners.filter(name__contains="Remote Lab").exists()
    assert Activity.objects.filter(title__contains="Master Class Remote Strategist").exists()
    assert Activity.objects.filter(title__contains="vecka 16").exists()
    assert Activity.objects.filter(title__contains="Myndighetsnätverket").count() >= 2
    # One dialogue per kommun in the region.
    dialogues = Activity.objects.filter(title__startswith="Dialog med")
    assert sorted(dialogues.values_list("municipalities__code", flat=True)) == sorted(
        Municipality.objects.in_region().values_list("code", flat=True)
    )
    # Each mapping of insatsområde 4 is an activity.
    for mapping in AREA_4_MAPPINGS:
        assert Activity.objects.filter(area__number=4, title=f"Kartläggning: {mapping}").exists()
    years = Activity.objects.values_list("start_date__year", flat=True)
    assert min(years) == 2021
    assert max(Activity.objects.values_list("end_date__year", flat=True)) == 2026
    # Some activities are overdue as of the last reports; the activity mirrors its last report.
    assert Activity.objects.filter(end_date__lt=date(2026, 10, 31), status="ongoing").exists()
    latest = training.reports.order_by("-date").first()
    assert (training.progress, training.actual_cost) == (latest.progress, latest.cost_to_date)
    assert Activity.objects.filter(dependencies__isnull=False).exists()


@pytest.mark.django_db
def test_the_demo_plan_renders_on_every_page_without_foreign_hosts(
    reference_data, client_for, viewer
):
    _seed()
    client = client_for(viewer)
    activity = Activity.objects.get(title__contains="Delta operativt")
    assessment = RelocationAssessment.objects.order_by("pk").first()
    for url in [
        "/plan/",
        "/plan/gantt/",
        "/plan/activities/",
        "/plan/activities/?page=2",
        activity.get_absolute_url(),
        "/plan/relocation/",
        assessment.get_absolute_url(),
        "/plan/board-report/?as_of=2023-12-31&previous=2023-09-30",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "https://" not in response.content.decode(), url
    overview = client.get("/plan/")
    assert overview.context["summary"].n_overdue >= 3
    assert "Delta operativt i Myndighetsnätverket" in str(
        client.get("/plan/gantt/").context["figure"]
    )
