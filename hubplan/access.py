"""Roles and access checks, written once for the whole project.

Roles are Django groups created by a migration (``hubplan/migrations``). Views
ask these helpers instead of checking group names themselves, so a rule is
changed in one place. Superusers pass every check.

Reading: any signed-in, active user may read dashboards and lists (the
LoginRequiredMiddleware keeps everyone else out). Writing and personal data
need a role.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

HR = "HR"
PLANNER = "Planerare"
VIEWER = "Läsare"
ROLES = (HR, PLANNER, VIEWER)


def roles_of(user) -> frozenset[str]:
    """The user's role names, read once per request and cached on the user."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_hubplan_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._hubplan_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    """True if ``user`` is an active superuser or holds any of ``roles``."""
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or bool(roles_of(user) & set(roles))


def is_planner(user) -> bool:
    """Planners (and superusers) edit hubs, surveys, the plan and suitability."""
    return has_role(user, PLANNER)


def is_hr(user) -> bool:
    """HR (and superusers) handle distance-work agreements and personal data."""
    return has_role(user, HR)


class RoleRequiredMixin:
    """Class-based-view guard: 403 unless the user holds one of ``required_roles``.

    Anonymous users never get here: LoginRequiredMiddleware redirects them first.
    """

    required_roles: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        if not has_role(request.user, *self.required_roles):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class PlannerRequiredMixin(RoleRequiredMixin):
    required_roles = (PLANNER,)


class HRRequiredMixin(RoleRequiredMixin):
    required_roles = (HR,)
