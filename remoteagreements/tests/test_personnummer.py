"""Personnummer parsing, validation, normalising and masking, with made-up numbers only."""

import random
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from remoteagreements import personnummer as pnr

TODAY = date(2026, 11, 23)


def _valid(year, month, day, serial):
    """A made-up number with the check digit computed here, never a real person's."""
    return pnr.with_check_digit(year, month, day, serial)


def _wrong_check(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 1) % 10)


# The hand-checked example is born in 1890: no living person can hold it, so it is
# not anyone's personal data. 1890-04-12, serial 123: Luhn over 900412123 by hand:
# 9*2=18->9, 0, 0*2=0, 4, 1*2=2, 2, 1*2=2, 2, 3*2=6 -> 9+0+0+4+2+2+2+2+6 = 27 -> check 3.
HAND_CHECKED = "189004121233"
# Numbers of people under 100 (written with "-") come from the seeded generator.
GENERATED = pnr.fictitious(random.Random(2021))
# Born in December 1960: a birthday later in the calendar than TODAY, in a past year.
DECEMBER_1960 = pnr.fictitious(
    random.Random(1960), born_from=date(1960, 12, 1), born_to=date(1960, 12, 31)
)


def test_the_check_digit_matches_a_hand_computed_luhn_sum():
    assert pnr.luhn_check_digit("900412123") == "3"
    assert _valid(1890, 4, 12, 123) == HAND_CHECKED


CASES = [
    # (label, input, expected normalised or None for invalid)
    ("12 digits", HAND_CHECKED, HAND_CHECKED),
    ("12 digits with dash", "18900412-1233", HAND_CHECKED),
    ("10 digits with plus, born 1890", "900412+1233", HAND_CHECKED),
    ("10 digits", GENERATED[2:], GENERATED),
    ("10 digits with dash", GENERATED[2:8] + "-" + GENERATED[8:], GENERATED),
    ("wrong check digit", _wrong_check(HAND_CHECKED), None),
    (
        "wrong check digit, 10 digits",
        _wrong_check(GENERATED)[2:8] + "-" + _wrong_check(GENERATED)[8:],
        None,
    ),
    ("impossible date 30 February", _valid(1990, 2, 30, 456), None),
    ("month 13", _valid(1990, 13, 1, 456), None),
    ("29 February in a leap year", _valid(1988, 2, 29, 321), _valid(1988, 2, 29, 321)),
    ("29 February in a common year", _valid(1989, 2, 29, 321), None),
    ("samordningsnummer day + 60", _valid(1990, 3, 75, 222), _valid(1990, 3, 75, 222)),
    (
        "samordningsnummer 10 digits",
        _valid(1990, 3, 75, 222)[2:8] + "-" + _valid(1990, 3, 75, 222)[8:],
        _valid(1990, 3, 75, 222),
    ),
    ("samordningsnummer impossible day 92", _valid(1990, 2, 92, 222), None),
    ("plus means 100 or older", "201109+" + _valid(1920, 11, 9, 555)[8:], _valid(1920, 11, 9, 555)),
    (
        "dash with the same digits is 2020",
        "201109-" + _valid(2020, 11, 9, 555)[8:],
        _valid(2020, 11, 9, 555),
    ),
    (
        "10 digits, birthday later in the calendar but in a past year",
        DECEMBER_1960[2:8] + "-" + DECEMBER_1960[8:],
        DECEMBER_1960,
    ),
    ("born in the future", _valid(2027, 1, 1, 111), None),
    (
        "10 digits, birthday later this year is last century",
        "261224-" + _valid(1926, 12, 24, 100)[8:],
        _valid(1926, 12, 24, 100),
    ),
    ("plus with 12 digits is refused", "18900412+1233", None),
    ("too short", "90041212", None),
    ("letters", "18900412-12AB", None),
    ("empty", "", None),
]


@pytest.mark.parametrize(("label", "value", "expected"), CASES, ids=[c[0] for c in CASES])
def test_a_table_of_personnummer_is_classified_right(label, value, expected):
    assert pnr.is_valid(value, TODAY) is (expected is not None)
    if expected:
        assert pnr.normalise(value, TODAY) == expected
    else:
        with pytest.raises(pnr.InvalidPersonnummer):
            pnr.normalise(value, TODAY)


def test_the_samordningsnummer_birth_date_subtracts_sixty():
    parsed = pnr.parse(_valid(1990, 3, 75, 222), TODAY)
    assert parsed.is_samordningsnummer
    assert parsed.birth_date == date(1990, 3, 15)


def test_masking_keeps_only_the_date():
    assert pnr.mask(GENERATED[2:8] + "-" + GENERATED[8:]) == GENERATED[:8] + "-XXXX"
    assert pnr.mask("nonsense") == "XXXXXXXX-XXXX"


def test_the_validator_rejects_an_invalid_number_with_the_message():
    pnr.validate_personnummer(HAND_CHECKED)
    with pytest.raises(ValidationError) as info:
        pnr.validate_personnummer(_wrong_check(HAND_CHECKED))
    assert info.value.messages == [str(pnr.INVALID_MESSAGE)]


def test_fictitious_numbers_are_valid_and_repeatable():
    first = [pnr.fictitious(random.Random(7)) for _ in range(3)]
    rng = random.Random(42)
    numbers = [pnr.fictitious(rng) for _ in range(500)]
    numbers += [pnr.fictitious(rng, samordningsnummer=True) for _ in range(50)]
    assert all(pnr.is_valid(n) for n in numbers)
    assert all(len(n) == 12 for n in numbers)
    assert first == [pnr.fictitious(random.Random(7)) for _ in range(3)]
