"""The audit trail in the admin: who created, changed or deleted what, and when.

The audited models keep their history with django-simple-history (``history =
HistoricalRecords()``); ``HistoryRequestMiddleware`` stamps each row with the
request's user. Here is how superusers browse it:

- :class:`SuperuserHistoryAdmin`, a ``ModelAdmin`` base that adds the "Historik"
  button to each object's page. The history is for superusers only, even if some
  other account is made staff and given model permissions, and it is read-only:
  simple-history's "revert" would save an old version past the app's services and
  their rules (a signed agreement back to a draft, say), so it is switched off.
- :func:`register_history`, a read-only list of all history rows of one model, with
  filters by type, user and date. Deleted objects have no page of their own any more,
  so this list is where their deletion can be found.
"""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin


def _is_superuser(request) -> bool:
    user = request.user
    return user.is_active and user.is_superuser


class SuperuserHistoryAdmin(SimpleHistoryAdmin):
    """A model admin with a read-only history per object, for superusers only."""

    def has_view_history_or_change_history_permission(self, request, obj=None):
        return _is_superuser(request)

    def has_view_history_permission(self, request, obj=None):
        return _is_superuser(request)

    def has_change_history_permission(self, request, obj=None):
        # No revert: see the module docstring.
        return False

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history saves a POST to this page as a revert; the page is for reading.
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnlyAdminMixin:
    """No add, change or delete in the admin: the rows are written elsewhere and only read here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class HistoricalRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """All history rows of one model: read-only, newest first, superusers only."""

    list_display = ("history_date", "history_type", "history_user", "object_label")
    list_filter = ("history_type", "history_date", "history_user")
    date_hierarchy = "history_date"
    ordering = ("-history_date", "-history_id")
    list_per_page = 50

    @admin.display(description=_("objekt"))
    def object_label(self, record) -> str:
        # record.pk is the history row's own id; the object's id is under its field name.
        object_id = getattr(record, record.instance_type._meta.pk.attname)
        return f"{object_id}: {record.history_object}"

    def has_module_permission(self, request):
        return _is_superuser(request)

    def has_view_permission(self, request, obj=None):
        return _is_superuser(request)


def register_history(model, *, select_related: tuple[str, ...] = ()) -> None:
    """List ``model``'s history rows in the admin; ``select_related``: what its ``__str__`` reads."""
    admin.site.register(
        model.history.model,
        type(
            f"Historical{model.__name__}Admin",
            (HistoricalRecordAdmin,),
            {"list_select_related": ("history_user", *select_related)},
        ),
    )
