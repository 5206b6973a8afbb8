"""Cross-app reads for the dashboards: the region's headline figures and the kommun comparison.

Dashboards sit on top of the apps: this module may read every app, no app
reads it. Each ``*_by_kommun`` function is one SQL query grouped by kommun
(never a query per kommun or per row), so the comparison page costs the same
number of queries however much data there is. Where an app's selector does
exactly what is needed it is used; where a filter (year, organisation) is
needed that the selector lacks, the query is written here.

Figures and their definitions (also shown on the comparison page):

- *Region employees living there*: employees in the agreement register with the
  kommun as home kommun (of the chosen organisation, or any).
- *Active agreements*: of those, people with an agreement active on the
  reference date (today, or 31 December of the chosen year); per 1,000
  inhabitants of the kommun.
- *Hubs and desks*: hubs by status now, with their desks.
- *Occupancy*: desk-days used ÷ (desks × open days), pooled over the kommun's
  hubs and the months of the chosen year (or the last 12 months).
- *Commuters*, *potential hub users*: survey answers living in the kommun and
  working in another; potential users also answered yes or maybe to a hub.
- *Travel hours, km and CO₂ saved*: per year, if every potential user works N
  days a week from a hub in the home kommun (never more days than they
  commute), as in :func:`mapping.analysis.hub_savings`.
- *Activities*: plan activities concerning the kommun (running in the chosen
  year; of the chosen organisation as responsible or partner), and how many of
  them are overdue on the reference date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actionplan import selectors as plan_selectors
from actionplan.models import Activity
from hubplan import suitability
from hubplan.privacy import visible
from hubs import selectors as hub_selectors
from hubs.models import Hub, HubMonthlyUse, PremisesCandidate
from mapping import selectors as survey_selectors
from mapping.models import Municipality, Organisation, SurveyResponse, SurveyRound
from remoteagreements import selectors as agreement_selectors
from remoteagreements.models import DistanceAgreement, Employee

FIRST_YEAR = 2017  # the region's first plan for distance work
HUB_DAYS_CHOICES = (1, 2, 3, 4, 5)
AVAILABLE_PREMISES = (PremisesCandidate.Status.IDENTIFIED, PremisesCandidate.Status.ASSESSED)
_DAYS_FIELD = DecimalField(max_digits=12, decimal_places=2)


def today() -> date:
    return timezone.localdate()


@dataclass(frozen=True)
class Filters:
    """What the comparison is computed for; the defaults are "now, the published round, all"."""

    survey_round: SurveyRound | None = None
    year: int | None = None
    organisation: Organisation | None = None
    hub_days: int = 1
    on: date = field(default_factory=today)

    @property
    def reference_date(self) -> date:
        """Agreements and overdue activities are counted as on this day."""
        if self.year is None or self.year >= self.on.year:
            return self.on
        return date(self.year, 12, 31)


def region_municipalities():
    return Municipality.objects.in_region().order_by("name")


# --- one query each, grouped by kommun code -----------------------------------------------------


def _organisation_names(organisation: Organisation) -> list[str]:
    """The organisation's name and those of its parts (an administration's answers count for the region)."""
    return [organisation.name, *organisation.children.values_list("name", flat=True)]


def employees_by_kommun(filters: Filters, codes: list[str] | None = None) -> dict[str, dict]:
    """Home kommun → employees and employees with an active agreement on the reference date.

    ``codes`` limits the count to those kommuner (the region's), so a national
    register is not aggregated for kommuner the page never shows.
    """
    qs = Employee.objects.all()
    if codes is not None:
        qs = qs.filter(home_municipality__in=codes)
    if org := filters.organisation:
        qs = qs.filter(Q(administration=org) | Q(administration__parent=org))
    on = filters.reference_date
    # EXISTS per employee (index on the agreement's employee) rather than a join with
    # DISTINCT counts, which read the whole agreement register for a few kommuner.
    active = DistanceAgreement.objects.filter(employee=OuterRef("pk")).filter(
        agreement_selectors.active_q(on)
    )
    rows = (
        qs.alias(active=Exists(active))
        .values("home_municipality")
        .annotate(employees=Count("pk"), with_agreement=Count("pk", filter=Q(active=True)))
        .order_by()
    )
    return {r["home_municipality"]: r for r in rows}


def occupancy_months(filters: Filters) -> tuple[date, date]:
    """First and last month counted for occupancy: the chosen year, or the last 12 months."""
    if filters.year is not None:
        return date(filters.year, 1, 1), date(filters.year, 12, 1)
    last = filters.on.replace(day=1)
    first = date(last.year - 1, last.month, 1) + timedelta(days=32)
    return first.replace(day=1), last


class _Aggregated(Subquery):
    """``function`` over the ``v`` column of a correlated subquery, 0 when it has no rows.

    One scalar per outer row: several of them annotate one query without the row
    multiplication that joining hubs, hub months and activities together would cause.
    """

    template = "(SELECT COALESCE(%(function)s(_agg.v), 0) FROM (%(subquery)s) _agg)"


def _count(queryset) -> _Aggregated:
    return _Aggregated(
        queryset.order_by().values(v=F("pk")).distinct(),
        function="COUNT",
        output_field=IntegerField(),
    )


def _sum(queryset, expression) -> _Aggregated:
    return _Aggregated(
        queryset.order_by().values(v=expression), function="SUM", output_field=IntegerField()
    )


def region_with_figures(filters: Filters) -> list[Municipality]:
    """The region's kommuner by name, each with its hubs, occupancy and plan activities.

    One query: per kommun, open and planned hubs and their desks (as now), desk-days
    used and capacity over the counted months, and the plan activities concerning it
    (running in the chosen year, of the chosen organisation) with those overdue on the
    reference date.
    """
    first, last = occupancy_months(filters)
    hubs = Hub.objects.filter(municipality=OuterRef("code"))
    open_, planned = hubs.filter(status=Hub.Status.OPEN), hubs.filter(status=Hub.Status.PLANNED)
    use = HubMonthlyUse.objects.filter(
        hub__municipality=OuterRef("code"), month__gte=first, month__lte=last
    )
    activities = Activity.objects.filter(municipalities=OuterRef("code")).filter(
        _activity_filter(filters, "")
    )
    overdue = activities.filter(end_date__lt=filters.reference_date).exclude(
        status__in=plan_selectors.CLOSED
    )
    return list(
        region_municipalities().annotate(
            hubs_open=_count(open_),
            hubs_planned=_count(planned),
            desks_open=_sum(open_, F("desks")),
            desks_planned=_sum(planned, F("desks")),
            desk_days=_sum(use, F("desk_days_used")),
            capacity=_sum(use, F("desks") * F("open_days")),
            activities=_count(activities),
            overdue=_count(overdue),
        )
    )


def survey_responses(filters: Filters):
    """The answers of the chosen round (?survey_round=) or else the published one, of the
    chosen organisation. Never the latest by date: an unpublished import is not official."""
    survey_round = filters.survey_round or survey_selectors.published_round()
    if survey_round is None:
        return None, SurveyResponse.objects.none()
    qs = survey_round.responses.all()
    if org := filters.organisation:
        qs = qs.filter(organisation__in=_organisation_names(org))
    return survey_round, qs


def survey_by_kommun(
    filters: Filters, codes: list[str] | None = None
) -> tuple[SurveyRound | None, dict[str, dict]]:
    """Home kommun → commuters, potential hub users and what N hub days a week save a year.

    The round's hub potential query (:func:`mapping.selectors.hub_savings_by_home`)
    over the filtered answers.
    """
    survey_round, qs = survey_responses(filters)
    if survey_round is None:
        return None, {}
    if codes is not None:
        qs = qs.filter(home_municipality__in=codes)
    out = {}
    for code, home in survey_selectors.hub_savings_by_home(qs, filters.hub_days).items():
        saved = home["saved"]
        out[code] = {
            "commuters": home["commuters"],
            "potential": home["potential"],
            "hours_saved": saved.hours,
            "km_saved": saved.km,
            "co2_saved_kg": saved.co2_kg,
        }
    return survey_round, out


def _activity_filter(filters: Filters, prefix: str) -> Q:
    condition = Q()
    if filters.year is not None:
        condition &= Q(**{f"{prefix}start_date__lte": date(filters.year, 12, 31)}) & Q(
            **{f"{prefix}end_date__gte": date(filters.year, 1, 1)}
        )
    if org := filters.organisation:
        condition &= Q(**{f"{prefix}responsible_organisation": org}) | Q(
            **{f"{prefix}partners": org}
        )
    return condition


def premises_by_kommun() -> dict[str, dict]:
    """Kommun → available premises candidates, those sharing a house with others, desks possible."""
    available = Q(status__in=AVAILABLE_PREMISES)
    rows = (
        PremisesCandidate.objects.values("municipality")
        .annotate(
            available=Count("pk", filter=available),
            co_location=Count("pk", filter=available & ~Q(co_location=[])),
            desks_possible=Sum("desks_possible", filter=available, default=0),
        )
        .order_by()
    )
    return {r["municipality"]: r for r in rows}


def partner_interest_by_kommun() -> dict[str, int]:
    """Kommun → distinct organisations other than the region that show interest in it.

    An organisation counts once per kommun if it uses a hub there, partners in a
    plan activity concerning it, or is seated there and in Myndighetsnätverket.
    The three sources are unioned in SQL and counted per kommun in one query.
    """
    not_region = ~Q(kind__in=[Organisation.Kind.REGION, Organisation.Kind.ADMINISTRATION])
    orgs = Organisation.objects.filter(not_region).order_by()
    hub_users = orgs.filter(used_hubs__isnull=False).values_list("pk", "used_hubs__municipality")
    partners = orgs.filter(partner_plan_activities__municipalities__isnull=False).values_list(
        "pk", "partner_plan_activities__municipalities"
    )
    network = orgs.filter(in_agency_network=True, municipality__isnull=False).values_list(
        "pk", "municipality"
    )
    pairs = hub_users.union(partners, network)  # UNION removes duplicate (org, kommun) pairs
    counts: dict[str, int] = {}
    for _pk, code in pairs:
        counts[code] = counts.get(code, 0) + 1
    return counts


# --- the comparison table ------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    people: str | None = None  # key of the count of people the figure rests on
    digits: int = 0


COLUMNS: tuple[Column, ...] = (
    Column("population", _("Folkmängd")),
    Column("employees", _("Regionanställda boende i kommunen"), people="employees"),
    Column("with_agreement", _("Aktiva distansavtal"), people="with_agreement"),
    Column("agreements_per_1000", _("Avtal per 1 000 invånare"), "with_agreement", 2),
    Column("hubs_open", _("Öppna hubbar")),
    Column("desks_open", _("Skrivbord i öppna hubbar")),
    Column("hubs_planned", _("Planerade hubbar")),
    Column("desks_planned", _("Skrivbord i planerade hubbar")),
    Column("occupancy", _("Beläggning (%)"), digits=1),
    Column("commuters", _("Pendlare (enkät)"), people="commuters"),
    Column("potential", _("Potentiella hubbanvändare"), people="potential"),
    Column("hours_saved", _("Sparade restimmar per år"), people="potential"),
    Column("km_saved", _("Sparade km per år"), people="potential"),
    Column("co2_saved_kg", _("Sparad CO₂ per år (kg)"), people="potential"),
    Column("activities", _("Aktiviteter i handlingsplanen")),
    Column("overdue", _("Försenade aktiviteter")),
)
COLUMN_KEYS = tuple(c.key for c in COLUMNS)


@dataclass
class Comparison:
    rows: list[dict]
    survey_round: SurveyRound | None
    filters: Filters
    raw: list[dict]  # unsuppressed rows, for the suitability score only (never shown)


def _per_1000(n: int, population: int | None) -> float | None:
    if not population:
        return None
    return round(1000 * n / population, 2)


def comparison(filters: Filters, user) -> Comparison:
    """Every kommun of the region with every figure, small cells hidden from non-HR users."""
    municipalities = region_with_figures(filters)
    codes = [m.code for m in municipalities]
    employees = employees_by_kommun(filters, codes)
    survey_round, survey = survey_by_kommun(filters, codes)
    raw_rows, rows = [], []
    for m in municipalities:
        e = employees.get(m.code, {})
        s = survey.get(m.code, {})
        with_agreement = e.get("with_agreement", 0)
        occ = m.desk_days / m.capacity if m.capacity else None
        raw = {
            "code": m.code,
            "name": m.name,
            "municipality": m,
            "population": m.population,
            "employees": e.get("employees", 0),
            "with_agreement": with_agreement,
            "agreements_per_1000": _per_1000(with_agreement, m.population),
            "hubs_open": m.hubs_open,
            "desks_open": m.desks_open,
            "hubs_planned": m.hubs_planned,
            "desks_planned": m.desks_planned,
            "occupancy": None if occ is None else round(100 * occ, 1),
            "commuters": s.get("commuters", 0) if survey_round else None,
            "potential": s.get("potential", 0) if survey_round else None,
            "hours_saved": _round(s.get("hours_saved", 0)) if survey_round else None,
            "km_saved": _round(s.get("km_saved", 0)) if survey_round else None,
            "co2_saved_kg": _round(s.get("co2_saved_kg", 0)) if survey_round else None,
            "activities": m.activities,
            "overdue": m.overdue,
        }
        raw_rows.append(raw)
        shown = dict(raw)
        for column in COLUMNS:
            if column.people:
                shown[column.key] = visible(raw[column.key], raw[column.people] or 0, user)
        rows.append(shown)
    return Comparison(rows=rows, survey_round=survey_round, filters=filters, raw=raw_rows)


def _round(value) -> int:
    """Whole units: hours, km and kg per year are estimates, decimals would claim false precision."""
    return int(Decimal(value or 0).quantize(Decimal(1)))


def sort_rows(rows: list[dict], sort: str) -> list[dict]:
    """Rows sorted by a column key ("-key" descending); empty cells always last."""
    key = sort.lstrip("-")
    if key not in (*COLUMN_KEYS, "name"):
        return rows
    descending = sort.startswith("-")
    present = [r for r in rows if r[key] is not None]
    missing = [r for r in rows if r[key] is None]
    present.sort(key=lambda r: (r[key], r["name"]), reverse=descending)
    return present + missing


# --- suitability -----------------------------------------------------------------------------------


def suitability_indicators(comparison_: Comparison) -> dict[str, dict[str, float | None]]:
    """Indicator key → {kommun code → raw value}, from the comparison and the hub registry."""
    premises = premises_by_kommun()
    partners = partner_interest_by_kommun()
    out: dict[str, dict[str, float | None]] = {k: {} for k in suitability.KEYS}
    for row in comparison_.raw:
        code = row["code"]
        potential = row["potential"]
        out["potential_users"][code] = potential
        out["time_saved"][code] = row["hours_saved"]
        out["capacity_gap"][code] = (
            None if potential is None else potential - row["desks_open"] - row["desks_planned"]
        )
        p = premises.get(code, {})
        out["premises"][code] = p.get("available", 0)
        out["co_location"][code] = p.get("co_location", 0)
        out["partner_interest"][code] = partners.get(code, 0)
    return out


# --- the home dashboard ----------------------------------------------------------------------------


def headline(user, on: date | None = None) -> dict:
    """The region's headline figures, each from one aggregate query, small cells hidden.

    The 13-month agreement trend (13 distinct counts over every agreement, some 0.1 s
    nationally) is taken from the statistics page's figures while they are current (it
    holds the same counts for 24 months to today); otherwise it is counted here.
    """
    on = on or today()
    trend = None
    if on == today():
        trend = agreement_selectors.current_trend(on)
    trend = agreement_selectors.active_by_month(on, 13) if trend is None else trend[-13:]
    active_now = trend[-1][1]
    year_ago = trend[0][1]
    hubs = Hub.objects.aggregate(
        hubs_open=Count("pk", filter=Q(status=Hub.Status.OPEN)),
        hubs_planned=Count("pk", filter=Q(status=Hub.Status.PLANNED)),
        desks_open=Sum("desks", filter=Q(status=Hub.Status.OPEN), default=0),
        desks_planned=Sum("desks", filter=Q(status=Hub.Status.PLANNED), default=0),
    )
    first_month = occupancy_months(Filters(on=on))[0]
    months = list(hub_selectors.occupancy_by_region_month(since=first_month))[-12:]
    survey_round = survey_selectors.published_round()
    potential = (
        sum(survey_selectors.potential_hub_users_by_municipality(survey_round).values())
        if survey_round
        else None
    )
    plan = plan_selectors.plan_progress_summary(on)
    return {
        "on": on,
        "active_agreements": visible(active_now, active_now, user),
        # The change reveals both counts, so it is shown only when both may be.
        "active_change": (
            active_now - year_ago
            if visible(active_now, active_now, user) is not None
            and visible(year_ago, year_ago, user) is not None
            else None
        ),
        "agreement_trend": [(d, visible(n, n, user)) for d, n in trend],
        "hubs": hubs,
        "occupancy_months": months,
        "latest_occupancy": months[-1] if months else None,
        "survey_round": survey_round,
        "potential_users": None if potential is None else visible(potential, potential, user),
        "plan": plan,
        "overdue_activities": plan.n_overdue,
        "activities_open": plan.n_activities - plan.n_done,
    }
