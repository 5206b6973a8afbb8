"""Demo kartläggning: two survey rounds, RAMS commuting, migration and recruitment series.

The 2017 round mirrors the CERO survey described in seed 000: 64 % of the staff
who commute between kommuner live in Östersund or Krokom, and about 66 % (more
than 65 %) are positive to working more flexibly. The 2021 round is a week-16
staff survey with region and kommun staff. Counts are fixed so the figures hold
for every seed; the seed only shuffles distances, times and modes.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from hubplan.demo import copy_rows
from mapping import services
from mapping.models import (
    JAMTLAND_COUNTY_CODE,
    CommutingFlow,
    Municipality,
    MunicipalityMigration,
    Organisation,
    RecruitmentNeed,
    SurveyResponse,
    SurveyRound,
)
from mapping.reference import REGION_NAME, load_national, localities

ROUND_2017 = "CERO resvaneundersökning 2017"
ROUND_2021 = "Medarbetarenkät vecka 16 2021"

BERG, BRACKE, HARJEDALEN, KROKOM = "2326", "2305", "2361", "2309"
RAGUNDA, STROMSUND, ARE, OSTERSUND = "2303", "2313", "2321", "2380"
REGION_CODES = (RAGUNDA, BRACKE, KROKOM, STROMSUND, ARE, BERG, HARJEDALEN, OSTERSUND)

# Road distance (km) between the central towns, as one would answer the survey.
DISTANCE = {
    frozenset((KROKOM, OSTERSUND)): 22,
    frozenset((ARE, OSTERSUND)): 100,
    frozenset((BERG, OSTERSUND)): 70,
    frozenset((BRACKE, OSTERSUND)): 70,
    frozenset((STROMSUND, OSTERSUND)): 105,
    frozenset((RAGUNDA, OSTERSUND)): 95,
    frozenset((HARJEDALEN, OSTERSUND)): 190,
    frozenset((ARE, KROKOM)): 80,
    frozenset((HARJEDALEN, BERG)): 120,
}
ON_RAILWAY = {KROKOM, ARE, OSTERSUND, BRACKE}

# 2017 (CERO), staff of Regionstaben and Regional utvecklingsförvaltning: (home, workplace, n).
# Commuters 250, of whom 160 (64 %) live in Östersund or Krokom; 350 live and work in one kommun.
FLOWS_2017 = [
    (KROKOM, OSTERSUND, 110),
    (OSTERSUND, KROKOM, 20),
    (OSTERSUND, ARE, 15),
    (OSTERSUND, BERG, 15),
    (ARE, OSTERSUND, 25),
    (BERG, OSTERSUND, 15),
    (BRACKE, OSTERSUND, 15),
    (STROMSUND, OSTERSUND, 10),
    (RAGUNDA, OSTERSUND, 8),
    (HARJEDALEN, OSTERSUND, 7),
    (ARE, KROKOM, 5),
    (HARJEDALEN, BERG, 5),
    (OSTERSUND, OSTERSUND, 330),
    (KROKOM, KROKOM, 10),
    (ARE, ARE, 10),
]
POSITIVE_2017 = (266, 130)  # yes, maybe of 600: 66 % positive
# 2021, week 16: region and kommun staff.
FLOWS_2021 = [
    (KROKOM, OSTERSUND, 140),
    (OSTERSUND, KROKOM, 25),
    (OSTERSUND, ARE, 30),
    (ARE, OSTERSUND, 35),
    (BERG, OSTERSUND, 25),
    (BRACKE, OSTERSUND, 20),
    (STROMSUND, OSTERSUND, 15),
    (RAGUNDA, OSTERSUND, 12),
    (HARJEDALEN, OSTERSUND, 8),
    (HARJEDALEN, BERG, 10),
    (OSTERSUND, OSTERSUND, 420),
    (KROKOM, KROKOM, 40),
    (ARE, ARE, 40),
    (STROMSUND, STROMSUND, 30),
    (HARJEDALEN, HARJEDALEN, 30),
    (BERG, BERG, 20),
    (BRACKE, BRACKE, 15),
    (RAGUNDA, RAGUNDA, 15),
]
POSITIVE_2021 = (380, 225)  # of 930: 65 %
SECTORS = ("Vård och omsorg", "Utbildning", "Teknik och IT", "Administration")


def _responses(ctx, rng, survey_round, flows, positive, employers):
    yes, maybe = positive
    total = sum(n for _h, _w, n in flows)
    interests = ["yes"] * yes + ["maybe"] * maybe + ["no"] * (total - yes - maybe)
    rng.shuffle(interests)
    responses = []
    for home, work, n in flows:
        for _ in range(n):
            if home == work:
                km = rng.randint(2, 15)
                mode = rng.choice(["car", "car", "bus", "bike_walk", "bike_walk"])
            else:
                km = DISTANCE[frozenset((home, work))] + rng.randint(-5, 5)
                rail = home in ON_RAILWAY and work in ON_RAILWAY
                mode = rng.choice(["car", "car", "car", "bus", "train" if rail else "bus"])
            minutes = max(5, int(km * (0.9 if mode == "car" else 1.1)) + rng.randint(5, 20))
            if mode == "bike_walk":
                minutes = km * 4
            organisation, kind = rng.choice(employers(home, work))
            interest = interests.pop()
            responses.append(
                SurveyResponse(
                    round=survey_round,
                    organisation=organisation,
                    employer_kind=kind,
                    home_municipality_id=home,
                    workplace_municipality_id=work,
                    distance_km=Decimal(km),
                    travel_minutes=minutes,
                    mode=mode,
                    commute_days_per_week=Decimal(rng.choice([5, 5, 5, 4, 3])),
                    work_hours_per_day=Decimal(rng.choice(["8", "8", "8", "8.5", "9", "10"])),
                    hub_interest=interest,
                    hub_days_per_week=(
                        Decimal(rng.choice([1, 2, 2, 3])) if interest != "no" else Decimal(0)
                    ),
                )
            )
    SurveyResponse.objects.bulk_create(responses, batch_size=1000)
    return len(responses)


def seed(ctx) -> None:
    """Create the demo rounds, RAMS flows and context series once; at national scale
    also every kommun's centre and boundary, the regions and kommuner as organisations
    and a survey round per county and year."""
    if SurveyRound.objects.filter(name__in=[ROUND_2017, ROUND_2021]).exists():
        ctx.log("mapping: kartläggningens demodata finns redan")
    else:
        _seed_region(ctx)
    if ctx.national:
        seed_national(ctx)


def _seed_region(ctx) -> None:
    rng = ctx.rng("mapping")
    region = Organisation.objects.filter(name=REGION_NAME).first()
    Region, Kommun = SurveyResponse.Employer.REGION, SurveyResponse.Employer.MUNICIPALITY
    names = dict(
        Municipality.objects.filter(code__in=REGION_CODES).values_list("code", "official_name")
    )

    r2017 = SurveyRound.objects.create(
        name=ROUND_2017,
        date=dt.date(2017, 11, 15),
        organisation=region,
        kind=SurveyRound.Kind.COMMUTING_RESIDENCE,
        notes="Resvanor och intresse för flexibelt arbete bland medarbetare i Regionstaben och "
        "Regional utvecklingsförvaltning (CERO-analys).",
    )
    n2017 = _responses(
        ctx,
        rng,
        r2017,
        FLOWS_2017,
        POSITIVE_2017,
        lambda home, work: [("Regionstaben", Region), ("Regional utvecklingsförvaltning", Region)],
    )
    r2021 = SurveyRound.objects.create(
        name=ROUND_2021,
        date=dt.date(2021, 4, 23),
        organisation=region,
        kind=SurveyRound.Kind.WORK_ENVIRONMENT,
        notes="Medarbetarenkät om digitalt arbete och distansarbete, vecka 16 2021.",
    )
    n2021 = _responses(
        ctx,
        rng,
        r2021,
        FLOWS_2021,
        POSITIVE_2021,
        lambda home, work: [
            ("Hälso- och sjukvårdsförvaltningen", Region),
            ("Regionstaben", Region),
            (names.get(work, "Östersunds kommun"), Kommun),
        ],
    )
    # Published, so `make run` shows figures: the kommun pages and indicators read the
    # published commuting round (the CERO survey), never simply the latest.
    services.survey_round_publish(survey_round=r2017)
    services.survey_round_publish(survey_round=r2021)

    # RAMS-like commuting between the kommuner, 2019-2022, scaled from the 2021 survey's pattern.
    flows = []
    for year in range(2019, 2023):
        for home, work, n in FLOWS_2021:
            if home != work:
                flows.append(
                    CommutingFlow(
                        home_municipality_id=home,
                        workplace_municipality_id=work,
                        year=year,
                        commuters=n * 12 + rng.randint(-30, 30) + (year - 2019) * 10,
                    )
                )
    CommutingFlow.objects.bulk_create(flows, ignore_conflicts=True)

    populations = dict(
        Municipality.objects.filter(code__in=REGION_CODES).values_list("code", "population")
    )
    migrations, needs = [], []
    for code in REGION_CODES:
        pop = populations.get(code) or 8000
        for year in range(2015, 2024):
            base = pop * 0.045
            migrations.append(
                MunicipalityMigration(
                    municipality_id=code,
                    year=year,
                    in_migration=int(base * rng.uniform(0.92, 1.12)),
                    out_migration=int(base * rng.uniform(0.95, 1.08)),
                )
            )
        for year in range(2022, 2026):
            for sector in SECTORS:
                needs.append(
                    RecruitmentNeed(
                        municipality_id=code,
                        year=year,
                        sector=sector,
                        needed=int(pop / 1000 * rng.uniform(1, 6)),
                    )
                )
    MunicipalityMigration.objects.bulk_create(migrations, ignore_conflicts=True)
    RecruitmentNeed.objects.bulk_create(needs, ignore_conflicts=True)
    ctx.log(
        f"mapping: enkäter {n2017} + {n2021} svar, {len(flows)} pendlingsströmmar, "
        f"{len(migrations)} flyttår, {len(needs)} rekryteringsbehov"
    )


# ---------------------------------------------------------------------------------------
# National scale: Sweden's 21 regions and 290 kommuner.

# The regions' own names (a few differ from "Region <län>"); Jämtland's is REGION_NAME.
REGION_BY_COUNTY = {
    "01": "Region Stockholm",
    "03": "Region Uppsala",
    "04": "Region Sörmland",
    "05": "Region Östergötland",
    "06": "Region Jönköpings län",
    "07": "Region Kronoberg",
    "08": "Region Kalmar län",
    "09": "Region Gotland",
    "10": "Region Blekinge",
    "12": "Region Skåne",
    "13": "Region Halland",
    "14": "Västra Götalandsregionen",
    "17": "Region Värmland",
    "18": "Region Örebro län",
    "19": "Region Västmanland",
    "20": "Region Dalarna",
    "21": "Region Gävleborg",
    "22": "Region Västernorrland",
    JAMTLAND_COUNTY_CODE: REGION_NAME,
    "24": "Region Västerbotten",
    "25": "Region Norrbotten",
}
NATIONAL_ROUND_YEARS = (2022, 2024)


@dataclass(frozen=True)
class Kommun:
    """What the national seeders need of a kommun: where it is and how much weight it has.

    ``weight`` is the population of its tätorter in 2020 (SCB): it spreads the demo data
    like the population, and is never stored as the kommun's population.
    """

    code: str
    county: str
    name: str
    official_name: str
    lat: float
    lon: float
    weight: int


@cache
def national_geography() -> tuple[Kommun, ...]:
    """All 290 kommuner with centres (after ``load_national``), in code order."""
    towns = localities()
    rows = list(
        Municipality.objects.order_by("code").values_list(
            "code", "county_id", "name", "official_name", "centre_latitude", "centre_longitude"
        )
    )
    weights = {code: sum(t["population"] for t in towns.get(code, [])) for code, *_ in rows}
    by_county: dict[str, list[int]] = {}
    for code, county, *_ in rows:
        if weights[code]:
            by_county.setdefault(county, []).append(weights[code])
    kommuner = []
    for code, county, name, official, lat, lon in rows:
        # Five kommuner near Stockholm have no tätort of their own (their towns are counted
        # in a neighbour's): they get the county's median weight.
        weight = weights[code] or sorted(by_county[county])[len(by_county[county]) // 2]
        kommuner.append(Kommun(code, county, name, official, lat, lon, weight))
    return tuple(kommuner)


def counties() -> dict[str, list[Kommun]]:
    out: dict[str, list[Kommun]] = {}
    for k in national_geography():
        out.setdefault(k.county, []).append(k)
    return out


def split(total: int, weights: list[float]) -> list[int]:
    """``total`` split in proportion to ``weights``, exactly (largest remainders)."""
    whole = sum(weights)
    if total <= 0 or not whole:
        return [0] * len(weights)
    shares = [total * w / whole for w in weights]
    counts = [int(s) for s in shares]
    by_remainder = sorted(range(len(weights)), key=lambda i: counts[i] - shares[i])
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def at_least_once(rng, items: list, cum_weights: list, n: int) -> list:
    """``n`` weighted draws in which every item appears once when ``n`` allows, so that
    every kommun has data however small the kommun or the sample."""
    if n < len(items):
        return rng.choices(items, cum_weights=cum_weights, k=n)
    drawn = list(items) + rng.choices(items, cum_weights=cum_weights, k=n - len(items))
    rng.shuffle(drawn)
    return drawn


def km_between(a: Kommun, b: Kommun) -> float:
    """Straight-line distance between two central towns (haversine), in km."""
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(h))


def seed_national(ctx) -> None:
    """Centres and boundaries, organisations, then the national survey rounds (once)."""
    load_national(ctx.stdout)
    national_geography.cache_clear()
    n_orgs = _national_organisations()
    first = _round_name(next(iter(counties())), NATIONAL_ROUND_YEARS[0])
    if SurveyRound.objects.filter(name=first).exists():
        ctx.log("mapping: nationella enkäter finns redan")
        return
    rng = ctx.rng("mapping:national")
    n_responses, pairs = _national_surveys(ctx, rng)
    # At national scale the pages read a national round: Jämtland's latest one.
    services.survey_round_publish(
        survey_round=SurveyRound.objects.get(name=_round_name("23", NATIONAL_ROUND_YEARS[-1]))
    )
    n_flows = _national_flows(rng, pairs)
    n_series = _national_series(rng)
    ctx.log(
        f"mapping: {n_orgs} nya organisationer, {n_responses:,} enkätsvar i "
        f"{len(counties()) * len(NATIONAL_ROUND_YEARS)} omgångar, {n_flows} pendlingsströmmar, "
        f"{n_series} flytt- och rekryteringsrader"
    )


def _round_name(county: str, year: int) -> str:
    return f"Pendlingsenkät {REGION_BY_COUNTY[county]} {year}"


def _national_organisations() -> int:
    """Every region and every kommun as an organisation (by name, so once)."""
    Kind = Organisation.Kind
    before = Organisation.objects.count()
    geo = counties()
    Organisation.objects.bulk_create(
        [
            Organisation(name=name, kind=Kind.REGION, municipality_id=_largest(geo[c]).code)
            for c, name in REGION_BY_COUNTY.items()
        ]
        + [
            Organisation(name=k.official_name, kind=Kind.MUNICIPALITY, municipality_id=k.code)
            for k in national_geography()
        ],
        ignore_conflicts=True,
    )
    return Organisation.objects.count() - before


def _largest(kommuner: list[Kommun]) -> Kommun:
    return max(kommuner, key=lambda k: k.weight)


def _national_surveys(ctx, rng) -> tuple[int, Counter]:
    """One commuting round per region and year, answers in proportion to population.

    Most answer for their own kommun; the rest commute, more often to a large kommun
    nearby, which gives every county a flow matrix with a clear centre.
    """
    total = ctx.sizes["survey_responses"] - SurveyResponse.objects.count()
    geo = counties()
    codes = list(geo)
    per_county = split(total, [sum(k.weight for k in geo[c]) for c in codes])
    orgs = dict(
        Organisation.objects.filter(name__in=REGION_BY_COUNTY.values()).values_list("name", "pk")
    )
    rounds = SurveyRound.objects.bulk_create(
        [
            SurveyRound(
                name=_round_name(c, year),
                date=dt.date(year, 4, 20),
                organisation_id=orgs[REGION_BY_COUNTY[c]],
                kind=SurveyRound.Kind.COMMUTING_RESIDENCE,
                notes="Medarbetarnas resvanor och intresse för att arbeta från en hubb.",
            )
            for c in codes
            for year in NATIONAL_ROUND_YEARS
        ]
    )
    round_ids = iter(r.pk for r in rounds)
    pairs: Counter = Counter()

    def rows():
        for county, n_county in zip(codes, per_county, strict=True):
            kommuner = geo[county]
            region = REGION_BY_COUNTY[county]
            weights = list(itertools.accumulate(k.weight for k in kommuner))
            for n in split(n_county, [45, 55]):
                round_id = next(round_ids)
                homes = at_least_once(rng, kommuner, weights, n)
                works = rng.choices(kommuner, cum_weights=weights, k=n)
                for home, work in zip(homes, works, strict=True):
                    if rng.random() < 0.7 or len(kommuner) == 1:
                        work = home
                    yield _response(rng, round_id, region, home, work, pairs)

    columns = (
        "round_id",
        "organisation",
        "employer_kind",
        "home_municipality_id",
        "workplace_municipality_id",
        "distance_km",
        "travel_minutes",
        "mode",
        "commute_days_per_week",
        "work_hours_per_day",
        "hub_interest",
        "hub_days_per_week",
    )
    return copy_rows(SurveyResponse, columns, rows()), pairs


MODES_LOCAL = ("car", "car", "bus", "bike_walk", "bike_walk")
MODES_AWAY = ("car", "car", "car", "bus", "train")
INTERESTS = ("yes", "yes", "maybe", "maybe", "no")


def _response(rng, round_id, region, home: Kommun, work: Kommun, pairs: Counter) -> tuple:
    if home is work:
        km = rng.randint(2, 15)
        mode = MODES_LOCAL[rng.randrange(5)]
    else:
        pairs[home.code, work.code] += 1
        km = min(1500, round(km_between(home, work) * 1.25) + rng.randint(-5, 5))
        km = max(km, 3)
        mode = MODES_AWAY[rng.randrange(5)]
    minutes = min(720, max(5, int(km * (0.9 if mode == "car" else 1.1)) + rng.randint(5, 20)))
    if mode == "bike_walk":
        minutes = km * 4
    interest = INTERESTS[rng.randrange(5)]
    by_kommun = rng.random() < 0.4
    return (
        round_id,
        work.official_name if by_kommun else region,
        "municipality" if by_kommun else "region",
        home.code,
        work.code,
        km,
        minutes,
        mode,
        rng.choice((5, 5, 5, 4, 3)),
        rng.choice(("8", "8", "8", "8.5", "9", "10")),
        interest,
        rng.choice((1, 2, 2, 3)) if interest != "no" else 0,
    )


def _national_flows(rng, pairs: Counter) -> int:
    """RAMS-like commuting 2019–2022 between the kommun pairs the surveys found."""
    flows = [
        CommutingFlow(
            home_municipality_id=home,
            workplace_municipality_id=work,
            year=year,
            commuters=max(1, n * 3 + rng.randint(-5, 5) + (year - 2019) * 2),
        )
        for (home, work), n in sorted(pairs.items())
        for year in range(2019, 2023)
    ]
    CommutingFlow.objects.bulk_create(flows, batch_size=5000, ignore_conflicts=True)
    return len(flows)


def _national_series(rng) -> int:
    """Migration and recruitment needs for the kommuner outside the region."""
    migrations, needs = [], []
    for k in national_geography():
        if k.county == JAMTLAND_COUNTY_CODE:
            continue
        base = k.weight * 0.05
        for year in range(2015, 2024):
            migrations.append(
                MunicipalityMigration(
                    municipality_id=k.code,
                    year=year,
                    in_migration=int(base * rng.uniform(0.92, 1.12)),
                    out_migration=int(base * rng.uniform(0.95, 1.08)),
                )
            )
        for year in range(2022, 2026):
            for sector in SECTORS:
                needs.append(
                    RecruitmentNeed(
                        municipality_id=k.code,
                        year=year,
                        sector=sector,
                        needed=max(1, int(k.weight / 1000 * rng.uniform(1, 6))),
                    )
                )
    MunicipalityMigration.objects.bulk_create(migrations, ignore_conflicts=True)
    RecruitmentNeed.objects.bulk_create(needs, ignore_conflicts=True)
    return len(migrations) + len(needs)
