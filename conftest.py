"""Fixtures shared by every app's tests: reference data and a fixed cast of users.

The cast mirrors the roles: ``viewer`` (Läsare), ``planner`` (Planerare), ``hr``
(HR), ``admin`` (superuser) and ``nobody`` (signed in, no role). ``client_for``
gives a logged-in test client for any of them.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.test import Client, override_settings
from hypothesis.configuration import set_hypothesis_home_dir

from hubplan.access import HR, PLANNER, VIEWER

# Hypothesis keeps caches under ./.hypothesis even without an example database; the
# fuzz tests keep nothing between runs, so the caches go to the temporary directory.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "hubplan-hypothesis")


@pytest.fixture(autouse=True, scope="session")
def _plain_http(django_test_environment):
    """No redirect to https: the test client and the live server speak plain http.

    Production settings redirect every http request (SECURE_SSL_REDIRECT is on when
    DEBUG is off); the tests keep every other production setting, secure cookies too.
    """
    with override_settings(SECURE_SSL_REDIRECT=False):
        yield


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing(django_test_environment):
    """A cheap hasher in tests: PBKDF2's deliberate slowness cost 1–2 s per login.

    Production keeps Django's default hashers; nothing in the tests measures hashing.
    """
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True, scope="session")
def _jobs_inline(django_test_environment):
    """Jobs run at once inside the request, through the same hubplan.jobs.run_job.

    The tests of the queue itself (hubplan/tests/test_jobs_worker.py, the fault and
    two-server tests) start a real worker process, which reads jobs from the queue.
    """
    with override_settings(HUBPLAN_JOBS_INLINE=True):
        yield


@pytest.fixture(autouse=True)
def _empty_caches(request):
    """Every test starts with empty caches (page parts, API request counts), so that no
    test depends on what an earlier one left there.

    The caches are tables in the test database (hubplan.cache): they are emptied only
    for a test that uses the database, after pytest-django has set it up; a test
    without one cannot reach them either. In a ``db`` test the emptying and whatever
    the test caches roll back with it.
    """
    from django.core.cache import caches
    from django.core.cache.backends.db import BaseDatabaseCache

    uses_db = request.node.get_closest_marker("django_db") or (
        "_django_db_helper" in request.fixturenames
    )
    if uses_db:
        request.getfixturevalue("_django_db_helper")
    for cache in caches.all():
        if uses_db or not isinstance(cache, BaseDatabaseCache):
            cache.clear()


@pytest.fixture
def reference_data(db):
    """The shipped reference data: 290 kommuner, counties, organisations."""
    call_command("load_reference", stdout=open("/dev/null", "w"))  # noqa: SIM115


def _make_user(username: str, role: str | None = None, **extra) -> User:
    user = User.objects.create_user(username=username, password="pw-for-tests-only", **extra)
    if role:
        # get_or_create: transactional tests (the browser journeys) flush the groups
        # that the roles migration made.
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


@pytest.fixture
def viewer(db):
    return _make_user("t-viewer", VIEWER)


@pytest.fixture
def planner(db):
    return _make_user("t-planner", PLANNER)


@pytest.fixture
def hr_user(db):
    return _make_user("t-hr", HR)


@pytest.fixture
def superuser(db):
    return _make_user("t-admin", is_superuser=True, is_staff=True)


@pytest.fixture
def nobody(db):
    return _make_user("t-nobody")


@pytest.fixture
def client_for():
    """``client_for(user)``: a test client logged in as ``user``."""

    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make
