"""seed_demo creates the agreements demo once, realistic and valid, and a second run adds nothing."""

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db.models import Count, Q
from django.utils import timezone

from hubplan.demo import DEMO_PASSWORD
from remoteagreements import personnummer as pnr
from remoteagreements.models import DistanceAgreement, Employee, FollowUp
from remoteagreements.visibility import is_manager


def _seed():
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.mark.django_db
def test_seed_demo_creates_employees_and_agreements_once(reference_data):
    _seed()
    counts = (Employee.objects.count(), DistanceAgreement.objects.count(), FollowUp.objects.count())
    assert counts[0] == 4000
    assert 550 <= counts[1] <= 600
    _seed()
    assert (
        Employee.objects.count(),
        DistanceAgreement.objects.count(),
        FollowUp.objects.count(),
    ) == counts

    homes = Employee.objects.aggregate(
        all=Count("pk"), ost_krokom=Count("pk", filter=Q(home_municipality__in=["2380", "2309"]))
    )
    assert 0.58 < homes["ost_krokom"] / homes["all"] < 0.70
    sample = list(Employee.objects.values_list("personnummer", flat=True)[:300])
    assert all(pnr.is_valid(n) for n in sample)

    today = timezone.localdate()
    s = DistanceAgreement.objects.aggregate(
        active=Count("pk", filter=Q(status="active")),
        ended=Count("pk", filter=Q(status="ended")),
        renewals=Count("pk", filter=Q(renewed_from__isnull=False)),
        overdue=Count("pk", filter=Q(status="active", next_follow_up_due__lt=today)),
        early=Count("pk", filter=Q(start_date__year=2021)),
    )
    assert s["active"] > 100
    assert s["ended"] > 50
    assert s["renewals"] > 10
    assert s["overdue"] > 0
    assert s["early"] > 0

    chef = User.objects.get(username="chef01")
    assert chef.check_password(DEMO_PASSWORD)
    assert is_manager(chef)
    assert not is_manager(User.objects.get(username="hr"))


@pytest.mark.django_db
def test_signed_demo_agreements_follow_the_rules(reference_data):
    from remoteagreements import rules

    _seed()
    signed = DistanceAgreement.objects.filter(status="active").select_related("hub")[:200]
    assert [a.pk for a in signed if rules.violations(a) or rules.field_errors(a)] == []
