"""Admin registrations for the plan's reference data and records."""

from django.contrib import admin

from actionplan.models import Activity, Area, ProgressReport, RelocationAssessment, Strategy
from hubplan.audit import SuperuserHistoryAdmin, register_history


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ("number", "title")


@admin.register(Strategy)
class StrategyAdmin(admin.ModelAdmin):
    list_display = ("number", "title")


class ProgressReportInline(admin.TabularInline):
    model = ProgressReport
    extra = 0
    fields = ("date", "status", "progress", "cost_to_date", "text", "author")
    raw_id_fields = ("author",)


@admin.register(Activity)
class ActivityAdmin(SuperuserHistoryAdmin):
    list_display = ("title", "area", "status", "progress", "start_date", "end_date")
    list_filter = ("area", "status", "strategy")
    search_fields = ("title", "description")
    list_select_related = ("area",)
    filter_horizontal = ("partners", "municipalities", "dependencies", "hubs", "survey_rounds")
    raw_id_fields = ("responsible",)
    inlines = [ProgressReportInline]


register_history(Activity)


@admin.register(RelocationAssessment)
class RelocationAssessmentAdmin(admin.ModelAdmin):
    list_display = ("unit", "reason", "decision", "decision_date", "assessed_on")
    list_filter = ("reason", "decision")
    search_fields = ("unit", "conclusion")
    filter_horizontal = ("municipalities",)
