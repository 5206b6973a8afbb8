"""Small-cell suppression: aggregates of fewer than five people are hidden from non-HR roles.

Every page, export and API response that shows a count or a figure computed
from people (employees, agreements, survey respondents) passes it through
:func:`visible` with the number of people behind it.
"""

from __future__ import annotations

from hubplan.access import is_hr

MIN_CELL_SIZE = 5
SUPPRESSED = "–"


def may_see_small_cells(user) -> bool:
    return is_hr(user)


def visible(value, n_people: int | None, user):
    """``value``, or ``None`` when it rests on fewer than MIN_CELL_SIZE people and
    ``user`` may not see small cells. Templates show ``None`` as SUPPRESSED."""
    if n_people is not None and 0 < n_people < MIN_CELL_SIZE and not may_see_small_cells(user):
        return None
    return value


def visible_share(part: int, whole: int, user) -> float | None:
    """``part`` as a percentage of ``whole`` (one decimal), or ``None`` when ``part`` is
    hidden from ``user`` (a share is as telling as the count it comes from) or ``whole`` is 0."""
    if not whole or visible(part, part, user) is None:
        return None
    return round(100 * part / whole, 1)


def hidden_cells(cells: dict[tuple, int], user) -> set[tuple]:
    """Keys of a two-way table's cells to hide from ``user``, totals being shown.

    Hiding only the small cells is not enough when row and column totals are
    printed: a row with one hidden cell gives it away by subtraction. So every row
    and column that hides anything hides at least two cells adding up to at least
    MIN_CELL_SIZE people (secondary suppression), taking the smallest other cells
    first. ``cells`` maps (row, column) to a count of people.
    """
    if may_see_small_cells(user):
        return set()
    hidden = {k for k, n in cells.items() if 0 < n < MIN_CELL_SIZE}
    lines: dict[tuple, list[tuple]] = {}
    for key in cells:
        lines.setdefault(("row", key[0]), []).append(key)
        lines.setdefault(("col", key[1]), []).append(key)
    changed = bool(hidden)
    while changed:
        changed = False
        for keys in lines.values():
            in_line = [k for k in keys if k in hidden]
            if not in_line:
                continue
            if len(in_line) >= 2 and sum(cells[k] for k in in_line) >= MIN_CELL_SIZE:
                continue
            others = sorted((cells[k], k) for k in keys if k not in hidden and cells[k] > 0)
            if others:
                hidden.add(others[0][1])
                changed = True
    return hidden
