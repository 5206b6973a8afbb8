"""Reading SCB statistics files as SCB's PxWeb writes them: RAMS commuting and BE0101 migration.

PxWeb (statistikdatabasen.scb.se) saves a table as CSV ("med rubrik" or "utan
rubrik", ';', ',' or tab, Windows-1252 or UTF-8) or XLSX, in whatever layout the
user pivoted it to. This module reads the file as a raw grid and finds:

* the header row: the first row with two or more filled cells, so the title
  line(s), blank lines and the footnotes after the table are skipped;
* the *stub* columns (row labels: kommun, år, kön, ålder, SNI …) and the
  *heading* columns (one figure each): years ("2021", "Antal 2021"), kommuner
  (the matrix layout, "2380 Östersund (arbetsställe)"), measures
  ("Inflyttningar 2021") or one value column ("Antal");
* a "Totalt"/"Samtliga" column or row: ignored and reported, never summed twice.

Every figure becomes a :class:`Cell` with its labels; :func:`collapse` resolves
the kommuner, applies the planner's choice for each extra dimension (sum over it
or select one value), and refuses a key that would be written twice. Cells
marked "..", "." or "-" are suppressed (SCB's sekretess / uppgift saknas): they
are counted and reported, never read as 0. The importers in :mod:`mapping.imports`
write the result in one transaction, or nothing.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pandas as pd
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from hubplan.tabular import XLSX_MAGIC, TableError, normalise_header, parse_decimal
from mapping.imports import (
    BATCH_ROWS,
    ERR_NUL,
    ERR_RANGE,
    ERR_REQUIRED,
    ERR_TOO_LONG,
    ERR_UNKNOWN_MUNICIPALITY,
    MunicipalityResolver,
    Report,
    RowError,
)
from mapping.models import CommutingFlow, MunicipalityMigration, RecruitmentNeed

MAX_COUNT = 2_147_483_647  # PostgreSQL's integer
SUPPRESSED = frozenset({"..", ".", "-", "–", "…"})
# Labels of totals in a stub or a heading: "Totalt", "Samtliga kommuner", "Riket", "båda könen" …
_TOTAL = re.compile(
    r"^(totalt?|samtliga|summa|alla|riket|hela_riket|sverige|bada_konen|man_och_kvinnor|"
    r"kvinnor_och_man|total)(_|$)"
)
_YEAR = re.compile(r"^(?:(.*\D)\s+)?((?:19|20)\d\d)$")
_PAREN = re.compile(r"\s*\((bostad|arbetsst[aä]lle|arbetsplats|bostadsort|arbetsort)\)\s*$", re.I)

ERR_NOT_COUNT = gettext_noop("Inte ett antal (ett heltal 0 eller större).")
ERR_BLANK = gettext_noop('Värdet saknas. SCB skriver ".." för undertryckta värden.')


@dataclass(frozen=True)
class Grid:
    """The file as rows of stripped strings ("" for an empty cell); row numbers are 1-based."""

    rows: list[list[str]]
    xlsx: bool


@dataclass
class Cell:
    """One figure of the file with the labels of its row and column."""

    row: int
    column: str
    raw: str
    labels: dict[str, str]  # role → label text (home, work, kommun, year, measure, sector)
    dims: dict[str, str]  # extra dimension header → value (kön → män)


@dataclass
class Table:
    """The cells of a file and what the reader noticed on the way."""

    cells: list[Cell]
    dims: dict[str, Counter]  # extra dimension → value → how many figures
    ignored_totals: Counter = field(default_factory=Counter)  # "Totalt" labels skipped
    title: str = ""
    role_columns: dict[str, str] = field(default_factory=dict)  # stub role → its header
    header_row: int = 1  # the spreadsheet row of the header (after the title lines)
    unknown_columns: list[str] = field(default_factory=list)
    nul_cells: list[tuple[int, str, str]] = field(default_factory=list)  # row, column, value

    def title_year(self) -> int | None:
        """The one year named in the title line ("… 2022"), for a matrix without a year column."""
        years = set(re.findall(r"\b((?:19|20)\d\d)\b", self.title))
        return int(years.pop()) if len(years) == 1 else None


# --- The raw grid -----------------------------------------------------------------------------


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:  # NaN: an empty cell
            return ""
        if value.is_integer():
            return str(int(value))
        return repr(value)
    return str(value).strip()


def read_grid(path: str | Path) -> Grid:
    """The whole file as text cells. SCB tables are small (a full 290 × 290 matrix is 84 100 cells)."""
    with open(path, "rb") as fh:
        raw = fh.read()
    if not raw.strip():
        raise TableError(_("Filen är tom."))
    if raw.startswith(XLSX_MAGIC):
        try:
            frame = pd.read_excel(io.BytesIO(raw), header=None, dtype=object, engine="calamine")
        except Exception as exc:  # calamine raises many kinds on a broken file
            raise TableError(_("Excelfilen kunde inte läsas: %(e)s") % {"e": exc}) from None
        rows = [[_cell_text(v) for v in row] for row in frame.itertuples(index=False)]
        return Grid(rows, xlsx=True)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    delimiter = _sniff(text)
    rows = [
        [c.strip() for c in row]
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    ]
    return Grid(rows, xlsx=False)


def _sniff(text: str) -> str:
    """The delimiter that splits most of the first lines into two or more fields.

    The title line of a PxWeb file has no delimiter at all, so the first line alone
    cannot tell (hubplan.tabular.sniff_csv looks only at the first line).
    """
    sample = text[: 64 * 1024].splitlines()[:60]
    best, best_score = ";", -1
    for delimiter in (";", "\t", ","):
        rows = list(csv.reader(sample, delimiter=delimiter))
        score = sum(1 for r in rows if len(r) > 1)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _filled(row: list[str]) -> int:
    return sum(1 for c in row if c)


def _looks_like_data(text: str, resolve) -> bool:
    """A kommun, a figure or a suppression mark: what no footnote consists of."""
    text = text.strip()
    if not text:
        return False
    return (
        text in SUPPRESSED
        or bool(re.fullmatch(r"[\d\s.,]+", text))
        or bool(resolve(strip_suffix(text)))
    )


# --- Columns ----------------------------------------------------------------------------------

# Stub headers by role, folded (normalise_header); matched exactly first, then as a prefix.
ROLE_NAMES: dict[str, tuple[str, ...]] = {
    "home": ("bostadskommun", "bostadsort", "bostadsregion", "hemkommun", "home"),
    "work": (
        "arbetsstallekommun",
        "arbetsplatskommun",
        "arbetsstalleregion",
        "arbetsort",
        "arbetsstalle",
        "work",
    ),
    "kommun": ("kommun", "region", "municipality"),
    "year": ("ar", "year", "tid", "period", "artal"),
    "sector": ("sektor", "sector", "bransch"),
    "measure": ("tabellinnehall", "flyttningar", "forandringar", "matt", "contents"),
}
VALUE_NAMES = (
    "antal",
    "varde",
    "value",
    "commuters",
    "pendlare",
    "forvarvsarbetande",
    "sysselsatta",
)
# BE0101 and the app's own template: which figure a measure label is.
MEASURES = {
    "in": ("inflyttningar", "inflyttade", "in_migration", "inflyttning", "inrikes_inflyttningar"),
    "out": ("utflyttningar", "utflyttade", "out_migration", "utflyttning", "inrikes_utflyttningar"),
    "needed": ("rekryteringsbehov", "needed", "recruitment"),
}


def _role(header: str, roles: tuple[str, ...]) -> str | None:
    key = normalise_header(header)
    if not key:
        return None
    for role in roles:
        if key in ROLE_NAMES[role]:
            return role
    for role in roles:
        # Never a year by prefix: "ar" begins "arbetsgivarsektor", a dimension of RAMS.
        if role != "year" and any(key.startswith(name) for name in ROLE_NAMES[role]):
            return role
    return None


def measure_of(text: str) -> str | None:
    key = normalise_header(text)
    for measure, names in MEASURES.items():
        if key in names or any(key.startswith(n) for n in names):
            return measure
    return None


_fold = functools.lru_cache(maxsize=65_536)(normalise_header)


@functools.lru_cache(maxsize=4096)
def is_total(text: str) -> bool:
    """ "Totalt", "Samtliga kommuner", "Riket", "båda könen": a sum SCB wrote, not a part."""
    return bool(_TOTAL.match(normalise_header(_PAREN.sub("", text))))


def strip_suffix(text: str) -> str:
    """ "2380 Östersund (arbetsställe)" → "2380 Östersund" (SCB's ArRegPend tables)."""
    return _PAREN.sub("", text).strip()


def _is_value_name(text: str) -> bool:
    key = normalise_header(text)
    return key in VALUE_NAMES or any(key.startswith(n) for n in VALUE_NAMES)


def _heading(header: str, resolve, measures: bool) -> dict[str, str] | None:
    """The labels a heading column gives its figures, or None for a stub column.

    A year after an unknown text ("Dagbefolkning 2021", but also the stub "näringsgren
    SNI 2007") is marked weak: :func:`read_table` then decides by the column's cells.
    """
    text = header.strip()
    if match := _YEAR.match(text):
        prefix = (match.group(1) or "").strip()
        labels = {"year": match.group(2)}
        if prefix and is_total(prefix):
            return None  # "Totalt 2021": a total column of a matrix with years in the heading
        if prefix and measures and measure_of(prefix):
            labels["measure"] = prefix
        elif prefix and not re.fullmatch(r"\d+", prefix) and resolve(strip_suffix(prefix)):
            labels["kommun_column"] = prefix  # "2380 Östersund 2021"
        elif prefix and not _is_value_name(prefix):
            labels[_WEAK] = prefix
        return labels
    if measures and measure_of(text):
        return {"measure": text}
    if text and not re.fullmatch(r"\d+", text) and resolve(strip_suffix(text)):
        return {"kommun_column": text}
    if _is_value_name(text):
        return {}
    return None


_WEAK = "_weak"


def _figure_like(text: str) -> bool:
    return text in SUPPRESSED or bool(re.fullmatch(r"[\d\s\u00a0.,]+", text))


def _two_level_header(years: list[str], below: list[list[str]], resolve) -> list[str] | None:
    """PxWeb's XLSX of a matrix with two heading variables: a row of years (each written
    once, over its group) above a row of kommuner. Joined as the CSV writes them:
    "2380 Östersund 2021". None unless the rows look exactly like that."""
    if not below:
        return None
    kommuner = below[0] + [""] * (len(years) - len(below[0]))
    first = next((i for i, c in enumerate(years) if c), None)
    if first is None:
        return None
    if not all(_YEAR.fullmatch(c) and not _YEAR.match(c).group(1) for c in years[first:] if c):
        return None
    named = [c for c in kommuner[first:] if c]
    if len(named) < 2 or not all(resolve(strip_suffix(c)) or is_total(c) for c in named):
        return None
    joined, year = list(years[:first]), ""
    for i in range(first, max(len(years), len(kommuner))):
        year = (years[i] if i < len(years) else "") or year
        joined.append(f"{kommuner[i]} {year}" if kommuner[i] else "")
    # The stub names (bostadskommun) sit in the lower row, left of the first year.
    for j in range(first):
        joined[j] = kommuner[j]
    return joined


def read_table(grid: Grid, *, roles: tuple[str, ...], resolve, measures: bool = False) -> Table:
    """The grid's figures as cells: find the header, the stubs, the headings; skip notes and totals.

    ``roles`` are the stub roles this import knows (others become extra dimensions);
    ``resolve`` turns kommun text into a code (or None); ``measures`` says whether
    headings or a stub may name a measure (BE0101's Inflyttningar/Utflyttningar).
    """
    rows = grid.rows
    # A title or note is one text in column A; the header has two cells or more, or (PxWeb
    # XLSX with empty stub headers and one year) its one text further right.
    header_at = next((i for i, r in enumerate(rows) if _filled(r) >= 2 or any(r[1:])), None)
    if header_at is None:
        raise TableError(
            _("Hittar ingen rubrikrad: filen har inga rader med två eller fler värden.")
        )
    title = " ".join(c for r in rows[:header_at] for c in r if c)
    header = rows[header_at]
    if two_level := _two_level_header(header, rows[header_at + 1 : header_at + 2], resolve):
        header, header_at = two_level, header_at + 1
    # The data block ends at the last row that looks like data: what follows (blank lines,
    # "Fotnoter:", "Källa: SCB") are notes. A lone kommun or figure is a cut-off data row,
    # not a note, so it is read (and refused for its missing cells), never dropped.
    last = max(
        i
        for i, r in enumerate(rows)
        if i == header_at
        or _filled(r) >= 2
        or any(r[1:])
        or (r and _looks_like_data(r[0], resolve))
    )
    width = max(len(header), max((len(r) for r in rows[header_at : last + 1]), default=0))
    header = header + [""] * (width - len(header))
    # Trailing columns with neither header nor data (Excel's ";;;").
    while (
        width
        and not header[width - 1]
        and not any(len(r) >= width and r[width - 1] for r in rows[header_at + 1 : last + 1])
    ):
        width -= 1
    header = header[:width]

    headings = {i: _heading(h, resolve, measures) for i, h in enumerate(header)}
    body = rows[header_at + 1 : last + 1]
    for i, labels in headings.items():
        if labels and labels.pop(_WEAK, None) is not None:
            below = [r[i] for r in body if len(r) > i and r[i]]
            if below and sum(map(_figure_like, below)) * 2 < len(below):
                headings[i] = None  # "näringsgren SNI 2007": text below, so a stub
    heading_cols = [i for i, labels in headings.items() if labels is not None and header[i]]
    totals_cols = [i for i, h in enumerate(header) if h and is_total(h) and i not in heading_cols]
    stub_cols = [i for i in range(width) if i not in heading_cols and i not in totals_cols]
    if not heading_cols:
        # Long layout: the figure is in the last column (PxWeb puts the contents last).
        candidates = [i for i in range(width) if i not in totals_cols]
        if not candidates:
            raise TableError(_("Hittar ingen kolumn med värden: bara summakolumner (Totalt)."))
        value_col = max(candidates)
        heading_cols = [value_col]
        headings[value_col] = {}
        stub_cols = [i for i in stub_cols if i != value_col]
    # A stub left of the first heading column; anything right of it that is not a heading
    # is still a stub (PxWeb never writes that, but a hand-edited file might).
    stub_roles: dict[int, str | None] = {}
    used: set[str] = set()
    for i in stub_cols:
        role = _role(header[i], roles)
        if role in used and role not in ("home", "work"):
            role = None
        if role == "kommun" and "home" in roles and "home" not in used:
            role = "home"  # RAMS with a plain "region" column: the row kommun is the home
        if role == "measure" and not measures:
            role = None
        if role:
            used.add(role)
        stub_roles[i] = role
    # Unnamed stubs (PxWeb XLSX leaves the stub headers empty): kommuner or years by content.
    data = [
        (n + 1, r + [""] * (width - len(r)))
        for n, r in enumerate(rows[header_at + 1 : last + 1], start=header_at + 1)
        if _filled(r)
    ]
    if grid.xlsx:
        # PxWeb's Excel export writes a stub label only where it changes.
        previous: dict[int, str] = {}
        for _n, r in data:
            for i in stub_cols:
                if r[i]:
                    previous[i] = r[i]
                elif i in previous and any(r[j] for j in heading_cols):
                    r[i] = previous[i]
    for i in stub_cols:
        if stub_roles[i] or header[i]:
            continue
        values = [r[i] for _n, r in data if r[i]]
        if values and all(_YEAR.fullmatch(v) and not _YEAR.match(v).group(1) for v in values):
            role = "year"
        elif values and all(resolve(strip_suffix(v)) or is_total(v) for v in values):
            role = next(
                (r for r in ("home", "work", "kommun") if r in roles and r not in used), None
            )
        else:
            role = None
        if role:
            used.add(role)
        stub_roles[i] = role

    names = {i: header[i] or _("kolumn %(n)d") % {"n": i + 1} for i in range(width)}
    # A column among the figures that is neither a heading nor a known stub would be an
    # extra dimension PxWeb never writes there: a kommun spelt wrong, most likely.
    first_heading = min(heading_cols)
    unknown = [names[i] for i in stub_cols if not stub_roles[i] and i > first_heading]
    stub_cols = [i for i in stub_cols if stub_roles[i] or i < first_heading]
    dims: dict[str, Counter] = {names[i]: Counter() for i in stub_cols if not stub_roles[i]}
    ignored: Counter = Counter(header[i] for i in totals_cols)
    cells: list[Cell] = []
    nul_cells = [
        (number, names[i], r[i]) for number, r in data for i in range(width) if "\x00" in r[i]
    ]
    for number, r in data:
        labels = {stub_roles[i]: r[i] for i in stub_cols if stub_roles[i]}
        row_total = next((v for k, v in labels.items() if k != "year" and is_total(v)), None)
        if row_total:
            ignored[row_total] += 1
            continue
        row_dims = {names[i]: r[i] for i in stub_cols if not stub_roles[i]}
        for i in heading_cols:
            cell_labels = dict(labels)
            cell_labels.update(headings[i])
            cells.append(Cell(number, names[i], r[i], cell_labels, row_dims))
        for d, v in row_dims.items():  # rows, as the planner sees them in the file
            dims[d][v] += 1
    role_columns = {stub_roles[i]: names[i] for i in stub_cols if stub_roles[i]}
    return Table(cells, dims, ignored, title, role_columns, header_at + 1, unknown, nul_cells)


# --- From cells to keyed figures --------------------------------------------------------------


@dataclass
class Choice:
    """The planner's answer for extra dimensions: sum over them, or select a value of each."""

    sum_all: bool = False
    select: dict[str, str] = field(default_factory=dict)  # dimension → value, as typed

    @classmethod
    def parse(cls, *, sum_all: bool = False, select: str | list[str] = "") -> Choice:
        """``"kön=totalt, ålder=16-74 år"`` or ``["kön=totalt"]`` → a Choice (ValueError if malformed)."""
        items = select if isinstance(select, list) else re.split(r"[;,\n]", select or "")
        chosen = {}
        for item in items:
            if not item.strip():
                continue
            if "=" not in item:
                raise ValueError(item)
            name, value = item.split("=", 1)
            chosen[name.strip()] = value.strip()
        return cls(sum_all=sum_all, select=chosen)


@dataclass
class Figure:
    value: int | None  # None: suppressed
    rows: list[int]
    column: str


def count_value(raw: str) -> tuple[int | None, str | None]:
    """(count, reason): an SCB figure as a whole number ≥ 0; (None, None) when suppressed."""
    text = raw.strip()
    if text in SUPPRESSED:
        return None, None
    if not text:
        return None, _(ERR_BLANK)
    try:
        number = parse_decimal(text)
    except ValueError:
        return None, _(ERR_NOT_COUNT)
    if number is None or number < 0 or number != number.to_integral_value():
        return None, _(ERR_NOT_COUNT)
    if number > MAX_COUNT:
        return None, _("Utanför tillåtet intervall ({low}–{high}).").format(low=0, high=MAX_COUNT)
    return int(Decimal(number)), None


def unresolved_dimensions(table: Table, choice: Choice) -> dict[str, Counter]:
    """Extra dimensions with more than one value that the choice does not settle."""
    chosen = {normalise_header(k) for k in choice.select}
    return {
        d: values
        for d, values in table.dims.items()
        if len(values) > 1 and normalise_header(d) not in chosen and not choice.sum_all
    }


def describe_dimensions(dims: dict[str, Counter]) -> str:
    """ "kön: män (204), kvinnor (204)" for the messages."""
    return "; ".join(
        f"{d}: "
        + ", ".join(f"{v or '–'} ({n})" for v, n in values.most_common(12))
        + (" …" if len(values) > 12 else "")
        for d, values in dims.items()
    )


ERR_DUPLICATE = gettext_noop(
    "Samma %(key)s som rad %(first)d: värdet skulle skriva över det. Summera eller välj "
    "ett värde för de extra dimensionerna, eller ta bort dubbletten."
)


def collapse(
    table: Table, choice: Choice, key_of, report, *, row_error, describe, progress=None
) -> dict[tuple, Figure]:
    """key → Figure after the choice: selected values kept, summed dimensions added up.

    ``key_of(cell)`` gives the key or None (it reported why); ``describe(key)`` words it
    for the message. A key met
    twice with the same values of the summed dimensions is refused, never overwritten.
    A sum with a suppressed part is suppressed. Totals of a summed dimension are left
    out (they would count everyone twice) and reported in ``table.ignored_totals``.
    """
    known = {normalise_header(d): d for d in table.dims}
    select: dict[str, str] = {}
    errors_before = report.error_count
    for name, value in choice.select.items():
        dim = known.get(normalise_header(name))
        if dim is None:
            report.add(
                row_error(
                    table.header_row,
                    name,
                    value,
                    _("Dimensionen finns inte i filen; där finns: %(found)s.")
                    % {"found": ", ".join(table.dims) or "–"},
                )
            )
            continue
        values = {normalise_header(v): v for v in table.dims[dim]}
        if normalise_header(value) not in values:
            report.add(
                row_error(
                    table.header_row,
                    dim,
                    value,
                    _("Värdet finns inte i kolumnen; där finns: %(found)s.")
                    % {"found": ", ".join(sorted(table.dims[dim]))},
                )
            )
            continue
        select[dim] = normalise_header(value)
    if report.error_count > errors_before:
        report.needs_choice = True  # a choice the file cannot meet: keep the file, ask again
    if not report.ok:
        return {}
    summed = [d for d, values in table.dims.items() if d not in select and len(values) > 1]
    with_parts = {d for d in summed if any(not is_total(v) for v in table.dims[d])}
    seen: dict[tuple, int] = {}
    out: dict[tuple, Figure] = {}
    if progress is not None:
        progress.stage("checking", total=len(table.cells))
    for n, cell in enumerate(table.cells):
        if progress is not None and n % PROGRESS_CELLS == 0:
            progress.advance(n)
        if any(_fold(cell.dims[d]) != v for d, v in select.items()):
            continue
        total = next((cell.dims[d] for d in with_parts if is_total(cell.dims[d])), None)
        if total is not None:
            table.ignored_totals[total] += 1
            continue
        key = key_of(cell)
        if key is None:
            continue
        value, reason = count_value(cell.raw)
        if reason:
            report.add(row_error(cell.row, cell.column, cell.raw, reason))
            continue
        seen_key = (key, tuple(cell.dims[d] for d in summed))
        if seen_key in seen:
            report.add(
                row_error(
                    cell.row,
                    cell.column,
                    cell.raw,
                    _(ERR_DUPLICATE) % {"key": describe(key), "first": seen[seen_key]},
                )
            )
            continue
        seen[seen_key] = cell.row
        figure = out.get(key)
        if figure is None:
            out[key] = Figure(value, [cell.row], cell.column)
        else:
            figure.rows.append(cell.row)
            figure.value = None if figure.value is None or value is None else figure.value + value
    return out


# --- The two importers ------------------------------------------------------------------------


@dataclass
class ScbReport(Report):
    """A Report plus what an SCB file needs said: suppressed cells, totals left out, dimensions."""

    suppressed: int = 0
    ignored_totals: dict[str, int] = field(default_factory=dict)
    dimensions: dict[str, dict[str, int]] = field(default_factory=dict)
    needs_choice: bool = False
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return self.notes + (super().lines() if not self.ok else [])


# A job's progress is told every this many figures checked (a national RAMS year has 84 100).
PROGRESS_CELLS = 5_000


def _upsert(model, objs: list, *, progress, done: int = 0, **conflict) -> int:
    """``bulk_create(update_conflicts=True)`` in batches, the job's progress told after
    each (``done`` rows written before these); returns the rows written so far."""
    for start in range(0, len(objs), BATCH_ROWS):
        model.objects.bulk_create(
            objs[start : start + BATCH_ROWS], update_conflicts=True, **conflict
        )
        if progress is not None:
            progress.advance(done + min(start + BATCH_ROWS, len(objs)))
    return done + len(objs)


def _row_error(row, column, value, reason) -> RowError:
    return RowError(row, str(column), str(value), reason)


def _start(path, roles, *, measures=False) -> tuple[ScbReport, Table | None, MunicipalityResolver]:
    resolve = MunicipalityResolver()
    report = ScbReport()
    table = read_table(read_grid(path), roles=roles, resolve=resolve, measures=measures)
    report.total_rows = len({c.row for c in table.cells})
    report.dimensions = {d: dict(v) for d, v in table.dims.items()}
    for column in table.unknown_columns:
        report.add(_row_error(table.header_row, column, column, _(ERR_COLUMN)))
    for row, column, value in table.nul_cells:  # PostgreSQL text cannot hold it
        report.add(_row_error(row, column, value, _(ERR_NUL)))
    return report, table, resolve


def _needs_choice(report: ScbReport, table: Table, choice: Choice) -> bool:
    open_dims = unresolved_dimensions(table, choice)
    if not open_dims:
        return False
    report.needs_choice = True
    report.add(
        _row_error(
            table.header_row,
            ", ".join(open_dims),
            "",
            _(
                "Filen har fler dimensioner än nyckeln: %(dims)s. Välj Summera eller ett värde "
                "för varje dimension; annars skulle en rad skriva över en annan."
            )
            % {"dims": describe_dimensions(open_dims)},
        )
    )
    return True


def _finish(report: ScbReport, table: Table, suppressed: int) -> None:
    report.suppressed = suppressed
    report.ignored_totals = dict(table.ignored_totals)
    if report.suppressed:
        report.notes.append(
            ngettext(
                '%(n)d värde var undertryckt av SCB ("..", "." eller "-") och importerades inte.',
                '%(n)d värden var undertryckta av SCB ("..", "." eller "-") och importerades inte.',
                report.suppressed,
            )
            % {"n": report.suppressed}
        )
    if table.ignored_totals:
        report.notes.append(
            _("Summor lämnades utanför (de hade räknat samma personer två gånger): %(t)s.")
            % {"t": ", ".join(f"{k} ({n})" for k, n in table.ignored_totals.items())}
        )
    constant = {d: v for d, v in table.dims.items() if len(v) == 1}
    if constant:
        report.notes.append(
            _("Dimensioner med ett enda värde: %(d)s.") % {"d": describe_dimensions(constant)}
        )


ERR_COLUMN = gettext_noop(
    "Kolumnen är varken en kommun, ett år eller ett mått som den här importen känner."
)


class _Kommuner:
    """Kommun text → code, one error per row and column (a matrix row has many figures)."""

    def __init__(self, resolve, report, header_row: int):
        self.resolve, self.report, self.reported = resolve, report, set()
        self.header_row = header_row
        self.cache: dict[str, str | None] = {}

    def header_error(self, column: str, reason: str) -> None:
        """A problem with a whole column, reported once at the header (row 1 of the table)."""
        if ("header", column) not in self.reported:
            self.reported.add(("header", column))
            self.report.add(_row_error(self.header_row, column, column, reason))

    def __call__(self, text: str, row: int, column: str) -> str | None:
        text = text or ""
        if text not in self.cache:
            self.cache[text] = self.resolve(strip_suffix(text))
        code = self.cache[text]
        if code is None and (row, column) not in self.reported:
            self.reported.add((row, column))
            self.report.add(_row_error(row, column, text, _(ERR_UNKNOWN_MUNICIPALITY)))
        return code


def _year(cell: Cell, table: Table, report, *, low: int, column: str) -> int | None:
    text = cell.labels.get("year")
    if text is None:
        year = table.title_year()
        if year is None:
            report.add(
                _row_error(
                    table.header_row,
                    _("år"),
                    "",
                    _(
                        "Året saknas: filen har varken en kolumn år, år som kolumner eller ett "
                        "enda år i rubriken."
                    ),
                )
            )
        return year
    if not re.fullmatch(r"\d{4}", text.strip()) or not low <= int(text) <= 2100:
        report.add(_row_error(cell.row, column, text, _(ERR_RANGE).format(low=low, high=2100)))
        return None
    return int(text)


@transaction.atomic
def import_rams(path: str | Path, *, choice: Choice | None = None, progress=None) -> ScbReport:
    """SCB RAMS (AM0207/AM0210) commuting: bostadskommun × arbetsställekommun × år, upserted.

    Long (one row per pair), years as columns, or the matrix (workplaces as columns).
    Nothing is written unless the whole file is valid. ``progress`` (a job's
    :class:`hubplan.jobs.Progress`) is told the checking and writing stages as they go.
    """
    choice = choice or Choice()
    report, table, resolve = _start(path, ("home", "work", "kommun", "year"))
    kommun = _Kommuner(resolve, report, table.header_row)
    has_year = any("year" in c.labels for c in table.cells[:1]) or "year" in table.role_columns
    if not table.cells or not (
        {"home", "work"} <= set(table.role_columns)
        or (
            "kommun_column" in table.cells[0].labels
            and table.role_columns.keys() & {"home", "work"}
        )
    ):
        report.add(
            _row_error(
                table.header_row,
                "",
                "",
                _(
                    "Hittar inte bostadskommun och arbetsställekommun: varken två kolumner med "
                    "kommuner eller en matris med arbetsställekommuner som kolumner."
                ),
            )
        )
        return report
    if not has_year and table.title_year() is None:
        _year(table.cells[0], table, report, low=1985, column="")
        return report
    if _needs_choice(report, table, choice):
        return report
    columns_are_home = "work" in table.role_columns and "home" not in table.role_columns

    def key_of(cell: Cell):
        labels = cell.labels
        if "kommun_column" in labels:
            stub_role = "work" if columns_are_home else "home"
            stub = kommun(labels[stub_role], cell.row, table.role_columns[stub_role])
            other = kommun(labels["kommun_column"], table.header_row, cell.column)
            home, work = (other, stub) if columns_are_home else (stub, other)
        elif "home" in labels and "work" in labels:
            home = kommun(labels["home"], cell.row, table.role_columns["home"])
            work = kommun(labels["work"], cell.row, table.role_columns["work"])
        else:  # a matrix with a year or value column among the kommuner
            kommun.header_error(cell.column, _(ERR_COLUMN))
            return None
        year = _year(
            cell, table, report, low=1985, column=table.role_columns.get("year", cell.column)
        )
        if not home or not work or year is None:
            return None
        return home, work, year

    def describe(key) -> str:
        return _("bostadskommun, arbetsställekommun och år (%(h)s → %(w)s, %(y)d)") % {
            "h": key[0],
            "w": key[1],
            "y": key[2],
        }

    figures = collapse(
        table, choice, key_of, report, row_error=_row_error, describe=describe, progress=progress
    )
    _finish(report, table, sum(1 for f in figures.values() if f.value is None))
    report.valid_rows = report.total_rows if report.ok else 0
    if not report.ok:
        return report
    objs = [
        CommutingFlow(
            home_municipality_id=h, workplace_municipality_id=w, year=y, commuters=f.value
        )
        for (h, w, y), f in figures.items()
        if f.value is not None
    ]
    if progress is not None:
        progress.stage("writing", total=len(objs))
    _upsert(
        CommutingFlow,
        objs,
        progress=progress,
        unique_fields=["home_municipality", "workplace_municipality", "year"],
        update_fields=["commuters"],
    )
    report.imported = len(objs)
    return report


@transaction.atomic
def import_context(path: str | Path, *, choice: Choice | None = None, progress=None) -> ScbReport:
    """Kommun context: BE0101 migration (inflyttningar, utflyttningar) and recruitment needs.

    Migration comes as SCB writes it (measures as a stub column "tabellinnehåll" or in
    the headings, "Inflyttningar 2021"), or as the app's template (kommun; år;
    inflyttade; utflyttade). Recruitment: kommun, år, sektor, rekryteringsbehov.
    ``progress`` as in :func:`import_rams`.
    """
    choice = choice or Choice()
    report, table, resolve = _start(path, ("kommun", "year", "sector", "measure"), measures=True)
    kommun = _Kommuner(resolve, report, table.header_row)
    if not table.cells or not (
        "kommun" in table.role_columns or "kommun_column" in table.cells[0].labels
    ):
        report.add(
            _row_error(
                table.header_row,
                "",
                "",
                _(
                    "Filen behöver en kolumn kommun (eller region) och år, samt inflyttade och "
                    "utflyttade eller sektor och rekryteringsbehov."
                ),
            )
        )
        return report
    if _needs_choice(report, table, choice):
        return report
    has_sector = "sector" in table.role_columns
    other_measures: Counter = Counter()

    def key_of(cell: Cell):
        label = cell.labels.get("measure")
        measure = measure_of(label) if label else ("needed" if has_sector else None)
        if measure is None:
            if label:  # Invandringar, Flyttningsöverskott …: not what the model holds
                other_measures[label] += 1
            else:
                report.add(
                    _row_error(
                        cell.row,
                        cell.column,
                        cell.raw,
                        _(
                            "Vet inte vilket mått kolumnen är: inflyttade, utflyttade eller rekryteringsbehov."
                        ),
                    )
                )
            return None
        if "kommun_column" in cell.labels:  # regions as columns
            code = kommun(cell.labels["kommun_column"], table.header_row, cell.column)
        elif "kommun" in cell.labels:
            code = kommun(cell.labels["kommun"], cell.row, table.role_columns["kommun"])
        else:
            kommun.header_error(cell.column, _(ERR_COLUMN))
            return None
        year = _year(
            cell, table, report, low=1968, column=table.role_columns.get("year", cell.column)
        )
        if not code or year is None:
            return None
        sector = cell.labels.get("sector", "").strip()
        if measure == "needed":
            if not sector:
                report.add(
                    _row_error(
                        cell.row, table.role_columns.get("sector", cell.column), "", _(ERR_REQUIRED)
                    )
                )
                return None
            if len(sector) > 100:
                report.add(
                    _row_error(
                        cell.row,
                        table.role_columns["sector"],
                        sector,
                        _(ERR_TOO_LONG).format(n=100),
                    )
                )
                return None
            key = ("needed", code, year, sector)
        else:
            # The template's one-file form repeats a kommun's migration on each sector row.
            key = (measure, code, year, sector)
        return key

    def describe(key) -> str:
        return _("kommun, år och mått (%(k)s, %(y)d, %(m)s)") % {
            "k": key[1],
            "y": key[2],
            "m": key[0],
        }

    figures = collapse(
        table, choice, key_of, report, row_error=_row_error, describe=describe, progress=progress
    )
    migration: dict[tuple, dict[str, Figure]] = defaultdict(dict)
    needs = []
    for key, figure in figures.items():
        if key[0] == "needed":
            needs.append((figure, key[1:]))
            continue
        measure, code, year, _sector = key
        known = migration[(code, year)].get(measure)
        if known is not None and known.value != figure.value:
            report.add(
                _row_error(
                    figure.rows[0],
                    figure.column,
                    figure.value,
                    _("Annat värde än på rad %(r)d för samma kommun och år.")
                    % {"r": known.rows[0]},
                )
            )
        migration[(code, year)].setdefault(measure, figure)
    for (code, year), pair in migration.items():
        if len(pair) < 2:
            figure = next(iter(pair.values()))
            missing = _("utflyttade") if "in" in pair else _("inflyttade")
            report.add(
                _row_error(
                    figure.rows[0],
                    missing,
                    "",
                    _("%(m)s saknas för %(k)s %(y)d.") % {"m": missing, "k": code, "y": year},
                )
            )
    _finish(
        report,
        table,
        sum(1 for f, _s in needs if f.value is None)
        + sum(1 for pair in migration.values() if any(f.value is None for f in pair.values())),
    )
    if other_measures:
        report.notes.append(
            _("Andra mått i filen importerades inte: %(m)s.")
            % {"m": ", ".join(f"{k} ({n})" for k, n in other_measures.items())}
        )
    report.valid_rows = report.total_rows if report.ok else 0
    if not report.ok:
        return report
    migrations = [
        MunicipalityMigration(
            municipality_id=code,
            year=year,
            in_migration=pair["in"].value,
            out_migration=pair["out"].value,
        )
        for (code, year), pair in migration.items()
        if pair["in"].value is not None and pair["out"].value is not None
    ]
    recruitment = [
        RecruitmentNeed(municipality_id=code, year=year, sector=sector, needed=f.value)
        for f, (code, year, sector) in needs
        if f.value is not None
    ]
    if progress is not None:
        progress.stage("writing", total=len(migrations) + len(recruitment))
    done = _upsert(
        MunicipalityMigration,
        migrations,
        progress=progress,
        unique_fields=["municipality", "year"],
        update_fields=["in_migration", "out_migration"],
    )
    _upsert(
        RecruitmentNeed,
        recruitment,
        progress=progress,
        done=done,
        unique_fields=["municipality", "year", "sector"],
        update_fields=["needed"],
    )
    report.imported = len(migrations) + len(recruitment)
    return report
