"""A seeded generator of shift lists as TimeCare and Heroma export them, for the tests.

The generator knows by construction who has a rest under 11 hours: for a person
without one, every next shift is placed where the rest (gap less two commutes) is at
least 11 h; for a person with one, one to three "quick returns" are put in (an evening
shift ending 21:30 followed by a day shift at 07:00 the next morning, 9 h 30 apart,
less two commutes). Night shifts (21:00–07:15) run past midnight.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import openpyxl

DAY = (time(7, 0), time(16, 0), 45)
EVENING = (time(13, 30), time(21, 30), 30)
NIGHT = (time(21, 0), time(7, 15), 30)  # ends the next morning
KINDS = (DAY, EVENING, NIGHT)

UNITS = (
    ("Region Jämtland Härjedalen", "Akutmottagningen Östersund", "2380"),
    ("Region Jämtland Härjedalen", "Medicinavdelning 3", "2380"),
    ("Östersunds kommun", "Hemtjänsten Brunflo", "Östersund"),
    ("Krokoms kommun", "Särskilt boende Ås", "Krokom"),
)
HOMES = ("Krokom", "Östersund", "2361", "Bergs kommun", "Åre", "2303")

HEROMA_HEADERS = (
    "Anst.nr",
    "Arbetsgivare",
    "Enhet",
    "Hemkommun",
    "Arbetsplatskommun",
    "Restid enkel väg (min)",
    "Datum",
    "Start",
    "Slut",
    "Rast",
)
TIMECARE_HEADERS = (
    "Anställningsnummer",
    "Organisation",
    "Arbetsplats",
    "Bostadskommun",
    "Arbetskommun",
    "Restid",
    "Passdatum",
    "Från",
    "Till",
    "Rast (min)",
)


@dataclass
class Person:
    person_id: str
    employer: str
    unit: str
    work: str
    home: str
    travel: int
    short: bool
    shifts: list = field(default_factory=list)  # (start datetime, end datetime, break)
    short_rests: int = 0
    worst: int | None = None


@dataclass
class ShiftList:
    people: list[Person]

    @property
    def rows(self) -> list[tuple]:
        """One tuple per shift, sorted by date and person as the exports are."""
        out = []
        for p in self.people:
            for begins, ends, pause in p.shifts:
                out.append((begins, p, ends, pause))
        out.sort(key=lambda r: (r[0], r[1].employer, r[1].person_id))
        return out

    def n_shifts(self) -> int:
        return sum(len(p.shifts) for p in self.people)

    def csv_bytes(self, headers=HEROMA_HEADERS) -> bytes:
        """Swedish Excel CSV: Windows-1252, semicolons, CRLF, times as 07:00."""
        lines = [";".join(headers)]
        for begins, p, ends, pause in self.rows:
            lines.append(
                ";".join(
                    [
                        p.person_id,
                        p.employer,
                        p.unit,
                        p.home,
                        p.work,
                        str(p.travel),
                        begins.strftime("%Y-%m-%d"),
                        begins.strftime("%H:%M"),
                        ends.strftime("%H:%M"),
                        str(pause),
                    ]
                )
            )
        return ("\r\n".join(lines) + "\r\n").encode("cp1252")

    def xlsx_bytes(self, headers=TIMECARE_HEADERS) -> bytes:
        """XLSX with real date and time cells and numbers, as Excel stores them."""
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(list(headers))
        for begins, p, ends, pause in self.rows:
            ws.append(
                [
                    int(p.person_id) if p.person_id.isdigit() else p.person_id,
                    p.employer,
                    p.unit,
                    p.home,
                    p.work,
                    p.travel,
                    begins.date(),
                    begins.time(),
                    ends.time(),
                    pause,
                ]
            )
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()


def _at(day: date, kind) -> tuple[datetime, datetime, int]:
    start, end, pause = kind
    begins = datetime.combine(day, start)
    ends = datetime.combine(day, end)
    if ends <= begins:
        ends += timedelta(days=1)
    return begins, ends, pause


def _rest(prev_end: datetime, begins: datetime, travel: int) -> int:
    return int((begins - prev_end).total_seconds() // 60) - 2 * travel


def generate(
    *, seed: int = 16, people: int = 40, short_people: int = 24, shifts: int = 425
) -> ShiftList:
    """``people`` people, ``short_people`` of them with at least one rest under 11 h, and
    ``shifts`` shifts in all. The first short person has the hand-checked case (travel
    45 min, 21:30 → 07:00: 8 h 00), the shortest rest in the file: the other short
    people travel at most 40 min, so their quick returns leave more than 8 h 10."""
    rng = random.Random(seed)
    per_person = [shifts // people + (1 if i < shifts % people else 0) for i in range(people)]
    out = []
    ids = dict.fromkeys({e for e, _u, _w in UNITS}, 1001)
    # Who has a short rest is drawn, so the units differ; the first person always has one.
    short_ones = {0, *rng.sample(range(1, people), short_people - 1)}
    for i in range(people):
        employer, unit, work = UNITS[i % len(UNITS)]
        short = i in short_ones
        # Region and kommun number their staff separately: the same Anst.nr recurs.
        person_id = str(ids[employer])
        ids[employer] += 1
        travel = 45 if i == 0 else (rng.randint(10, 40) if short else rng.randint(5, 90))
        p = Person(person_id, employer, unit, work, rng.choice(HOMES), travel, short)
        n = per_person[i]
        quick = set(rng.sample(range(1, n - 1), rng.randint(1, 3))) if short else set()
        day = date(2025, 3, 3) + timedelta(days=rng.randint(0, 3))
        p.shifts.append(_at(day, rng.choice(KINDS)))
        k = 1
        while k < n:
            prev_begins, prev_end, _pause = p.shifts[-1]
            if k in quick and k + 1 < n + 1:
                # An evening shift, then a day shift the next morning: a quick return.
                # The evening shift itself must follow with a full rest.
                offset = 1
                while True:
                    evening = _at(prev_end.date() + timedelta(days=offset), EVENING)
                    if _rest(prev_end, evening[0], travel) >= 660:
                        break
                    offset += 1
                p.shifts.append(evening)
                k += 1
                if k >= n:
                    break
                morning = _at(evening[0].date() + timedelta(days=1), DAY)
                rest = _rest(evening[1], morning[0], travel)
                assert rest < 660
                p.short_rests += 1
                p.worst = rest if p.worst is None else min(p.worst, rest)
                p.shifts.append(morning)
                k += 1
                continue
            kind = rng.choice(KINDS)
            offset = rng.choice((0, 1, 1, 1, 2, 3))
            while True:
                candidate = _at(prev_begins.date() + timedelta(days=offset), kind)
                if candidate[0] > prev_end and _rest(prev_end, candidate[0], travel) >= 660:
                    break
                offset += 1
            p.shifts.append(candidate)
            k += 1
        if short and not p.short_rests:  # the sampled pair fell off the end; force one
            raise AssertionError("generator failed to place a quick return")
        out.append(p)
    result = ShiftList(out)
    assert result.n_shifts() == shifts
    assert sum(1 for p in out if p.short_rests) == short_people
    return result
