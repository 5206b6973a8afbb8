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
