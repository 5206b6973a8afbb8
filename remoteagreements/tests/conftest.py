"""Fixtures of the agreements tests: a manager with staff, an HR client, a hub when needed."""

import pytest

from remoteagreements.tests.factories import EmployeeFactory, ManagerFactory


@pytest.fixture
def manager(db):
    return ManagerFactory(username="t-chef-anna")


@pytest.fixture
def other_manager(db):
    return ManagerFactory(username="t-chef-bo")


@pytest.fixture
def employee(reference_data, manager):
    return EmployeeFactory(name="Eva Exempel", manager=manager)
