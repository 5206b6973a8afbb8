"""URLs of the actionplan app (/plan/)."""

from django.urls import path

from actionplan import views

app_name = "plan"
urlpatterns = [
    path("", views.OverviewView.as_view(), name="overview"),
    path("gantt/", views.GanttView.as_view(), name="gantt"),
    path("board-report/", views.BoardReportView.as_view(), name="board-report"),
    path("activities/", views.ActivityListView.as_view(), name="activity-list"),
    path("activities/new/", views.ActivityCreateView.as_view(), name="activity-create"),
    path("activities/<int:pk>/", views.ActivityDetailView.as_view(), name="activity-detail"),
    path("activities/<int:pk>/edit/", views.ActivityUpdateView.as_view(), name="activity-update"),
    path("activities/<int:pk>/delete/", views.ActivityDeleteView.as_view(), name="activity-delete"),
    path(
        "activities/<int:pk>/reports/new/",
        views.ProgressReportCreateView.as_view(),
        name="report-create",
    ),
    path("relocation/", views.RelocationListView.as_view(), name="relocation-list"),
    path("relocation/new/", views.RelocationCreateView.as_view(), name="relocation-create"),
    path("relocation/<int:pk>/", views.RelocationDetailView.as_view(), name="relocation-detail"),
    path(
        "relocation/<int:pk>/edit/", views.RelocationUpdateView.as_view(), name="relocation-update"
    ),
    path(
        "relocation/<int:pk>/delete/",
        views.RelocationDeleteView.as_view(),
        name="relocation-delete",
    ),
]
