"""Swedish personal identity numbers (personnummer and samordningsnummer), as pure functions.

Accepted input: 10 digits (``YYMMDDNNNC``) or 12 digits (``YYYYMMDDNNNC``), with or
without a separator before the last four digits. In the 10-digit form the separator
carries the century: ``-`` (or none) means younger than 100 on the reference date,
``+`` means 100 or older. The date must exist (a samordningsnummer adds 60 to the
day) and must not lie after the reference date; the last digit is the Luhn check
digit computed over the 10-digit form.

Stored form: 12 digits (:func:`normalise`). Shown form outside HR's own pages:
``YYYYMMDD-XXXX`` (:func:`mask`). Demo data and tests use :func:`fictitious`, never
a real person's number.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

INVALID_MESSAGE = _(
    "Ogiltigt personnummer. Skriv 10 eller 12 siffror, t.ex. ÅÅMMDD-NNNN eller "
    "ÅÅÅÅMMDDNNNN, med ett datum som finns och en riktig kontrollsiffra."
)
SAMORDNING_OFFSET = 60

_PATTERN = re.compile(r"^(?P<date>\d{6}|\d{8})(?P<sep>[-+]?)(?P<serial>\d{3})(?P<check>\d)$")


class InvalidPersonnummer(ValueError):
    """The value is not a valid personnummer or samordningsnummer."""


@dataclass(frozen=True)
class Parsed:
    """A valid number split into its parts; ``birth_date`` is the real date of birth."""

    year: int
    month: int
    day: int  # as written: day + 60 for a samordningsnummer
    serial: str
    check: str

    @property
    def is_samordningsnummer(self) -> bool:
        return self.day > SAMORDNING_OFFSET

    @property
    def birth_date(self) -> date:
        return date(self.year, self.month, self.day - (60 if self.is_samordningsnummer else 0))

    @property
    def normalised(self) -> str:
        return f"{self.year:04d}{self.month:02d}{self.day:02d}{self.serial}{self.check}"


def luhn_check_digit(nine_digits: str) -> str:
    """The Luhn check digit for ``YYMMDDNNN`` (weights 2, 1, 2, ... from the left)."""
    total = 0
    for i, ch in enumerate(nine_digits):
        product = int(ch) * (2 if i % 2 == 0 else 1)
        total += product // 10 + product % 10
    return str((10 - total % 10) % 10)


def _real_day(day: int) -> int:
    return day - SAMORDNING_OFFSET if day > SAMORDNING_OFFSET else day


def _is_real_date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, _real_day(day))
    except ValueError:
        return False
    return True


def _century_year(yy: int, month: int, day: int, plus: bool, today: date) -> int:
    """The full year of a 10-digit number: the latest not after ``today``, minus 100 for ``+``."""
    year = today.year - (today.year - yy) % 100
    # Only a birthday later in the current year lies in the future; in any earlier
    # year the same date has passed.
    if year == today.year and (month, _real_day(day)) > (today.month, today.day):
        year -= 100
    return year - 100 if plus else year


def parse(value: str, today: date | None = None) -> Parsed:
    """Split and validate ``value``; raises :class:`InvalidPersonnummer` if it is not valid."""
    today = today or timezone.localdate()
    match = _PATTERN.match((value or "").strip().replace(" ", ""))
    if not match:
        raise InvalidPersonnummer("format")
    digits, sep = match["date"], match["sep"]
    if len(digits) == 8:
        if sep == "+":
            # The century is written out, so "+" adds nothing and only invites mistakes.
            raise InvalidPersonnummer("plus with 12 digits")
        year, month, day = int(digits[:4]), int(digits[4:6]), int(digits[6:8])
    else:
        month, day = int(digits[2:4]), int(digits[4:6])
        if not 1 <= month <= 12:
            raise InvalidPersonnummer("date")
        year = _century_year(int(digits[:2]), month, day, sep == "+", today)
    if not _is_real_date(year, month, day):
        raise InvalidPersonnummer("date")
    parsed = Parsed(year, month, day, match["serial"], match["check"])
    if parsed.birth_date > today:
        raise InvalidPersonnummer("future")
    if luhn_check_digit(parsed.normalised[2:11]) != parsed.check:
        raise InvalidPersonnummer("check digit")
    return parsed


def is_valid(value: str, today: date | None = None) -> bool:
    try:
        parse(value, today)
    except InvalidPersonnummer:
        return False
    return True


def normalise(value: str, today: date | None = None) -> str:
    """``YYYYMMDDNNNC``; raises :class:`InvalidPersonnummer` for an invalid number."""
    return parse(value, today).normalised


def mask(value: str) -> str:
    """``YYYYMMDD-XXXX``: the date part only, for every page but HR's own."""
    try:
        return normalise(value)[:8] + "-XXXX"
    except InvalidPersonnummer:
        return "XXXXXXXX-XXXX"


@deconstructible
class PersonnummerValidator:
    """Django validator: rejects anything :func:`parse` does not accept."""

    message = INVALID_MESSAGE
    code = "invalid_personnummer"

    def __call__(self, value) -> None:
        if not is_valid(str(value)):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other) -> bool:
        return isinstance(other, PersonnummerValidator)


validate_personnummer = PersonnummerValidator()


def with_check_digit(year: int, month: int, day: int, serial: int) -> str:
    """The 12-digit number for a made-up date and serial, with the right check digit."""
    body = f"{year:04d}{month:02d}{day:02d}{serial:03d}"
    return body + luhn_check_digit(body[2:])


def fictitious(
    rng: random.Random,
    *,
    born_from: date = date(1958, 1, 1),
    born_to: date = date(2004, 12, 31),
    samordningsnummer: bool = False,
) -> str:
    """A made-up, valid 12-digit number born between the two dates, from ``rng``.

    For demo data and tests only: the caller's seeded ``rng`` makes it repeatable.
    """
    born = date.fromordinal(rng.randint(born_from.toordinal(), born_to.toordinal()))
    day = born.day + (SAMORDNING_OFFSET if samordningsnummer else 0)
    return with_check_digit(born.year, born.month, day, rng.randint(0, 999))
