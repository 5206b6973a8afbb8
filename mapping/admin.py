"""Admin for reference data (counties, kommuner, organisations) and the survey imports' history."""

from django.contrib import admin

from hubplan.audit import ReadOnlyAdminMixin, SuperuserHistoryAdmin, register_history
from mapping.models import (
    County,
    Municipality,
    Organisation,
    ShiftImport,
    ShiftRestGroup,
    SurveyImport,
    SurveyImportProfile,
    SurveyRound,
)


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "county", "population", "population_year")
    list_filter = ("county",)
    list_select_related = ("county",)
    search_fields = ("code", "name")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "parent", "municipality", "in_agency_network")
    list_filter = ("kind", "in_agency_network")
    list_select_related = ("parent", "municipality")
    search_fields = ("name",)
    autocomplete_fields = ("parent", "municipality")


@admin.register(SurveyImport)
class SurveyImportAdmin(ReadOnlyAdminMixin, SuperuserHistoryAdmin):
    """Read-only: imports are made and undone on the survey pages; here for their history."""

    list_display = ("pk", "round", "file_name", "status", "row_count", "user", "created")
    list_filter = ("status",)
    list_select_related = ("round", "user")
    search_fields = ("file_name",)


register_history(SurveyImport)


@admin.register(SurveyImportProfile)
class SurveyImportProfileAdmin(admin.ModelAdmin):
    """Saved column mappings and value codings: renamed or removed here, made on the
    import page ("Spara kopplingen som")."""

    list_display = ("name", "user", "updated")
    list_select_related = ("user",)
    search_fields = ("name",)
    readonly_fields = ("user", "updated")


# Who published or withdrew which survey round, and when (mapping.services.survey_round_publish).
register_history(SurveyRound)


class ShiftRestGroupInline(admin.TabularInline):
    model = ShiftRestGroup
    extra = 0
    can_delete = False
    fields = (
        "employer",
        "employer_kind",
        "unit",
        "people",
        "people_short",
        "short_rests",
        "worst_rest_minutes",
    )
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ShiftImport)
class ShiftImportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: shift lists are imported and deleted on the daily-rest pages. Only
    aggregates exist (mapping.shifts), so the admin shows nothing per person."""

    list_display = (
        "name",
        "file_name",
        "first_date",
        "last_date",
        "people",
        "people_short",
        "user",
        "created",
    )
    list_select_related = ("user",)
    search_fields = ("name", "file_name")
    inlines = (ShiftRestGroupInline,)
