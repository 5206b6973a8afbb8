"""Demo users, one per role. Created only by ``seed_demo``, never otherwise.

Also defines :class:`DemoContext`, what ``seed_demo`` hands every app's ``demo.seed``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from django.contrib.auth.models import Group, User

from hubplan.access import HR, PLANNER, VIEWER

# Printed by `make run`; only ever set on the demo users seed_demo creates.
DEMO_PASSWORD = "hubplan-demo"
DEMO_USERS = {
    # username: (first name, last name, role or None for superuser)
    "hr": ("Hanna", "Personal", HR),
    "planner": ("Per", "Planerare", PLANNER),
    "viewer": ("Vera", "Läsare", VIEWER),
    "admin": ("Ada", "Administratör", None),
}
SCALES = ("region", "national")


@dataclass
class DemoContext:
    """What each app's ``demo.seed(ctx)`` gets: scale, seed and its own random stream."""

    scale: str
    seed: int
    stdout: object
    users: dict[str, User] = field(default_factory=dict)

    def rng(self, label: str) -> random.Random:
        """A random stream per app, so adding an app never changes another's data."""
        return random.Random(f"{self.seed}:{label}")

    def log(self, message: str) -> None:
        self.stdout.write(message)


def is_seeded() -> bool:
    return User.objects.filter(username__in=DEMO_USERS).exists()


def seed(ctx: DemoContext) -> None:
    """Create the demo users (once) and put them in ctx.users for other apps."""
    created = 0
    for username, (first, last, role) in DEMO_USERS.items():
        user, was_created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@example.invalid",
                "is_superuser": role is None,
                "is_staff": role is None,
            },
        )
        if was_created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            if role:
                user.groups.add(Group.objects.get(name=role))
            created += 1
        ctx.users[username] = user
    ctx.log(f"hubplan: {created} nya demoanvändare ({len(DEMO_USERS)} totalt)")
    _seed_scenarios(ctx)


# Two weightings planners discussed: the plan's demand for critical mass, and its demand
# that every kommun outside Östersund be given the same chance (premises and partners count more).
DEMO_SCENARIOS = {
    "Kritisk massa först": (
        "Hubbar där flest pendlare vill arbeta: användare och sparad restid väger tyngst.",
        {
            "potential_users": 40,
            "time_saved": 30,
            "capacity_gap": 20,
            "premises": 5,
            "co_location": 5,
            "partner_interest": 0,
        },
    ),
    "Lokaler och partner": (
        "Där det redan finns lokaler att samlokalisera i och partner som vill vara med.",
        {
            "potential_users": 15,
            "time_saved": 10,
            "capacity_gap": 15,
            "premises": 20,
            "co_location": 20,
            "partner_interest": 20,
        },
    ),
}


def _seed_scenarios(ctx: DemoContext) -> None:
    """Saved suitability scenarios, created once by name."""
    from hubplan.models import SuitabilityScenario

    existing = set(SuitabilityScenario.objects.values_list("name", flat=True))
    planner = ctx.users.get("planner")
    new = [
        SuitabilityScenario(
            name=name,
            description=description,
            created_by=planner,
            **{f"w_{key}": value for key, value in weights.items()},
        )
        for name, (description, weights) in DEMO_SCENARIOS.items()
        if name not in existing
    ]
    SuitabilityScenario.objects.bulk_create(new)
    ctx.log(f"hubplan: {len(new)} nya lämplighetsscenarier")
