"""Demo data: ~4,000 employees of the region and ~600 distance-work agreements, 2021–2026.

Home kommuner follow the documents: most staff live in Östersund or Krokom (seed
000: a survey of home addresses, and CERO 2017, 64 % of commuters). Workplaces are
mostly in Östersund (hospital, Regionens hus), with hälsocentraler around the
region. Agreements run one to three years, some renewed, some ended early, most
followed up yearly and some overdue. Personnummer are fictitious (the generator
seeded from ctx.rng), never real people's.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.utils import timezone

from hubplan.demo import DEMO_PASSWORD
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
        return
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
