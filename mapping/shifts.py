"""Daily rest (dygnsvila) from shift schedules: reading a shift list, the rule, the figures.

A shift list as TimeCare or Heroma exports it has one row per shift: the person
(anställningsnummer), employer, unit, date, start, end and break. Planners add the
person's home and work kommun and one-way travel time. From it we compute, per
person, the rest between each shift and the next:

    rest = next start - previous end - travel home after the previous shift
                                      - travel to the next shift

which is "- 2 × travel time" when both shifts have the same travel time. A shift
whose end is at or before its start runs past midnight and ends the next day.

The Working Hours Act (arbetstidslagen § 13) asks for 11 consecutive hours of rest
in every 24; commuting is not working time under the Act, so a short rest caused by
the commute is a work-environment indicator, not a breach of the law.

Figures are about PEOPLE, not shifts: how many people have at least one rest under
11 h, by employer and unit, plus the number of short rests and the shortest rest.

Privacy by design: a shift pattern is personal data, so nothing per person is
stored. :func:`import_shift_list` keeps the import (name, file, date range, who,
when, number of shifts and people) and the per-(employer, unit) aggregates only. A
person is identified by (employer, person id) while the file is read, because the
region's and a kommun's employee numbers are separate series.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import pairwise

import pandas as pd
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hubplan.tabular import TableError, normalise_header, parse_decimal, read_table
from mapping.analysis import MINIMUM_DAILY_REST_HOURS
from mapping.imports import EmployerResolver, MunicipalityResolver

SHORT_REST_MINUTES = MINIMUM_DAILY_REST_HOURS * 60
MAX_TRAVEL_MINUTES = 720
MAX_ERRORS_KEPT = 1_000
FIRST_ROWS_SHOWN = 5
TEXT_LIMIT = 200
EXCEL_EPOCH = date(1899, 12, 30)

ERR_REQUIRED = gettext_noop("Värdet saknas men krävs.")
ERR_DATE = gettext_noop("Inte ett datum; skriv t.ex. 2025-03-04.")
ERR_TIME = gettext_noop("Inte ett klockslag; skriv t.ex. 07:00 eller 21:30.")
ERR_TIME_RANGE = gettext_noop("Inte ett pass från–till; skriv t.ex. 07:00-16:00.")
ERR_MINUTES = gettext_noop("Inte ett antal minuter; skriv t.ex. 45 eller 0:45.")
ERR_RANGE = gettext_noop("Utanför tillåtet intervall ({low}–{high} minuter).")
ERR_BREAK = gettext_noop("Rasten är lika lång som eller längre än passet.")
ERR_MUNICIPALITY = gettext_noop("Okänd kommun; skriv kommunens namn eller kod, t.ex. 2380.")
ERR_TOO_LONG = gettext_noop("För långt (högst {n} tecken).")
ERR_DUPLICATE = gettext_noop("Samma person har redan ett pass som börjar då (rad {row}).")
ERR_OVERLAP = gettext_noop("Passet börjar innan personens föregående pass slutar (rad {row}).")
ERR_MISSING_COLUMN = gettext_noop("Kolumnen {column} saknas i filen.")
ERR_NO_ROWS = gettext_noop("Filen har inga pass.")


@dataclass(frozen=True)
class ShiftColumn:
    field: str
    header: str  # the Swedish header of the documented layout
    aliases: tuple[str, ...] = ()
    required: bool = True


# Headers as TimeCare and Heroma exports write them, and the names planners give the
# columns they add (kommuner, travel time). Matched after normalise_header().
COLUMNS = (
    ShiftColumn(
        "person",
        "Anst.nr",
        (
            "anstnr",
            "anst_nr",
            "anstallningsnummer",
            "anstallningsnr",
            "person_id",
            "personal_id",
            "medarbetar_id",
            "medarbetarnummer",
            "resurs_id",
            "resursnummer",
            "id",
        ),
    ),
    ShiftColumn(
        "employer",
        "Arbetsgivare",
        ("organisation", "huvudman", "arbetsgivarnamn", "foretag", "bolag"),
    ),
    ShiftColumn(
        "unit",
        "Enhet",
        (
            "enhetsnamn",
            "arbetsplats",
            "avdelning",
            "vardenhet",
            "kostnadsstalle",
            "org_enhet",
            "organisationsenhet",
            "schemagrupp",
        ),
    ),
    ShiftColumn(
        "home",
        "Hemkommun",
        ("bostadskommun", "boendekommun", "hemort_kommun", "folkbokforingskommun"),
        required=False,
    ),
    ShiftColumn(
        "work",
        "Arbetsplatskommun",
        ("arbetskommun", "arbetsstallekommun", "tjanstgoringskommun", "arbetsort"),
        required=False,
    ),
    ShiftColumn(
        "travel",
        "Restid enkel väg (min)",
        (
            "restid",
            "restid_min",
            "restid_minuter",
            "restid_enkel_vag",
            "restid_enkel_vag_min",
            "pendlingstid",
            "pendlingstid_min",
            "restid_en_vag",
        ),
    ),
    ShiftColumn("date", "Datum", ("passdatum", "dag", "arbetsdag", "schemadag")),
    ShiftColumn(
        "start",
        "Start",
        ("starttid", "passtart", "pass_start", "borjar", "fran", "fran_kl", "tid_fran", "in"),
    ),
    ShiftColumn(
        "end",
        "Slut",
        ("sluttid", "passlut", "pass_slut", "slutar", "till", "till_kl", "tid_till", "ut"),
    ),
    # TimeCare's pass list may give the shift as one column, "07:00-16:00", instead of
    # Start and Slut; it is read only when those two are absent.
    ShiftColumn(
        "time",
        "Tid",
        ("arbetstid", "passtid", "schematid", "klockslag", "tid_fran_till"),
        required=False,
    ),
    ShiftColumn(
        "break",
        "Rast",
        ("rast_min", "rasttid", "rast_minuter", "rast_min_", "rast_i_minuter", "paus"),
        required=False,
    ),
)
COLUMNS_BY_FIELD = {c.field: c for c in COLUMNS}


def guess_mapping(headers: Iterable[str]) -> dict[str, str]:
    """field → the file's header for it, matched on the folded Swedish header or an alias."""
    folded: dict[str, str] = {}
    for h in headers:
        folded.setdefault(normalise_header(h), str(h))
    mapping = {}
    for column in COLUMNS:
        for name in (column.header, column.field, *column.aliases):
            if (key := normalise_header(name)) in folded and folded[key] not in mapping.values():
                mapping[column.field] = folded[key]
                break
    return mapping


# --- The rule ----------------------------------------------------------------------------------


def shift_times(day: date, start: time, end: time) -> tuple[datetime, datetime]:
    """Start and end of a shift on ``day``; an end at or before the start is the next day."""
    begins = datetime.combine(day, start)
    ends = datetime.combine(day, end)
    if ends <= begins:  # a night shift (or a 24-hour shift) runs past midnight
        ends += timedelta(days=1)
    return begins, ends


def rest_minutes(
    previous_end: datetime, next_start: datetime, travel_home: int, travel_to_next: int
) -> int:
    """Minutes at home between two shifts: the gap less the commute home and back.

    Never negative: a gap shorter than the two commutes leaves no rest at all.
    """
    gap = int((next_start - previous_end).total_seconds() // 60)
    return max(gap - int(travel_home) - int(travel_to_next), 0)


def is_short(rest: int) -> bool:
    """Under 11 hours; exactly 11 h is enough."""
    return rest < SHORT_REST_MINUTES


@dataclass(frozen=True)
class Shift:
    """One validated row. ``person`` lives only while the file is read."""

    row: int
    person: tuple[str, str]  # (employer key, person id)
    employer: str
    employer_kind: str
    unit: str
    begins: datetime
    ends: datetime
    travel: int


@dataclass
class Group:
    employer: str
    employer_kind: str
    unit: str
    people: int = 0
    people_short: int = 0
    short_rests: int = 0
    worst_rest_minutes: int | None = None


@dataclass
class Summary:
    shifts: int
    people: int
    people_short: int
    short_rests: int
    worst_rest_minutes: int | None
    first_date: date
    last_date: date
    groups: list[Group]


def _worst(a: int | None, b: int) -> int:
    return b if a is None else min(a, b)


def _keys(s: Shift) -> tuple[tuple[str, str], tuple[str, str]]:
    """The groups a shift counts in: its unit, and its employer as a whole (unit "")."""
    return (s.employer, s.unit), (s.employer, "")


def summarise(shifts: list[Shift]) -> Summary:
    """People with short rests, overall, per employer and per (employer, unit).

    A person's shifts are taken in time order across every unit; a rest belongs to the
    unit of the shift it precedes, and a person counts once in each unit they work in.
    The employer as a whole is the group with unit "": counted per person, not summed
    over units, so someone working in two units counts once there.
    """
    by_person: dict[tuple, list[Shift]] = defaultdict(list)
    for s in shifts:
        by_person[s.person].append(s)
    groups: dict[tuple[str, str], Group] = {}
    people_short = short_rests = 0
    worst: int | None = None
    for person_shifts in by_person.values():
        person_shifts.sort(key=lambda s: s.begins)
        short_in: set[tuple[str, str]] = set()
        member_of: set[tuple[str, str]] = set()
        for s in person_shifts:
            for key in _keys(s):
                member_of.add(key)
                groups.setdefault(key, Group(key[0], s.employer_kind, key[1]))
        for prev, nxt in pairwise(person_shifts):
            rest = rest_minutes(prev.ends, nxt.begins, prev.travel, nxt.travel)
            worst = _worst(worst, rest)
            short = is_short(rest)
            short_rests += short
            for key in _keys(nxt):
                group = groups[key]
                group.worst_rest_minutes = _worst(group.worst_rest_minutes, rest)
                if short:
                    group.short_rests += 1
                    short_in.add(key)
        for key in member_of:
            groups[key].people += 1
            groups[key].people_short += key in short_in
        people_short += bool(short_in)
    return Summary(
        shifts=len(shifts),
        people=len(by_person),
        people_short=people_short,
        short_rests=short_rests,
        worst_rest_minutes=worst,
        first_date=min(s.begins.date() for s in shifts),
        last_date=max(s.begins.date() for s in shifts),
        groups=[groups[k] for k in sorted(groups)],
    )


# --- Reading values ----------------------------------------------------------------------------

_CLOCK = re.compile(r"^(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?$")
_COMPACT_CLOCK = re.compile(r"^(\d{2})(\d{2})$")
_DATETIME_TAIL = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T](\d{1,2}:\d{2}(?::\d{2})?)(?:\.\d+)?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DOTTED_DATE = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")
_EXCEL_SERIAL = re.compile(r"^\d{5}(?:\.0+)?$")
_MINUTES_SUFFIX = re.compile(r"\s*(min|minuter|m)\.?$", re.IGNORECASE)


def parse_date(text: str) -> date:
    """ "2025-03-04", "20250304", "4.3.2025", an XLSX date read as "2025-03-04 00:00:00"
    or as Excel's day number 45720; else ValueError."""
    text = text.strip()
    if m := _DATETIME_TAIL.match(text):
        text = m.group(1)
    if m := _ISO_DATE.match(text) or _COMPACT_DATE.match(text):
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if m := _DOTTED_DATE.match(text):
        return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    if _EXCEL_SERIAL.match(text):
        return EXCEL_EPOCH + timedelta(days=int(float(text)))
    raise ValueError(text)


def parse_clock(text: str) -> time:
    """ "07:00", "7.00", "0700", "07:00:00", an XLSX time read as "1900-01-01 07:00:00",
    or Excel's fraction of a day ("0,3125"); "24:00" is midnight. Else ValueError."""
    text = text.strip()
    if m := _DATETIME_TAIL.match(text):
        text = m.group(2)
    m = _CLOCK.match(text) or _COMPACT_CLOCK.match(text)
    if m:
        hour, minute = int(m.group(1)), int(m.group(2))
        second = int(m.group(3) or 0) if m.re is _CLOCK else 0
        if (hour, minute, second) == (24, 0, 0):
            return time(0, 0)
        if hour > 23 or minute > 59 or second > 59:
            raise ValueError(text)
        return time(hour, minute)
    fraction = parse_decimal(text)
    if fraction is None or not 0 <= fraction < 1:
        raise ValueError(text)
    minutes = int((fraction * 1440).to_integral_value())
    if minutes == 1440:
        return time(0, 0)
    return time(minutes // 60, minutes % 60)


def parse_minutes(text: str) -> int:
    """ "45", "45 min", "0:45" or "1.05" as h:mm → whole minutes; else ValueError."""
    text = _MINUTES_SUFFIX.sub("", text.strip())
    if m := re.match(r"^(\d{1,2}):(\d{2})(?::00)?$", text):
        if int(m.group(2)) > 59:
            raise ValueError(text)
        return int(m.group(1)) * 60 + int(m.group(2))
    value = parse_decimal(text)
    if value is None or value != value.to_integral_value():
        raise ValueError(text)
    return int(value)


# --- Reading the file --------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    value: str
    reason: str


@dataclass
class ErrorGroup:
    """Errors with the same column and reason: how many, and the first rows."""

    column: str
    reason: str
    count: int = 0
    first: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class ShiftReport:
    total_rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    summary: Summary | None = None

    def add(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append(error)

    @property
    def ok(self) -> bool:
        return self.error_count == 0 and self.summary is not None

    def groups(self) -> list[ErrorGroup]:
        """Errors grouped by column and reason, in the order first met."""
        out: dict[tuple[str, str], ErrorGroup] = {}
        for e in self.errors:
            g = out.setdefault((e.column, e.reason), ErrorGroup(e.column, e.reason))
            g.count += 1
            if len(g.first) < FIRST_ROWS_SHOWN:
                g.first.append((e.row, e.value))
        return list(out.values())

    def lines(self) -> list[str]:
        """The grouped errors as text (the command prints these)."""
        out = [
            _("Rader i filen: %(n)d, fel: %(e)d.") % {"n": self.total_rows, "e": self.error_count}
        ]
        for g in self.groups():
            rows = ", ".join(f"{row} ({value!r})" for row, value in g.first)
            out.append(
                _("Kolumn %(column)s: %(reason)s %(count)d rader, t.ex. rad %(rows)s")
                % {"column": g.column, "reason": g.reason, "count": g.count, "rows": rows}
            )
        if self.error_count > len(self.errors):
            out.append(_("… och %(n)d fel till.") % {"n": self.error_count - len(self.errors)})
        return out


class ShiftsRejected(Exception):
    """The file has errors: nothing was written."""

    def __init__(self, report: ShiftReport):
        super().__init__("invalid shift list")
        self.report = report


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def read_shifts(fileobj) -> ShiftReport:
    """Validate every row of a shift list; the report has a Summary only if all is valid.

    Raises TableError when the file cannot be read as a table or lacks a required column.
    """
    frames = list(read_table(fileobj))
    # read_table finds the header below any title rows and says which row it was, so
    # errors name the rows as the spreadsheet shows them.
    header_row = int(frames[0].attrs.get("header_row", 1)) if frames else 1
    frame = pd_concat(frames)
    headers = [str(h) for h in frame.columns]
    mapping = guess_mapping(headers)
    time_column = "time" in mapping and "start" not in mapping and "end" not in mapping
    if not time_column:
        mapping.pop("time", None)
    missing = [
        c.header
        for c in COLUMNS
        if c.required
        and c.field not in mapping
        and not (time_column and c.field in ("start", "end"))
    ]
    if missing:
        raise TableError(
            " ".join(_(ERR_MISSING_COLUMN).format(column=name) for name in missing)
            + " "
            + _("Kolumnerna i filen: %(headers)s.") % {"headers": ", ".join(headers)}
        )
    report = ShiftReport(total_rows=len(frame))
    municipalities = MunicipalityResolver()
    employer_kind = EmployerResolver()
    employer_names: dict[str, str] = {}  # folded → the spelling met first
    shifts: list[Shift] = []
    columns = {f: headers.index(h) for f, h in mapping.items()}
    if time_column:  # errors of the start or end name the one column both come from
        mapping["start"] = mapping["end"] = mapping["time"]
    first = header_row + 1
    for number, values in enumerate(frame.itertuples(index=False, name=None), start=first):
        cells = {f: _text(values[i]) for f, i in columns.items()}
        if not any(cells.values()):
            report.total_rows -= 1  # a blank line is not a shift
            continue
        spoilt = time_column and not _split_time_range(number, cells, mapping, report)
        shift = _validate_row(
            number, cells, mapping, report, municipalities, employer_kind, employer_names
        )
        if shift is not None and not spoilt:
            shifts.append(shift)
    _check_sequences(shifts, mapping, report)
    if report.error_count == 0:
        if not shifts:
            raise TableError(_(ERR_NO_ROWS))
        report.summary = summarise(shifts)
    return report


_TIME_RANGE = re.compile(r"^(\S+?)\s*[-–—]\s*(\S+)$")


def _split_time_range(number, cells, mapping, report) -> bool:
    """ "07:00-16:00" in the Tid column → cells' start and end; False (reported) if not."""
    text = cells.get("time", "")
    if m := _TIME_RANGE.match(text):
        cells["start"], cells["end"] = m.group(1), m.group(2)
        return True
    if not text:
        cells["start"] = cells["end"] = ""  # reported as missing by the row's checks
        return True
    report.add(RowError(number, mapping["time"], text, _(ERR_TIME_RANGE)))
    cells["start"] = cells["end"] = "00:00"  # the row's other cells are still checked
    return False


def pd_concat(frames):
    """The chunks of read_table as one DataFrame (shift lists are small)."""
    frames = list(frames)
    if not frames:
        raise TableError(_(ERR_NO_ROWS))
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def _validate_row(number, cells, mapping, report, municipalities, employer_kind, employer_names):
    ok = True

    def error(f: str, reason: str) -> None:
        nonlocal ok
        ok = False
        report.add(RowError(number, mapping[f], cells.get(f, ""), reason))

    missing_in = set()  # start and end may share the Tid column: one error for it
    for f in ("person", "employer", "unit", "travel", "date", "start", "end"):
        if not cells[f] and mapping[f] not in missing_in:
            missing_in.add(mapping[f])
            error(f, _(ERR_REQUIRED))
    for f in ("person", "employer", "unit"):
        if len(cells[f]) > TEXT_LIMIT:
            error(f, _(ERR_TOO_LONG).format(n=TEXT_LIMIT))
    for f in ("home", "work"):
        if cells.get(f) and municipalities(cells[f]) is None:
            error(f, _(ERR_MUNICIPALITY))
    day = start = end = travel = None
    pause = 0
    if cells["date"]:
        try:
            day = parse_date(cells["date"])
        except ValueError:
            error("date", _(ERR_DATE))
    for f in ("start", "end"):
        if cells[f]:
            try:
                value = parse_clock(cells[f])
            except ValueError:
                error(f, _(ERR_TIME))
            else:
                start, end = (value, end) if f == "start" else (start, value)
    for f in ("travel", "break"):
        if not cells.get(f):
            continue
        try:
            minutes = parse_minutes(cells[f])
        except ValueError:
            error(f, _(ERR_MINUTES))
            continue
        if not 0 <= minutes <= MAX_TRAVEL_MINUTES:
            error(f, _(ERR_RANGE).format(low=0, high=MAX_TRAVEL_MINUTES))
        elif f == "travel":
            travel = minutes
        else:
            pause = minutes
    if not ok or None in (day, start, end, travel):
        return None
    begins, ends = shift_times(day, start, end)
    if pause and pause * 60 >= (ends - begins).total_seconds():
        error("break", _(ERR_BREAK))
        return None
    employer_key = normalise_header(cells["employer"])
    employer = employer_names.setdefault(employer_key, cells["employer"])
    return Shift(
        row=number,
        person=(employer_key, cells["person"]),
        employer=employer,
        employer_kind=employer_kind(employer),
        unit=cells["unit"],
        begins=begins,
        ends=ends,
        travel=travel,
    )


def _check_sequences(shifts: list[Shift], mapping, report: ShiftReport) -> None:
    """Two shifts of one person starting at once, or overlapping, are refused by row."""
    by_person: dict[tuple, list[Shift]] = defaultdict(list)
    for s in shifts:
        by_person[s.person].append(s)
    found = []
    for person_shifts in by_person.values():
        person_shifts.sort(key=lambda s: (s.begins, s.row))
        for prev, nxt in pairwise(person_shifts):
            if nxt.begins == prev.begins:
                found.append((nxt.row, _(ERR_DUPLICATE).format(row=prev.row), nxt))
            elif nxt.begins < prev.ends:
                found.append((nxt.row, _(ERR_OVERLAP).format(row=prev.row), nxt))
    for row, reason, s in sorted(found, key=lambda t: t[0]):
        report.add(RowError(row, mapping["start"], s.begins.strftime("%Y-%m-%d %H:%M"), reason))


# --- Storing -----------------------------------------------------------------------------------


def import_shift_list(*, fileobj, name: str, file_name: str = "", user=None, on_write=None):
    """Read, check and store a shift list: the import and its aggregates, or nothing.

    Raises ShiftsRejected (with the grouped errors) or TableError; writes nothing then.
    The file is read whole into memory: shift lists are thousands of rows, not millions.
    ``on_write()`` is called once the file is valid, before anything is written (a job
    reports its writing stage; a cancel raised there writes nothing).
    """
    from mapping.models import ShiftImport, ShiftRestGroup

    if not hasattr(fileobj, "seekable") or not fileobj.seekable():
        fileobj = io.BytesIO(fileobj.read())
    fileobj.seek(0)
    report = read_shifts(fileobj)
    if not report.ok:
        raise ShiftsRejected(report)
    s = report.summary
    if on_write:
        on_write()
    with transaction.atomic():
        schedule = ShiftImport(
            name=name,
            file_name=file_name[:255],
            first_date=s.first_date,
            last_date=s.last_date,
            shift_count=s.shifts,
            people=s.people,
            people_short=s.people_short,
            short_rests=s.short_rests,
            worst_rest_minutes=s.worst_rest_minutes,
            user=user if user is not None and user.is_authenticated else None,
        )
        schedule.full_clean()
        schedule.save()
        ShiftRestGroup.objects.bulk_create(
            ShiftRestGroup(
                schedule=schedule,
                employer=g.employer,
                employer_kind=g.employer_kind,
                unit=g.unit,
                people=g.people,
                people_short=g.people_short,
                short_rests=g.short_rests,
                worst_rest_minutes=g.worst_rest_minutes,
            )
            for g in s.groups
        )
    return schedule


def hours_minutes(minutes: int | None) -> str:
    """480 → "8 h 00"; None → "–"."""
    if minutes is None:
        return "–"
    return f"{minutes // 60} h {minutes % 60:02d}"
