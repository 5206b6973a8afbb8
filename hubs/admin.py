"""Admin for the hub registry: a fallback for superusers; planners use the app's own pages."""

from django.contrib import admin

from hubplan.audit import SuperuserHistoryAdmin, register_history
from hubs.models import BusinessCase, Hub, HubMonthlyUse, HubStatusChange, PremisesCandidate


class HubStatusChangeInline(admin.TabularInline):
    model = HubStatusChange
    extra = 0
    readonly_fields = ("status", "date", "note", "changed_by", "created_at")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        # Status changes go through hubs.services.hub_set_status, which enforces the order.
        return False


@admin.register(Hub)
class HubAdmin(SuperuserHistoryAdmin):
    list_display = ("name", "municipality", "kind", "status", "desks", "operator_type")
    list_filter = ("municipality", "kind", "status", "operator_type", "confidential_room")
    search_fields = ("name", "address")
    list_select_related = ("municipality",)
    autocomplete_fields = ("operator",)
    filter_horizontal = ("users",)
    readonly_fields = ("status", "status_since", "created_at", "updated_at")
    inlines = [HubStatusChangeInline]


@admin.register(PremisesCandidate)
class PremisesCandidateAdmin(SuperuserHistoryAdmin):
    list_display = ("name", "municipality", "status", "desks_possible", "monthly_rent")
    list_filter = ("municipality", "status")
    search_fields = ("name", "address")
    list_select_related = ("municipality",)
    readonly_fields = ("hub", "created_at", "updated_at")


register_history(Hub, select_related=("municipality",))
register_history(PremisesCandidate, select_related=("municipality",))


@admin.register(HubMonthlyUse)
class HubMonthlyUseAdmin(admin.ModelAdmin):
    list_display = ("hub", "month", "desks", "open_days", "desk_days_used")
    list_filter = ("month",)
    search_fields = ("hub__name",)
    list_select_related = ("hub",)
    date_hierarchy = "month"


@admin.register(BusinessCase)
class BusinessCaseAdmin(admin.ModelAdmin):
    list_display = ("name", "municipality", "premises", "desks", "monthly_rent", "updated_at")
    list_filter = ("municipality",)
    search_fields = ("name",)
    list_select_related = ("municipality", "premises")
    readonly_fields = ("created_by", "created_at", "updated_at")
