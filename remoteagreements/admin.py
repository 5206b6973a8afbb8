"""Admin for superusers: read-mostly views of the register (HR works in the app's own pages).

Employees and agreements keep an audit trail (simple-history) that superusers browse
from each object's "Historik" button or the history lists. The personnummer is never
shown in the admin, not even masked in a form: HR's pages are the only place for it.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from hubplan.audit import SuperuserHistoryAdmin, register_history
from remoteagreements.models import DistanceAgreement, Employee, EquipmentItem, FollowUp


@admin.register(Employee)
class EmployeeAdmin(SuperuserHistoryAdmin):
    list_display = ("name", "administration", "unit", "home_municipality", "manager")
    list_filter = ("administration", "home_municipality")
    search_fields = ("name",)
    list_select_related = ("administration", "home_municipality", "manager")
    raw_id_fields = ("manager", "user")
    # The full number stays on HR's pages, where each view is logged.
    exclude = ("personnummer",)
    readonly_fields = ("masked_personnummer",)

    @admin.display(description=_("personnummer"))
    def masked_personnummer(self, obj) -> str:
        return obj.masked_personnummer if obj.pk else "–"

    def has_add_permission(self, request):
        # A new employee needs a personnummer, which only HR's form takes.
        return False


class EquipmentInline(admin.TabularInline):
    model = EquipmentItem
    extra = 0


class FollowUpInline(admin.TabularInline):
    model = FollowUp
    extra = 0


@admin.register(DistanceAgreement)
class DistanceAgreementAdmin(SuperuserHistoryAdmin):
    list_display = ("pk", "employee", "version", "status", "start_date", "end_date", "place_kind")
    list_filter = ("status", "place_kind")
    list_select_related = ("employee",)
    raw_id_fields = ("employee", "previous_version", "renewed_from", "hub")
    inlines = [EquipmentInline, FollowUpInline]


register_history(Employee)
register_history(DistanceAgreement)
