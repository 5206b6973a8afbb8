"""The indicator catalogue and its values per kommun and year, Kolada-style.

Every value comes from :func:`hubplan.dashboards.comparison`, the same figures the
kommun comparison page shows, with the same small-cell rule: a figure resting on
fewer than five people is ``None`` for users other than HR.

Which years an indicator has (its ``scope``):

- ``year``: every year; agreements are counted on 31 December (today for the current
  year), occupancy pooled over the year's months, activities running in the year.
- ``survey``: the year of the published survey round (commuting and residence), from
  that round only. Never the latest round by date: a newly imported round does not
  become official until a planner publishes it (issue 16). Each value built from a
  round names it (``survey_round``).
- ``now``: the current year only (hub status and the employee register as they are now).
- ``population``: the year the kommun's population refers to (SCB, 31 December).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from hubplan import dashboards
from mapping import selectors as survey_selectors
from mapping.models import SurveyRound

YEAR, SURVEY, NOW, POPULATION = "year", "survey", "now", "population"


@dataclass(frozen=True)
class Indicator:
    id: str
    column: str  # key of the figure in hubplan.dashboards.comparison's rows
    title: str
    unit: str
    description: str
    scope: str


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "population",
        "population",
        _("Folkmängd"),
        _("invånare"),
        _("Folkmängden den 31 december enligt SCB."),
        POPULATION,
    ),
    Indicator(
        "region_employees",
        "employees",
        _("Regionanställda boende i kommunen"),
        _("personer"),
        _("Medarbetare i avtalsregistret med kommunen som hemkommun, som registret ser ut nu."),
        NOW,
    ),
    Indicator(
        "active_agreements",
        "with_agreement",
        _("Aktiva distansavtal"),
        _("personer"),
        _(
            "Regionanställda boende i kommunen med ett gällande distansarbetsavtal den "
            "31 december (i år: i dag)."
        ),
        YEAR,
    ),
    Indicator(
        "agreements_per_1000",
        "agreements_per_1000",
        _("Avtal per 1 000 invånare"),
        _("per 1 000 invånare"),
        _("Aktiva distansavtal per 1 000 invånare i kommunen."),
        YEAR,
    ),
    Indicator(
        "hubs_open",
        "hubs_open",
        _("Öppna hubbar"),
        _("antal"),
        _("Hubbar med status öppen, i dag."),
        NOW,
    ),
    Indicator(
        "desks_open",
        "desks_open",
        _("Skrivbord i öppna hubbar"),
        _("skrivbord"),
        _("Skrivbord i hubbar med status öppen, i dag."),
        NOW,
    ),
    Indicator(
        "hubs_planned",
        "hubs_planned",
        _("Planerade hubbar"),
        _("antal"),
        _("Hubbar med status planerad, i dag."),
        NOW,
    ),
    Indicator(
        "desks_planned",
        "desks_planned",
        _("Skrivbord i planerade hubbar"),
        _("skrivbord"),
        _("Skrivbord i hubbar med status planerad, i dag."),
        NOW,
    ),
    Indicator(
        "occupancy",
        "occupancy",
        _("Beläggning"),
        _("procent"),
        _("Använda platsdagar delat med skrivbord gånger öppna dagar, över årets månader."),
        YEAR,
    ),
    Indicator(
        "survey_commuters",
        "commuters",
        _("Pendlare (enkät)"),
        _("personer"),
        _("Enkätsvar från personer som bor i kommunen och arbetar i en annan."),
        SURVEY,
    ),
    Indicator(
        "potential_hub_users",
        "potential",
        _("Potentiella hubbanvändare"),
        _("personer"),
        _("Pendlare i enkäten som svarat ja eller kanske på frågan om att arbeta från en hubb."),
        SURVEY,
    ),
    Indicator(
        "hours_saved",
        "hours_saved",
        _("Sparade restimmar per år"),
        _("timmar per år"),
        _("Restid som sparas om varje potentiell hubbanvändare arbetar en dag i veckan i hubb."),
        SURVEY,
    ),
    Indicator(
        "km_saved",
        "km_saved",
        _("Sparade km per år"),
        _("km per år"),
        _("Resväg som sparas om varje potentiell hubbanvändare arbetar en dag i veckan i hubb."),
        SURVEY,
    ),
    Indicator(
        "co2_saved_kg",
        "co2_saved_kg",
        _("Sparad CO₂ per år"),
        _("kg CO₂e per år"),
        _("Utsläpp som sparas om varje potentiell hubbanvändare arbetar en dag i veckan i hubb."),
        SURVEY,
    ),
    Indicator(
        "plan_activities",
        "activities",
        _("Aktiviteter i handlingsplanen"),
        _("antal"),
        _("Handlingsplanens aktiviteter som berör kommunen och pågår någon del av året."),
        YEAR,
    ),
    Indicator(
        "plan_activities_overdue",
        "overdue",
        _("Försenade aktiviteter"),
        _("antal"),
        _("Av aktiviteterna: de som passerat slutdatum utan att vara klara den 31 december."),
        YEAR,
    ),
)
BY_ID = {i.id: i for i in INDICATORS}
IDS = tuple(BY_ID)


def first_year() -> int:
    return dashboards.FIRST_YEAR


def current_year() -> int:
    return dashboards.today().year


def _rounds_by_year() -> dict[int, SurveyRound]:
    """Year → the round the survey indicators of that year come from: only the
    published round, in its own year (one query)."""
    published = survey_selectors.published_round()
    return {published.date.year: published} if published else {}


def round_ref(survey_round: SurveyRound | None) -> dict | None:
    """What the API says about the round a value comes from."""
    if survey_round is None:
        return None
    return {"id": survey_round.pk, "name": survey_round.name, "date": survey_round.date}


@dataclass(frozen=True)
class Snapshot:
    """Kommun code → {indicator id: value}, and the round the survey indicators come from."""

    values: dict[str, dict[str, object]]
    survey_round: SurveyRound | None


def _applies(indicator: Indicator, year: int, row: dict, has_round: bool) -> bool:
    if indicator.scope == SURVEY:
        return has_round
    if indicator.scope == NOW:
        return year == current_year()
    if indicator.scope == POPULATION:
        return row["municipality"].population_year == year
    return True


def snapshot(user, year: int | None = None) -> Snapshot:
    """The indicators of the region's kommuner, and the round their survey values are from.

    Without ``year``: as the comparison page shows it by default (now, the published
    survey round). With ``year``: that year's values, None where the indicator has
    no value for the year (see the module's docstring).
    """
    if year is None:
        comparison = dashboards.comparison(dashboards.Filters(), user)
        return Snapshot(
            {r["code"]: {i.id: r[i.column] for i in INDICATORS} for r in comparison.rows},
            comparison.survey_round,
        )
    survey_round = _rounds_by_year().get(year)
    # Without a published round of this year, the survey indicators are None (_applies).
    has_round = survey_round is not None
    rows = dashboards.comparison(
        dashboards.Filters(year=year, survey_round=survey_round), user
    ).rows
    return Snapshot(
        {
            r["code"]: {
                i.id: r[i.column] if _applies(i, year, r, has_round) else None for i in INDICATORS
            }
            for r in rows
        },
        survey_round,
    )


def values(
    user,
    *,
    years: list[int] | None = None,
    municipality: str | None = None,
    indicator: str | None = None,
) -> list[dict]:
    """Rows of {municipality, indicator, year, value, survey_round}: one per kommun,
    indicator and year; ``survey_round`` names the round a survey value comes from
    (None for the other indicators).

    ``years`` defaults to every year from the region's first plan to this one. A
    figure hidden by the small-cell rule, or one that cannot be computed (e.g.
    occupancy without capacity), has value None; an indicator without data for a
    year (a survey indicator in a year without a round) has no row at all.
    """
    years = years or list(range(first_year(), current_year() + 1))
    chosen = [BY_ID[indicator]] if indicator else list(INDICATORS)
    rounds = _rounds_by_year()
    out = []
    for year in years:
        survey_round = rounds.get(year)
        comparison = dashboards.comparison(
            dashboards.Filters(year=year, survey_round=survey_round), user
        )
        for row in comparison.rows:
            if municipality and row["code"] != municipality:
                continue
            for ind in chosen:
                if _applies(ind, year, row, survey_round is not None):
                    out.append(
                        {
                            "municipality": row["code"],
                            "indicator": ind.id,
                            "year": year,
                            "value": row[ind.column],
                            "survey_round": (
                                round_ref(survey_round) if ind.scope == SURVEY else None
                            ),
                        }
                    )
    out.sort(key=lambda r: (r["municipality"], r["indicator"], r["year"]))
    return out
