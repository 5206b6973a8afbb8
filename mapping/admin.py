"""Admin for reference data (counties, kommuner, organisations) and the survey imports' history."""

from django.contrib import admin

from hubplan.audit import ReadOnlyAdminMixin, SuperuserHistoryAdmin, register_history
from mapping.models import County, Municipality, Organisation, SurveyImport


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
