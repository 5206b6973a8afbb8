"""URLs of the kommun pages (/municipalities/)."""

from django.urls import path

from mapping import views

app_name = "mapping"
urlpatterns = [
    path("", views.MunicipalityListView.as_view(), name="municipality-list"),
    path("<str:code>/", views.MunicipalityDetailView.as_view(), name="municipality-detail"),
]
