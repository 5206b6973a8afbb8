"""Fixtures of the plan's tests: the reference data with the four areas and five strategies."""

import pytest

from actionplan.models import Area, Strategy


@pytest.fixture
def areas(reference_data):
    """The four insatsområden by number (loaded by load_reference)."""
    return {a.number: a for a in Area.objects.all()}


@pytest.fixture
def strategies(reference_data):
    return {s.number: s for s in Strategy.objects.all()}
