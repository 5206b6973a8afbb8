"""URLs under /municipalities/: the comparison, suitability and a page per kommun.

They cross every app, so they live in hubplan. Fixed paths come before
``<code>/`` so that "suitability" is never taken for a kommun code.
"""

from django.urls import path

from hubplan import views

app_name = "municipalities"
urlpatterns = [
    path("", views.MunicipalityComparisonView.as_view(), name="list"),
    path("suitability/", views.SuitabilityView.as_view(), name="suitability"),
    path("suitability/scenarios/new/", views.ScenarioCreateView.as_view(), name="scenario-create"),
    path(
        "suitability/scenarios/<int:pk>/delete/",
        views.ScenarioDeleteView.as_view(),
        name="scenario-delete",
    ),
    path("<str:code>/", views.MunicipalityDetailView.as_view(), name="detail"),
]
