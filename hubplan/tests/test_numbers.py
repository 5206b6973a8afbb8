"""Numbers as Swedes type them (issue 16, point 1): the parse rule, the fields, the forms.

The "Why": with the English UI, Django's localized parsing read "12,5" kr as 125 and
"4200,50" kr as 420 050. Every number field of every form now reads both "12,5" and
"12.5", thousands grouped with a space, whatever the language, and refuses what it
cannot read unambiguously. The last tests scan every form of the project so that a new
form with Django's own number field fails here.
"""

from __future__ import annotations

import importlib
import inspect
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.forms.formsets import BaseFormSet
from django.utils import translation

from hubplan import numbers
from hubplan.numbers import NotANumber, format_number, parse_number
from hubplan.tests.fuzz import PROJECT_APPS
from hubs.forms import BusinessCaseForm, HubForm, MonthlyUseForm
from hubs.models import BusinessCase
from hubs.tests.factories import BusinessCaseFactory, HubFactory

NBSP, NNBSP = "\u00a0", "\u202f"

# --- The rule ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("12,5", Decimal("12.5")),
        ("12.5", Decimal("12.5")),
        ("1 200", Decimal("1200")),
        ("1200", Decimal("1200")),
        ("1 200,50", Decimal("1200.50")),
        (f"1{NBSP}200,50", Decimal("1200.50")),
        (f"1{NNBSP}200,50", Decimal("1200.50")),
        ("1 200.50", Decimal("1200.50")),
        ("4200,50", Decimal("4200.50")),
        ("45,50", Decimal("45.50")),
        ("12 345 678,9", Decimal("12345678.9")),
        ("  63,1792 ", Decimal("63.1792")),
        ("-14,6357", Decimal("-14.6357")),
        ("\u22123,5", Decimal("-3.5")),  # the typographic minus Word writes
        ("+2", Decimal("2")),
        ("0,5", Decimal("0.5")),
        (",5", Decimal("0.5")),
        ("0", Decimal("0")),
    ],
)
def test_a_number_typed_the_swedish_or_the_english_way_is_read(typed, expected):
    value = parse_number(typed)
    assert value == expected
    assert str(value) == str(expected)  # the digits too: 1200.50 keeps its two decimals


@pytest.mark.parametrize(
    "typed",
    [
        "1,200.5",  # which is the decimal separator?
        "1.200,5",
        "12,5,3",
        "1.200.000",
        "12 34",  # not thousands
        "1234 567",
        "1 20",
        "12,",
        ",",
        "-",
        "abc",
        "12 kr",
        "1e5",
        "NaN",
        "Infinity",
        "0x10",
        "½",
        "١٢",  # Arabic-Indic digits: Decimal would take them, people here do not type them
        "12\n5",
        "1  200",
    ],
)
def test_ambiguous_or_non_numeric_input_is_refused(typed):
    with pytest.raises(NotANumber):
        parse_number(typed)


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_blank_input_is_no_number(blank):
    assert parse_number(blank) is None


@pytest.mark.parametrize(
    ("value", "sv", "en"),
    [
        (Decimal("2.5"), "2,5", "2.5"),
        (Decimal("4.0"), "4", "4"),
        (Decimal("1200.50"), f"1{NBSP}200,50", "1200.50"),
        (Decimal("12345678"), f"12{NBSP}345{NBSP}678", "12345678"),
        (63.1792, "63,1792", "63.1792"),
        (14.6357, "14,6357", "14.6357"),
        (1200, f"1{NBSP}200", "1200"),
        (Decimal("-0.5"), "-0,5", "-0.5"),
        (Decimal("-1200"), f"-1{NBSP}200", "-1200"),
        (None, "", ""),
    ],
)
def test_a_value_is_shown_as_the_ui_language_writes_it(value, sv, en):
    assert format_number(value, language="sv") == sv
    assert format_number(value, language="en") == en


@pytest.mark.parametrize(
    "value", [Decimal("2.5"), Decimal("1200.50"), 63.1792, 1200, Decimal("-14.6357")]
)
@pytest.mark.parametrize("language", ["sv", "en"])
def test_what_is_shown_reads_back_as_the_same_number(value, language):
    assert parse_number(format_number(value, language=language)) == Decimal(str(value))


# --- The fields -------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize(
    ("typed", "decimal", "integer"),
    [("12,5", Decimal("12.5"), None), ("1 200", Decimal("1200"), 1200), ("7", 7, 7)],
)
def test_the_fields_read_the_same_whatever_the_language(language, typed, decimal, integer):
    with translation.override(language):
        assert numbers.DecimalField(decimal_places=2).clean(typed) == decimal
        assert numbers.FloatField().clean(typed) == float(decimal)
        if integer is None:
            with pytest.raises(forms.ValidationError) as refused:
                numbers.IntegerField().clean(typed)
            assert refused.value.messages == [str(numbers.NOT_AN_INTEGER)]
        else:
            assert numbers.IntegerField().clean(typed) == integer


@pytest.mark.parametrize("typed", ["1,200", "1.200", "12,000"])
def test_a_count_written_with_english_grouping_is_refused_not_read_as_1(typed):
    # The decimal rule reads "1,200" as 1.200; a whole-number field would have stored 1
    # where an English writer meant 1200.
    with pytest.raises(forms.ValidationError) as refused:
        numbers.IntegerField().clean(typed)
    assert refused.value.messages == [str(numbers.NOT_AN_INTEGER)]
    assert numbers.IntegerField().clean("12,0") == 12


def test_the_fields_keep_their_limits():
    field = numbers.DecimalField(max_digits=4, decimal_places=1, min_value=0, max_value=100)
    with translation.override("sv"):
        assert field.clean("99,5") == Decimal("99.5")
        for typed in ("12,55", "100,5", "-1", "12 345"):
            with pytest.raises(forms.ValidationError):
                field.clean(typed)


def test_the_widgets_are_text_inputs_with_an_input_mode():
    decimal = numbers.DecimalField().widget.render("x", Decimal("2.5"))
    integer = numbers.IntegerField().widget.render("n", 1200)
    assert 'type="text"' in decimal
    assert 'inputmode="decimal"' in decimal
    assert 'type="text"' in integer
    assert 'inputmode="numeric"' in integer
    assert "number" not in decimal.replace("inputmode", "")


# --- The forms, in both languages -------------------------------------------------------------


def _case_data(municipality, **overrides):
    data = {
        "name": "Kalkyl Krokom",
        "municipality": municipality.pk,
        "desks": "1 200",
        "monthly_rent": "4200,50",
        "other_yearly_costs": "1 200,50",
        "open_days_per_year": "230",
        "days_per_week": "2,5",
        "use_stated_days": "",
        "reference_price_per_desk_day": "45,50",
        "notes": "",
    }
    return data | overrides


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_business_case_form_reads_swedish_numbers_in_both_languages(reference_data, language):
    from hubs.tests.factories import ostersund

    with translation.override(language):
        form = BusinessCaseForm(data=_case_data(ostersund()))
        assert form.is_valid(), form.errors
    data = form.cleaned_data
    assert data["desks"] == 1200
    assert data["monthly_rent"] == Decimal("4200.50")
    assert data["other_yearly_costs"] == Decimal("1200.50")
    assert data["days_per_week"] == Decimal("2.5")
    assert data["reference_price_per_desk_day"] == Decimal("45.50")


@pytest.mark.parametrize("typed", ["1,200.5", "12,5,3", "abc"])
def test_a_number_that_cannot_be_read_is_refused_in_swedish_and_kept(reference_data, typed):
    from hubs.tests.factories import ostersund

    with translation.override("sv"):
        form = BusinessCaseForm(data=_case_data(ostersund(), reference_price_per_desk_day=typed))
        assert not form.is_valid()
        assert form.errors["reference_price_per_desk_day"] == ["Ange ett tal, t.ex. 12,5"]
        html = str(form["reference_price_per_desk_day"])
    assert f'value="{typed}"' in html


def test_the_refusal_is_the_translatable_message_in_english(reference_data):
    from hubs.tests.factories import ostersund

    with translation.override("en"):
        form = BusinessCaseForm(data=_case_data(ostersund(), monthly_rent="1,200.5"))
        assert not form.is_valid()
        assert form.errors["monthly_rent"] == [str(numbers.NOT_A_NUMBER)]
        assert 'value="1,200.5"' in str(form["monthly_rent"])


@pytest.mark.parametrize("language", ["sv", "en"])
def test_posting_12_5_through_the_page_stores_12_5(reference_data, planner, client_for, language):
    from hubs.tests.factories import ostersund

    client = client_for(planner)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.post("/hubs/business-case/new/", _case_data(ostersund()))
    assert response.status_code == 302, response.content.decode()[:2000]
    case = BusinessCase.objects.get()
    assert case.reference_price_per_desk_day == Decimal("45.50")
    assert case.monthly_rent == Decimal("4200.50")
    assert case.days_per_week == Decimal("2.5")
    assert case.desks == 1200


@pytest.mark.parametrize(("language", "half", "whole"), [("sv", "2,5", "4"), ("en", "2.5", "4")])
def test_stored_values_are_shown_back_with_the_languages_decimal_sign(
    reference_data, language, half, whole
):
    half_case = BusinessCaseFactory(days_per_week=Decimal("2.5"))
    whole_case = BusinessCaseFactory(days_per_week=Decimal("4.0"))
    with translation.override(language):
        assert f'value="{half}"' in str(BusinessCaseForm(instance=half_case)["days_per_week"])
        assert f'value="{whole}"' in str(BusinessCaseForm(instance=whole_case)["days_per_week"])


def test_the_hub_form_shows_coordinates_with_a_comma_in_swedish(reference_data):
    hub = HubFactory(latitude=63.1792, longitude=14.6357)
    with translation.override("sv"):
        form = HubForm(instance=hub)
        assert 'value="63,1792"' in str(form["latitude"])
        assert 'value="14,6357"' in str(form["longitude"])
        assert 'inputmode="decimal"' in str(form["latitude"])
        assert 'inputmode="numeric"' in str(form["desks"])


def test_the_monthly_use_form_reads_grouped_integers(reference_data):
    hub = HubFactory(desks=10)
    form = MonthlyUseForm(
        data={"month": "2025-03", "desks": "10", "open_days": "20", "desk_days_used": "1 50"},
        instance=None,
    )
    form.instance.hub = hub
    assert not form.is_valid()  # "1 50" is not grouped in threes
    assert form.errors["desk_days_used"] == [str(numbers.NOT_AN_INTEGER)]


def test_days_per_week_reads_2_5_dagar_in_the_agreement_checklist(reference_data):
    from remoteagreements.checklist import sections
    from remoteagreements.tests.factories import AgreementFactory

    agreement = AgreementFactory(
        extent_unit="days", extent_value=Decimal("2.5"), days_at_workplace=Decimal("2.0")
    )
    with translation.override("sv"):
        rows = [row for s in sections(agreement, show_personnummer=False) for row in s.rows]
    values = [str(value) for _label, value in rows]
    assert "2,5 dagar per vecka" in values
    assert "2" in values
    assert not any(re.search(r"\d\.\d", v) for v in values if "dagar" in v)


# --- Every form of the project uses the shared fields -----------------------------------------

DJANGO_NUMBER_FIELDS = (forms.DecimalField, forms.FloatField, forms.IntegerField)


def foreign_number_fields(form_fields: dict) -> list[str]:
    """The names of number fields that are not the shared ones, or that have a number input."""
    bad = []
    for name, field in form_fields.items():
        if isinstance(field, DJANGO_NUMBER_FIELDS) and (
            not isinstance(field, numbers.NUMBER_FIELD_CLASSES)
            or isinstance(field.widget, forms.NumberInput)
        ):
            bad.append(name)
    return bad


def _form_classes():
    for app in PROJECT_APPS:
        for path in sorted((Path(settings.BASE_DIR) / app).glob("*forms.py")):
            module = importlib.import_module(f"{app}.{path.stem}")
            for name, obj in inspect.getmembers(module, inspect.isclass):
                if obj.__module__ != module.__name__ and not issubclass(obj, BaseFormSet):
                    continue
                if issubclass(obj, forms.BaseForm):
                    yield f"{module.__name__}.{name}", obj
                elif issubclass(obj, BaseFormSet):
                    yield f"{module.__name__}.{name}", obj.form


def _instances(cls):
    """The form unbound, and (ModelForms) on a saved-looking instance: fields added in
    ``__init__`` (the weights, the lock version) are there too."""
    # Required keyword arguments (the survey steps' headers, answers): empty ones.
    required = {
        name: {} if "dict" in str(p.annotation) else []
        for name, p in inspect.signature(cls.__init__).parameters.items()
        if p.kind is p.KEYWORD_ONLY and p.default is p.empty
    }
    yield cls(**required)
    meta = getattr(cls, "_meta", None)
    if getattr(meta, "model", None) is not None:
        yield cls(instance=meta.model(pk=1), **required)


@pytest.mark.django_db
def test_every_number_field_of_every_form_is_the_shared_one():
    checked, bad = 0, []
    for name, cls in _form_classes():
        for form in _instances(cls):
            fields = form.fields
            checked += sum(isinstance(f, DJANGO_NUMBER_FIELDS) for f in fields.values())
            bad += [f"{name}.{field}" for field in foreign_number_fields(fields)]
    assert sorted(set(bad)) == []
    assert checked >= 40  # the scan itself must find the forms' number fields


@pytest.mark.django_db
def test_the_scan_finds_a_form_built_on_djangos_own_number_fields():
    class PlainHubForm(forms.ModelForm):
        class Meta:
            model = BusinessCase
            fields = ["desks", "monthly_rent"]

    class PlainForm(forms.Form):
        share = forms.DecimalField()
        typed = numbers.DecimalField(widget=forms.NumberInput)

    assert foreign_number_fields(PlainHubForm().fields) == ["desks", "monthly_rent"]
    assert foreign_number_fields(PlainForm().fields) == ["share"]
    assert foreign_number_fields(BusinessCaseForm().fields) == []


def test_no_template_or_form_module_asks_the_browser_for_a_number_input():
    root = Path(settings.BASE_DIR)
    offenders = []
    for app in PROJECT_APPS:
        for path in (root / app).rglob("*"):
            if "tests" in path.parts or path.suffix not in (".py", ".html"):
                continue
            if path.name == "numbers.py":
                continue
            text = path.read_text(encoding="utf-8")
            if re.search(r"type=[\"']?number|forms\.NumberInput", text):
                offenders.append(str(path.relative_to(root)))
    for path in (root / "templates").rglob("*.html"):
        if re.search(r"type=[\"']?number", path.read_text(encoding="utf-8")):
            offenders.append(str(path.relative_to(root)))
    assert offenders == []


def test_the_stale_form_names_the_saved_number_the_swedish_way():
    from hubplan.locking import _display

    case = BusinessCase(days_per_week=Decimal("4.0"), monthly_rent=Decimal("4200.50"))
    with translation.override("sv"):
        assert _display(case, "days_per_week") == "4"
        assert _display(case, "monthly_rent") == f"4{NBSP}200,50"
