"""Test data for the dashboards, built with every app's factories (needs ``reference_data``).

:func:`build` makes a small, hand-countable region; ``scale`` multiplies the rows
(not the kommuner) so query-count tests can compare two data sizes.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from actionplan.tests.factories import ActivityFactory
from hubs.models import Hub, PremisesCandidate
from hubs.tests.factories import HubFactory, HubMonthlyUseFactory, PremisesCandidateFactory
from mapping.models import Municipality, Organisation, SurveyResponse, SurveyRound
from mapping.tests.factories import SurveyResponseFactory, SurveyRoundFactory
from remoteagreements.models import DistanceAgreement
from remoteagreements.tests.factories import AgreementFactory, EmployeeFactory

KROKOM, BERG, OSTERSUND = "2309", "2326", "2380"


def active_agreement(employee):
    now = timezone.now()
    return AgreementFactory(
        employee=employee,
        status=DistanceAgreement.Status.ACTIVE,
        employee_signed_at=now,
        manager_signed_at=now,
    )


def build(scale: int = 1) -> dict:
    """Krokom and Berg with hubs, premises, employees, agreements, survey answers and activities."""
    krokom = Municipality.objects.get(code=KROKOM)
    berg = Municipality.objects.get(code=BERG)
    # The pages read the published round: this build's round, as a planner would publish it
    # (a second build, for a second data size, takes over from the first).
    SurveyRound.objects.filter(kind=SurveyRound.Kind.COMMUTING_RESIDENCE).update(is_published=False)
    survey_round = SurveyRoundFactory(date=date(2021, 4, 23), published=True)
    for _ in range(scale):
        # Krokom: 6 commuters to Östersund answered yes (car, 20 km, 30 min, 5 days), 2 said no.
        SurveyResponseFactory.create_batch(6, round=survey_round)
        SurveyResponseFactory.create_batch(2, round=survey_round, hub_interest="no")
        # Berg: 5 commuters said maybe (bus, 80 km, 90 min, 3 days); 1 lives and works in Berg.
        SurveyResponseFactory.create_batch(
            5,
            round=survey_round,
            home_municipality_id=BERG,
            distance_km=Decimal("80"),
            travel_minutes=90,
            mode=SurveyResponse.Mode.BUS,
            commute_days_per_week=Decimal("3"),
            hub_interest="maybe",
        )
        SurveyResponseFactory(
            round=survey_round, home_municipality_id=BERG, workplace_municipality_id=BERG
        )
        # Employees: Krokom 6 (3 with an active agreement), Berg 5 (all 5 active).
        krokom_staff = EmployeeFactory.create_batch(6, home_municipality=krokom)
        for e in krokom_staff[:3]:
            active_agreement(e)
        for e in EmployeeFactory.create_batch(5, home_municipality=berg):
            active_agreement(e)
        # Hubs: an open one in Krokom with use this month, a planned one in Berg.
        hub = HubFactory(municipality=krokom, desks=10, status=Hub.Status.OPEN)
        HubMonthlyUseFactory(
            hub=hub, month=timezone.localdate().replace(day=1), open_days=20, desk_days_used=50
        )
        planned = HubFactory(
            municipality=berg,
            desks=6,
            status=Hub.Status.PLANNED,
            latitude=62.8,
            longitude=14.4,
        )
        partner = Organisation.objects.create(
            name=f"Företaget {planned.pk}", kind=Organisation.Kind.COMPANY
        )
        hub.users.add(partner)
        # Premises: two available in Berg (one in the health centre), one rejected.
        PremisesCandidateFactory(municipality=berg, co_location=["health_centre"])
        PremisesCandidateFactory(municipality=berg)
        PremisesCandidateFactory(municipality=krokom, status=PremisesCandidate.Status.REJECTED)
        # Activities: one overdue concerning both, one done concerning Berg.
        overdue = ActivityFactory(end_date=timezone.localdate() - timedelta(days=10))
        overdue.municipalities.add(krokom, berg)
        done = ActivityFactory(status="done", progress=100)
        done.municipalities.add(berg)
    return {"round": survey_round, "krokom": krokom, "berg": berg}
