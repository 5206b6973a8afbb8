"""The one rule by which a service's refusal reaches a form (hubplan.service_forms)."""

from django import forms
from django.core.exceptions import ValidationError

from hubplan.service_forms import ServiceFormMixin, apply_service_errors


class _Form(forms.Form):
    name = forms.CharField()


def _bound():
    form = _Form({"name": "Hubb"})
    assert form.is_valid()
    return form


def test_a_field_error_lands_on_its_field_and_an_unknown_field_above_the_form():
    form = _bound()
    apply_service_errors(
        form, ValidationError({"name": "Namnet finns redan.", "desks": "För många platser."})
    )
    assert form.errors["name"] == ["Namnet finns redan."]
    assert form.non_field_errors() == ["För många platser."]
    assert "desks" not in form.errors


def test_an_error_without_fields_lands_above_the_form():
    form = _bound()
    apply_service_errors(form, ValidationError(["Första.", "Andra."]))
    assert form.non_field_errors() == ["Första.", "Andra."]


def test_the_mixin_returns_the_services_result_or_none_with_the_errors_on_the_form():
    view = ServiceFormMixin()
    form = _bound()
    assert view.apply_service(form, lambda: 42) == 42
    assert form.errors == {}

    def refuse():
        raise ValidationError({"name": "Upptaget."})

    assert view.apply_service(form, refuse) is None
    assert form.errors["name"] == ["Upptaget."]
