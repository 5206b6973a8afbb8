"""URLs of the hubs app (/hubs/)."""

from django.urls import path

from hubs import views

app_name = "hubs"
urlpatterns = [
    path("", views.HubListView.as_view(), name="list"),
    path("map/", views.HubMapView.as_view(), name="map"),
    path("new/", views.HubCreateView.as_view(), name="create"),
    path("use/import/", views.MonthlyUseImportView.as_view(), name="use-import"),
    path("settings/", views.HubSettingsView.as_view(), name="settings"),
    path("<int:pk>/", views.HubDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.HubUpdateView.as_view(), name="update"),
    path("<int:pk>/delete/", views.HubDeleteView.as_view(), name="delete"),
    path("<int:pk>/status/", views.HubStatusView.as_view(), name="status"),
    path("<int:pk>/use/", views.MonthlyUseView.as_view(), name="use"),
    path("business-case/", views.BusinessCaseListView.as_view(), name="business-case"),
    path("business-case/new/", views.BusinessCaseCreateView.as_view(), name="business-case-create"),
    path(
        "business-case/compare/",
        views.BusinessCaseCompareView.as_view(),
        name="business-case-compare",
    ),
    path(
        "business-case/<int:pk>/",
        views.BusinessCaseDetailView.as_view(),
        name="business-case-detail",
    ),
    path(
        "business-case/<int:pk>/edit/",
        views.BusinessCaseUpdateView.as_view(),
        name="business-case-update",
    ),
    path(
        "business-case/<int:pk>/delete/",
        views.BusinessCaseDeleteView.as_view(),
        name="business-case-delete",
    ),
    path("premises/", views.PremisesListView.as_view(), name="premises-list"),
    path("premises/new/", views.PremisesCreateView.as_view(), name="premises-create"),
    path("premises/<int:pk>/edit/", views.PremisesUpdateView.as_view(), name="premises-update"),
    path("premises/<int:pk>/delete/", views.PremisesDeleteView.as_view(), name="premises-delete"),
    path("premises/<int:pk>/choose/", views.PremisesChooseView.as_view(), name="premises-choose"),
]
