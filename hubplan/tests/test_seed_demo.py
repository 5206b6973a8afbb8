"""seed_demo: demo users per role, created only by the command, idempotent."""

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from hubplan.access import has_role
from hubplan.demo import DEMO_PASSWORD


def _seed(**options):
    call_command("seed_demo", stdout=open("/dev/null", "w"), **options)  # noqa: SIM115


@pytest.mark.django_db
def test_no_demo_user_exists_before_seeding(reference_data):
    assert not User.objects.filter(username__in=["hr", "planner", "viewer", "admin"]).exists()


@pytest.mark.django_db
def test_it_creates_one_user_per_role_and_is_idempotent(reference_data):
    _seed()
    _seed()
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["hr", "planner", "viewer", "admin"])
    }
    assert len(users) == 4
    assert has_role(users["hr"], "HR")
    assert not has_role(users["hr"], "Planerare")
    assert has_role(users["planner"], "Planerare")
    assert not has_role(users["planner"], "HR")
    assert has_role(users["viewer"], "Läsare")
    assert not has_role(users["viewer"], "Planerare")
    assert users["admin"].is_superuser
    assert all(u.check_password(DEMO_PASSWORD) for u in users.values())


@pytest.mark.django_db
def test_the_command_says_how_to_log_in(reference_data, capsys):
    call_command("seed_demo", "--seed", "7")
    out = capsys.readouterr().out
    assert DEMO_PASSWORD in out
    assert "viewer" in out
