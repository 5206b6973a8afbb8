"""Fixtures of the API tests: tokens and clients per role, throttling out of the way."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from remoteagreements.tests.factories import EmployeeFactory, ManagerFactory


@pytest.fixture(autouse=True)
def _generous_rate_limit(settings):
    """A rate no test reaches by accident; the throttling test sets its own.

    The counts start empty: the root conftest's ``_empty_caches`` clears the cache.
    """
    rest = dict(settings.REST_FRAMEWORK)
    rest["DEFAULT_THROTTLE_RATES"] = {"token": "100000/hour"}
    settings.REST_FRAMEWORK = rest


@pytest.fixture
def token_for(db):
    """``token_for(user)``: the key of ``user``'s API token (one per user)."""

    def make(user) -> str:
        return Token.objects.get_or_create(user=user)[0].key

    return make


@pytest.fixture
def api_client_for(token_for):
    """``api_client_for(user)``: a client that sends ``user``'s token, no session."""

    def make(user) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
        return client

    return make


@pytest.fixture
def api_manager(reference_data):
    """A plain user (no role) who manages one employee."""
    manager = ManagerFactory(username="t-api-chef")
    EmployeeFactory(manager=manager)
    return manager
