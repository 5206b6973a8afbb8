"""How a view shows a service's refusal on its form: one rule for every app.

Services raise ``ValidationError`` (with an ``error_dict`` when the refusal concerns
fields). The view puts each message on its field when the form has that field, and
above the form otherwise, so nothing a service says is lost and nothing is saved.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.core.exceptions import ValidationError

T = TypeVar("T")


def apply_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form's fields (or above it)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class ServiceFormMixin:
    """For views whose ``form_valid`` calls a service: ``apply_service`` runs it and,
    when it refuses, shows its errors on the form and returns None."""

    def apply_service(self, form: forms.BaseForm, call: Callable[[], T]) -> T | None:
        try:
            return call()
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return None
