"""Fixtures for the hubs tests: the region's kommuner without the other apps' reference data."""

import pytest

from mapping import reference


@pytest.fixture
def region(db):
    """Kommuner (with centres and boundaries) and organisations, loaded by mapping alone,
    so these tests do not depend on the other apps' reference data."""
    reference.load()
