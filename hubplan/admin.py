"""Admin for Hubplan's own model: the saved suitability scenarios."""

from django.contrib import admin

from hubplan.models import SuitabilityScenario


@admin.register(SuitabilityScenario)
class SuitabilityScenarioAdmin(admin.ModelAdmin):
    list_display = ("name", "created_by", "created_at")
    search_fields = ("name",)
    readonly_fields = ("created_by", "created_at")
