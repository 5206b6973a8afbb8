"""factory_boy factories for hubs, premises and monthly use (need the ``region`` fixture)."""

import datetime as dt
from decimal import Decimal

import factory

from hubs.models import BusinessCase, Hub, HubMonthlyUse, HubStatusChange, PremisesCandidate
from mapping.models import Municipality


def ostersund():
    return Municipality.objects.get(code="2380")


class HubFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hub

    name = factory.Sequence(lambda n: f"Hubb {n}")
    kind = Hub.Kind.COWORKING
    municipality = factory.LazyFunction(ostersund)
    address = "Prästgatan 1"
    postcode = "831 30"
    # None: the kommun's central town, so a hub in any kommun lies inside its boundary.
    latitude = None
    longitude = None
    operator_type = Hub.OperatorType.COMPANY
    status = Hub.Status.OPEN
    status_since = dt.date(2023, 1, 1)
    desks = 10

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        hub = model_class(*args, **kwargs)
        if hub.latitude is None or hub.longitude is None:
            centre = hub.municipality
            hub.latitude = centre.centre_latitude if hub.latitude is None else hub.latitude
            hub.longitude = centre.centre_longitude if hub.longitude is None else hub.longitude
        return hub

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        hub = cls._build(model_class, *args, **kwargs)
        hub.save()
        return hub


class HubStatusChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HubStatusChange

    hub = factory.SubFactory(HubFactory)
    status = factory.SelfAttribute("hub.status")
    date = factory.SelfAttribute("hub.status_since")


class PremisesCandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PremisesCandidate

    name = factory.Sequence(lambda n: f"Lokal {n}")
    municipality = factory.LazyFunction(ostersund)
    address = "Rådhusgatan 2"
    desks_possible = 8
    area_m2 = 120
    status = PremisesCandidate.Status.ASSESSED


class HubMonthlyUseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HubMonthlyUse

    hub = factory.SubFactory(HubFactory)
    month = dt.date(2025, 3, 1)
    desks = factory.SelfAttribute("hub.desks")
    open_days = 21
    desk_days_used = 100
    members_region = 3
    members_company = 4


class BusinessCaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessCase

    name = factory.Sequence(lambda n: f"Kalkyl {n}")
    municipality = factory.LazyFunction(ostersund)
    desks = 4
    monthly_rent = Decimal("5000")
    other_yearly_costs = Decimal("60000")
    open_days_per_year = 230
    days_per_week = Decimal("2")
    reference_price_per_desk_day = Decimal("100")
