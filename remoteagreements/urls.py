"""URLs of the remoteagreements app, under /agreements/. Objects by pk, never by personnummer."""

from django.urls import path

from remoteagreements import views

app_name = "agreements"
urlpatterns = [
    path("", views.AgreementListView.as_view(), name="list"),
    path("stats/", views.StatsView.as_view(), name="stats"),
    path("new/", views.AgreementCreateView.as_view(), name="create"),
    path("<int:pk>/", views.AgreementDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.AgreementUpdateView.as_view(), name="edit"),
    path("<int:pk>/submit/", views.AgreementSubmitView.as_view(), name="submit"),
    path("<int:pk>/sign/", views.AgreementSignView.as_view(), name="sign"),
    path("<int:pk>/end/", views.AgreementEndView.as_view(), name="end"),
    path("<int:pk>/follow-up/", views.AgreementFollowUpView.as_view(), name="follow-up"),
    path("<int:pk>/renew/", views.AgreementRenewView.as_view(), name="renew"),
    path("<int:pk>/new-version/", views.AgreementNewVersionView.as_view(), name="new-version"),
    path("<int:pk>/print/", views.AgreementPrintView.as_view(), name="print"),
    path("<int:pk>/pdf/", views.AgreementPdfView.as_view(), name="pdf"),
    path("employees/", views.EmployeeListView.as_view(), name="employee-list"),
    path("employees/new/", views.EmployeeCreateView.as_view(), name="employee-create"),
    path("employees/<int:pk>/", views.EmployeeDetailView.as_view(), name="employee-detail"),
    path("employees/<int:pk>/edit/", views.EmployeeUpdateView.as_view(), name="employee-edit"),
    path("access-log/", views.PersonnummerAccessLogView.as_view(), name="access-log"),
]
