"""factory_boy factories for employees and agreements; personnummer from the fictitious generator."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

import factory
from django.contrib.auth.models import User
from django.utils import timezone

from mapping.models import Municipality, Organisation
from remoteagreements import personnummer as pnr
from remoteagreements.models import DistanceAgreement, Employee, EquipmentItem

_rng = random.Random(20210427)


class ManagerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"t-chef{n:03d}")
    first_name = "Chef"
    last_name = factory.Sequence(lambda n: f"Nummer {n}")
    password = factory.django.Password("pw-for-tests-only")


class EmployeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employee

    name = factory.Sequence(lambda n: f"Medarbetare {n}")
    personnummer = factory.LazyFunction(lambda: pnr.fictitious(_rng))
    administration = factory.LazyFunction(lambda: Organisation.objects.get(name="Regionstaben"))
    unit = "Ekonomienheten"
    workplace = "Regionens hus"
    workplace_municipality = factory.LazyFunction(lambda: Municipality.objects.get(code="2380"))
    home_municipality = factory.LazyFunction(lambda: Municipality.objects.get(code="2309"))
    manager = factory.SubFactory(ManagerFactory)


class AgreementFactory(factory.django.DjangoModelFactory):
    """A draft that follows every rule, at one of the region's own workplaces."""

    class Meta:
        model = DistanceAgreement

    employee = factory.SubFactory(EmployeeFactory)
    status = DistanceAgreement.Status.DRAFT
    start_date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    end_date = factory.LazyAttribute(lambda o: o.start_date + timedelta(days=364))
    next_follow_up_due = factory.LazyAttribute(lambda o: o.start_date + timedelta(days=365))
    extent_unit = "days"
    extent_value = Decimal("2")
    working_hours = "Dagtid 08–17 enligt flextidsavtalet."
    availability = "Nås på telefon och Teams under arbetstid."
    absence_routines = "Sjukanmälan till chefen före kl. 08."
    meeting_attendance = "Deltar i APT varannan tisdag på plats."
    days_at_workplace = Decimal("3")
    tasks = "Budgetuppföljning och redovisning."
    results_follow_up = "Veckovis avstämning med chefen."
    connection = "Regionens VPN via mobilt bredband."
    notice_period_months = 1
    place_kind = DistanceAgreement.Place.REGION_WORKPLACE
    place_description = "Hälsocentralen i Krokom"


class EquipmentItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EquipmentItem

    agreement = factory.SubFactory(AgreementFactory)
    item = "Bärbar dator"
    inventory_number = factory.Sequence(lambda n: f"INV-{n:05d}")
    marking = "RJH-märkt"
    provided_by = EquipmentItem.Provider.REGION
