"""Importing survey answers, SCB RAMS commuting statistics and kommun context from CSV/XLSX.

The survey import has three steps, shared by the browser flow and the
``import_survey`` command:

1. :func:`guess_mapping` pairs the file's headers with our fields (Swedish
   headers first, English aliases, case and å/ä/ö folded); the header row is
   found below any title rows (:func:`hubplan.tabular.read_table`). A saved
   :class:`~mapping.models.SurveyImportProfile` gives the mapping for a file from
   a known tool.
2. The recoding step: :func:`answer_counts` lists each coded column's distinct
   answers, :func:`guess_code` proposes a category ("Ja, absolut" → yes,
   "Vet ej" → unanswered) and the planner's ``coding`` is applied by
   :meth:`RowValidator.clean`, the one rule both paths use.
3. :func:`validate_file` checks the WHOLE file, chunk by chunk, and lists every
   error as (row, column, value, reason), grouped by column and value
   (:class:`ErrorGroup`). Row numbers are the spreadsheet's: the header's row
   (1 without title rows) plus one for the first answer.
4. :func:`import_file` writes the rows in batches inside one transaction.
   Nothing is written unless every row is valid, unless the caller asks for the
   valid rows only (``valid_only``), in which case the import records how many
   rows were left out and how they answered the coded questions; the round warns
   when they lean towards one answer (:func:`leaning`). The same file (same
   SHA-256) imported into the same round again is a no-op.

CSV and XLSX take steps 3 and 4 in the database (:mod:`mapping.staged_import`):
COPY into a temporary table, each column's distinct values judged once by the
same rules (:meth:`RowValidator.clean`), one ``INSERT … SELECT``; a million rows
in about 30 s instead of 260 s. XLSX (read with calamine) and CSV with title rows
go in as a plain CSV copy written from the row path's own frames. Files that path
cannot read exactly as pandas does are read with
:func:`hubplan.tabular.read_table` in chunks of ``CHUNK_ROWS`` rows, so memory
stays bounded whatever the file size.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from hubplan.tabular import normalise_header, parse_decimal, read_table
from mapping.models import (
    Municipality,
    Organisation,
    SurveyImport,
    SurveyResponse,
    SurveyRound,
)

CHUNK_ROWS = 20_000
MAX_COUNT = 2_147_483_647  # PostgreSQL's integer
BATCH_ROWS = 2_000
# The page and the command list at most this many errors; the count is always complete.
MAX_ERRORS_KEPT = 1_000

# Error reasons, reused by the tests.
ERR_REQUIRED = gettext_noop("Värdet saknas men krävs.")
ERR_UNKNOWN_MUNICIPALITY = gettext_noop(
    "Okänd kommun: ange SCB:s kommunnamn eller fyrsiffriga kommunkod."
)
ERR_NUMBER = gettext_noop("Inte ett tal.")
ERR_WHOLE_NUMBER = gettext_noop("Inte ett heltal.")
ERR_RANGE = gettext_noop("Utanför tillåtet intervall ({low}–{high}).")
ERR_CHOICE = gettext_noop("Okänt värde; tillåtna: {allowed}.")
ERR_POSTCODE = gettext_noop("Postnumret ska ha fem siffror.")
ERR_TOO_LONG = gettext_noop("För långt (högst {n} tecken).")
ERR_MISSING_COLUMN = gettext_noop("Kolumnen {column} saknas i filen.")
ERR_NUL = gettext_noop("Innehåller ett otillåtet tecken (NUL).")
MSG_ALREADY_IMPORTED = gettext_noop(
    "Filen är redan importerad till den här omgången; inget lades till."
)


@dataclass(frozen=True)
class Column:
    field: str
    header: str  # the Swedish header of the template
    aliases: tuple[str, ...]
    required: bool = False
    label: str = ""


COLUMNS: tuple[Column, ...] = (
    Column("organisation", "organisation", ("organization", "arbetsgivare", "employer")),
    Column("unit", "enhet", ("unit", "avdelning", "department")),
    Column(
        "home_municipality",
        "hemkommun",
        ("home_municipality", "bostadskommun", "home_kommun", "boendekommun"),
        required=True,
    ),
    Column("postcode", "postnummer", ("postcode", "postal_code", "zip", "postnr")),
    Column(
        "workplace_municipality",
        "arbetsplatskommun",
        ("workplace_municipality", "arbetskommun", "arbetsstallekommun", "work_municipality"),
        required=True,
    ),
    Column("distance_km", "avstånd_km", ("distance_km", "avstand", "distance")),
    Column("travel_minutes", "restid_min", ("travel_minutes", "restid", "travel_time_min")),
    Column("mode", "färdmedel", ("mode", "transport_mode", "fardsatt")),
    Column(
        "commute_days_per_week",
        "pendlingsdagar_per_vecka",
        ("commute_days_per_week", "pendlingsdagar", "commute_days"),
    ),
    Column(
        "work_hours_per_day",
        "arbetstimmar_per_dag",
        ("work_hours_per_day", "arbetstimmar", "work_hours"),
    ),
    Column("hub_interest", "intresse_hubb", ("hub_interest", "intresse", "interest")),
    Column(
        "hub_days_per_week", "hubbdagar_per_vecka", ("hub_days_per_week", "hubbdagar", "hub_days")
    ),
    Column("comment", "kommentar", ("comment", "kommentarer", "fritext")),
)
COLUMNS_BY_FIELD = {c.field: c for c in COLUMNS}

# The template's documentation: one line per column, shown on the import page.
TEMPLATE_HELP = {
    "organisation": gettext_noop(
        "Svarandens arbetsgivare, t.ex. Region Jämtland Härjedalen eller Krokoms kommun."
    ),
    "unit": gettext_noop("Enhet eller avdelning (frivilligt)."),
    "home_municipality": gettext_noop(
        "Kommunen där svaranden bor: namn (med eller utan 'kommun') eller kod."
    ),
    "postcode": gettext_noop("Postnummer, fem siffror (frivilligt)."),
    "workplace_municipality": gettext_noop("Kommunen där arbetsplatsen ligger: namn eller kod."),
    "distance_km": gettext_noop("Avstånd till arbetet enkel väg i km, decimalkomma går bra."),
    "travel_minutes": gettext_noop("Restid enkel väg i hela minuter."),
    "mode": gettext_noop(
        "bil, buss, tåg, cykel_gång eller annat (car, bus, train, bike_walk, other)."
    ),
    "commute_days_per_week": gettext_noop("Dagar per vecka som svaranden pendlar (0–7)."),
    "work_hours_per_day": gettext_noop("Arbetstimmar per arbetsdag (0–24)."),
    "hub_interest": gettext_noop("ja, kanske eller nej (yes, maybe, no)."),
    "hub_days_per_week": gettext_noop(
        "Dagar per vecka svaranden skulle arbeta från en hubb (0–7)."
    ),
    "comment": gettext_noop("Fritext. Skriv aldrig namn eller personnummer."),
}
TEMPLATE_EXAMPLE = (
    "Region Jämtland Härjedalen",
    "Regionstaben",
    "Krokom",
    "83531",
    "Östersund",
    "24,5",
    "30",
    "bil",
    "5",
    "8",
    "ja",
    "2",
    "",
)

MODE_VALUES = {
    "bil": "car",
    "car": "car",
    "buss": "bus",
    "bus": "bus",
    "tag": "train",
    "train": "train",
    "cykel_gang": "bike_walk",
    "cykel": "bike_walk",
    "gang": "bike_walk",
    "cykel_och_gang": "bike_walk",
    "bike_walk": "bike_walk",
    "bike": "bike_walk",
    "walk": "bike_walk",
    "annat": "other",
    "other": "other",
}
INTEREST_VALUES = {
    "ja": "yes",
    "yes": "yes",
    "j": "yes",
    "kanske": "maybe",
    "maybe": "maybe",
    "nej": "no",
    "no": "no",
    "n": "no",
}
# The coded columns: their answers are mapped to the app's categories in the
# value-recoding step ({field: {folded answer: code}}, code "" for unanswered).
CODED_FIELDS = ("hub_interest", "mode")
CODES = {
    "hub_interest": ("yes", "maybe", "no"),
    "mode": ("car", "bus", "train", "bike_walk", "other"),
}
# Answers as Netigate, Esmaker and Forms write them, folded (normalise_header), to a code.
_UNANSWERED = (
    "vet_ej",
    "vet_inte",
    "ingen_asikt",
    "inget_svar",
    "ej_aktuellt",
    "inte_aktuellt",
    "ej_svar",
    "dont_know",
    "no_answer",
    "not_applicable",
    "har_ingen_uppfattning",
    "ingen_uppfattning",
)
MAX_DISTINCT_ANSWERS = 200  # a column with more is free text, not a coded question
_DIGITS = re.compile(r"^\d{1,4}$")
_LEADING_CODE = re.compile(r"^(\d{4})\b")


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    value: str
    reason: str


FIRST_ROWS = 5  # rows named per error group
MAX_GROUPS = 1_000


@dataclass
class ErrorGroup:
    """The errors of one column and value: how many, and the first rows."""

    column: str
    value: str
    reason: str
    count: int = 0
    rows: list[int] = field(default_factory=list)

    def line(self) -> str:
        more = " …" if self.count > len(self.rows) else ""
        return ngettext(
            'Kolumn "%(column)s": värdet "%(value)s" – %(n)d rad (rad %(rows)s%(more)s): %(reason)s',
            'Kolumn "%(column)s": värdet "%(value)s" – %(n)d rader (rad %(rows)s%(more)s): %(reason)s',
            self.count,
        ) % {
            "column": self.column,
            "value": self.value,
            "n": self.count,
            "rows": ", ".join(str(r) for r in self.rows),
            "more": more,
            "reason": self.reason,
        }


@dataclass
class Report:
    """What validation or an import found; every error counted, the first MAX_ERRORS_KEPT kept."""

    total_rows: int = 0
    valid_rows: int = 0
    imported: int = 0
    skipped: int = 0
    error_count: int = 0
    invalid_rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    already_imported: bool = False
    message: str = ""
    # Seconds per step of the staged path (copy, judge, insert, foreign keys), for the benchmark.
    timings: dict[str, float] = field(default_factory=dict)
    # Errors by (column, value, reason), in the order of their first row; at most MAX_GROUPS.
    groups: dict[tuple[str, str, str], ErrorGroup] = field(default_factory=dict)
    # {field: {answer: n}} of the coded columns among the valid and the invalid rows; an
    # answer is its code ("" unanswered) or, where it has none, the file's text.
    kept: dict[str, dict[str, int]] = field(default_factory=dict)
    dropped: dict[str, dict[str, int]] = field(default_factory=dict)

    def add(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append(error)
        key = (error.column, error.value, error.reason)
        group = self.groups.get(key)
        if group is None:
            if len(self.groups) >= MAX_GROUPS:
                return
            group = self.groups[key] = ErrorGroup(*key)
        group.count += 1
        # Two fields read from one column may fail in the same row: name it once.
        if len(group.rows) < FIRST_ROWS and error.row not in group.rows:
            group.rows.append(error.row)

    def count_answers(self, answers: dict[str, str], *, valid: bool) -> None:
        target = self.kept if valid else self.dropped
        for f, answer in answers.items():
            counts = target.setdefault(f, {})
            counts[answer] = counts.get(answer, 0) + 1

    def error_groups(self) -> list[ErrorGroup]:
        return list(self.groups.values())

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def lines(self) -> list[str]:
        """The report as text lines (the command prints these)."""
        out = [
            _("Rader i filen: %(n)d, giltiga: %(v)d, ogiltiga: %(i)d, fel: %(e)d.")
            % {
                "n": self.total_rows,
                "v": self.valid_rows,
                "i": self.invalid_rows,
                "e": self.error_count,
            }
        ]
        out += [
            _("Rad %(row)d, kolumn %(column)s, värde %(value)r: %(reason)s")
            % {"row": e.row, "column": e.column, "value": e.value, "reason": e.reason}
            for e in self.errors
        ]
        if self.error_count > len(self.errors):
            out.append(_("… och %(n)d fel till.") % {"n": self.error_count - len(self.errors)})
        return out

    def grouped_lines(self) -> list[str]:
        """The report with errors grouped by column and value (the survey import's
        command and page): one line per group instead of one per row."""
        out = self.lines()[:1]
        out += [group.line() for group in self.groups.values()]
        grouped = sum(group.count for group in self.groups.values())
        if self.error_count > grouped:
            out.append(_("… och %(n)d fel till.") % {"n": self.error_count - grouped})
        return out


# A check job's result keeps this many single errors (the groups name the rest).
RESULT_ERRORS = 100


def report_to_result(report: Report) -> dict:
    """The report as JSON for a check job's result: counts, the first errors, the
    groups (at most MAX_GROUPS) and the answer counts; :func:`report_from_result`
    gives the report back to the page on any server."""
    return {
        "total_rows": report.total_rows,
        "valid_rows": report.valid_rows,
        "invalid_rows": report.invalid_rows,
        "error_count": report.error_count,
        "errors": [
            [e.row, e.column, e.value, str(e.reason)] for e in report.errors[:RESULT_ERRORS]
        ],
        "groups": [
            [g.column, g.value, str(g.reason), g.count, g.rows] for g in report.groups.values()
        ],
        "kept": report.kept,
        "dropped": report.dropped,
    }


def report_from_result(data: dict) -> Report:
    """The :class:`Report` a check job stored with :func:`report_to_result`."""
    report = Report(
        total_rows=data.get("total_rows", 0),
        valid_rows=data.get("valid_rows", 0),
        invalid_rows=data.get("invalid_rows", 0),
        error_count=data.get("error_count", 0),
        errors=[RowError(*e) for e in data.get("errors", [])],
        kept=data.get("kept") or {},
        dropped=data.get("dropped") or {},
    )
    for column, value, reason, count, rows in data.get("groups", []):
        report.groups[(column, value, reason)] = ErrorGroup(column, value, reason, count, rows)
    return report


class ImportRejected(Exception):
    """The file has invalid rows and the caller did not ask for the valid rows only."""

    def __init__(self, report: Report):
        super().__init__(report.message or "invalid rows")
        self.report = report


# --- Reading ----------------------------------------------------------------------------------


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def chunks(path: str | Path, *, chunksize: int = CHUNK_ROWS) -> Iterator:
    """The file's rows, ``chunksize`` at a time, as DataFrames of strings."""
    with open(path, "rb") as fh:
        yield from read_table(fh, chunksize=chunksize)


def preview(path: str | Path, *, rows: int = 5) -> tuple[list[str], list[list[str]]]:
    """The file's headers and its first ``rows`` rows, for the column-mapping step."""
    with open(path, "rb") as fh:
        return preview_file(fh, rows=rows)


def preview_file(fileobj, *, rows: int = 5) -> tuple[list[str], list[list[str]]]:
    """:func:`preview` of an open binary file (the upload itself, still in the request):
    a CSV is read only as far as its first rows."""
    frame = next(read_table(fileobj, nrows=rows), None)
    if frame is None:
        return [], []
    headers = [str(h) for h in frame.columns]
    return headers, [["" if v is None else str(v) for v in row] for row in frame.itertuples(False)]


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """field → the file's header for it, matched on the folded Swedish header or an alias."""
    folded = {normalise_header(h): h for h in headers}
    mapping = {}
    for column in COLUMNS:
        for name in (column.header, column.field, *column.aliases):
            if (key := normalise_header(name)) in folded:
                mapping[column.field] = folded[key]
                break
    return mapping


def missing_required(mapping: dict[str, str]) -> list[str]:
    return [c.header for c in COLUMNS if c.required and not mapping.get(c.field)]


# Headers of a shift list (TimeCare, Heroma): a date and a pass start and end per person.
_SHIFT_DATE = {"datum", "date", "passdatum", "dag"}
_SHIFT_START = {"start", "starttid", "pass_start", "passstart", "borjar", "fran", "from"}
_SHIFT_END = {"slut", "sluttid", "pass_slut", "passlut", "slutar", "till", "to", "end"}
_SHIFT_TIME = {"tid", "pass", "arbetstid", "passtid"}
MSG_SHIFT_SCHEDULE = gettext_noop(
    "Filen ser ut som ett schema (datum, start och slut per person), inte som enkätsvar. "
    "Importera schemat under Dygnsvila → Importera schema."
)


def looks_like_shift_schedule(headers: list[str]) -> bool:
    """A file with a date column and a shift's start and end (or one Tid column) is a
    shift list: imported as survey answers it would count each shift as a respondent."""
    folded = {normalise_header(h) for h in headers}
    if not folded & _SHIFT_DATE:
        return False
    return bool(folded & _SHIFT_START and folded & _SHIFT_END) or bool(folded & _SHIFT_TIME)


def guess_code(f: str, text: str) -> str | None:
    """The app's category for an answer as survey tools write it ("Ja, absolut" → yes,
    "Vet ej" → "" unanswered), or None when there is no good guess.

    Only a default for the recoding step: the planner sees and may change every one.
    """
    key = normalise_header(text)
    if not key:
        return ""
    if f == "hub_interest":
        if key in _UNANSWERED or key.startswith(("vet_ej", "vet_inte")):
            return ""
        if key in INTEREST_VALUES:
            return INTEREST_VALUES[key]
        words = key.split("_")
        if (
            words[0] in ("nej", "no", "inte", "aldrig")
            or "inte_alls" in key
            or "tar_avstand" in key
        ):
            return "no"
        if set(words) & {"kanske", "maybe", "eventuellt", "mojligen", "delvis", "tveksam"}:
            return "maybe"
        if words[0] in ("ja", "yes", "absolut", "garna", "definitivt") or key.startswith(
            "instammer"
        ):
            return "yes"
        return None
    if f == "mode":
        if key in _UNANSWERED:
            return ""
        if key in MODE_VALUES:
            return MODE_VALUES[key]
        words = set(key.split("_"))
        if words & {"bil", "elbil", "car", "samakning", "bilpool", "motorcykel", "moped"}:
            return "car"
        if words & {"tag", "train", "pendeltag"}:
            return "train"
        if words & {"buss", "bus", "kollektivtrafik", "kollektivt"}:
            return "bus"
        if words & {"cykel", "elcykel", "gang", "fots", "sparkcykel", "promenad", "walk", "bike"}:
            return "bike_walk"
        if words & {"annat", "ovrigt", "other", "flyg", "taxi"}:
            return "other"
        return None
    return None


def clean_coding(coding: dict | None) -> dict[str, dict[str, str]]:
    """Only coded fields, folded answers and codes the field knows (a saved profile or
    a form may hold anything)."""
    out: dict[str, dict[str, str]] = {}
    for f, answers in (coding or {}).items():
        if f not in CODES or not isinstance(answers, dict):
            continue
        allowed = {"", *CODES[f]}
        out[f] = {normalise_header(str(k)): str(v) for k, v in answers.items() if str(v) in allowed}
    return out


def guess_coding(
    answers: dict[str, list[tuple[str, int]]], saved: dict | None
) -> dict[str, dict[str, str]]:
    """The first coding of each answer: a saved profile's first, the guesses
    (:func:`guess_code`, "Ja, absolut" → ja) for the rest; answers without either
    are left for the planner."""
    saved = clean_coding(saved)
    coding: dict[str, dict[str, str]] = {}
    for f, values in answers.items():
        for text, _n in values:
            code = saved.get(f, {}).get(normalise_header(text))
            if code is None:
                code = guess_code(f, text)
            if code is not None:
                coding.setdefault(f, {})[text] = code
    return coding


def answer_counts(
    path: str | Path, mapping: dict[str, str], *, on_read=None
) -> dict[str, list[tuple[str, int]]]:
    """Each mapped coded column's distinct answers (stripped, blank left out) with their
    counts, most frequent first, for the recoding step. Answers that fold to the same
    key ("Ja, absolut", "ja absolut") are one answer, shown as first met.
    ``on_read(share)`` after each chunk: the share of the file's bytes read (0–1)."""
    wanted = {f: mapping[f] for f in CODED_FIELDS if mapping.get(f)}
    counts: dict[str, dict[str, list]] = {f: {} for f in wanted}
    size = max(1, Path(path).stat().st_size)
    with open(path, "rb") as fh:
        for frame in read_table(fh, chunksize=CHUNK_ROWS):
            _count_answers(frame, wanted, counts)
            if on_read:
                on_read(min(fh.tell(), size) / size)
    return {
        f: sorted(((text, n) for text, n in values.values()), key=lambda t: (-t[1], t[0]))[
            :MAX_DISTINCT_ANSWERS
        ]
        for f, values in counts.items()
    }


def _count_answers(frame, wanted: dict[str, str], counts: dict[str, dict[str, list]]) -> None:
    """Add one chunk's answers to ``counts`` ({field: {folded: [first text, n]}})."""
    for f, header in wanted.items():
        if header not in frame.columns:
            continue
        for value, n in frame[header].dropna().astype(str).str.strip().value_counts().items():
            if not value:
                continue
            entry = counts[f].setdefault(normalise_header(value), [value, 0])
            entry[1] += int(n)


# --- Resolving values -------------------------------------------------------------------------


class MunicipalityResolver:
    """Kommun name (with or without "kommun", any case, with or without å/ä/ö) or code → code."""

    def __init__(self):
        self.codes: set[str] = set()
        self.by_name: dict[str, str] = {}
        for code, name, official in Municipality.objects.values_list(
            "code", "name", "official_name"
        ):
            self.codes.add(code)
            for variant in (name, official, f"{name} kommun", f"{name}s kommun"):
                self.by_name.setdefault(normalise_header(variant), code)

    def __call__(self, text: str) -> str | None:
        text = str(text).strip()
        if match := _LEADING_CODE.match(text):  # "2380" or SCB's "2380 Östersund"
            return match.group(1) if match.group(1) in self.codes else None
        if _DIGITS.match(text):  # Excel drops the leading zero of e.g. 0114
            code = text.zfill(4)
            return code if code in self.codes else None
        key = normalise_header(text)
        return self.by_name.get(key) or self.by_name.get(re.sub(r"_kommun$", "", key))


class EmployerResolver:
    """Respondent's organisation text → region, kommun or other employer."""

    def __init__(self):
        kinds = dict(Organisation.objects.values_list("name", "kind"))
        self.known = {normalise_header(name): kind for name, kind in kinds.items()}

    def __call__(self, text: str) -> str:
        key = normalise_header(text or "")
        kind = self.known.get(key)
        Employer = SurveyResponse.Employer
        if kind in (Organisation.Kind.REGION, Organisation.Kind.ADMINISTRATION):
            return Employer.REGION
        if kind == Organisation.Kind.MUNICIPALITY:
            return Employer.MUNICIPALITY
        if kind:
            return Employer.OTHER
        if "region" in key.split("_"):
            return Employer.REGION
        if "kommun" in key:
            return Employer.MUNICIPALITY
        return Employer.OTHER


def _number(value, *, low, high, whole=False):
    """(number, reason): parsed and range-checked, or (None, why not)."""
    try:
        number = parse_decimal(value)
    except ValueError:
        return None, _(ERR_NUMBER)
    if whole and number != number.to_integral_value():
        return None, _(ERR_WHOLE_NUMBER)
    if not (low <= number <= high):
        return None, _(ERR_RANGE).format(low=low, high=high)
    return (int(number) if whole else number), None


_NUMBER_FIELDS = {
    "distance_km": {"low": 0, "high": 2000},
    "travel_minutes": {"low": 0, "high": 720, "whole": True},
    "commute_days_per_week": {"low": 0, "high": 7},
    "work_hours_per_day": {"low": 0, "high": 24},
    "hub_days_per_week": {"low": 0, "high": 7},
}
_DECIMAL_PLACES = {
    "distance_km": 1,
    "commute_days_per_week": 1,
    "work_hours_per_day": 2,
    "hub_days_per_week": 1,
}
_TEXT_LIMITS = {"organisation": 200, "unit": 200}


class RowValidator:
    """Turns one row (a dict header → text) into SurveyResponse fields or a list of errors."""

    def __init__(self, mapping: dict[str, str], coding: dict | None = None):
        self.mapping = {f: h for f, h in mapping.items() if h}
        # The recoding step's choices come before the built-in answers (ja, bil …).
        self.coding = clean_coding(coding)
        self.municipality = MunicipalityResolver()
        self.employer = EmployerResolver()

    def answer(self, f: str, raw) -> str:
        """A coded cell as the import's answer distribution counts it: its code ("" when
        blank or unanswered) if valid, else the stripped text."""
        value, reason, shown = self.clean(f, raw)
        return shown if reason else ("" if value is None else str(value))

    def answers(self, row: dict) -> dict[str, str]:
        return {
            f: self.answer(f, row.get(self.mapping[f])) for f in CODED_FIELDS if f in self.mapping
        }

    def clean(self, f: str, raw) -> tuple[object, str | None, str]:
        """(value, reason, shown) of one cell: the value to store (None: the field's
        default), or why not; ``shown`` is the stripped text an error names.

        The one place the rules for a cell live: the row-by-row path calls it per
        cell, the staged path (:mod:`mapping.staged_import`) once per distinct value.
        """
        raw = raw.strip() if isinstance(raw, str) else raw
        shown = "" if raw is None else str(raw)
        column = COLUMNS_BY_FIELD[f]
        if raw in (None, ""):
            return None, (_(ERR_REQUIRED) if column.required else None), shown
        if "\x00" in shown:  # PostgreSQL cannot store it; say so before importing
            return None, _(ERR_NUL), shown
        if f in self.coding:
            code = self.coding[f].get(normalise_header(raw))
            if code is not None:
                return (code or None), None, shown
        if f in ("home_municipality", "workplace_municipality"):
            code = self.municipality(raw)
            return (code, None, shown) if code else (None, _(ERR_UNKNOWN_MUNICIPALITY), shown)
        if f in _NUMBER_FIELDS:
            number, reason = _number(raw, **_NUMBER_FIELDS[f])
            if reason:
                return None, reason, shown
            if f in _DECIMAL_PLACES:
                number = number.quantize(Decimal(1).scaleb(-_DECIMAL_PLACES[f]))
            return number, None, shown
        if f == "mode":
            mode = MODE_VALUES.get(normalise_header(raw))
            if mode is None:
                return (
                    None,
                    _(ERR_CHOICE).format(allowed="bil, buss, tåg, cykel_gång, annat"),
                    shown,
                )
            return mode, None, shown
        if f == "hub_interest":
            interest = INTEREST_VALUES.get(normalise_header(raw))
            if interest is None:
                return None, _(ERR_CHOICE).format(allowed="ja, kanske, nej"), shown
            return interest, None, shown
        if f == "postcode":
            digits = re.sub(r"\s", "", raw)
            if not re.fullmatch(r"\d{5}", digits):
                return None, _(ERR_POSTCODE), shown
            return digits, None, shown
        limit = _TEXT_LIMITS.get(f)
        if limit and len(raw) > limit:
            return None, _(ERR_TOO_LONG).format(n=limit), shown
        return raw, None, shown

    def header(self, f: str) -> str:
        """The file's header for a field (errors name the column as the file does)."""
        return self.mapping.get(f, f)

    def __call__(self, row_number: int, row: dict) -> tuple[dict | None, list[RowError]]:
        values: dict = {}
        errors: list[RowError] = []
        for column in COLUMNS:
            f = column.field
            header = self.mapping.get(f)
            value, reason, shown = self.clean(f, row.get(header) if header else None)
            if reason:
                errors.append(RowError(row_number, self.header(f), shown, reason))
            elif value is not None:
                key = f + "_id" if f in ("home_municipality", "workplace_municipality") else f
                values[key] = value
        if errors:
            return None, errors
        values["employer_kind"] = self.employer(values.get("organisation", ""))
        return values, []


def _rows(frame, first_row_number: int) -> Iterator[tuple[int, dict]]:
    headers = [str(h) for h in frame.columns]
    for offset, values in enumerate(frame.itertuples(index=False, name=None)):
        yield first_row_number + offset, dict(zip(headers, values, strict=True))


def _first_row(frame) -> int:
    """The spreadsheet row of the frame's first data row: the header's row + 1."""
    return frame.attrs.get("header_row", 1) + 1


def validate_file(
    path: str | Path,
    mapping: dict[str, str],
    *,
    chunksize: int = CHUNK_ROWS,
    staged: bool = True,
    coding: dict | None = None,
    progress=None,
    expected_rows: int = 0,
    plain=None,
    reading_from: int = 0,
) -> Report:
    """Check every row of the file; nothing is written.

    A CSV file is checked in the database (:mod:`mapping.staged_import`) unless
    ``staged`` is False or that path declines the file; then row by row, in chunks.
    ``progress`` (a job's :class:`hubplan.jobs.Progress`) hears the stages: reading and
    checking, or on the row path "checking" with the rows done after every chunk (of
    ``expected_rows`` when known). ``plain`` and ``reading_from`` go to
    :func:`mapping.staged_import.stage`.
    """
    from mapping import staged_import  # it builds on this module

    progress = progress or staged_import.NoProgress()
    if staged:
        with transaction.atomic():
            try:
                report = staged_import.stage(
                    path,
                    mapping,
                    coding,
                    progress=progress,
                    plain=plain,
                    reading_from=reading_from,
                ).report()
            except staged_import.Declined:
                report = None
            transaction.set_rollback(True)  # the temporary tables go, nothing is kept
        if report is not None:
            return report
    report = Report()
    for column in missing_required(mapping):
        report.add(RowError(1, column, "", _(ERR_MISSING_COLUMN).format(column=column)))
    validator = RowValidator(mapping, coding)
    next_row = None
    progress.stage("checking", total=expected_rows)
    for frame in chunks(path, chunksize=chunksize):
        next_row = next_row or _first_row(frame)
        for number, row in _rows(frame, next_row):
            _values, errors = validator(number, row)
            report.total_rows += 1
            report.count_answers(validator.answers(row), valid=not errors)
            if errors:
                report.invalid_rows += 1
                for error in errors:
                    report.add(error)
            else:
                report.valid_rows += 1
        next_row += len(frame)
        progress.advance(report.total_rows)
    return report


def already_imported(survey_round: SurveyRound, sha256: str) -> bool:
    return SurveyImport.objects.filter(
        round=survey_round, file_sha256=sha256, status=SurveyImport.Status.DONE
    ).exists()


def import_file(
    *,
    path: str | Path,
    survey_round: SurveyRound,
    mapping: dict[str, str],
    user=None,
    valid_only: bool = False,
    job: SurveyImport | None = None,
    file_name: str = "",
    chunksize: int = CHUNK_ROWS,
    batch_size: int = BATCH_ROWS,
    progress=None,
    staged: bool = True,
    coding: dict | None = None,
    expected_rows: int = 0,
    plain=None,
) -> Report:
    """Import the file into ``survey_round`` (see the module docstring for the rules).

    Raises :class:`ImportRejected` (nothing written) when a row is invalid and
    ``valid_only`` is False. ``progress`` (a job's :class:`hubplan.jobs.Progress`)
    hears each stage: reading (the COPY, by bytes), checking, writing (the one
    ``INSERT … SELECT``) and constraints; on the row-by-row path, checking and writing
    with the rows done after every chunk. A CSV file goes through the database
    (:mod:`mapping.staged_import`) unless ``staged`` is False or that path declines
    the file; then row by row, in chunks. ``plain``: the file's plain copy made by the
    check (:func:`mapping.staged_import.plain_copy`), so an XLSX file is read once.
    """
    from mapping import staged_import  # it builds on this module

    progress = progress or staged_import.NoProgress()
    sha256 = file_sha256(path)
    if already_imported(survey_round, sha256):
        if job is not None:
            job.delete()
        return Report(already_imported=True, message=_(MSG_ALREADY_IMPORTED))

    if staged:
        report = _import_staged(
            path=path,
            survey_round=survey_round,
            mapping=mapping,
            user=user,
            valid_only=valid_only,
            job=job,
            file_name=file_name,
            sha256=sha256,
            progress=progress,
            coding=coding,
            plain=plain,
        )
        if report is not None:
            return report

    report = validate_file(
        path,
        mapping,
        chunksize=chunksize,
        staged=False,
        coding=coding,
        progress=progress,
        expected_rows=expected_rows,
    )
    if not report.ok and (not valid_only or report.valid_rows == 0 or missing_required(mapping)):
        report.message = _("Inget importerades: filen har fel.")
        raise ImportRejected(report)

    validator = RowValidator(mapping, coding)
    started = {
        "file_sha256": sha256,
        "valid_only": valid_only,
        "total_rows": report.total_rows,
        "status": SurveyImport.Status.RUNNING,
    }
    _mark_running(job, started)
    with transaction.atomic():
        job = _start_job(
            job, survey_round=survey_round, user=user, file_name=file_name, started=started
        )
        batch: list[SurveyResponse] = []
        next_row = None
        done = 0
        progress.stage("writing", total=report.total_rows)
        for frame in chunks(path, chunksize=chunksize):
            next_row = next_row or _first_row(frame)
            for number, row in _rows(frame, next_row):
                values, errors = validator(number, row)
                if errors:
                    continue  # counted by the validation above
                batch.append(SurveyResponse(round=survey_round, survey_import=job, **values))
                if len(batch) >= batch_size:
                    SurveyResponse.objects.bulk_create(batch)
                    report.imported += len(batch)
                    batch = []
            next_row += len(frame)
            done += len(frame)
            progress.advance(done)
        if batch:
            SurveyResponse.objects.bulk_create(batch)
            report.imported += len(batch)
        progress.stage("constraints")
        _check_constraints()
        _finish(job, report)
    report.message = job.message
    return report


def _check_constraints() -> None:
    """PostgreSQL checks the four foreign keys of each row one by one, at commit;
    checked here, a failure (a kommun deleted meanwhile) fails the import rather than
    its commit, the job shows the stage, and the benchmark sees what the checks cost."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's default again


def _start_job(job, *, survey_round, user, file_name, started) -> SurveyImport:
    """The running job: an existing one marked running, or a new one (in the transaction)."""
    if job is None:
        job = SurveyImport(round=survey_round, user=user, file_name=file_name[:255], **started)
        job.save()
    return job


def _mark_running(job, started) -> None:
    """Mark an existing job running before the import's transaction: the progress
    writer updates this row from a second connection while rows go in, and a row
    lock held by the import's transaction would make it wait for ever."""
    if job is not None and job.pk:
        SurveyImport.objects.filter(pk=job.pk).update(**started)
        for name, value in started.items():
            setattr(job, name, value)


def _finish(job: SurveyImport, report: Report) -> None:
    report.skipped = report.invalid_rows
    job.row_count = report.imported
    job.skipped_count = report.skipped
    job.processed_rows = report.total_rows
    job.total_rows = report.total_rows
    job.answer_counts = {"kept": report.kept, "dropped": report.dropped}
    job.status = SurveyImport.Status.DONE
    job.finished = timezone.now()
    job.message = _("%(n)d rader importerades, %(s)d ogiltiga rader lämnades utanför.") % {
        "n": report.imported,
        "s": report.skipped,
    }
    job.save()


def _import_staged(
    *,
    path,
    survey_round,
    mapping,
    user,
    valid_only,
    job,
    file_name,
    sha256,
    progress,
    coding,
    plain=None,
) -> Report | None:
    """The import through :mod:`mapping.staged_import`: the file is copied, checked
    and written in one transaction. None when that path declines the file."""
    from mapping import staged_import  # it builds on this module

    started = {
        "file_sha256": sha256,
        "valid_only": valid_only,
        "status": SurveyImport.Status.RUNNING,
    }
    _mark_running(job, started)
    with transaction.atomic():
        try:
            staged = staged_import.stage(path, mapping, coding, progress=progress, plain=plain)
        except staged_import.Declined:
            return None
        report = staged.report()
        report.timings = dict(staged.timings)
        if not report.ok and (
            not valid_only or report.valid_rows == 0 or missing_required(mapping)
        ):
            report.message = _("Inget importerades: filen har fel.")
            raise ImportRejected(report)
        started["total_rows"] = report.total_rows
        job = _start_job(
            job, survey_round=survey_round, user=user, file_name=file_name, started=started
        )
        clock = time.perf_counter()
        # One statement: the stage says "writing" and the job's heartbeat keeps its row
        # fresh (and can cancel the statement) while PostgreSQL works.
        progress.stage("writing", total=report.valid_rows)
        report.imported = staged.insert(round_id=survey_round.pk, import_id=job.pk)
        progress.advance(report.imported)
        report.timings["insert"] = time.perf_counter() - clock
        clock = time.perf_counter()
        progress.stage("constraints")
        _check_constraints()
        report.timings["foreign keys"] = time.perf_counter() - clock
        staged.drop()
        _finish(job, report)
    report.message = job.message
    return report


# --- SCB RAMS commuting and kommun context ----------------------------------------------------
# Read as SCB's PxWeb writes them (titles, years as columns, the matrix, BE0101, extra
# dimensions summed or selected): mapping.scb. Imported lazily, since it uses this module.


def import_rams(path: str | Path, *, choice=None, progress=None) -> Report:
    """SCB RAMS commuting flows (bostadskommun × arbetsställekommun × år); see mapping.scb."""
    from mapping import scb

    return scb.import_rams(path, choice=choice, progress=progress)


def import_context(path: str | Path, *, choice=None, progress=None) -> Report:
    """BE0101 migration and recruitment needs per kommun and år; see mapping.scb."""
    from mapping import scb

    return scb.import_context(path, choice=choice, progress=progress)


# --- Rows left out ----------------------------------------------------------------------------

LEAN_POINTS = 10  # percentage points


@dataclass(frozen=True)
class Lean:
    """An answer over- or under-represented among the rows left out of an import."""

    field: str
    answer: str
    dropped_share: float  # % of the dropped rows
    kept_share: float  # % of the kept rows


def leaning(
    dropped: dict[str, int], kept: dict[str, int], *, points: float = LEAN_POINTS
) -> list[tuple[str, float, float]]:
    """The answers whose share among the dropped rows differs from their share among
    the kept rows by more than ``points`` percentage points: (answer, dropped %, kept %).

    Leaving out rows that lean towards one answer (every "Ja, absolut" dropped, say)
    biases the round's figures; a share is taken over all rows of its group, blank
    answers included, so dropping the unanswered rows leans too.
    """
    n_dropped, n_kept = sum(dropped.values()), sum(kept.values())
    if not n_dropped:
        return []
    out = []
    for answer in sorted({*dropped, *kept}, key=lambda a: (-dropped.get(a, 0), a)):
        d = 100 * dropped.get(answer, 0) / n_dropped
        k = 100 * kept.get(answer, 0) / n_kept if n_kept else 0.0
        if abs(d - k) > points:
            out.append((answer, round(d, 1), round(k, 1)))
    return out


def round_coverage(survey_round: SurveyRound, jobs=None) -> dict:
    """The rows the round's imports kept of the rows their files had, and every answer
    the dropped rows lean towards (:func:`leaning`), summed over the finished imports.

    The imports are read from ``jobs`` (SurveyImport objects a page has fetched anyway),
    else from the round's ``import_rows`` annotation (``selectors.published_round`` reads
    them with the round), else with a query of their own.
    """
    if jobs is not None:
        imports = [
            (j.row_count, j.total_rows, j.answer_counts)
            for j in jobs
            if j.status == SurveyImport.Status.DONE
        ]
    elif hasattr(survey_round, "import_rows"):
        imports = [
            (r["row_count"], r["total_rows"], r["answer_counts"]) for r in survey_round.import_rows
        ]
    else:
        imports = SurveyImport.objects.filter(
            round=survey_round, status=SurveyImport.Status.DONE
        ).values_list("row_count", "total_rows", "answer_counts")
    kept_rows = total_rows = 0
    dropped: dict[str, dict[str, int]] = {}
    kept: dict[str, dict[str, int]] = {}
    for row_count, file_rows, counts in imports:
        kept_rows += row_count
        total_rows += file_rows
        for target, key in ((dropped, "dropped"), (kept, "kept")):
            for f, answers in ((counts or {}).get(key) or {}).items():
                into = target.setdefault(f, {})
                for answer, n in answers.items():
                    into[answer] = into.get(answer, 0) + n
    labels = {
        "hub_interest": dict(SurveyResponse.Interest.choices),
        "mode": dict(SurveyResponse.Mode.choices),
    }
    leans = [
        Lean(f, str(labels.get(f, {}).get(answer, answer)) if answer else _("ej besvarad"), d, k)
        for f in CODED_FIELDS
        for answer, d, k in leaning(dropped.get(f, {}), kept.get(f, {}))
    ]
    return {
        "kept": kept_rows,
        "total": total_rows,
        "dropped": total_rows - kept_rows,
        "leans": leans,
    }


def coverage_lines(coverage: dict) -> list[str]:
    """The coverage as text, for the round's exports and pages."""
    if not coverage["total"]:
        return []
    out = [
        _("Underlag: %(kept)d av %(total)d rader i de importerade filerna.")
        % {"kept": coverage["kept"], "total": coverage["total"]}
    ]
    out += [
        _lean_line(lean.field, lean.answer, lean.dropped_share, lean.kept_share)
        for lean in coverage["leans"]
    ]
    return out


def _lean_line(field: str, answer: str, dropped_share: float, kept_share: float) -> str:
    """One lean warning as text: the column, the answer and both shares with a comma."""
    header = next((c.header for c in COLUMNS if c.field == field), field)
    return _(
        'Varning: de utelämnade raderna lutar åt ett svar. %(column)s "%(answer)s": '
        "%(d)s %% av de utelämnade raderna mot %(k)s %% av de importerade."
    ) % {
        "column": header,
        "answer": answer,
        "d": f"{dropped_share:.1f}".replace(".", ","),
        "k": f"{kept_share:.1f}".replace(".", ","),
    }


def leaning_lines(report: Report) -> list[str]:
    """The warnings of :func:`coverage_lines` for one import's report."""
    return [
        _lean_line(f, answer or _("ej besvarad"), d, k)
        for f in CODED_FIELDS
        for answer, d, k in leaning(report.dropped.get(f, {}), report.kept.get(f, {}))
    ]
