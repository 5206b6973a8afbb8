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
