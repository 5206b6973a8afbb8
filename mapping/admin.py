"""Admin for reference data: counties, kommuner, organisations."""

from django.contrib import admin

from mapping.models import County, Municipality, Organisation


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
