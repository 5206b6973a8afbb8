"""Demo users, one per role. Created only by ``seed_demo``, never otherwise.

Also defines :class:`DemoContext`, what ``seed_demo`` hands every app's ``demo.seed``,
the sizes of the national data set (:data:`NATIONAL_SIZES`) and the bulk helpers the
national seeders write with (:func:`copy_rows`, :func:`reserve_ids`): COPY, no model
``save()`` and so no simple-history rows, which is intended for demo data.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.contrib.auth.models import Group, User
from django.db import connection, models
from django.utils import timezone
from django.utils.functional import Promise
from psycopg.types.json import Jsonb

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

# Totals at national scale, the region's demo data included: the national seeders top up
# to these. Tests pass tiny sizes through DemoContext.sizes to run the same code quickly.
NATIONAL_SIZES = {
    "employees": 300_000,
    "agreements": 60_000,
    "hubs": 5_000,
    "survey_responses": 1_000_000,
    "activities": 2_000,
}


@dataclass
class DemoContext:
    """What each app's ``demo.seed(ctx)`` gets: scale, seed and its own random stream."""

    scale: str
    seed: int
    stdout: object
    users: dict[str, User] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=lambda: dict(NATIONAL_SIZES))

    @property
    def national(self) -> bool:
        return self.scale == "national"

    def rng(self, label: str) -> random.Random:
        """A random stream per app, so adding an app never changes another's data."""
        return random.Random(f"{self.seed}:{label}")

    def log(self, message: str) -> None:
        self.stdout.write(message)


def reserve_ids(model: type[models.Model], n: int) -> list[int]:
    """``n`` primary keys taken from the model's sequence, so rows written with COPY
    can refer to each other without reading their keys back."""
    if n <= 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, model._meta.pk.column, n],
        )
        return [row[0] for row in cursor.fetchall()]


def _fill_value(f: models.Field, now):
    """What a column left out of a COPY gets: what ``save()`` would have given it."""
    if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
        return now
    if f.has_default():
        value = f.get_default()
        # A lazily translated default would reach psycopg as a proxy it cannot write.
        return str(value) if isinstance(value, Promise) else value
    if f.null:
        return None
    if f.blank and isinstance(f, models.CharField | models.TextField):
        return ""
    raise ValueError(f"{f.model.__name__}.{f.name} needs a value")


def copy_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[Sequence],
) -> int:
    """Write ``rows`` (tuples in the order of ``columns``, field attnames) with COPY.

    Every other concrete column gets what ``save()`` would have given it (defaults,
    ``auto_now`` times, blank strings); the primary key comes from its sequence unless
    ``columns`` names it. No signals and no history rows.
    """
    fields = {f.attname: f for f in model._meta.concrete_fields}
    rest = [
        f
        for name, f in fields.items()
        if name not in columns and not (f.primary_key and isinstance(f, models.AutoField))
    ]
    now = timezone.now()
    tail = tuple(_fill_value(f, now) for f in rest)
    tail = tuple(
        Jsonb(v) if isinstance(f, models.JSONField) and v is not None else v
        for f, v in zip(rest, tail, strict=True)
    )
    json_at = [i for i, name in enumerate(columns) if isinstance(fields[name], models.JSONField)]
    names = ", ".join(connection.ops.quote_name(fields[name].column) for name in columns) + "".join(
        f", {connection.ops.quote_name(f.column)}" for f in rest
    )
    sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({names}) FROM STDIN"
    n = 0
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            if json_at:
                row = list(row)
                for i in json_at:
                    row[i] = Jsonb(row[i]) if row[i] is not None else None
            copy.write_row((*row, *tail))
            n += 1
    return n


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
