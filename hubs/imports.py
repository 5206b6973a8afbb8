"""Reading monthly hub use from CSV or XLSX, all or nothing.

One row per hub and month. Columns (headers are matched without case or
diacritics): ``hubb``, ``kommun`` (name or code), ``månad`` (2025-03 or
2025-03-01), ``öppna dagar``, ``platsdagar``, optional ``skrivbord`` (default:
the hub's desks now) and optional member counts ``medlemmar region``,
``medlemmar kommun``, ``medlemmar myndighet``, ``medlemmar företag``,
``medlemmar övriga``. Every row is validated and each error reported with its
row, column, value and reason; nothing is written unless every row is valid.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from hubplan.tabular import TableError, normalise_header, parse_decimal, read_table
from hubs import services
from hubs.models import Hub, HubMonthlyUse
from mapping.models import Municipality

# normalised header → model field
COLUMNS = {
    "oppna_dagar": "open_days",
    "platsdagar": "desk_days_used",
    "skrivbord": "desks",
    "medlemmar_region": "members_region",
    "medlemmar_kommun": "members_municipality",
    "medlemmar_myndighet": "members_state_agency",
    "medlemmar_foretag": "members_company",
    "medlemmar_ovriga": "members_other",
}
REQUIRED = ("hubb", "kommun", "manad", "oppna_dagar", "platsdagar")
TEMPLATE_HEADERS = (
    "hubb",
    "kommun",
    "månad",
    "öppna dagar",
    "platsdagar",
    "skrivbord",
    "medlemmar region",
    "medlemmar kommun",
    "medlemmar myndighet",
    "medlemmar företag",
    "medlemmar övriga",
)
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})(?:-01)?$")
MAX_ROWS = 50_000


def _error(row: int, column: str, value, reason) -> dict:
    return {
        "row": row,
        "column": column,
        "value": "" if value is None else str(value),
        "reason": str(reason),
    }


def _whole_number(text):
    value = parse_decimal(text)
    if value is None:
        return None
    if value != value.to_integral_value() or value < 0:
        raise ValueError(text)
    return int(value)


def parse(fileobj, *, advance=None) -> tuple[list[HubMonthlyUse], list[dict]]:
    """The file's rows as unsaved HubMonthlyUse, and the errors found (row numbers as
    in a spreadsheet: the header is row 1). ``advance(rows)`` is told the rows read
    after each chunk of 5 000 (a job's progress)."""
    try:
        frames = list(read_table(fileobj, chunksize=5000))
    except TableError as exc:
        return [], [_error(0, "", "", exc)]
    if not frames:
        return [], [_error(0, "", "", _("Filen har inga rader."))]
    headers = {normalise_header(h): h for h in frames[0].columns}
    missing = [c for c in REQUIRED if c not in headers]
    if missing:
        return [], [_error(1, c, "", _("Kolumnen saknas i filen.")) for c in missing]

    kommuner = {}
    for code, name in Municipality.objects.values_list("code", "name"):
        kommuner[code] = code
        kommuner[name.casefold()] = code
    # The hubs with their status history in two queries, so each row's month is checked
    # against the periods its hub was open (HubMonthlyUse.clean) without a query per row.
    hubs = {
        (h.name.casefold(), h.municipality_id): h
        for h in Hub.objects.only(
            "pk", "name", "municipality_id", "desks", "status", "status_since"
        ).prefetch_related("status_changes")
    }

    uses: list[HubMonthlyUse] = []
    errors: list[dict] = []
    seen: dict[tuple, int] = {}
    row_number = 1
    for frame in frames:
        for record in frame.to_dict("records"):
            row_number += 1
            if row_number - 1 > MAX_ROWS:
                errors.append(_error(row_number, "", "", _("Högst 50 000 rader per fil.")))
                return [], errors
            cells = {normalise_header(k): v for k, v in record.items()}
            row_errors = []
            kommun_text = (cells.get("kommun") or "").strip()
            code = kommuner.get(kommun_text) or kommuner.get(kommun_text.casefold())
            if not code:
                row_errors.append(
                    _error(row_number, headers["kommun"], kommun_text, _("Okänd kommun."))
                )
            hub_text = (cells.get("hubb") or "").strip()
            hub = hubs.get((hub_text.casefold(), code)) if code else None
            if code and hub is None:
                row_errors.append(
                    _error(
                        row_number,
                        headers["hubb"],
                        hub_text,
                        _("Ingen hubb med det namnet i kommunen."),
                    )
                )
            month_text = (cells.get("manad") or "").strip()
            match = _MONTH.match(month_text)
            month = None
            # Year 0000 matches the pattern but is no date.
            if match and 1 <= int(match.group(2)) <= 12 and int(match.group(1)) >= 1:
                month = dt.date(int(match.group(1)), int(match.group(2)), 1)
            else:
                row_errors.append(
                    _error(
                        row_number,
                        headers["manad"],
                        month_text,
                        _("Ange månaden som ÅÅÅÅ-MM, t.ex. 2025-03."),
                    )
                )
            values = {}
            for key, name in COLUMNS.items():
                if key not in cells:
                    continue
                try:
                    values[name] = _whole_number(cells[key])
                except ValueError:
                    row_errors.append(
                        _error(
                            row_number, headers[key], cells[key], _("Ange ett heltal, 0 eller mer.")
                        )
                    )
            for key in ("oppna_dagar", "platsdagar"):
                if cells.get(key) in (None, "") and COLUMNS[key] in values:
                    del values[COLUMNS[key]]
                    row_errors.append(_error(row_number, headers[key], "", _("Värdet saknas.")))
            if row_errors:
                errors.extend(row_errors)
                continue
            key = (hub.pk, month)
            if key in seen:
                errors.append(
                    _error(
                        row_number,
                        headers["manad"],
                        month_text,
                        _("Samma hubb och månad finns redan på rad %(row)s.") % {"row": seen[key]},
                    )
                )
                continue
            seen[key] = row_number
            use = HubMonthlyUse(hub=hub, month=month)
            for name in services.MONTHLY_FIELDS:
                default = hub.desks if name == "desks" else 0
                value = values.get(name)
                setattr(use, name, default if value is None else value)
            try:
                use.full_clean(exclude=["hub"], validate_unique=False, validate_constraints=False)
            except ValidationError as exc:
                reverse_columns = {v: k for k, v in COLUMNS.items()} | {"month": "manad"}
                for field_name, messages in exc.message_dict.items():
                    column_key = reverse_columns.get(field_name)
                    column = headers.get(column_key, field_name)
                    for message in messages:
                        errors.append(
                            _error(row_number, column, getattr(use, field_name, ""), message)
                        )
                continue
            uses.append(use)
        if advance:
            advance(row_number - 1)
    return uses, errors


def import_file(fileobj, *, user, advance=None, on_write=None) -> services.ImportResult:
    """Parse and, if every row is valid, upsert the file's monthly use.

    ``advance`` is passed to :func:`parse`; ``on_write(n)`` is called before the
    ``n`` valid rows are written (a job's writing stage).
    """
    uses, errors = parse(fileobj, advance=advance)
    if errors:
        return services.ImportResult(errors=errors)
    if on_write:
        on_write(len(uses))
    return services.monthly_use_import(rows=uses, user=user)
