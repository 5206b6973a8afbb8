"""Admin for superusers: read-mostly views of the register (HR works in the app's own pages)."""

from django.contrib import admin

from remoteagreements.models import DistanceAgreement, Employee, EquipmentItem, FollowUp


@admin.register(Employee)
class EmployeeAdmin(admin.ModelAdmin):
    list_display = ("name", "administration", "unit", "home_municipality", "manager")
    list_filter = ("administration", "home_municipality")
    search_fields = ("name",)
    list_select_related = ("administration", "home_municipality", "manager")
    raw_id_fields = ("manager", "user")


class EquipmentInline(admin.TabularInline):
    model = EquipmentItem
    extra = 0


class FollowUpInline(admin.TabularInline):
    model = FollowUp
    extra = 0


@admin.register(DistanceAgreement)
class DistanceAgreementAdmin(admin.ModelAdmin):
    list_display = ("pk", "employee", "version", "status", "start_date", "end_date", "place_kind")
    list_filter = ("status", "place_kind")
    list_select_related = ("employee",)
    raw_id_fields = ("employee", "previous_version", "renewed_from", "hub")
    inlines = [EquipmentInline, FollowUpInline]
