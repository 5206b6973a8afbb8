"""Factories for the kartläggning models."""

import datetime as dt
from decimal import Decimal

import factory

from mapping.models import SurveyResponse, SurveyRound


class SurveyRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SurveyRound

    name = factory.Sequence(lambda n: f"Enkät {n}")
    date = dt.date(2021, 4, 23)
    kind = SurveyRound.Kind.COMMUTING_RESIDENCE

    class Params:
        # The published round feeds the kommun pages and indicators (at most one per kind).
        published = factory.Trait(is_published=True)


class SurveyResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SurveyResponse

    round = factory.SubFactory(SurveyRoundFactory)
    organisation = "Region Jämtland Härjedalen"
    employer_kind = SurveyResponse.Employer.REGION
    home_municipality_id = "2309"
    workplace_municipality_id = "2380"
    distance_km = Decimal("20")
    travel_minutes = 30
    mode = SurveyResponse.Mode.CAR
    commute_days_per_week = Decimal("5")
    work_hours_per_day = Decimal("8")
    hub_interest = SurveyResponse.Interest.YES
    hub_days_per_week = Decimal("2")
