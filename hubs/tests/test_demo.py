"""The demo seed: about 30 hubs in all eight kommuner, premises, two years of use; idempotent."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Count, Q, Sum

from hubs import rules
from hubs.models import (
    BusinessCase,
    Hub,
    HubMonthlyUse,
    HubSettings,
    HubStatusChange,
    PremisesCandidate,
)
from mapping.models import Municipality

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_the_hub_registry_and_a_second_run_adds_nothing(reference_data):
    call_command("seed_demo", stdout=io.StringIO())
    counts = (
        Hub.objects.count(),
        HubStatusChange.objects.count(),
        HubMonthlyUse.objects.count(),
        PremisesCandidate.objects.count(),
        BusinessCase.objects.count(),
    )
    assert 28 <= counts[0] <= 32
    assert counts[3] >= 8
    active = Municipality.objects.in_region().annotate(
        n=Count("hubs", filter=Q(hubs__status__in=["open", "planned"]))
    )
    assert all(m.n >= 1 for m in active), [(m.name, m.n) for m in active]
    assert Hub.objects.filter(name="Arbetshubben Svenstavik", status="open").exists()
    assert Hub.objects.filter(name="Gomorron Östersund").exists()
    assert Hub.objects.filter(kind="agency_hub", status="proposed", municipality="2380").exists()
    # Every hub's history ends in its current status.
    for hub in Hub.objects.prefetch_related("status_changes"):
        assert list(hub.status_changes.all())[-1].status == hub.status
    # 24 months for a long-open hub, and a spread around the critical mass.
    gomorron = Hub.objects.get(name="Gomorron Östersund")
    assert gomorron.monthly_use.count() == 24
    members = HubMonthlyUse.objects.values("hub").annotate(
        m=Sum("members_region")
        + Sum("members_municipality")
        + Sum("members_state_agency")
        + Sum("members_company")
        + Sum("members_other"),
        months=Count("id"),
    )
    averages = [r["m"] / r["months"] for r in members]
    critical_mass = HubSettings.current().critical_mass_members
    assert critical_mass == rules.DEFAULT_CRITICAL_MASS_MEMBERS == 10
    assert any(a < critical_mass for a in averages)
    assert any(a >= critical_mass for a in averages)
    assert PremisesCandidate.objects.filter(status="chosen", hub__isnull=False).exists()
    cases = BusinessCase.objects.select_related("premises")
    assert cases.count() == 3
    assert {c.municipality_id for c in cases} >= {"2305", "2313"}
    assert any(c.premises is not None for c in cases)
    # The reference price is the open hubs' median cost per desk and month (950 kr) ÷ 21.
    assert {c.reference_price_per_desk_day for c in cases} == {Decimal("45")}

    call_command("seed_demo", stdout=io.StringIO())
    assert counts == (
        Hub.objects.count(),
        HubStatusChange.objects.count(),
        HubMonthlyUse.objects.count(),
        PremisesCandidate.objects.count(),
        BusinessCase.objects.count(),
    )
