"""Who sees which employees and agreements, in one place.

HR sees and edits everything. A manager is any user set as an employee's manager
and sees only their own staff's agreements (and signs them). An employee with a
Hubplan account sees their own agreements, to sign them logged in. Everyone else,
Planerare and Läsare included, sees only the aggregate statistics.
"""

from __future__ import annotations

from django.db.models import Q

from hubplan.access import is_hr


def is_manager(user) -> bool:
    """True if ``user`` manages at least one employee; cached on the user per request."""
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_agreements_is_manager", None)
    if cached is None:
        cached = user.managed_employees.exists()
        user._agreements_is_manager = cached
    return cached


def has_employee_record(user) -> bool:
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_agreements_is_employee", None)
    if cached is None:
        from remoteagreements.models import Employee

        cached = Employee.objects.filter(user=user).exists()
        user._agreements_is_employee = cached
    return cached


def may_use_register(user) -> bool:
    """HR, managers and employees with an account reach the agreement pages at all."""
    return is_hr(user) or is_manager(user) or has_employee_record(user)


def may_see_agreement_list(user) -> bool:
    """For the menu: HR and managers have a list to work from."""
    return is_hr(user) or is_manager(user)


def employee_scope(user) -> Q:
    """The employees ``user`` may see, as a filter on Employee."""
    if is_hr(user):
        return Q()
    return Q(manager=user) | Q(user=user)


def agreement_scope(user) -> Q:
    """The agreements ``user`` may see, as a filter on DistanceAgreement."""
    if is_hr(user):
        return Q()
    return Q(employee__manager=user) | Q(employee__user=user)
