"""The hub suitability score: a weighted sum of normalised indicators, with no database access.

Each kommun gets one raw value per indicator (see :data:`INDICATORS`, computed in
:mod:`hubplan.dashboards`). A raw value is normalised by min–max over the
region's kommuner::

    norm = (value - min) / (max - min)        # 0 for the lowest kommun, 1 for the highest

and 0 for every kommun when all are equal (the indicator then cannot tell them
apart). A kommun with no value (e.g. no survey) counts as the region's minimum.
The score is the weighted mean of the normalised values, on a 0–100 scale::

    score = 100 × Σ(weight_i × norm_i) / Σ weight_i

and the part of indicator i is ``100 × weight_i × norm_i / Σ weight_i``, so the
parts add up to the score and anyone can read why a kommun ranks where it does.
The same arithmetic runs in ``static/hubplan/suitability.js`` so the ranking
changes at once when a planner moves a weight.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

WEIGHT_MAX = 100
NO_WEIGHT = _("Minst en vikt måste vara större än noll.")
WEIGHT_RANGE = _("En vikt är ett tal mellan 0 och 100.")


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    definition: str
    default_weight: int


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "potential_users",
        _("Potentiella hubbanvändare"),
        _(
            "Svarande i enkätomgången som bor i kommunen, arbetar i en annan kommun och "
            "svarat ja eller kanske på frågan om hubb eller flexibelt arbete."
        ),
        30,
    ),
    Indicator(
        "time_saved",
        _("Sparad restid (timmar/år)"),
        _(
            "Restid per år som de potentiella hubbanvändarna sparar om de arbetar det valda "
            "antalet dagar i veckan från en hubb i hemkommunen (tur och retur)."
        ),
        20,
    ),
    Indicator(
        "capacity_gap",
        _("Kapacitetsglapp"),
        _(
            "Potentiella hubbanvändare minus skrivbord i öppna och planerade hubbar i kommunen. "
            "Negativt när det redan finns fler skrivbord än användare."
        ),
        20,
    ),
    Indicator(
        "premises",
        _("Tillgängliga lokaler"),
        _("Lämpliga lokaler i kommunen som är identifierade eller bedömda (ej avfärdade/valda)."),
        10,
    ),
    Indicator(
        "co_location",
        _("Samlokaliseringsmöjligheter"),
        _(
            "Tillgängliga lokaler i kommunen som delar hus med hälsocentral, kommunhus, "
            "näringslivskontor, bibliotek eller annan verksamhet."
        ),
        10,
    ),
    Indicator(
        "partner_interest",
        _("Partnerintresse"),
        _(
            "Andra organisationer än regionen som redan använder en hubb i kommunen, är "
            "samverkanspartner i en aktivitet som berör den, eller har säte i kommunen och "
            "ingår i Myndighetsnätverket."
        ),
        10,
    ),
)
KEYS = tuple(i.key for i in INDICATORS)
DEFAULT_WEIGHTS: dict[str, float] = {i.key: float(i.default_weight) for i in INDICATORS}


def normalise(values: Mapping[str, float | None]) -> dict[str, float]:
    """Min–max normalisation of kommun code → raw value; missing values count as the minimum."""
    present = [v for v in values.values() if v is not None]
    if not present:
        return dict.fromkeys(values, 0.0)
    low, high = min(present), max(present)
    if high == low:
        return dict.fromkeys(values, 0.0)
    return {
        code: (0.0 if v is None else (float(v) - float(low)) / (float(high) - float(low)))
        for code, v in values.items()
    }


def _number(value) -> float | None:
    """A weight as typed ("12,5", "12.5"), or None if it is not a number."""
    try:
        number = float(str(value).replace("\u00a0", "").replace(" ", "").replace(",", "."))
    except ValueError:
        return None
    return number if number == number else None  # NaN is no number


def weights_problem(raw: Mapping[str, object] | None) -> str | None:
    """Why the typed weights cannot be used, or None: a weight that is not a number
    between 0 and 100 (WEIGHT_RANGE), or no weight above zero (NO_WEIGHT). Missing
    weights count as their defaults. Callers show the message; nothing is replaced
    silently."""
    values = []
    for key in KEYS:
        value = (raw or {}).get(key)
        if value in (None, ""):
            values.append(DEFAULT_WEIGHTS[key])
            continue
        number = _number(value)
        if number is None or not 0 <= number <= WEIGHT_MAX:
            return str(WEIGHT_RANGE)
        values.append(number)
    if not any(v > 0 for v in values):
        return str(NO_WEIGHT)
    return None


def clean_weights(raw: Mapping[str, object] | None) -> dict[str, float]:
    """Weights from user input that :func:`weights_problem` accepted; defaults for missing ones.

    Raises ValueError for weights it refuses (out of range, unreadable, none above zero):
    the caller shows the problem instead of ranking by a weighting nobody chose.
    """
    if problem := weights_problem(raw):
        raise ValueError(problem)
    weights = dict(DEFAULT_WEIGHTS)
    for key in KEYS:
        value = (raw or {}).get(key)
        if value not in (None, ""):
            weights[key] = _number(value)
    return weights


@dataclass(frozen=True)
class Score:
    code: str
    score: float
    parts: dict[str, float]
    normalised: dict[str, float]


def score(
    raw: Mapping[str, Mapping[str, float | None]], weights: Mapping[str, float]
) -> list[Score]:
    """Score every kommun. ``raw`` is indicator key → {kommun code → value}.

    Returns the kommuner best first (ties by code, so the order is stable).
    """
    total = sum(weights.get(k, 0) for k in KEYS)
    codes = sorted({code for values in raw.values() for code in values})
    normalised = {key: normalise({c: raw.get(key, {}).get(c) for c in codes}) for key in KEYS}
    scores = []
    for code in codes:
        parts = {
            key: (100 * weights.get(key, 0) * normalised[key][code] / total if total else 0.0)
            for key in KEYS
        }
        scores.append(
            Score(
                code=code,
                score=sum(parts.values()),
                parts=parts,
                normalised={key: normalised[key][code] for key in KEYS},
            )
        )
    return sorted(scores, key=lambda s: (-round(s.score, 9), s.code))
