"""Demo hub registry: about 30 hubs in Jämtland's eight kommuner, premises, two years of use.

Drawn from the region's documents: the plan's fourth action area (map existing
co-working spaces and hubs, suitable premises, co-location with hälsocentraler
and näringslivskontor), the first arbetshubb in Berg (Svenstavik), Gomorron
Östersund with Remote Lab, and a proposed myndighetshubb for the agency network
in Östersund. Every kommun has at least one open or planned hub. Monthly use
covers the 24 months up to last month; several small hubs stay short of the
critical mass (the planners' default, HubSettings, initially 10).

At national scale (``seed_demo --scale national``) the region's hubs are joined by
generated hubs in every kommun of Sweden, named after its tätorter, up to
``ctx.sizes["hubs"]`` in all; each has been open since before the 24 months of use.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from decimal import Decimal
from typing import NamedTuple

from django.utils import timezone

from hubplan.demo import copy_rows, reserve_ids
from hubs import selectors
from hubs.models import BusinessCase, Hub, HubMonthlyUse, HubStatusChange, PremisesCandidate
from mapping.demo import REGION_BY_COUNTY, national_geography, split
from mapping.models import Municipality, Organisation
from mapping.reference import REGION_NAME, localities

RAGUNDA, BRACKE, KROKOM, STROMSUND = "2303", "2305", "2309", "2313"
ARE, BERG, HARJEDALEN, OSTERSUND = "2321", "2326", "2361", "2380"
MONTHS_OF_USE = 24

K = Hub.Kind
O = Hub.OperatorType  # noqa: E741 - short alias keeps the table readable


class Spec(NamedTuple):
    """One demo hub. ``place`` is (lat, lon), or None for the kommun's central town."""

    code: str
    name: str
    kind: str
    operator_type: str
    operator: str | None  # organisation name from the reference data
    status: str
    since: str  # ISO date the current status began
    desks: int
    members: int  # regular members once established
    address: str
    postcode: str
    place: tuple[float, float] | None = None
    rooms: int = 1
    video: bool = True
    confidential: bool = False
    step_free: bool = True
    cost: int | None = None
    users: tuple[str, ...] = ()


REGION = REGION_NAME
HSF = "Hälso- och sjukvårdsförvaltningen"

# fmt: off
SPECS: dict[str, tuple[Spec, ...]] = {
    "region": (
        # Berg: the county's first arbetshubb, in Svenstavik.
        Spec(BERG, "Arbetshubben Svenstavik", K.TOWN_HALL, O.MUNICIPALITY, "Bergs kommun",
             "open", "2020-10-01", 6, 8, "Fläkvägen 2", "845 31", None, 1, True, True, True, 900,
             (REGION, "Bergs kommun", "Försäkringskassan")),
        Spec(BERG, "Hackås hubb", K.OTHER, O.NON_PROFIT, None, "open", "2022-03-01", 4, 3,
             "Byvägen 12", "845 51", (62.925, 14.516), 1, False, False, True, 600),
        Spec(BERG, "Myrvikens bygdekontor", K.COWORKING, O.NON_PROFIT, None, "proposed",
             "2025-02-01", 4, 0, "Myrviksvägen 5", "845 97", (62.990, 14.341)),
        # Östersund
        Spec(OSTERSUND, "Gomorron Östersund", K.COWORKING, O.COMPANY,
             "Gomorron Östersund / Remote Lab", "open", "2017-09-01", 40, 46,
             "Prästgatan 50", "831 31", None, 4, True, True, True, 2800,
             (REGION, "Mittuniversitetet", "Östersunds kommun", "Statens servicecenter")),
        Spec(OSTERSUND, "Myndighetshubben Östersund", K.AGENCY_HUB, O.STATE_AGENCY,
             "Länsstyrelsen Jämtlands län", "proposed", "2024-11-15", 24, 0,
             "Residensgränd 7", "831 86", (63.1787, 14.6386), 3, True, True, True, None,
             ("Skatteverket", "Försäkringskassan", "Arbetsförmedlingen", "Trafikanalys")),
        Spec(OSTERSUND, "Regionens hubb Lasarettet", K.REGION_PREMISES, O.REGION, REGION,
             "open", "2021-09-01", 12, 15, "Kyrkgatan 16", "831 83", (63.1742, 14.6275), 2,
             True, True, True, 1900, (REGION, HSF)),
        Spec(OSTERSUND, "Brunflo hälsocentral – arbetsplatser", K.HEALTH_CENTRE, O.REGION,
             HSF, "open", "2022-05-01", 4, 5, "Tingsvägen 2", "834 31", (63.075, 14.823), 1,
             True, True, True, 1500, (HSF,)),
        Spec(OSTERSUND, "Lits bygdehubb", K.COWORKING, O.NON_PROFIT, None, "planned",
             "2025-04-01", 5, 0, "Litsvägen 30", "836 30", (63.314, 14.853)),
        Spec(OSTERSUND, "Campus-hubben Mittuniversitetet", K.OTHER, O.STATE_AGENCY,
             "Mittuniversitetet", "open", "2019-01-01", 16, 18, "Kunskapens väg 8", "831 40",
             (63.1847, 14.6556), 2, True, False, True, 1200, ("Mittuniversitetet",)),
        # Krokom
        Spec(KROKOM, "Krokoms kommunhus hubb", K.TOWN_HALL, O.MUNICIPALITY, "Krokoms kommun",
             "open", "2021-02-01", 6, 9, "Offerdalsvägen 8", "835 31", None, 1, True, True,
             True, 1100, ("Krokoms kommun", REGION)),
        Spec(KROKOM, "Föllinge byhubb", K.COWORKING, O.NON_PROFIT, None, "open", "2022-09-01",
             4, 3, "Föllingevägen 40", "835 93", (63.668, 14.614), 1, False, False, True, 500),
        Spec(KROKOM, "Nälden hälsocentral – arbetsplatser", K.HEALTH_CENTRE, O.REGION, HSF,
             "planned", "2025-01-15", 3, 0, "Centrumvägen 3", "835 91", (63.349, 14.258), 1,
             True, True, True),
        # Åre
        Spec(ARE, "Åre Coworking", K.COWORKING, O.COMPANY, None, "open", "2018-12-01", 24, 27,
             "Årevägen 79", "837 52", (63.3990, 13.0810), 3, True, False, True, 2500),
        Spec(ARE, "Järpens näringslivskontor", K.BUSINESS_OFFICE, O.MUNICIPALITY,
             "Åre kommun", "open", "2021-06-01", 5, 6, "Centrumvägen 2", "837 21", None, 1,
             True, True, True, 1000, ("Åre kommun", REGION)),
        Spec(ARE, "Mörsils hubb", K.OTHER, O.NON_PROFIT, None, "closed", "2024-06-30", 4, 2,
             "Stationsvägen 4", "837 41", (63.312, 13.655), 1, False, False, False, 700),
        Spec(ARE, "Duveds bykontor", K.COWORKING, O.COMPANY, None, "open", "2023-01-01", 8, 7,
             "Duvedsvägen 14", "837 71", (63.392, 12.930), 1, True, False, True, 1800),
        # Strömsund
        Spec(STROMSUND, "Strömsunds kommunhus hubb", K.TOWN_HALL, O.MUNICIPALITY,
             "Strömsunds kommun", "open", "2021-04-01", 6, 7, "Storgatan 8", "833 24", None, 1,
             True, True, True, 950, ("Strömsunds kommun", REGION)),
        Spec(STROMSUND, "Hoting arbetshubb", K.COWORKING, O.NON_PROFIT, None, "open",
             "2022-11-01", 4, 2, "Hotingsvägen 20", "833 96", (64.113, 16.197), 1, False, False,
             True, 500),
        Spec(STROMSUND, "Gäddede hälsocentral – arbetsplatser", K.HEALTH_CENTRE, O.REGION, HSF,
             "planned", "2025-03-01", 2, 0, "Nyhemsvägen 2", "833 93", (64.502, 14.150), 1,
             True, True, False),
        Spec(STROMSUND, "Hammerdals näringslivshubb", K.BUSINESS_OFFICE, O.MUNICIPALITY,
             "Strömsunds kommun", "open", "2023-05-01", 4, 4, "Hammerdalsvägen 10", "833 51",
             (63.590, 15.350), 1, True, False, True, 800),
        # Ragunda
        Spec(RAGUNDA, "Ragunda kommunhus hubb", K.TOWN_HALL, O.MUNICIPALITY, "Ragunda kommun",
             "open", "2021-10-01", 5, 5, "Centralgatan 7", "840 70", None, 1, True, True, True,
             900, ("Ragunda kommun", REGION)),
        Spec(RAGUNDA, "Stuguns arbetshubb", K.COWORKING, O.NON_PROFIT, None, "planned",
             "2024-12-01", 4, 0, "Stugunvägen 2", "840 50", (63.170, 15.603)),
        Spec(RAGUNDA, "Bispgårdens bygdekontor", K.OTHER, O.NON_PROFIT, None, "open",
             "2023-08-01", 3, 2, "Bispgårdsvägen 6", "840 73", (63.033, 16.617), 1, False,
             False, True, 400),
        # Bräcke
        Spec(BRACKE, "Bräcke kommunhus hubb", K.TOWN_HALL, O.MUNICIPALITY, "Bräcke kommun",
             "open", "2021-08-01", 5, 6, "Hagavägen 4", "843 31", None, 1, True, True, True, 850,
             ("Bräcke kommun", REGION)),
        Spec(BRACKE, "Gällö hubb", K.COWORKING, O.NON_PROFIT, None, "open", "2022-06-01", 4, 3,
             "Gällövägen 15", "844 92", (62.918, 15.234), 1, False, False, True, 500),
        Spec(BRACKE, "Kälarne hälsocentral – arbetsplatser", K.HEALTH_CENTRE, O.REGION, HSF,
             "proposed", "2025-05-01", 2, 0, "Kälarnevägen 1", "844 61", (62.982, 16.082)),
        # Härjedalen
        Spec(HARJEDALEN, "Svegs kommunhus hubb", K.TOWN_HALL, O.MUNICIPALITY,
             "Härjedalens kommun", "open", "2021-03-01", 6, 8, "Ringvägen 3", "842 32", None, 1,
             True, True, True, 1000, ("Härjedalens kommun", REGION)),
        Spec(HARJEDALEN, "Funäsdalen Coworking", K.COWORKING, O.COMPANY, None, "open",
             "2020-12-01", 10, 9, "Rörosvägen 30", "840 95", (62.545, 12.547), 2, True, False,
             True, 1600),
        Spec(HARJEDALEN, "Hede hälsocentral – arbetsplatser", K.HEALTH_CENTRE, O.REGION, HSF,
             "planned", "2025-02-01", 2, 0, "Hedevägen 5", "840 80", (62.417, 13.511), 1, True,
             True, True),
        Spec(HARJEDALEN, "Vemdalens byhubb", K.COWORKING, O.NON_PROFIT, None, "open",
             "2023-02-01", 4, 3, "Vemdalsvägen 2", "840 92", (62.448, 13.862), 1, False, False,
             True, 600),
    ),
}

PREMISES: dict[str, tuple[tuple, ...]] = {
    # (code, name, address, area, desks, rent, available, co_location, status, assessment, hub)
    "region": (
        (HARJEDALEN, "Hede hälsocentral plan 2", "Hedevägen 5", 60, 2, 3200, "2025-03-01",
         ["health_centre"], "chosen", "Låsbart rum utan insyn finns; delad entré.",
         "Hede hälsocentral – arbetsplatser"),
        (STROMSUND, "Gäddede hälsocentral, f.d. läkarexpedition", "Nyhemsvägen 2", 40, 2, 2400,
         "2025-04-01", ["health_centre"], "chosen", "Litet men lämpligt för sekretessarbete.",
         "Gäddede hälsocentral – arbetsplatser"),
        (STROMSUND, "Hammerdals bibliotek, studierum", "Skolvägen 3", 55, 4, 2000, "2025-08-01",
         ["library", "town_hall"], "assessed", "Nära busshållplats; öppet kvällar.", None),
        (OSTERSUND, "Kontorsvåning Storgatan 24", "Storgatan 24", 420, 30, 52000, "2026-01-01",
         ["other"], "assessed", "Passar myndighetshubben; hyra över budget.", None),
        (OSTERSUND, "Lits skola, f.d. lärarrum", "Skolvägen 1", 70, 5, 3500, "2025-06-01",
         ["library"], "assessed", "Bygdeföreningen vill driva.", None),
        (KROKOM, "Aspås gamla bank", "Aspåsvägen 2", 120, 6, 6500, None, ["other"],
         "rejected", "Ej tillgänglig utan trappsteg; ombyggnad för dyr.", None),
        (BERG, "Rätans skola", "Rätanvägen 40", 90, 5, 3000, "2025-10-01",
         ["library"], "identified", "", None),
        (BRACKE, "Bräcke hälsocentral, konferensdel", "Hagavägen 8", 80, 4, 4200,
         "2025-09-01", ["health_centre", "town_hall"], "identified", "", None),
        (ARE, "Undersåkers näringslivslokal", "Undersåkersvägen 5", 65, 4, 3800, "2025-11-01",
         ["business_office"], "assessed", "Kan samlokaliseras med näringslivskontoret.", None),
        (RAGUNDA, "Stuguns bibliotek", "Stugunvägen 2", 60, 4, 1800, "2024-12-01",
         ["library"], "assessed", "Bygdegården har visat intresse.", None),
        (HARJEDALEN, "Lillhärdals bygdegård", "Lillhärdalsvägen 10", 100, 4, 1500, None,
         ["other"], "identified", "", None),
    ),
}

# fmt: on

# Member mix by operator type: share from region, kommun, state agency, company, other.
MIX = {
    O.REGION: (0.7, 0.1, 0.1, 0.05, 0.05),
    O.MUNICIPALITY: (0.3, 0.4, 0.15, 0.1, 0.05),
    O.STATE_AGENCY: (0.15, 0.1, 0.6, 0.1, 0.05),
    O.COMPANY: (0.15, 0.05, 0.1, 0.6, 0.1),
    O.NON_PROFIT: (0.2, 0.2, 0.05, 0.35, 0.2),
}


def _weekdays(year: int, month: int) -> int:
    days = calendar.monthrange(year, month)[1]
    return sum(1 for d in range(1, days + 1) if dt.date(year, month, d).weekday() < 5)


def _months_back(last: dt.date, n: int) -> list[dt.date]:
    months = []
    y, m = last.year, last.month
    for _ in range(n):
        months.append(dt.date(y, m, 1))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return months[::-1]


def _history(spec: Spec) -> list[tuple[str, dt.date]]:
    """A plausible status history ending in the spec's status on its date."""
    since = dt.date.fromisoformat(spec.since)
    steps = {
        "proposed": [("proposed", since)],
        "planned": [("proposed", since - dt.timedelta(days=150)), ("planned", since)],
        "open": [
            ("proposed", since - dt.timedelta(days=300)),
            ("planned", since - dt.timedelta(days=120)),
            ("open", since),
        ],
        "closed": [
            ("planned", since - dt.timedelta(days=900)),
            ("open", since - dt.timedelta(days=760)),
            ("closed", since),
        ],
    }
    return steps[spec.status]


def seed(ctx) -> None:
    """Create the demo hubs, their history, users, premises and monthly use, then the
    demo business cases; each part once (a second run adds nothing). At national scale
    also the generated hubs of every kommun."""
    specs = SPECS["region"]
    if Hub.objects.filter(name=specs[0].name, municipality_id=specs[0].code).exists():
        ctx.log("hubs: demodata finns redan")
    else:
        _registry(ctx, specs)
    _business_cases(ctx)
    if ctx.national:
        seed_national(ctx)


def _registry(ctx, specs) -> None:
    rng = ctx.rng("hubs")
    municipalities = Municipality.objects.in_bulk({s.code for s in specs})
    organisations = {o.name: o for o in Organisation.objects.all()}
    planner = ctx.users.get("planner")

    hubs = []
    for spec in specs:
        m = municipalities[spec.code]
        if spec.place:
            lat, lon = spec.place
        else:
            # Near the central town, a block or two from the kommun's centre point.
            lat = m.centre_latitude + rng.uniform(-0.004, 0.004)
            lon = m.centre_longitude + rng.uniform(-0.008, 0.008)
        hubs.append(
            Hub(
                name=spec.name,
                kind=spec.kind,
                municipality=m,
                address=spec.address,
                postcode=spec.postcode,
                latitude=round(lat, 5),
                longitude=round(lon, 5),
                operator=organisations.get(spec.operator) if spec.operator else None,
                operator_type=spec.operator_type,
                status=spec.status,
                status_since=dt.date.fromisoformat(spec.since),
                desks=spec.desks,
                meeting_rooms=spec.rooms,
                video_room=spec.video,
                confidential_room=spec.confidential,
                step_free=spec.step_free,
                opening_hours="vardagar 7–18" if spec.kind == K.COWORKING else "vardagar 8–16.30",
                cost_per_desk_month=Decimal(spec.cost) if spec.cost is not None else None,
                contact=f"hubb.{spec.code}@example.invalid",
            )
        )
    for hub in hubs:
        hub.full_clean(validate_unique=False)
    Hub.objects.bulk_create(hubs)

    changes, links = [], []
    for spec, hub in zip(specs, hubs, strict=True):
        for status, date in _history(spec):
            changes.append(HubStatusChange(hub=hub, status=status, date=date, changed_by=planner))
        for name in spec.users:
            if name in organisations:
                links.append(Hub.users.through(hub=hub, organisation=organisations[name]))
    HubStatusChange.objects.bulk_create(changes)
    Hub.users.through.objects.bulk_create(links)

    uses = _monthly_use(specs, hubs, rng)
    HubMonthlyUse.objects.bulk_create(uses, batch_size=1000)
    n_premises = _premises(ctx, hubs)
    ctx.log(
        f"hubs: {len(hubs)} hubbar, {len(changes)} statusändringar, "
        f"{len(uses)} månader användning, {n_premises} lämpliga lokaler"
    )


def _monthly_use(specs, hubs, rng) -> list[HubMonthlyUse]:
    """24 months up to last month for each hub while it was open, with a ramp-up,
    a summer dip and noise, so small hubs stay under the critical mass."""
    today = timezone.localdate()
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    months = _months_back(last_month, MONTHS_OF_USE)
    uses = []
    for spec, hub in zip(specs, hubs, strict=True):
        history = dict(_history(spec))
        opened = history.get("open")
        if opened is None:
            continue
        closed = history.get("closed")
        for month in months:
            if month < opened.replace(day=1) or (closed and month > closed):
                continue
            age = (month.year - opened.year) * 12 + month.month - opened.month
            ramp = min(1.0, 0.35 + age / 10)
            season = 0.45 if month.month == 7 else 0.8 if month.month in (6, 8, 12) else 1.0
            members = max(0, round(spec.members * ramp * season * rng.uniform(0.85, 1.15)))
            shares = MIX[spec.operator_type]
            split = [int(members * s) for s in shares]
            split[0] += members - sum(split)
            open_days = _weekdays(month.year, month.month) - (10 if month.month == 7 else 0)
            days_per_member = rng.uniform(3.0, 7.0)
            capacity = spec.desks * open_days
            used = min(capacity, round(members * days_per_member))
            uses.append(
                HubMonthlyUse(
                    hub=hub,
                    month=month,
                    members_region=split[0],
                    members_municipality=split[1],
                    members_state_agency=split[2],
                    members_company=split[3],
                    members_other=split[4],
                    desks=spec.desks,
                    open_days=open_days,
                    desk_days_used=used,
                )
            )
    return uses


def _premises(ctx, hubs) -> int:
    rows = PREMISES["region"]
    by_name = {h.name: h for h in hubs}
    candidates = []
    for code, name, address, area, desks, rent, available, co, status, note, hub_name in rows:
        candidates.append(
            PremisesCandidate(
                name=name,
                address=address,
                municipality_id=code,
                area_m2=area,
                desks_possible=desks,
                monthly_rent=Decimal(rent),
                available_from=dt.date.fromisoformat(available) if available else None,
                co_location=co,
                assessment=note,
                status=status,
                hub=by_name.get(hub_name) if hub_name else None,
            )
        )
    PremisesCandidate.objects.bulk_create(candidates)
    return len(candidates)


# (name, kommun code, premises name or None, desks, rent, other yearly costs, N, stated days, notes)
BUSINESS_CASES: dict[str, tuple[tuple, ...]] = {
    "region": (
        ("Bräcke: tio platser i kommunhuset", BRACKE, None, 10, 6000, 30000, "2", True,
         "Utökning av kommunhusets hubb; städning, IT och bokningssystem ingår i driften."),
        ("Strömsund: hubb i centralorten, en dag i veckan", STROMSUND, None, 4, 3500, 60000,
         "1", False, "Försiktig kalkyl: alla medlemmar antas komma en dag i veckan."),
        ("Stugun: hubb i biblioteket", RAGUNDA, "Stuguns bibliotek", 4, 1800, 12000, "2",
         True, "Bygdegården har visat intresse för att sköta bokningen."),
    ),
}  # fmt: skip


def _business_cases(ctx) -> None:
    """Three business cases a planner might have written (once, by name)."""
    rows = BUSINESS_CASES["region"]
    if BusinessCase.objects.filter(name__in=[r[0] for r in rows]).exists():
        ctx.log("hubs: kalkylerna finns redan")
        return
    premises = {p.name: p for p in PremisesCandidate.objects.filter(name__in=[r[2] for r in rows])}
    price = selectors.reference_price_per_desk_day()
    cases = []
    for name, code, premises_name, desks, rent, other, n_days, stated, notes in rows:
        case = BusinessCase(
            name=name,
            municipality_id=code,
            premises=premises.get(premises_name) if premises_name else None,
            desks=desks,
            monthly_rent=Decimal(rent),
            other_yearly_costs=Decimal(other),
            open_days_per_year=230,
            days_per_week=Decimal(n_days),
            use_stated_days=stated,
            reference_price_per_desk_day=price,
            notes=notes,
            created_by=ctx.users.get("planner"),
        )
        case.full_clean()
        cases.append(case)
    BusinessCase.objects.bulk_create(cases)
    ctx.log(f"hubs: {len(cases)} kalkyler för nya hubbar")


# ---------------------------------------------------------------------------------------
# National scale

NATIONAL_NOTE = "Demodata i nationell skala."
# (name suffix, kind, operator type, weight)
NATIONAL_KINDS = (
    ("arbetshubb", K.COWORKING, O.NON_PROFIT, 20),
    ("coworking", K.COWORKING, O.COMPANY, 25),
    ("kontorshotell", K.COWORKING, O.COMPANY, 10),
    ("kommunhus – arbetsplatser", K.TOWN_HALL, O.MUNICIPALITY, 15),
    ("näringslivshubb", K.BUSINESS_OFFICE, O.MUNICIPALITY, 8),
    ("hälsocentral – arbetsplatser", K.HEALTH_CENTRE, O.REGION, 15),
    ("regionens arbetsplatser", K.REGION_PREMISES, O.REGION, 5),
    ("myndighetshubb", K.AGENCY_HUB, O.STATE_AGENCY, 2),
)


def seed_national(ctx) -> None:
    """Hubs in every kommun up to ``ctx.sizes["hubs"]``, each with 24 months of use (once)."""
    if Hub.objects.filter(notes=NATIONAL_NOTE).exists():
        ctx.log("hubs: nationella hubbar finns redan")
        return
    rng = ctx.rng("hubs:national")
    kommuner = national_geography()
    total = ctx.sizes["hubs"] - Hub.objects.count()
    # Every kommun gets one when there are enough; the rest follow population, damped,
    # since small kommuner need a hub more than their size alone says.
    base = 1 if total >= len(kommuner) else 0
    counts = [
        base + n for n in split(total - base * len(kommuner), [k.weight**0.6 for k in kommuner])
    ]
    orgs = dict(Organisation.objects.values_list("name", "pk"))
    towns = localities()
    today = timezone.localdate()
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    months = _months_back(last_month, MONTHS_OF_USE)
    ids = iter(reserve_ids(Hub, sum(counts)))
    hubs, changes, uses = [], [], []
    suffixes = [k[:3] for k in NATIONAL_KINDS]
    weights = [k[3] for k in NATIONAL_KINDS]
    for kommun, n in zip(kommuner, counts, strict=True):
        places = towns.get(kommun.code) or [
            {"name": kommun.name, "lat": kommun.lat, "lon": kommun.lon, "population": 0}
        ]
        names: set[str] = set()
        for i in range(n):
            town = places[i % len(places)] if i < 3 * len(places) else rng.choice(places)
            suffix, kind, operator_type = rng.choices(suffixes, weights)[0]
            name = f"{town['name']} {suffix}"
            serial = 2
            while name in names:
                name, serial = f"{town['name']} {suffix} {serial}", serial + 1
            names.add(name)
            operator = {
                O.MUNICIPALITY: orgs.get(kommun.official_name),
                O.REGION: orgs.get(REGION_BY_COUNTY[kommun.county]),
            }.get(operator_type)
            desks = max(
                3, min(60, round(rng.lognormvariate(math.log(6 + town["population"] ** 0.25), 0.4)))
            )
            members = round(desks * rng.uniform(0.4, 1.4))
            since = dt.date.fromordinal(
                rng.randint(dt.date(2015, 1, 1).toordinal(), months[0].toordinal() - 30)
            )
            pk = next(ids)
            hubs.append(
                (
                    pk,
                    name,
                    kind,
                    kommun.code,
                    f"{town['name']}vägen {rng.randint(1, 60)}",
                    round(min(69.0, max(55.1, town["lat"] + rng.uniform(-0.01, 0.01))), 5),
                    round(min(24.1, max(11.0, town["lon"] + rng.uniform(-0.02, 0.02))), 5),
                    operator,
                    operator_type,
                    Hub.Status.OPEN,
                    since,
                    desks,
                    rng.randint(0, 3),
                    rng.random() < 0.7,
                    kind in (K.HEALTH_CENTRE, K.REGION_PREMISES, K.TOWN_HALL) or rng.random() < 0.3,
                    rng.random() < 0.8,
                    "vardagar 7–18" if kind == K.COWORKING else "vardagar 8–16.30",
                    rng.randrange(400, 3200, 50),
                    f"hubb.{kommun.code}@example.invalid",
                    NATIONAL_NOTE,
                )
            )
            changes.append((pk, Hub.Status.OPEN, since))
            uses += _national_use(rng, pk, operator_type, desks, members, since, months)
    copy_rows(
        Hub,
        (
            "id", "name", "kind", "municipality_id", "address", "latitude", "longitude",
            "operator_id", "operator_type", "status", "status_since", "desks", "meeting_rooms",
            "video_room", "confidential_room", "step_free", "opening_hours",
            "cost_per_desk_month", "contact", "notes",
        ),
        hubs,
    )  # fmt: skip
    copy_rows(HubStatusChange, ("hub_id", "status", "date"), changes)
    copy_rows(
        HubMonthlyUse,
        (
            "hub_id", "month", "members_region", "members_municipality", "members_state_agency",
            "members_company", "members_other", "desks", "open_days", "desk_days_used",
        ),
        uses,
    )  # fmt: skip
    ctx.log(f"hubs: {len(hubs):,} nationella hubbar, {len(uses):,} månader användning")


def _national_use(rng, pk, operator_type, desks, members, since, months) -> list[tuple]:
    """24 months of use: established hubs, a summer dip, noise, some growth over time."""
    rows = []
    shares = MIX[operator_type]
    for i, month in enumerate(months):
        age = (month.year - since.year) * 12 + month.month - since.month
        ramp = min(1.0, 0.35 + age / 10)
        season = 0.45 if month.month == 7 else 0.8 if month.month in (6, 8, 12) else 1.0
        n = max(0, round(members * ramp * season * (0.9 + i / 120) * rng.uniform(0.85, 1.15)))
        split_ = [int(n * s) for s in shares]
        split_[0] += n - sum(split_)
        open_days = _weekdays(month.year, month.month) - (10 if month.month == 7 else 0)
        used = min(desks * open_days, round(n * rng.uniform(3.0, 7.0)))
        rows.append((pk, month, *split_, desks, open_days, used))
    return rows
