"""Demo data: the action plan's activities as the region's documents describe them.

Built from the 2021 plan (RS/305/2021): the manager training in Remote Lab's
name from 12 April 2021, the Master Class Remote Strategist for three staff, the
week-16 staff survey, applying to and joining Myndighetsnätverket, dialogue with
every kommun on hub locations, each mapping of insatsområde 4 and the first hubs;
and the 2020 commitments (measure distance work, office options in every kommun).
Budgets and reports are invented but plausible. Reports stop at ``REPORTED_UNTIL``
so the data are the same whenever they are seeded; activities past their end date
and not finished then show as overdue.

At national scale (``seed_demo --scale national``) every region gets activities of the
same kinds for its own kommuner, up to ``ctx.sizes["activities"]`` in all.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from actionplan.models import Activity, Area, ProgressReport, RelocationAssessment, Strategy
from hubs.models import Hub
from mapping.demo import REGION_BY_COUNTY, counties, split
from mapping.models import Municipality, Organisation, SurveyRound

REPORTED_UNTIL = date(2026, 10, 31)
S = Activity.Status

REMOTE_LAB = "Gomorron Östersund / Remote Lab"
STAFF = "Regionstaben"
DEVELOPMENT = "Regional utvecklingsförvaltning"
HEALTH = "Hälso- och sjukvårdsförvaltningen"
LANSSTYRELSEN = "Länsstyrelsen Jämtlands län"

# (area, strategy, title, description, start, end, budget, final status, final progress,
#  responsible organisation, responsible unit, partner names)
ACTIVITIES = [
    (
        1,
        None,
        "Upprätta handlingsplan med aktivitets- och tidsplan och budget",
        "Första steget i planen: en detaljerad aktivitets- och tidsplan med tillhörande budget, "
        "byggd på fördjupade kunskaper och analyser.",
        date(2021, 5, 3),
        date(2021, 12, 17),
        120000,
        S.DONE,
        100,
        STAFF,
        "Regionstabens utvecklingsenhet",
        [REMOTE_LAB],
    ),
    (
        1,
        2,
        "Distansarbete i rekryteringsannonser och intervjuer",
        "Strategi 2 (2017): där distansarbete är möjligt ska det framgå redan i annonsen och "
        "tas upp i anställningsintervjun.",
        date(2021, 9, 1),
        date(2022, 6, 30),
        60000,
        S.DONE,
        100,
        STAFF,
        "HR-avdelningen",
        [],
    ),
    (
        1,
        4,
        "Etablera kontorsmöjligheter och de första regionala arbetshubbarna",
        "Åtagandet från 2020: kontorsmöjligheter ska etableras i varje kommun. De första hubbarna "
        "öppnas i samverkan med kommunerna och näringslivet.",
        date(2023, 1, 9),
        date(2026, 12, 18),
        1800000,
        S.ONGOING,
        55,
        DEVELOPMENT,
        "",
        ["__kommuner__", REMOTE_LAB],
    ),
    (
        1,
        None,
        "Årlig uppföljning av handlingsplanen i regionstyrelsen",
        "Handlingsplanen följs upp av regionstyrelsen en gång per år.",
        date(2022, 1, 10),
        date(2026, 12, 31),
        50000,
        S.ONGOING,
        80,
        STAFF,
        "",
        [],
    ),
    (
        1,
        None,
        "Utvärdering och revidering av planen",
        "Utvärdering av planperioden 2021–2026 och förslag till reviderad plan.",
        date(2026, 11, 2),
        date(2026, 12, 31),
        90000,
        S.NOT_STARTED,
        0,
        STAFF,
        "",
        [REMOTE_LAB],
    ),
    (
        2,
        1,
        "Chefsutbildning: Effektiva Virtuella Team och Ledarskap på distans",
        "Samtliga chefer erbjuds utbildning i ”Effektiva Virtuella Team” och ”Ledarskap på "
        "distans” i Remote Labs regi, med start den 12 april 2021.",
        date(2021, 4, 12),
        date(2021, 12, 10),
        420000,
        S.DONE,
        100,
        STAFF,
        "HR-avdelningen",
        [REMOTE_LAB],
    ),
    (
        2,
        1,
        "Master Class Remote Strategist för tre medarbetare",
        "Tre medarbetare deltar i Master Class-utbildningen Remote Strategist i Remote Labs regi.",
        date(2021, 3, 1),
        date(2021, 10, 29),
        135000,
        S.DONE,
        100,
        STAFF,
        "",
        [REMOTE_LAB],
    ),
    (
        2,
        None,
        "Ansöka om deltagande i Myndighetsnätverket",
        "Ansöka och operativt aktivera ett deltagande i Myndighetsnätverket, som Länsstyrelsen "
        "koordinerar och Gomorron Östersund faciliterar.",
        date(2021, 5, 3),
        date(2021, 9, 30),
        15000,
        S.DONE,
        100,
        STAFF,
        "",
        [LANSSTYRELSEN, REMOTE_LAB],
    ),
    (
        2,
        None,
        "Delta operativt i Myndighetsnätverket",
        "Samverkan med tio andra myndigheter i teoretiska och praktiska frågor om hybridarbete "
        "och regionala arbetshubbar.",
        date(2021, 10, 1),
        date(2026, 12, 31),
        300000,
        S.ONGOING,
        75,
        STAFF,
        "",
        ["__network__", REMOTE_LAB],
    ),
    (
        2,
        1,
        "Distansarbetsavtal, IT-säkerhet och lokalkostnader i nätverket",
        "Gemensamt arbete i Myndighetsnätverket om distansarbetsavtal, IT-säkerhet och "
        "lokalkostnader.",
        date(2022, 1, 17),
        date(2023, 12, 15),
        80000,
        S.DONE,
        100,
        STAFF,
        "IT-avdelningen",
        ["__network__"],
    ),
    (
        2,
        4,
        "Förstudie om en gemensam Myndighetshubb",
        "Förutsättningarna för en Myndighetshubb, en ny typ av arbetshubb för myndigheter.",
        date(2022, 9, 1),
        date(2025, 6, 30),
        250000,
        S.PAUSED,
        40,
        STAFF,
        "",
        ["__network__", REMOTE_LAB],
    ),
    (
        3,
        3,
        "Samverkan med kommunernas näringslivskontor om arbetshubbar",
        "Dialog med det kommunala näringslivet och dess företrädare om förutsättningarna för "
        "regionala arbetshubbar.",
        date(2022, 1, 10),
        date(2023, 6, 30),
        140000,
        S.DONE,
        100,
        DEVELOPMENT,
        "Näringslivsenheten",
        ["__kommuner__"],
    ),
    (
        3,
        None,
        "Samordning med Attraktiv Region och A Business Region on the Move",
        "Uppväxling av aktiviteterna i Regionala utvecklingsförvaltningens två projekt för att "
        "skapa kritisk massa för hubbar.",
        date(2022, 3, 1),
        date(2024, 12, 20),
        200000,
        S.ONGOING,
        85,
        DEVELOPMENT,
        "",
        [],
    ),
    (
        3,
        None,
        "Analys av rekryteringsbehov och bosättningsmönster med näringslivet",
        "Kunskapsinhämtning om arbetspendling, rekryteringsbehov, inflyttning och bosättning.",
        date(2022, 6, 1),
        date(2023, 12, 15),
        160000,
        S.DONE,
        100,
        DEVELOPMENT,
        "",
        ["__kommuner__"],
    ),
    (
        4,
        1,
        "Medarbetarenkät vecka 16 2021: digital arbetsmiljö och distansarbete",
        "En enkät som kompletterar den ordinarie medarbetarenkäten, med fokus på den digitala "
        "arbetsmiljön och erfarenheter av distansarbete; därefter analys och aktiviteter.",
        date(2021, 4, 19),
        date(2021, 9, 30),
        70000,
        S.DONE,
        100,
        STAFF,
        "HR-avdelningen",
        [],
    ),
    (
        4,
        1,
        "Mäta och följa upp distansarbetet",
        "Åtagandet från 2020: utvecklingen av distansarbete ska kunna mätas och följas upp.",
        date(2022, 1, 10),
        date(2026, 12, 31),
        180000,
        S.ONGOING,
        70,
        STAFF,
        "HR-avdelningen",
        [],
    ),
]
# Insatsområde 4's mappings, one activity each: (start, end, budget, status, progress, partners).
MAPPING_PLAN = [
    (date(2022, 2, 1), date(2022, 10, 31), 90000, S.DONE, 100, [HEALTH]),
    (date(2022, 9, 1), date(2023, 6, 30), 110000, S.DONE, 100, ["__kommuner__"]),
    (date(2022, 4, 1), date(2023, 3, 31), 120000, S.DONE, 100, [DEVELOPMENT]),
    (date(2023, 1, 9), date(2023, 12, 15), 100000, S.DONE, 100, ["__kommuner__"]),
    (date(2021, 9, 1), date(2022, 3, 31), 60000, S.DONE, 100, [REMOTE_LAB]),
    (date(2022, 4, 1), date(2025, 12, 19), 240000, S.ONGOING, 90, ["__kommuner__"]),
    (date(2023, 3, 1), date(2026, 6, 30), 150000, S.ONGOING, 60, [HEALTH, "__kommuner__"]),
    (date(2024, 1, 15), date(2026, 12, 18), 200000, S.ONGOING, 45, [STAFF]),
]


def _reports(activity: Activity, final_status, final_progress, rng) -> list[ProgressReport]:
    """Quarterly reports from start to end (or REPORTED_UNTIL), reaching the final figures."""
    if final_status == S.NOT_STARTED:
        return []
    last = min(activity.end_date, REPORTED_UNTIL)
    dates, d = [], activity.start_date + timedelta(days=45)
    while d < last:
        dates.append(d)
        d += timedelta(days=91)
    dates.append(last)
    reports = []
    budget = activity.planned_budget
    for i, when in enumerate(dates, start=1):
        share = i / len(dates)
        progress = round(final_progress * share)
        # Costs run a little ahead of or behind the progress, like real projects.
        cost = (budget * Decimal(progress) / 100 * Decimal(rng.uniform(0.85, 1.12))).quantize(
            Decimal("1")
        )
        status = final_status if i == len(dates) else S.ONGOING
        if final_status == S.PAUSED and i == len(dates):
            text = "Arbetet är pausat i väntan på beslut hos de medverkande myndigheterna."
        elif status == S.DONE:
            text = "Aktiviteten är genomförd och redovisad."
        else:
            text = rng.choice(
                [
                    "Arbetet går enligt plan.",
                    "Möten genomförda med berörda parter; underlag sammanställs.",
                    "Något försenat på grund av semesterperioden, åtgärdat.",
                    "Delrapport lämnad till styrgruppen.",
                ]
            )
        reports.append(
            ProgressReport(
                activity=activity,
                date=when,
                text=text,
                status=status,
                progress=progress,
                cost_to_date=cost,
            )
        )
    return reports


def seed(ctx) -> None:
    """Create the plan's demo activities, reports and relocation assessments (once); at
    national scale also every region's activities."""
    if Activity.objects.exists():
        ctx.log("actionplan: demodata finns redan")
    else:
        _seed_region(ctx)
    if ctx.national:
        seed_national(ctx)


def _seed_region(ctx) -> None:
    areas = {a.number: a for a in Area.objects.all()}
    if len(areas) < 4:
        ctx.log("actionplan: insatsområdena saknas, kör load_reference först")
        return
    rng = ctx.rng("actionplan")
    strategies = {s.number: s for s in Strategy.objects.all()}
    orgs = {o.name: o for o in Organisation.objects.all()}
    kommuner = list(Municipality.objects.in_region().order_by("name"))
    kommun_orgs = [orgs[m.official_name] for m in kommuner if m.official_name in orgs]
    network = [o for o in orgs.values() if o.in_agency_network]
    responsible = ctx.users.get("planner")

    def partners_of(names):
        out = []
        for name in names:
            if name == "__kommuner__":
                out += kommun_orgs
            elif name == "__network__":
                out += network
            elif name in orgs:
                out.append(orgs[name])
        return out

    specs = []  # (activity, final status, final progress, partners, kommuner)
    for (area, strategy, title, description, start, end, budget, status, progress,
         org, unit, partner_names) in ACTIVITIES:  # fmt: skip
        specs.append(
            (
                Activity(
                    area=areas[area],
                    strategy=strategies.get(strategy),
                    title=title,
                    description=description,
                    start_date=start,
                    end_date=end,
                    planned_budget=Decimal(budget),
                    responsible=responsible,
                    responsible_organisation=orgs.get(org),
                    responsible_unit=unit,
                ),
                status,
                progress,
                partners_of(partner_names),
                kommuner if "__kommuner__" in partner_names else [],
            )
        )
    for title, (start, end, budget, status, progress, partner_names) in zip(
        areas[4].suggested_activities, MAPPING_PLAN, strict=True
    ):
        specs.append(
            (
                Activity(
                    area=areas[4],
                    strategy=strategies.get(4 if "omlokalisera" in title else 3),
                    title=f"Kartläggning: {title}",
                    description="Kartläggning enligt insatsområde 4 i planen.",
                    start_date=start,
                    end_date=end,
                    planned_budget=Decimal(budget),
                    responsible=responsible,
                    responsible_organisation=orgs.get(DEVELOPMENT),
                ),
                status,
                progress,
                partners_of(partner_names),
                kommuner,
            )
        )
    # Dialogue with every kommun on where hubs could go, staggered over a year.
    for i, m in enumerate(kommuner):
        start = date(2021, 9, 1) + timedelta(days=45 * i)
        end = start + timedelta(days=240)
        overdue = m.code == "2303"  # Ragunda: the dialogue stalled, still open
        specs.append(
            (
                Activity(
                    area=areas[1],
                    strategy=strategies.get(3),
                    title=f"Dialog med {m.official_name} om lokalisering av arbetshubb",
                    description=(
                        "Fördjupad dialog och samverkan med kommunen om var en arbetshubb kan "
                        "förläggas, och om kontorsmöjligheter för regionens medarbetare."
                    ),
                    start_date=start,
                    end_date=end,
                    planned_budget=Decimal(25000),
                    responsible=responsible,
                    responsible_organisation=orgs.get(DEVELOPMENT),
                ),
                S.ONGOING if overdue else S.DONE,
                70 if overdue else 100,
                [orgs[m.official_name]] if m.official_name in orgs else [],
                [m],
            )
        )

    activities = Activity.objects.bulk_create([s[0] for s in specs])
    reports = []
    for activity, status, progress, *_rest in specs:
        activity_reports = _reports(activity, status, progress, rng)
        reports += activity_reports
        if activity_reports:
            latest = activity_reports[-1]
            activity.status, activity.progress = latest.status, latest.progress
            activity.actual_cost = latest.cost_to_date
    ProgressReport.objects.bulk_create(reports)
    Activity.objects.bulk_update(activities, ["status", "progress", "actual_cost"])

    through = Activity.partners.through
    through.objects.bulk_create(
        [through(activity=a, organisation=o) for a, _s, _p, partners, _k in specs for o in partners]
    )
    through = Activity.municipalities.through
    through.objects.bulk_create(
        [through(activity=a, municipality=m) for a, _s, _p, _o, ks in specs for m in ks]
    )
    _link(activities, kommuner)
    _relocations(orgs, {m.code: m for m in kommuner})
    ctx.log(f"actionplan: {len(activities)} aktiviteter, {len(reports)} lägesrapporter")


def _link(activities: list[Activity], kommuner) -> None:
    """Dependencies, and links to the demo hubs and survey rounds if those apps made any."""
    by_title = {a.title: a for a in activities}

    def find(prefix):
        return next(a for t, a in by_title.items() if t.startswith(prefix))

    hubs_activity = find("Etablera kontorsmöjligheter")
    edges = [
        (find("Delta operativt"), find("Ansöka om deltagande")),
        (find("Distansarbetsavtal, IT"), find("Delta operativt")),
        (find("Förstudie om en gemensam"), find("Delta operativt")),
        (hubs_activity, find("Kartläggning: Lämpliga lokaler")),
        (hubs_activity, find("Kartläggning: Befintliga co-working")),
        (find("Utvärdering och revidering"), find("Årlig uppföljning")),
        (find("Upprätta handlingsplan"), find("Master Class")),
    ]
    edges += [(hubs_activity, a) for t, a in by_title.items() if t.startswith("Dialog med")]
    through = Activity.dependencies.through
    through.objects.bulk_create([through(from_activity=a, to_activity=b) for a, b in edges])

    survey = (
        SurveyRound.objects.filter(date__range=(date(2021, 4, 1), date(2021, 6, 30)))
        .order_by("date")
        .first()
    )
    if survey:
        find("Medarbetarenkät vecka 16").survey_rounds.add(survey)
    first_hubs = list(Hub.objects.order_by("pk")[:4])
    if first_hubs:
        hubs_activity.hubs.add(*first_hubs)


def _relocations(orgs, kommuner) -> None:
    """Relocation assessments in the spirit of the 2017 plan and the 2020 answer."""
    rows = [
        (
            RelocationAssessment(
                unit="Löneservice",
                organisation=orgs.get(STAFF),
                reason=RelocationAssessment.Reason.EXISTING_UNIT,
                staff_count=12,
                assessed_on=date(2023, 3, 15),
                one_off_cost=Decimal(450000),
                yearly_cost=Decimal(120000),
                one_off_saving=Decimal(0),
                yearly_saving=Decimal(180000),
                conclusion=(
                    "Samverkan med Åre och Krokoms kommuner om löneservice ger för små "
                    "personalminskningar: återbetalningstiden är 7,5 år, längre än planperioden. "
                    "Inte kostnadseffektivt i dag."
                ),
                decision=RelocationAssessment.Decision.STAY,
                decision_date=date(2023, 5, 16),
            ),
            ["2321", "2309"],
        ),
        (
            RelocationAssessment(
                unit="Ny funktion för samordning av e-hälsa",
                organisation=orgs.get(HEALTH),
                reason=RelocationAssessment.Reason.NEW_OPERATION,
                staff_count=4,
                assessed_on=date(2024, 1, 22),
                one_off_cost=Decimal(150000),
                yearly_cost=Decimal(40000),
                one_off_saving=Decimal(0),
                yearly_saving=Decimal(110000),
                conclusion=(
                    "En ny verksamhet: lokalisering utanför Östersund prövad enligt åtagandet "
                    "2020. Med platser i kommunens hubb betalar flytten sig på drygt två år."
                ),
                decision=RelocationAssessment.Decision.RELOCATE,
                decision_date=date(2024, 2, 20),
            ),
            ["2305", "2313"],
        ),
        (
            RelocationAssessment(
                unit="Näringslivsenheten, del av veckan",
                organisation=orgs.get(DEVELOPMENT),
                reason=RelocationAssessment.Reason.EXISTING_UNIT,
                staff_count=6,
                assessed_on=date(2026, 9, 14),
                one_off_cost=Decimal(30000),
                yearly_cost=Decimal(60000),
                one_off_saving=Decimal(0),
                yearly_saving=Decimal(45000),
                conclusion="Under utredning tillsammans med Strömsunds kommun.",
            ),
            ["2313"],
        ),
    ]
    made = RelocationAssessment.objects.bulk_create([r for r, _codes in rows])
    through = RelocationAssessment.municipalities.through
    through.objects.bulk_create(
        [
            through(relocationassessment=r, municipality=kommuner[c])
            for r, (_r, codes) in zip(made, rows, strict=True)
            for c in codes
            if c in kommuner
        ]
    )
    hub = Hub.objects.filter(municipality_id="2305").order_by("pk").first()
    if hub:
        made[1].hub = hub
        made[1].save(update_fields=["hub"])


# ---------------------------------------------------------------------------------------
# National scale

NATIONAL_NOTE = "Demodata i nationell skala."
# (area, strategy, title with {kommun}/{town}/{region}, duration in days, budget)
NATIONAL_TEMPLATES = (
    (1, 3, "Dialog med {kommun} om lokalisering av arbetshubb", 240, 25000),
    (4, 3, "Kartläggning av lämpliga lokaler i {town}", 180, 60000),
    (1, 4, "Etablera arbetshubb i {town}", 540, 400000),
    (2, 1, "Utbildning i ledarskap på distans, {region}", 200, 150000),
    (3, None, "Uppföljning av distansarbetsavtal, {region}", 365, 40000),
    (4, 3, "Medarbetarenkät om pendling, {region}", 120, 80000),
    (2, 2, "Distansarbete i rekryteringsannonser, {region}", 300, 30000),
)
TEMPLATE_WEIGHTS = (0, 30, 15, 10, 10, 10, 8)  # the dialogues come one per kommun first


def seed_national(ctx) -> None:
    """Activities of every region, one dialogue per kommun and the rest in proportion to
    population; with quarterly reports up to REPORTED_UNTIL (once)."""
    if Activity.objects.filter(description=NATIONAL_NOTE).exists():
        ctx.log("actionplan: nationella aktiviteter finns redan")
        return
    areas = {a.number: a for a in Area.objects.all()}
    if len(areas) < 4:
        ctx.log("actionplan: insatsområdena saknas, kör load_reference först")
        return
    rng = ctx.rng("actionplan:national")
    strategies = {s.number: s for s in Strategy.objects.all()}
    orgs = dict(
        Organisation.objects.filter(name__in=REGION_BY_COUNTY.values()).values_list("name", "pk")
    )
    responsible = ctx.users.get("planner")
    geo = counties()
    kommuner = [k for c in geo.values() for k in c]
    total = ctx.sizes["activities"] - Activity.objects.count()
    dialogues = kommuner[: max(0, total)]
    extra = split(total - len(dialogues), [k.weight**0.5 for k in kommuner])
    picks = [(k, 0) for k in dialogues]
    for k, n in zip(kommuner, extra, strict=True):
        picks += [
            (k, rng.choices(range(len(NATIONAL_TEMPLATES)), TEMPLATE_WEIGHTS)[0]) for _ in range(n)
        ]
    specs, reports = [], []
    for k, t in picks:
        area, strategy, title, days, budget = NATIONAL_TEMPLATES[t]
        region = REGION_BY_COUNTY[k.county]
        start = date(2021, 3, 1) + timedelta(days=rng.randint(0, 5 * 365))
        end = start + timedelta(days=int(days * rng.uniform(0.8, 1.5)))
        activity = Activity(
            area=areas[area],
            strategy=strategies.get(strategy),
            title=title.format(kommun=k.official_name, town=k.name, region=region),
            description=NATIONAL_NOTE,
            start_date=start,
            end_date=end,
            planned_budget=Decimal(round(budget * rng.uniform(0.6, 1.6), -3)),
            responsible=responsible,
            responsible_organisation_id=orgs.get(region),
        )
        if start > REPORTED_UNTIL:
            status, progress = S.NOT_STARTED, 0
        elif end <= REPORTED_UNTIL:
            status, progress = (
                (S.DONE, 100) if rng.random() < 0.85 else (S.ONGOING, rng.randint(50, 95))
            )
        else:
            share = (REPORTED_UNTIL - start).days / max(1, (end - start).days)
            status, progress = S.ONGOING, max(5, min(95, round(100 * share)))
        activity_reports = _reports(activity, status, progress, rng)
        if activity_reports:
            latest = activity_reports[-1]
            activity.status, activity.progress = latest.status, latest.progress
            activity.actual_cost = latest.cost_to_date
        reports += activity_reports
        specs.append((activity, k.code, orgs.get(region)))
    activities = Activity.objects.bulk_create([a for a, _c, _o in specs], batch_size=1000)
    for report in reports:
        report.activity_id = report.activity.pk
    ProgressReport.objects.bulk_create(reports, batch_size=5000)
    through = Activity.municipalities.through
    through.objects.bulk_create(
        [through(activity_id=a.pk, municipality_id=code) for a, code, _o in specs], batch_size=5000
    )
    ctx.log(
        f"actionplan: {len(activities):,} nationella aktiviteter, {len(reports):,} lägesrapporter"
    )
