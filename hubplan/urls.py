"""Root URLs. Each app's pages live under their own prefix and namespace."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from hubplan import health, job_views, views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The language switcher is also on the login page, so it must work signed out.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    # For load balancers: database and job queue, no login (hubplan.health).
    path("healthz", health.healthz, name="healthz"),
    path("jobs/<int:pk>/", job_views.JobDetailView.as_view(), name="job-detail"),
    path("jobs/<int:pk>/progress/", job_views.JobProgressView.as_view(), name="job-progress"),
    path("jobs/<int:pk>/cancel/", job_views.JobCancelView.as_view(), name="job-cancel"),
    path("jobs/<int:pk>/retry/", job_views.JobRetryView.as_view(), name="job-retry"),
    path("jobs/<int:pk>/download/", job_views.JobDownloadView.as_view(), name="job-download"),
    path("municipalities/", include("hubplan.municipality_urls")),
    path("surveys/", include("mapping.survey_urls")),
    path("hubs/", include("hubs.urls")),
    path("agreements/", include("remoteagreements.urls")),
    path("plan/", include("actionplan.urls")),
    # Read-only JSON for scripts and BI tools (token or session); see api/.
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
]

# 403 and 404 are Django's views with templates/403.html and 404.html; the 400 and 500
# pages show the request id and must render without the request context.
handler400 = "hubplan.errors.bad_request"
handler500 = "hubplan.errors.server_error"
