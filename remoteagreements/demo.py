"""Demo data: ~4,000 employees of the region and ~600 distance-work agreements, 2021–2026.

Home kommuner follow the documents: most staff live in Östersund or Krokom (seed
000: a survey of home addresses, and CERO 2017, 64 % of commuters). Workplaces are
mostly in Östersund (hospital, Regionens hus), with hälsocentraler around the
region. Agreements run one to three years, some renewed, some ended early, most
followed up yearly and some overdue. Personnummer are fictitious (the generator
seeded from ctx.rng), never real people's.

At national scale (``seed_demo --scale national``) every region of Sweden gets staff
in proportion to its county's population, up to ``ctx.sizes["employees"]`` employees
and ``ctx.sizes["agreements"]`` agreements in all, written with COPY.
"""

from __future__ import annotations

import itertools
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from types import SimpleNamespace

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.utils import timezone

from hubplan.demo import DEMO_PASSWORD, copy_rows, reserve_ids
from mapping.demo import REGION_BY_COUNTY, at_least_once, counties, split
from mapping.models import Organisation
from remoteagreements import personnummer as pnr
from remoteagreements.models import DistanceAgreement, Employee, EquipmentItem, FollowUp
from remoteagreements.services import one_year_after

N_EMPLOYEES = 4000
N_MANAGERS = 30
TARGET_AGREEMENTS = 600
FIRST_START = date(2021, 1, 1)

# Home kommun weights for staff at the Östersund workplaces. With hälsocentral staff, who
# mostly live where they work, Östersund + Krokom come to about 64 % of all employees.
HOME_WEIGHTS = {
    "2380": 62,  # Östersund
    "2309": 17,  # Krokom
    "2321": 5,  # Åre
    "2361": 3,  # Härjedalen
    "2313": 3,  # Strömsund
    "2326": 3,  # Berg
    "2305": 3,  # Bräcke
    "2303": 2,  # Ragunda
    "2281": 1,  # Sundsvall
    "2260": 1,  # Ånge
}
# (workplace, kommun, administration, units, weight)
HS = "Hälso- och sjukvårdsförvaltningen"
STAB = "Regionstaben"
RU = "Regional utvecklingsförvaltning"
WORKPLACES = [
    (
        "Östersunds sjukhus",
        "2380",
        HS,
        (
            "Medicinsk sekreterare",
            "Vårdadministration",
            "Patientsäkerhet",
            "Röntgen",
            "Laboratoriemedicin",
        ),
        40,
    ),
    (
        "Regionens hus",
        "2380",
        STAB,
        ("Ekonomi", "HR", "Lön", "IT", "Kommunikation", "Upphandling"),
        22,
    ),
    (
        "Regional utveckling, Östersund",
        "2380",
        RU,
        ("Kollektivtrafik", "Kultur", "Näringsliv", "Folkhälsa"),
        10,
    ),
    ("Hälsocentralen i Krokom", "2309", HS, ("Primärvård",), 4),
    ("Hälsocentralen i Järpen", "2321", HS, ("Primärvård",), 4),
    ("Hälsocentralen i Sveg", "2361", HS, ("Primärvård",), 4),
    ("Hälsocentralen i Strömsund", "2313", HS, ("Primärvård",), 4),
    ("Hälsocentralen i Svenstavik", "2326", HS, ("Primärvård",), 4),
    ("Hälsocentralen i Bräcke", "2305", HS, ("Primärvård",), 4),
    ("Hälsocentralen i Hammarstrand", "2303", HS, ("Primärvård",), 4),
]
FIRST_NAMES = (
    "Anna",
    "Eva",
    "Maria",
    "Karin",
    "Sara",
    "Emma",
    "Linnea",
    "Elin",
    "Ida",
    "Johanna",
    "Lars",
    "Erik",
    "Anders",
    "Johan",
    "Per",
    "Nils",
    "Karl",
    "Mikael",
    "Jonas",
    "Olof",
    "Ingrid",
    "Kerstin",
    "Malin",
    "Frida",
    "Hanna",
    "Jon",
    "Magnus",
    "Henrik",
    "Gustav",
    "Petter",
)
LAST_NAMES = (
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Jonsson",
    "Berg",
    "Lundqvist",
    "Ström",
    "Sundin",
    "Hallberg",
    "Näslund",
    "Östlund",
    "Edlund",
    "Holm",
    "Wikström",
    "Sjödin",
    "Forsberg",
    "Englund",
    "Hedlund",
)
EQUIPMENT = ("Bärbar dator", "Skärm", "Dockningsstation", "Headset", "Mobiltelefon")
TASKS = {
    HS: ("Journalskrivning och diktat", "Remisshantering", "Patientadministration och kallelser"),
    STAB: (
        "Budgetuppföljning och bokslut",
        "Löneadministration",
        "Upphandling och avtalsuppföljning",
        "IT-support på distans",
    ),
    RU: ("Handläggning av projektstöd", "Trafikplanering", "Utredningar och rapporter"),
}


def seed(ctx) -> None:
    if Employee.objects.exists():
        ctx.log("remoteagreements: demodata finns redan")
    else:
        _seed_region(ctx)
    if ctx.national:
        seed_national(ctx)


def _seed_region(ctx) -> None:
    rng = ctx.rng("remoteagreements")
    today = timezone.localdate()
    managers = _managers(ctx)
    orgs = {o.name: o for o in Organisation.objects.filter(name__in=[HS, STAB, RU])}
    employees = _employees(rng, managers, orgs)
    agreements = _agreements(rng, employees, today)
    ctx.log(
        f"remoteagreements: {len(employees)} medarbetare, {len(managers)} chefer, "
        f"{agreements} avtal"
    )


def _managers(ctx) -> list[User]:
    """chef01…chef30, all with the demo password (hashed once: hashing is slow)."""
    hashed = make_password(DEMO_PASSWORD)
    names = [f"chef{i:02d}" for i in range(1, N_MANAGERS + 1)]
    User.objects.bulk_create(
        [
            User(
                username=name,
                first_name=FIRST_NAMES[i % len(FIRST_NAMES)],
                last_name=f"Chef {LAST_NAMES[i % len(LAST_NAMES)]}",
                email=f"{name}@example.invalid",
                password=hashed,
            )
            for i, name in enumerate(names)
        ],
        ignore_conflicts=True,
    )
    managers = list(User.objects.filter(username__in=names).order_by("username"))
    ctx.users.update({u.username: u for u in managers})
    return managers


def _employees(rng, managers, orgs) -> list[Employee]:
    homes = list(HOME_WEIGHTS)
    home_weights = list(HOME_WEIGHTS.values())
    weights = [w[-1] for w in WORKPLACES]
    # Each unit has one or two managers, so a manager's staff sits together.
    unit_managers: dict[tuple[str, str], User] = {}
    seen: set[str] = set()
    employees = []
    for _ in range(N_EMPLOYEES):
        place, place_code, adm, units, _w = rng.choices(WORKPLACES, weights)[0]
        unit = rng.choice(units)
        key = (place, unit)
        if key not in unit_managers:
            unit_managers[key] = managers[len(unit_managers) % len(managers)]
        # Staff at a hälsocentral mostly live in its kommun; Östersund's come from all over.
        home = (
            place_code
            if place_code != "2380" and rng.random() < 0.8
            else rng.choices(homes, home_weights)[0]
        )
        number = pnr.fictitious(rng)
        while number in seen:
            number = pnr.fictitious(rng)
        seen.add(number)
        employees.append(
            Employee(
                name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                personnummer=number,
                administration=orgs[adm],
                unit=unit,
                workplace=place,
                workplace_municipality_id=place_code,
                home_municipality_id=home,
                manager=unit_managers[key],
            )
        )
    return Employee.objects.bulk_create(employees, batch_size=1000)


def _open_hubs() -> list:
    from hubs.models import Hub

    return list(
        Hub.objects.filter(status=Hub.Status.OPEN).only(
            "pk", "municipality_id", "confidential_room"
        )
    )


def _aware(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _agreements(rng, employees, today: date) -> int:
    """Chains of agreements per employee, generation by generation (renewals link back)."""
    hubs = _open_hubs()
    # Commuters and office staff are likelier to have distance work.
    candidates = [
        e
        for e in employees
        if e.home_municipality_id != e.workplace_municipality_id or e.administration.name != HS
    ]
    rng.shuffle(candidates)
    total = 0
    current: list[tuple[Employee, DistanceAgreement | None, date]] = []
    for e in candidates[:470]:
        start = date.fromordinal(
            rng.randint(FIRST_START.toordinal(), (today + timedelta(days=40)).toordinal())
        )
        current.append((e, None, start))
    equipment: list[EquipmentItem] = []
    follow_ups: list[FollowUp] = []
    inventory = 10000
    while current and total < TARGET_AGREEMENTS:
        batch = []
        for e, previous, start in current[: TARGET_AGREEMENTS - total]:
            batch.append(_agreement(rng, e, previous, start, today, hubs))
        held = [_follow_up_dates(rng, a, today) for a in batch]
        created = DistanceAgreement.objects.bulk_create(batch)
        total += len(created)
        nxt = []
        for a, dates in zip(created, held, strict=True):
            for _ in range(rng.randint(1, 3)):
                inventory += 1
                equipment.append(
                    EquipmentItem(
                        agreement=a,
                        item=rng.choice(EQUIPMENT),
                        inventory_number=f"INV-{inventory:06d}",
                        marking=f"RJH-{inventory:06d}",
                        provided_by="region",
                    )
                )
            follow_ups += [
                FollowUp(
                    agreement=a,
                    held_on=d,
                    outcome=FollowUp.Outcome.CONTINUE,
                    notes="Fungerar väl; fortsätter enligt avtalet.",
                    recorded_by=a.employee.manager,
                )
                for d in dates
            ]
            if (
                a.status == DistanceAgreement.Status.ENDED
                and a.end_reason == "expiry"
                and rng.random() < 0.6
            ):
                nxt.append((a.employee, a, a.end_date + timedelta(days=1)))
        current = nxt
    EquipmentItem.objects.bulk_create(equipment, batch_size=1000)
    FollowUp.objects.bulk_create(follow_ups, batch_size=1000)
    return total


def _agreement(rng, e: Employee, previous, start: date, today: date, hubs) -> DistanceAgreement:
    Status = DistanceAgreement.Status
    Place = DistanceAgreement.Place
    years = rng.choices((1, 2, 3), (50, 30, 20))[0]
    end = one_year_after(start) - timedelta(days=1)
    for _ in range(years - 1):
        end = one_year_after(end)
    confidential = e.administration.name == HS and rng.random() < 0.5
    roll = rng.random()
    hub = None
    if roll < 0.3:
        place, reason = Place.REGION_WORKPLACE, ""
    elif roll < 0.45 and hubs:
        local = [h for h in hubs if h.municipality_id == e.home_municipality_id] or hubs
        if confidential:
            local = [h for h in local if h.confidential_room]
        if local:
            hub = rng.choice(local)
            place, reason = Place.HUB, "Ingen av regionens arbetsplatser finns på hemorten."
        else:
            place, reason = Place.HOME, "Ingen hubb med avskilt rum på hemorten."
    else:
        place, reason = (
            Place.HOME,
            "Lång pendlingsväg; regionens arbetsplatser och hubbar saknas nära hemmet.",
        )
    flagged = rng.random() < 0.04
    a = DistanceAgreement(
        employee=e,
        renewed_from=previous,
        start_date=start,
        end_date=end,
        extent_unit="days" if rng.random() < 0.8 else "percent",
        working_hours="Dagtid 08–17 enligt flextidsavtalet.",
        availability="Nås på telefon och Teams under kärntid 09–15.",
        absence_routines="Sjukanmälan och ledighet som vanligt till närmaste chef.",
        meeting_attendance="Deltar i APT och enhetsmöten på ordinarie arbetsplats.",
        days_at_workplace=Decimal("0.5") if flagged else Decimal(rng.choice((1, 1, 2, 2, 3))),
        fewer_days_reason="Arbetsplatsen ligger långt från hemmet; APT deltas i på plats."
        if flagged
        else "",
        tasks=rng.choice(TASKS[e.administration.name]),
        results_follow_up="Avstämning med chefen varannan vecka.",
        connection="Regionens VPN via bredband eller mobilt nät.",
        notice_period_months=rng.choice((1, 1, 2, 3)),
        place_kind=place,
        place_description=e.workplace if place == Place.REGION_WORKPLACE else "",
        hub=hub,
        place_reason=reason,
        handles_confidential=confidential,
        conf_separate_room=confidential,
        conf_screen_shielded=confidential,
        conf_no_unauthorised_access=confidential,
        region_provides_computer=True,
        home_insurance=place == Place.HOME and rng.random() < 0.9,
        aml_access_acknowledged=place == Place.HOME,
    )
    a.extent_value = (
        Decimal(5) - a.days_at_workplace
        if a.extent_unit == "days"
        else Decimal(rng.choice((20, 40, 60, 80)))
    )
    if a.extent_value <= 0:
        a.extent_value = Decimal(1)
    a.next_follow_up_due = one_year_after(start)
    if start > today and rng.random() < 0.5:
        a.status = rng.choice((Status.DRAFT, Status.AWAITING_EMPLOYEE))
        return a
    signed = start - timedelta(days=rng.randint(3, 20))
    a.employee_signed_at = _aware(signed, 10)
    a.employee_signature_method = "paper"
    a.manager_signed_at = _aware(signed + timedelta(days=rng.randint(0, 3)), 14)
    a.manager_signed_by = e.manager
    a.status = Status.ACTIVE
    if end < today:
        a.status, a.ended_on, a.end_reason = Status.ENDED, end, DistanceAgreement.EndReason.EXPIRY
    elif start < today and rng.random() < 0.06:
        a.status = Status.ENDED
        a.ended_on = date.fromordinal(rng.randint(start.toordinal(), today.toordinal()))
        a.end_reason = rng.choice(
            (DistanceAgreement.EndReason.NOTICE, DistanceAgreement.EndReason.TERMINATION)
        )
        a.end_note = "Avslutat på medarbetarens begäran."
    return a


def _follow_up_dates(rng, a: DistanceAgreement, today: date) -> list[date]:
    """Follow-ups near each passed anniversary, mostly held; a skipped latest one is overdue.

    Sets ``next_follow_up_due`` on the unsaved agreement to match.
    """
    if a.status not in (DistanceAgreement.Status.ACTIVE, DistanceAgreement.Status.ENDED):
        return []
    last_day = a.ended_on or a.end_date
    held = []
    due = one_year_after(a.start_date)
    while due <= min(today, last_day) and rng.random() < 0.85:
        day = due - timedelta(days=rng.randint(0, 30))
        held.append(day)
        due = one_year_after(day)
    a.next_follow_up_due = due
    return held


# ---------------------------------------------------------------------------------------
# National scale

HS_UNITS = WORKPLACES[0][3]
STAB_UNITS = WORKPLACES[1][3]
RU_UNITS = WORKPLACES[2][3]
BRANCHES = (HS, STAB, RU)
STAFF_PER_MANAGER = 100


def _national_workplaces(kommuner) -> list[tuple[str, str, int, tuple[str, ...], float]]:
    """(workplace, kommun code, branch, units, weight) for one county: a hospital and the
    region's offices in its largest kommun, a second hospital in the next, and a
    hälsocentral in every kommun in proportion to its people."""
    ranked = sorted(kommuner, key=lambda k: -k.weight)
    first = ranked[0]
    town = first.name
    places = [
        (f"Sjukhuset i {town}", first.code, 0, HS_UNITS, 35.0),
        (f"Regionens hus, {town}", first.code, 1, STAB_UNITS, 12.0),
        (f"Regional utveckling, {town}", first.code, 2, RU_UNITS, 5.0),
    ]
    if len(ranked) > 1:
        places.append((f"Sjukhuset i {ranked[1].name}", ranked[1].code, 0, HS_UNITS, 10.0))
    whole = sum(k.weight for k in kommuner)
    places += [
        (f"Hälsocentralen i {k.name}", k.code, 0, ("Primärvård",), 38.0 * k.weight / whole)
        for k in kommuner
    ]
    return places


def seed_national(ctx) -> None:
    """Staff of all 21 regions, their managers and distance-work agreements (once)."""
    if User.objects.filter(username__startswith="chef-", managed_employees__isnull=False).exists():
        ctx.log("remoteagreements: nationella medarbetare finns redan")
        return
    rng = ctx.rng("remoteagreements:national")
    today = timezone.localdate()
    geo = counties()
    codes = list(geo)
    total = ctx.sizes["employees"] - Employee.objects.count()
    per_county = split(total, [sum(k.weight for k in geo[c]) for c in codes])
    orgs = dict(
        Organisation.objects.filter(name__in=REGION_BY_COUNTY.values()).values_list("name", "pk")
    )
    managers = _national_managers(codes, per_county)
    seen = set(Employee.objects.values_list("personnummer", flat=True))
    ids = iter(reserve_ids(Employee, total))
    # What the agreements need of each employee, kept instead of reading them back.
    staff: list[tuple[int, str, str, int, int, str]] = []

    def rows():
        for county, n in zip(codes, per_county, strict=True):
            kommuner = geo[county]
            places = _national_workplaces(kommuner)
            central_codes = {p[1] for p in places[:3]}
            chosen = at_least_once(rng, places, list(itertools.accumulate(p[4] for p in places)), n)
            homes = rng.choices(
                kommuner, cum_weights=list(itertools.accumulate(k.weight for k in kommuner)), k=n
            )
            pool = managers[county]
            unit_managers: dict[tuple[str, str], int] = {}
            administration = orgs[REGION_BY_COUNTY[county]]
            for (place, place_code, branch, units, _w), home in zip(chosen, homes, strict=True):
                unit = units[rng.randrange(len(units))]
                manager = unit_managers.setdefault(
                    (place, unit), pool[len(unit_managers) % len(pool)]
                )
                # Hospital and office staff come from all over the county; hälsocentral
                # staff mostly live where they work.
                home_code = (
                    home.code if place_code in central_codes or rng.random() >= 0.8 else place_code
                )
                number = pnr.fictitious(rng)
                while number in seen:
                    number = pnr.fictitious(rng)
                seen.add(number)
                pk = next(ids)
                staff.append((pk, home_code, place_code, branch, manager, place))
                yield (
                    pk,
                    f"{FIRST_NAMES[rng.randrange(len(FIRST_NAMES))]} "
                    f"{LAST_NAMES[rng.randrange(len(LAST_NAMES))]}",
                    number,
                    administration,
                    unit,
                    place,
                    place_code,
                    home_code,
                    manager,
                )

    n_employees = copy_rows(
        Employee,
        (
            "id",
            "name",
            "personnummer",
            "administration_id",
            "unit",
            "workplace",
            "workplace_municipality_id",
            "home_municipality_id",
            "manager_id",
        ),
        rows(),
    )
    n_agreements, n_follow_ups, n_equipment = _national_agreements(ctx, rng, staff, today)
    ctx.log(
        f"remoteagreements: {n_employees:,} nationella medarbetare, "
        f"{sum(len(p) for p in managers.values())} chefer, {n_agreements:,} avtal, "
        f"{n_follow_ups:,} uppföljningar, {n_equipment:,} utrustningar"
    )


def _national_managers(codes, per_county) -> dict[str, list[int]]:
    """chef-<län>-<nnn>, one per hundred staff, with the demo password (hashed once)."""
    hashed = make_password(DEMO_PASSWORD)
    names = {
        county: [f"chef-{county}-{i:03d}" for i in range(1, max(1, n // STAFF_PER_MANAGER) + 1)]
        for county, n in zip(codes, per_county, strict=True)
    }
    User.objects.bulk_create(
        [
            User(
                username=name,
                first_name=FIRST_NAMES[i % len(FIRST_NAMES)],
                last_name=f"Chef {LAST_NAMES[i % len(LAST_NAMES)]}",
                email=f"{name}@example.invalid",
                password=hashed,
            )
            for county_names in names.values()
            for i, name in enumerate(county_names)
        ],
        batch_size=2000,
        ignore_conflicts=True,
    )
    ids = dict(User.objects.filter(username__startswith="chef-").values_list("username", "pk"))
    return {county: [ids[n] for n in county_names] for county, county_names in names.items()}


def _national_hubs() -> dict[str, list[tuple[int, bool]]]:
    from hubs.models import Hub

    out: dict[str, list[tuple[int, bool]]] = {}
    for pk, code, confidential in Hub.objects.filter(status=Hub.Status.OPEN).values_list(
        "pk", "municipality_id", "confidential_room"
    ):
        out.setdefault(code, []).append((pk, confidential))
    return out


AGREEMENT_COLUMNS = (
    "id",
    "employee_id",
    "status",
    "start_date",
    "end_date",
    "extent_unit",
    "extent_value",
    "working_hours",
    "availability",
    "absence_routines",
    "meeting_attendance",
    "days_at_workplace",
    "fewer_days_reason",
    "tasks",
    "results_follow_up",
    "connection",
    "notice_period_months",
    "next_follow_up_due",
    "place_kind",
    "place_description",
    "hub_id",
    "place_reason",
    "handles_confidential",
    "conf_separate_room",
    "conf_screen_shielded",
    "conf_no_unauthorised_access",
    "region_provides_computer",
    "home_insurance",
    "aml_access_acknowledged",
    "employee_signed_at",
    "employee_signature_method",
    "manager_signed_at",
    "manager_signed_by_id",
    "ended_on",
    "end_reason",
    "end_note",
)


def _national_agreements(ctx, rng, staff, today: date) -> tuple[int, int, int]:
    """One agreement each for some of the national staff, commuters three times as likely;
    started in the last three years, so most are running."""
    target = min(len(staff), ctx.sizes["agreements"] - DistanceAgreement.objects.count())
    if target <= 0:
        return 0, 0, 0
    # Weighted sampling without replacement: the largest random()**(1/w) win.
    keyed = sorted(
        staff,
        key=lambda s: rng.random() ** (1 / 3 if s[1] != s[2] else 1),
        reverse=True,
    )
    picked = sorted(keyed[:target])  # in employee order, so ids follow the staff
    hubs = _national_hubs()
    ids = iter(reserve_ids(DistanceAgreement, target))
    follow_ups: list[tuple] = []
    equipment: list[tuple] = []
    inventory = itertools.count(1)
    Status, Place = DistanceAgreement.Status, DistanceAgreement.Place
    first = today - timedelta(days=3 * 365)

    def rows():
        for employee, home, _work, branch, manager, place in picked:
            pk = next(ids)
            start = date.fromordinal(
                rng.randint(first.toordinal(), (today + timedelta(days=40)).toordinal())
            )
            end = one_year_after(start) - timedelta(days=1)
            for _ in range(rng.choices((1, 2, 3), (50, 30, 20))[0] - 1):
                end = one_year_after(end)
            confidential = branch == 0 and rng.random() < 0.5
            roll = rng.random()
            hub = None
            if roll < 0.3:
                place_kind, reason = Place.REGION_WORKPLACE, ""
            elif roll < 0.45 and hubs.get(home):
                local = [h for h, conf in hubs[home] if conf or not confidential]
                if local:
                    hub = local[rng.randrange(len(local))]
                    place_kind = Place.HUB
                    reason = "Ingen av regionens arbetsplatser finns på hemorten."
                else:
                    place_kind, reason = Place.HOME, "Ingen hubb med avskilt rum på hemorten."
            else:
                place_kind = Place.HOME
                reason = "Lång pendlingsväg; regionens arbetsplatser och hubbar saknas nära hemmet."
            flagged = rng.random() < 0.04
            days_at = Decimal("0.5") if flagged else Decimal(rng.choice((1, 1, 2, 2, 3)))
            unit = "days" if rng.random() < 0.8 else "percent"
            extent = 5 - days_at if unit == "days" else Decimal(rng.choice((20, 40, 60, 80)))
            a = SimpleNamespace(status=Status.ACTIVE, start_date=start, end_date=end, ended_on=None)
            signed = employee_signed = manager_signed = None
            end_reason, end_note = "", ""
            if start > today and rng.random() < 0.5:
                a.status = rng.choice((Status.DRAFT, Status.AWAITING_EMPLOYEE))
            else:
                signed = start - timedelta(days=rng.randint(3, 20))
                employee_signed = _aware(signed, 10)
                manager_signed = _aware(signed + timedelta(days=rng.randint(0, 3)), 14)
                if end < today:
                    a.status, a.ended_on = Status.ENDED, end
                    end_reason = DistanceAgreement.EndReason.EXPIRY
                elif start < today and rng.random() < 0.06:
                    a.status = Status.ENDED
                    a.ended_on = date.fromordinal(rng.randint(start.toordinal(), today.toordinal()))
                    end_reason = rng.choice(
                        (
                            DistanceAgreement.EndReason.NOTICE,
                            DistanceAgreement.EndReason.TERMINATION,
                        )
                    )
                    end_note = "Avslutat på medarbetarens begäran."
            a.next_follow_up_due = one_year_after(start)
            for held in _follow_up_dates(rng, a, today):
                follow_ups.append(
                    (
                        pk,
                        held,
                        FollowUp.Outcome.CONTINUE,
                        "Fungerar väl; fortsätter enligt avtalet.",
                        manager,
                    )
                )
            for _ in range(rng.randint(1, 3)):
                n = next(inventory)
                equipment.append(
                    (
                        pk,
                        EQUIPMENT[rng.randrange(len(EQUIPMENT))],
                        f"INV-N{n:07d}",
                        f"REG-{n:07d}",
                        "region",
                    )
                )
            yield (
                pk,
                employee,
                a.status,
                start,
                end,
                unit,
                extent,
                "Dagtid 08–17 enligt flextidsavtalet.",
                "Nås på telefon och Teams under kärntid 09–15.",
                "Sjukanmälan och ledighet som vanligt till närmaste chef.",
                "Deltar i APT och enhetsmöten på ordinarie arbetsplats.",
                days_at,
                "Arbetsplatsen ligger långt från hemmet; APT deltas i på plats." if flagged else "",
                rng.choice(TASKS[BRANCHES[branch]]),
                "Avstämning med chefen varannan vecka.",
                "Regionens VPN via bredband eller mobilt nät.",
                rng.choice((1, 1, 2, 3)),
                a.next_follow_up_due,
                place_kind,
                place if place_kind == Place.REGION_WORKPLACE else "",
                hub,
                reason,
                confidential,
                confidential,
                confidential,
                confidential,
                True,
                place_kind == Place.HOME and rng.random() < 0.9,
                place_kind == Place.HOME,
                employee_signed,
                "paper" if signed else "",
                manager_signed,
                manager if signed else None,
                a.ended_on,
                end_reason,
                end_note,
            )

    n = copy_rows(DistanceAgreement, AGREEMENT_COLUMNS, rows())
    copy_rows(
        FollowUp, ("agreement_id", "held_on", "outcome", "notes", "recorded_by_id"), follow_ups
    )
    copy_rows(
        EquipmentItem,
        ("agreement_id", "item", "inventory_number", "marking", "provided_by"),
        equipment,
    )
    return n, len(follow_ups), len(equipment)
