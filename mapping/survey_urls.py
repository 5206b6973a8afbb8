"""URLs of the survey pages (/surveys/): rounds, imports and analyses."""

from django.urls import path

from mapping import shift_views
from mapping import survey_views as views

app_name = "surveys"
urlpatterns = [
    path("", views.RoundListView.as_view(), name="round-list"),
    path("new/", views.RoundCreateView.as_view(), name="round-create"),
    path("<int:pk>/", views.RoundDetailView.as_view(), name="round-detail"),
    path("<int:pk>/edit/", views.RoundUpdateView.as_view(), name="round-update"),
    path("<int:pk>/publish/", views.RoundPublishView.as_view(), name="round-publish"),
    path("<int:pk>/delete/", views.RoundDeleteView.as_view(), name="round-delete"),
    path("import/", views.ImportUploadView.as_view(), name="import-upload"),
    path("import/columns/", views.ImportMapView.as_view(), name="import-map"),
    path("import/template/", views.ImportTemplateView.as_view(), name="import-template"),
    path("imports/<int:pk>/", views.ImportDetailView.as_view(), name="import-detail"),
    path("imports/<int:pk>/progress/", views.ImportProgressView.as_view(), name="import-progress"),
    path("imports/<int:pk>/cancel/", views.ImportCancelView.as_view(), name="import-cancel"),
    path("rams/", views.RamsView.as_view(), name="rams"),
    path("context/", views.ContextView.as_view(), name="context"),
    # Daily rest from shift schedules (mapping.shifts): only aggregates are stored.
    path("shifts/", shift_views.ShiftImportListView.as_view(), name="shift-list"),
    path("shifts/import/", shift_views.ShiftImportCreateView.as_view(), name="shift-import"),
    path("shifts/<int:pk>/", shift_views.ShiftImportDetailView.as_view(), name="shift-detail"),
    path(
        "shifts/<int:pk>/delete/",
        shift_views.ShiftImportDeleteView.as_view(),
        name="shift-delete",
    ),
]
