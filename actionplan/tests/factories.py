"""factory_boy factories for the plan's models."""

from datetime import date
from decimal import Decimal

import factory

from actionplan.models import Activity, Area, ProgressReport, RelocationAssessment, Strategy


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area
        django_get_or_create = ("number",)

    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Insatsområde {n + 1}")
    description = "Text ur planen."


class StrategyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Strategy
        django_get_or_create = ("number",)

    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Strategi {n + 1}")


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    title = factory.Sequence(lambda n: f"Aktivitet {n:03d}")
    area = factory.SubFactory(AreaFactory, number=1)
    start_date = date(2021, 5, 1)
    end_date = date(2021, 12, 31)
    planned_budget = Decimal("100000")
    actual_cost = Decimal("0")
    status = Activity.Status.ONGOING
    progress = 0


class ProgressReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressReport

    activity = factory.SubFactory(ActivityFactory)
    date = date(2021, 6, 1)
    text = "Läget."
    status = Activity.Status.ONGOING
    progress = 10
    cost_to_date = Decimal("5000")


class RelocationAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RelocationAssessment

    unit = factory.Sequence(lambda n: f"Enhet {n}")
    reason = RelocationAssessment.Reason.EXISTING_UNIT
    assessed_on = date(2022, 3, 1)
    one_off_cost = Decimal("200000")
    yearly_cost = Decimal("50000")
    yearly_saving = Decimal("150000")
