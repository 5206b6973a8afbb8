"""Reads and aggregates over survey answers, RAMS commuting and kommun context, in SQL.

Each function returns plain rows (dicts) aggregated by the database; the pure
arithmetic on those sums is in :mod:`mapping.analysis`. Dashboards in other apps
may use :func:`published_round`, :func:`commuters_by_home_municipality` and
:func:`potential_hub_users_by_municipality`.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import JSONObject

from mapping import analysis
from mapping.models import (
    CommutingFlow,
    Municipality,
    MunicipalityMigration,
    RecruitmentNeed,
    SurveyImport,
    SurveyResponse,
    SurveyRound,
)

COMMUTER = ~Q(home_municipality=F("workplace_municipality"))
POSITIVE = Q(hub_interest__in=[SurveyResponse.Interest.YES, SurveyResponse.Interest.MAYBE])
TRAVEL_TIME_BINS = ((0, 15), (15, 30), (30, 45), (45, 60), (60, 90), (90, None))


def rounds():
    """Every round with its number of answers and imports."""
    return SurveyRound.objects.select_related("organisation").annotate(
        n_responses=Count("responses", distinct=True), n_imports=Count("imports", distinct=True)
    )


def published_round(kind: str = SurveyRound.Kind.COMMUTING_RESIDENCE) -> SurveyRound | None:
    """The round of ``kind`` a planner has published: the source of the official figures
    (kommun pages, indicators, suitability, API). None if none is published.

    Never the latest by date: a newly imported (test) round must not take over the
    figures until a planner publishes it (issue 16).
    """
    # The finished imports come along (``import_rows``), so the pages that name the round
    # can say how many of its files' rows it rests on without a query of their own.
    import_rows = SurveyImport.objects.filter(
        round=OuterRef("pk"), status=SurveyImport.Status.DONE
    ).values(
        row=JSONObject(
            row_count="row_count", total_rows="total_rows", answer_counts="answer_counts"
        )
    )
    return (
        SurveyRound.objects.filter(kind=kind, is_published=True)
        .annotate(import_rows=ArraySubquery(import_rows))
        .first()
    )


def with_publication(qs):
    """``qs`` of rounds, each with the published round of its kind (``published_pk``,
    ``published_name``) and its publishing history (``publish_history``: JSON rows
    of date, reason and user name, newest first), in the same query."""
    published = SurveyRound.objects.filter(kind=OuterRef("kind"), is_published=True)
    history = (
        SurveyRound.history.filter(id=OuterRef("pk"))
        .exclude(history_change_reason=None)
        .order_by("-history_date", "-history_id")
        .values(
            row=JSONObject(
                date="history_date",
                reason="history_change_reason",
                user="history_user__username",
            )
        )[:20]
    )
    return qs.annotate(
        published_pk=Subquery(published.values("pk")[:1]),
        published_name=Subquery(published.values("name")[:1]),
        publish_history=ArraySubquery(history),
    )


def publish_history_rows(rows) -> list[dict]:
    """:func:`with_publication`'s history rows with their time as a datetime."""
    return [{**r, "date": datetime.fromisoformat(r["date"])} for r in rows or []]


def municipality_names() -> dict[str, str]:
    return dict(Municipality.objects.values_list("code", "name"))


def flow_pairs(survey_round) -> list[tuple[str, str, int]]:
    """(home code, workplace code, answers) for every pair in the round."""
    return list(
        survey_round.responses.values_list("home_municipality", "workplace_municipality")
        .annotate(n=Count("id"))
        .order_by("home_municipality", "workplace_municipality")
    )


def commuters_by_home_municipality(survey_round=None) -> list[dict]:
    """Commuters (home kommun ≠ workplace kommun) per home kommun, with their share of all commuters."""
    survey_round = survey_round or published_round()
    if survey_round is None:
        return []
    rows = list(
        survey_round.responses.filter(COMMUTER)
        .values("home_municipality", name=F("home_municipality__name"))
        .annotate(n=Count("id"))
        .order_by("-n", "name")
    )
    total = sum(r["n"] for r in rows)
    for r in rows:
        r["share"] = analysis.share(r["n"], total)
    return rows


def commuters_from_pairs(pairs, names: dict[str, str]) -> list[dict]:
    """:func:`commuters_by_home_municipality` folded from :func:`flow_pairs`, with no query.

    Every answer has a home and a workplace kommun, so the pairs hold every commuter.
    """
    counts: dict[str, int] = {}
    for home, work, n in pairs:
        if home != work:
            counts[home] = counts.get(home, 0) + n
    total = sum(counts.values())
    rows = [
        {"home_municipality": code, "name": names[code], "n": n, "share": analysis.share(n, total)}
        for code, n in counts.items()
    ]
    return sorted(rows, key=lambda r: (-r["n"], r["name"]))


def positive_to_flexible_work(survey_round) -> tuple[int, int]:
    """(answered yes or maybe, answered the question at all)."""
    counts = survey_round.responses.exclude(hub_interest="").aggregate(
        positive=Count("id", filter=POSITIVE), answered=Count("id")
    )
    return counts["positive"], counts["answered"]


def travel_time_distribution(survey_round) -> list[dict]:
    """Answers per one-way travel-time band."""
    aggregates = {}
    for low, high in TRAVEL_TIME_BINS:
        condition = Q(travel_minutes__gte=low)
        if high is not None:
            condition &= Q(travel_minutes__lt=high)
        aggregates[f"b{low}"] = Count("id", filter=condition)
    counts = survey_round.responses.aggregate(**aggregates)
    return [{"low": low, "high": high, "n": counts[f"b{low}"]} for low, high in TRAVEL_TIME_BINS]


def _weekly_sums(qs, days):
    """Σ km × days and Σ minutes × days per mode; ``days`` is an expression."""
    return list(
        qs.exclude(mode="")
        .values("mode")
        .annotate(
            n=Count("id"),
            km_days=Sum(
                ExpressionWrapper(
                    F("distance_km") * days,
                    output_field=DecimalField(max_digits=12, decimal_places=2),
                )
            ),
            minute_days=Sum(
                ExpressionWrapper(
                    F("travel_minutes") * days,
                    output_field=DecimalField(max_digits=12, decimal_places=2),
                )
            ),
        )
        .order_by("mode")
    )


def travel_by_mode(survey_round) -> list[dict]:
    """Per mode: answers and the weekly sums that :func:`analysis.yearly_by_mode` turns into a year."""
    qs = survey_round.responses.filter(
        distance_km__isnull=False, travel_minutes__isnull=False, commute_days_per_week__isnull=False
    )
    return _weekly_sums(qs, F("commute_days_per_week"))


def hub_savings_by_home(responses: QuerySet, hub_days) -> dict[str, dict]:
    """Home kommun code → commuters, potential hub users (living there, working
    elsewhere, yes or maybe) and what they save a year (:class:`analysis.Yearly`) if each
    works ``hub_days`` days a week from a local hub (:func:`analysis.hub_days_saved`).

    The one query behind the round's hub potential and the kommun comparison: grouped
    by home kommun and mode, the counts summed over the modes here, the travel sums
    (only potential users' answers with distance, time, days and a mode) turned into a
    year per kommun by :func:`analysis.hub_savings`.
    """
    days = analysis.hub_days_saved(hub_days, F("commute_days_per_week"))
    potential = COMMUTER & POSITIVE
    travelled = (
        potential
        & Q(distance_km__isnull=False, travel_minutes__isnull=False)
        & Q(commute_days_per_week__isnull=False)
        & ~Q(mode="")
    )
    sum_field = DecimalField(max_digits=12, decimal_places=2)
    rows = (
        responses.values("home_municipality", "mode", name=F("home_municipality__name"))
        .annotate(
            commuters=Count("id", filter=COMMUTER),
            potential=Count("id", filter=potential),
            km_days=Sum(
                ExpressionWrapper(F("distance_km") * days, output_field=sum_field),
                filter=travelled,
            ),
            minute_days=Sum(
                ExpressionWrapper(F("travel_minutes") * days, output_field=sum_field),
                filter=travelled,
            ),
        )
        .order_by()
    )
    by_home: dict[str, dict] = {}
    travel: dict[str, list] = {}
    for row in rows:
        code = row["home_municipality"]
        home = by_home.setdefault(code, {"name": row["name"], "commuters": 0, "potential": 0})
        home["commuters"] += row["commuters"]
        home["potential"] += row["potential"]
        if row["km_days"] is not None:
            travel.setdefault(code, []).append(row)
    for code, home in by_home.items():
        home["saved"] = analysis.hub_savings(travel.get(code, []))
    return by_home


def hub_potential(survey_round, hub_days) -> list[dict]:
    """Per home kommun with potential hub users, by name: their number (``n``) and what
    ``hub_days`` days a week from a local hub save (:func:`hub_savings_by_home`)."""
    homes = hub_savings_by_home(survey_round.responses.all(), hub_days)
    return [
        {"code": code, "name": home["name"], "n": home["potential"], "saved": home["saved"]}
        for code, home in sorted(homes.items(), key=lambda kv: kv[1]["name"])
        if home["potential"]
    ]


def potential_hub_users_by_municipality(survey_round=None) -> dict[str, int]:
    """Kommun code → potential hub users in the (published) round; for dashboards."""
    survey_round = survey_round or published_round()
    if survey_round is None:
        return {}
    return dict(
        survey_round.responses.filter(COMMUTER & POSITIVE)
        .values_list("home_municipality")
        .annotate(n=Count("id"))
    )


def _rest_load():
    """Working minutes plus two commutes; above SHORT_REST_LOAD_MINUTES the rest is under 11 h."""
    return ExpressionWrapper(
        F("work_hours_per_day") * 60 + F("travel_minutes") * 2,
        output_field=DecimalField(max_digits=8, decimal_places=2),
    )


def daily_rest(survey_round, by: str) -> list[dict]:
    """Answers with working hours and travel time, and how many of them rest under 11 h,
    grouped by ``by`` ("home_municipality__name", "organisation" or "employer_kind")."""
    return list(
        survey_round.responses.filter(
            work_hours_per_day__isnull=False, travel_minutes__isnull=False
        )
        .alias(load=_rest_load())
        .values(group=F(by))
        .annotate(
            n=Count("id"), short=Count("id", filter=Q(load__gt=analysis.SHORT_REST_LOAD_MINUTES))
        )
        .order_by("group")
    )


def daily_rest_breakdowns(survey_round) -> dict[str, list[dict]]:
    """:func:`daily_rest` by home kommun and by employer kind, and
    :func:`daily_rest_by_municipality_and_employer`, from one query grouped by both."""
    rows = list(
        survey_round.responses.filter(
            work_hours_per_day__isnull=False, travel_minutes__isnull=False
        )
        .alias(load=_rest_load())
        .values("home_municipality", "employer_kind", name=F("home_municipality__name"))
        .annotate(
            n=Count("id"), short=Count("id", filter=Q(load__gt=analysis.SHORT_REST_LOAD_MINUTES))
        )
        .order_by()
    )

    def fold(key: str) -> list[dict]:
        groups: dict[str, dict] = {}
        for r in rows:
            g = groups.setdefault(r[key], {"group": r[key], "n": 0, "short": 0})
            g["n"] += r["n"]
            g["short"] += r["short"]
        return [groups[k] for k in sorted(groups)]

    table: dict[str, dict] = {}
    for r in rows:
        entry = table.setdefault(r["home_municipality"], {"name": r["name"]})
        entry[r["employer_kind"]] = {"n": r["n"], "short": r["short"]}
    return {
        "home_municipality__name": fold("name"),
        "employer_kind": fold("employer_kind"),
        "side_by_side": sorted(table.values(), key=lambda e: e["name"]),
    }


def daily_rest_by_municipality_and_employer(survey_round) -> list[dict]:
    """Per home kommun: region staff and kommun staff side by side."""
    return daily_rest_breakdowns(survey_round)["side_by_side"]


# --- RAMS and kommun context ------------------------------------------------------------------


def rams_years() -> list[int]:
    return list(CommutingFlow.objects.values_list("year", flat=True).distinct().order_by("-year"))


def rams_flows(year: int) -> list[dict]:
    return list(
        CommutingFlow.objects.filter(year=year)
        .values(
            "commuters",
            home=F("home_municipality__name"),
            work=F("workplace_municipality__name"),
            home_code=F("home_municipality_id"),
            work_code=F("workplace_municipality_id"),
        )
        .order_by("-commuters", "home", "work")
    )


def rams_flow_rows(year: int) -> QuerySet:
    """(home kommun, workplace kommun, commuters) of a year as plain rows, in the order
    of :func:`rams_flows`: for the export, read from a cursor."""
    return (
        CommutingFlow.objects.filter(year=year)
        .order_by("-commuters", "home_municipality__name", "workplace_municipality__name")
        .values_list("home_municipality__name", "workplace_municipality__name", "commuters")
    )


def rams_pair_series(home: str, work: str) -> list[tuple[int, int]]:
    """(year, commuters) of one home → workplace pair, oldest first."""
    return list(
        CommutingFlow.objects.filter(home_municipality_id=home, workplace_municipality_id=work)
        .order_by("year")
        .values_list("year", "commuters")
    )


def rams_municipalities() -> list[tuple[str, str]]:
    """(code, name) of every kommun that appears in the RAMS data, as home or workplace."""
    codes = CommutingFlow.objects.values("home_municipality_id").union(
        CommutingFlow.objects.values("workplace_municipality_id")
    )
    return list(
        Municipality.objects.filter(code__in=codes).order_by("name").values_list("code", "name")
    )


def rams_largest_cross_pair(year: int) -> tuple[str, str] | None:
    """The largest flow between two different kommuner in a year: the trend shown first."""
    return (
        CommutingFlow.objects.filter(year=year)
        .exclude(home_municipality_id=F("workplace_municipality_id"))
        .order_by("-commuters", "home_municipality_id", "workplace_municipality_id")
        .values_list("home_municipality_id", "workplace_municipality_id")
        .first()
    )


def migration_series(municipality_code: str | None = None) -> list[dict]:
    qs = MunicipalityMigration.objects.all()
    if municipality_code:
        qs = qs.filter(municipality_id=municipality_code)
    return list(
        qs.values(
            "year",
            "in_migration",
            "out_migration",
            code=F("municipality_id"),
            name=F("municipality__name"),
        )
        .annotate(net=F("in_migration") - F("out_migration"))
        .order_by("name", "year")
    )


def recruitment_series(municipality_code: str | None = None) -> list[dict]:
    qs = RecruitmentNeed.objects.all()
    if municipality_code:
        qs = qs.filter(municipality_id=municipality_code)
    return list(
        qs.values(
            "year", "sector", "needed", code=F("municipality_id"), name=F("municipality__name")
        ).order_by("name", "year", "sector")
    )
