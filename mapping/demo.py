"""Demo kartläggning: two survey rounds, RAMS commuting, migration and recruitment series.

The 2017 round mirrors the CERO survey described in seed 000: 64 % of the staff
who commute between kommuner live in Östersund or Krokom, and about 66 % (more
than 65 %) are positive to working more flexibly. The 2021 round is a week-16
staff survey with region and kommun staff. Counts are fixed so the figures hold
for every seed; the seed only shuffles distances, times and modes.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from mapping.models import (
    CommutingFlow,
    Municipality,
    MunicipalityMigration,
    Organisation,
    RecruitmentNeed,
    SurveyResponse,
    SurveyRound,
)
from mapping.reference import REGION_NAME

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
    """Create the demo rounds, RAMS flows and context series once."""
    if SurveyRound.objects.filter(name__in=[ROUND_2017, ROUND_2021]).exists():
        ctx.log("mapping: kartläggningens demodata finns redan")
        return
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
