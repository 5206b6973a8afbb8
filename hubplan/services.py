"""Writes of Hubplan's own model: saving and deleting suitability scenarios.

Every create and delete goes through here, so an audit trail (issue 8) can be
added in one place.
"""

from __future__ import annotations

from django.db import transaction

from hubplan.models import SuitabilityScenario


@transaction.atomic
def scenario_create(
    *, user, name: str, weights: dict, description: str = ""
) -> SuitabilityScenario:
    """Save a named weight set; raises ValidationError (nothing saved) on a bad name or weights."""
    scenario = SuitabilityScenario(
        name=name.strip(),
        description=description,
        created_by=user if user and user.is_authenticated else None,
        **{f"w_{key}": value for key, value in weights.items()},
    )
    scenario.full_clean()
    scenario.save()
    return scenario


@transaction.atomic
def scenario_delete(*, scenario: SuitabilityScenario, user) -> None:
    """Delete a scenario. ``user`` is recorded by the audit trail once it exists."""
    scenario.delete()
