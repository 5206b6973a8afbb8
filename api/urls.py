"""/api/: read-only JSON for scripts and BI tools, and its OpenAPI 3 schema."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from api import views
from api.views import as_view

app_name = "api"

urlpatterns = [
    path("", as_view(views.ApiRootView), name="root"),
    path("schema/", as_view(SpectacularAPIView), name="schema"),
    path("municipalities/", as_view(views.MunicipalityListView), name="municipality-list"),
    path(
        "municipalities/<str:code>/",
        as_view(views.MunicipalityDetailView),
        name="municipality-detail",
    ),
    path("indicators/", as_view(views.IndicatorListView), name="indicator-list"),
    path("indicators/values/", as_view(views.IndicatorValuesView), name="indicator-values"),
    path(
        "indicators/values.csv", as_view(views.IndicatorValuesCSVView), name="indicator-values-csv"
    ),
    path("hubs/", as_view(views.HubListView), name="hub-list"),
    path("hubs/geojson/", as_view(views.HubGeoJSONView), name="hub-geojson"),
    path("hubs/use/", as_view(views.HubMonthlyUseView), name="hub-use"),
    path("hubs/<int:pk>/", as_view(views.HubDetailView), name="hub-detail"),
    path("agreements/stats/", as_view(views.AgreementStatsView), name="agreement-stats"),
    path("surveys/", as_view(views.SurveyRoundListView), name="survey-list"),
    path("surveys/<int:pk>/flows/", as_view(views.SurveyFlowsView), name="survey-flows"),
    path(
        "surveys/<int:pk>/potential/", as_view(views.SurveyPotentialView), name="survey-potential"
    ),
    path("plan/activities/", as_view(views.ActivityListView), name="activity-list"),
    # Last: every other path under /api/ answers 404 in JSON.
    re_path(r"^[\s\S]+$", as_view(views.NotFoundView), name="not-found"),
]
