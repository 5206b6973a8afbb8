"""Fixtures for the survey tests: imports run inline (not in a thread) so the test sees them."""

import pytest


@pytest.fixture(autouse=True)
def _inline_imports(settings):
    settings.HUBPLAN_SURVEY_IMPORT_BACKGROUND = False
