"""Numbers as Swedes type them: one parse rule, form fields and a display format for the project.

Django's own number fields go wrong for Swedish users in two ways. With the English UI,
localized parsing treats "," as a thousands separator, so "12,5" became 125; and a
browser not set to Swedish drops the comma from ``<input type="number">`` before the
form ever sees it. So every number field in every form of the project is one of the
fields here (:func:`number_formfield` for ModelForms through :class:`NumberModelForm`,
the field classes directly in plain Forms); ``hubplan/tests/test_numbers.py`` fails
for a form that has any other.

The rule (:func:`parse_number`), the same whatever the UI language:

- one "," or one "." is the decimal separator: "12,5" and "12.5" are 12.5;
- a space, no-break space or narrow no-break space may group thousands, in groups of
  three: "1 200", "1 200,50";
- anything else is refused rather than guessed: both separators ("1,200.5" or
  "1.200,5": which one is the decimal?), two decimal separators ("12,5,3"), badly
  grouped digits ("12 34"), exponents, words.

Values are shown back with :func:`format_number`: a decimal comma in Swedish ("2,5",
thousands grouped with a no-break space), a decimal point and no grouping in English,
and no trailing ",0" on whole numbers. Either form is read back by the same rule.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

NOT_A_NUMBER = _("Ange ett tal, t.ex. 12,5")
NOT_AN_INTEGER = _("Ange ett heltal, t.ex. 1 200")

# Thousands separators people type or paste: space, no-break space, narrow no-break space.
_GROUP = "[ \u00a0\u202f]"
# ASCII digits only (Python's \d also takes Arabic-Indic and other digits); fullmatch, so
# a trailing line break is refused too.
_NUMBER = re.compile(
    r"(?P<sign>[-+\u2212]?)"
    # Digits, optionally grouped in threes; or none before a decimal separator (",5").
    rf"(?P<int>\d{{1,3}}(?:{_GROUP}\d{{3}})+|\d+)?"
    r"(?:(?P<sep>[.,])(?P<frac>\d+))?",
    re.ASCII,
)


# A decimal sign followed by exactly three digits at the end: "1,200" or "12.000".
_THOUSANDS_LOOKALIKE = re.compile(r"[.,]\d{3}$", re.ASCII)


class NotANumber(ValueError):
    """Raised by :func:`parse_number` for input that is not one unambiguous number."""


def parse_number(text) -> Decimal | None:
    """The number in ``text`` as Swedes and others type it; blank → None.

    "12,5" and "12.5" → 12.5; "1 200" → 1200; "1 200,50" → 1200.50. Raises
    :class:`NotANumber` for anything ambiguous or not a number (see the module's rule).
    """
    if text is None:
        return None
    text = str(text).strip()
    if text == "":
        return None
    match = _NUMBER.fullmatch(text)
    if match is None or (match["int"] is None and match["frac"] is None):
        raise NotANumber(text)
    digits = re.sub(_GROUP, "", match["int"] or "0")
    if match["frac"] is not None:
        digits = f"{digits}.{match['frac']}"
    sign = "-" if match["sign"] in ("-", "\u2212") else ""
    try:
        return Decimal(sign + digits)
    except InvalidOperation:  # pragma: no cover - the pattern lets only digits through
        raise NotANumber(text) from None


def format_number(value, *, language: str | None = None, grouping: bool = True) -> str:
    """``value`` as the UI language writes it: "2,5", "4", "1 200,50" (sv); "2.5", "1200.5" (en).

    Whole numbers have no decimals ("4", not "4,0"); other decimals keep the digits they
    have (a stored 1200.50 stays "1 200,50"). Floats are written with the fewest digits
    that give the same float (63.1792, not 63.17919999…). English output has no grouping:
    "1,200.5" would be refused by :func:`parse_number` when typed back.
    """
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        number = Decimal(repr(value))
    elif isinstance(value, (int, Decimal)):
        number = Decimal(value)
    else:
        return str(value)
    if not number.is_finite():
        return str(value)
    if number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    text = format(number, "f")
    sign = "-" if text.startswith("-") else ""
    whole, _sep, frac = text.lstrip("-").partition(".")
    swedish = (language or translation.get_language() or "sv").split("-")[0] == "sv"
    if swedish and grouping and len(whole) > 3:
        whole = re.sub(r"(?<=\d)(?=(?:\d{3})+$)", "\u00a0", whole)
    decimal_sep = "," if swedish else "."
    return sign + whole + (decimal_sep + frac if frac else "")


class NumberInput(forms.TextInput):
    """A text input for a number: the browser never rewrites it, phones show the digit keys.

    Not ``type="number"``: a browser not set to Swedish drops the comma from those.
    Values that are not typed text are shown with :func:`format_number`.
    """

    input_mode = "decimal"

    def __init__(self, attrs=None):
        attrs = {"inputmode": self.input_mode, "autocomplete": "off", **(attrs or {})}
        # step/min/max mean nothing on a text input; the field's validators check them.
        for key in ("step", "min", "max"):
            attrs.pop(key, None)
        super().__init__(attrs)

    def format_value(self, value):
        if value is None or value == "":
            return None
        if isinstance(value, str):
            return value  # what the user typed, kept as typed
        return format_number(value)


class IntegerInput(NumberInput):
    """:class:`NumberInput` for whole numbers: the numeric keypad on phones."""

    input_mode = "numeric"


class _NumberFieldMixin:
    """Parse with :func:`parse_number` whatever the language; Django's checks follow."""

    invalid_message = NOT_A_NUMBER

    def __init__(self, *args, **kwargs):
        widget = kwargs.get("widget")
        if widget is None or (isinstance(widget, type) and issubclass(widget, forms.NumberInput)):
            kwargs["widget"] = self.widget
        elif isinstance(widget, forms.NumberInput):
            # A form's Meta may still name Django's NumberInput: keep its attributes.
            kwargs["widget"] = self.widget(attrs=widget.attrs)
        kwargs.pop("localize", None)  # Django's localized parsing is what turned 12,5 into 125
        super().__init__(*args, **kwargs)
        self.error_messages["invalid"] = self.invalid_message

    def _parse(self, value) -> Decimal | None:
        if value in self.empty_values:
            return None
        if isinstance(value, bool):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if isinstance(value, (int, Decimal)):
            return Decimal(value)
        if isinstance(value, float):
            if not math.isfinite(value):
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            return Decimal(repr(value))
        if len(str(value)) > self.max_input_length:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            return parse_number(value)
        except NotANumber:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None

    # Longer input is refused before parsing (Django's own fields cap it the same way).
    max_input_length = 100


class DecimalField(_NumberFieldMixin, forms.DecimalField):
    """A decimal typed as Swedes type it; max_digits, decimal_places, min and max still apply."""

    widget = NumberInput

    def to_python(self, value):
        return self._parse(value)


class FloatField(_NumberFieldMixin, forms.FloatField):
    """A float (coordinates) typed as Swedes type it."""

    widget = NumberInput

    def to_python(self, value):
        number = self._parse(value)
        return None if number is None else float(number)


class IntegerField(_NumberFieldMixin, forms.IntegerField):
    """A whole number: "1 200" or "1200" (also "12,0"); "12,5" is refused as not whole.

    "1,200" and "1.200" are refused too: with three digits after the sign, an English
    writer means 1200 and the decimal rule would store 1, so the count is not guessed.
    """

    widget = IntegerInput
    invalid_message = NOT_AN_INTEGER

    def to_python(self, value):
        if isinstance(value, str) and _THOUSANDS_LOOKALIKE.search(value.strip()):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        number = self._parse(value)
        if number is None:
            return None
        if number != number.to_integral_value():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return int(number)


# Model field → the shared form field. IntegerField covers the small, big and positive ones.
_FORM_CLASSES = (
    (models.DecimalField, DecimalField),
    (models.FloatField, FloatField),
    (models.IntegerField, IntegerField),
)


def number_formfield(db_field, **kwargs):
    """A ModelForm's ``formfield_callback``: number model fields get the shared fields.

    Fields with choices keep Django's choice field (``form_class`` is ignored for them).
    """
    for model_class, form_class in _FORM_CLASSES:
        if isinstance(db_field, model_class) and not isinstance(db_field, models.AutoField):
            kwargs.setdefault("form_class", form_class)
            break
    return db_field.formfield(**kwargs)


class _NumberModelFormMetaclass(forms.models.ModelFormMetaclass):
    """Gives every ModelForm's Meta :func:`number_formfield` unless it names its own."""

    def __new__(mcs, name, bases, attrs):
        meta = attrs.get("Meta")
        if meta is not None and getattr(meta, "formfield_callback", None) is None:
            meta.formfield_callback = number_formfield
        return super().__new__(mcs, name, bases, attrs)


class NumberModelForm(forms.ModelForm, metaclass=_NumberModelFormMetaclass):
    """The project's ModelForm: its number fields read "12,5" and "1 200" in any UI language."""


NUMBER_FIELD_CLASSES = (DecimalField, FloatField, IntegerField)
