"""Who may do what on hubplan's own URLs (home, login, language, kommuner, suitability)
and on Django's admin. Format and shorthands: hubplan/tests/access_matrix_kit.py."""

from hubplan.tests.access_matrix_kit import (
    ADMIN_WILDCARD,
    PLANNERS,
    Redirect,
    answers,
    entry,
    only,
    read,
)

# --- Django's admin -------------------------------------------------------------------
# For superusers (the only staff). Signed-in users without is_staff are sent to the admin's
# own login page, which tells them that they lack access. Signed out, a model's pages send
# to the project's login (LoginRequiredMiddleware) and the site-wide pages (index, app
# lists, password change, catch-all) to the admin's login.
ADMIN_REFUSED = Redirect("admin:login")
SITE_PAGES = ("admin:index", "admin:app_list", "admin:password_change", "admin:jsi18n")


def admin_page(get=200, post=200, anonymous=302) -> dict:
    return entry(
        answers(ADMIN_REFUSED, anonymous=anonymous, superuser=get),
        answers(ADMIN_REFUSED, anonymous=anonymous, superuser=post),
    )


def site_page(get=200, post=200) -> dict:
    return admin_page(get, post, anonymous=ADMIN_REFUSED)


# Admins that only show: the audit trail's history rows (simple-history's
# ``<app>_historical<model>``) and the survey import jobs (imports run in the app).
# The job queue's own records (procrastinate's admin) are read-only too.
VIEW_ONLY = (
    "_historical",
    "admin:mapping_surveyimport_",
    "admin:mapping_shiftimport_",
    "admin:procrastinate_",
)
# Nothing is added in the admin: login records are written by logins (django-axes), and an
# employee needs a personnummer, which only HR's form takes.
LOGIN_RECORDS = (
    "admin:axes_accessattempt_",
    "admin:axes_accesslog_",
    "admin:axes_accessfailurelog_",
)
NO_ADD = (*LOGIN_RECORDS, "admin:remoteagreements_employee_")


def admin_rule(key: str) -> dict:
    """The admin's answer for an admin URL without an entry of its own.

    Superusers get every page: an empty POST shows the form again, and delete asks again.
    View-only admins refuse add, change and delete (403); a version's page in the audit
    trail cannot revert (POST refused); NO_ADD admins refuse add.
    """
    action = key.rsplit("_", 1)[-1]
    if key in SITE_PAGES:
        return site_page()
    if key.endswith("_simple_history"):
        return admin_page(200, 403)
    if any(marker in key for marker in VIEW_ONLY):
        refused = {"add": (403, 403), "delete": (403, 403), "change": (200, 403)}
        return admin_page(*refused.get(action, (200, 200)))
    if key.startswith(NO_ADD) and action == "add":
        return admin_page(403, 403)
    if key.startswith(LOGIN_RECORDS) and action == "change":
        return admin_page(200, 302)  # read-only fields: an empty POST saves nothing new
    return admin_page()


MATRIX = {
    "home": read(),
    # The login page and the language switch work signed out.
    "login": entry(answers(200), answers(200)),  # an empty POST shows the form again
    "logout": entry(
        answers(405, anonymous=302),  # logging out needs a POST (no logout by a link)
        answers(Redirect("login"), anonymous=302),
    ),
    "set_language": entry(answers(Redirect("/")), answers(Redirect("/"))),
    # The load balancers' health check: open to all, GET (and HEAD) only.
    "healthz": entry(answers(200), answers(405)),
    # A job is seen only by the user who started it (the sample's is the planner's) and
    # superusers; to everyone else it does not exist.
    "job-detail": entry(
        answers(404, anonymous=302, planner=200, superuser=200), answers(405, anonymous=302)
    ),
    "job-progress": entry(
        answers(404, anonymous=302, planner=200, superuser=200), answers(405, anonymous=302)
    ),
    "job-download": entry(
        answers(404, anonymous=302, planner=200, superuser=200), answers(405, anonymous=302)
    ),
    # A finished job cannot be cancelled or run again: both go back to its page.
    "job-cancel": entry(
        answers(405, anonymous=302), answers(404, anonymous=302, planner=302, superuser=302)
    ),
    "job-retry": entry(
        answers(405, anonymous=302), answers(404, anonymous=302, planner=302, superuser=302)
    ),
    "municipalities:list": read(),
    "municipalities:detail": read(),
    "municipalities:suitability": read(),
    "municipalities:scenario-create": only(PLANNERS),
    "municipalities:scenario-delete": only(PLANNERS, post=302),  # an empty POST confirms
    # Every model's changelist, add, change, delete and history page, the index, the
    # app lists and the password change: admin_rule above.
    ADMIN_WILDCARD: admin_rule,
    "admin:login": entry(
        answers(200, superuser=Redirect("admin:index")),  # refused users see why
        answers(200),
    ),
    "admin:logout": entry(
        answers(Redirect("admin:index"), anonymous=ADMIN_REFUSED, superuser=405),
        answers(Redirect("admin:index"), anonymous=ADMIN_REFUSED, superuser=Redirect("login")),
    ),
    "admin:password_change_done": site_page(200, 405),
    "admin:jsi18n": site_page(200, 405),  # the admin's JavaScript catalogue
    # The JSON answer of an autocomplete field (HubAdmin.autocomplete_fields), GET only.
    "admin:autocomplete": site_page(200, 405),
    "admin:view_on_site": site_page(Redirect("/hubs/*"), Redirect("/hubs/*")),
    # Unnamed: /admin/<app>/<model>/<id>/ redirects to the change page; the admin's final
    # catch-all answers 404 to superusers.
    "admin:~RedirectView": admin_page(302, 302),
    "admin:~catch_all_view": site_page(404, 404),
}

SAMPLE_OBJECTS = {
    "municipalities:scenario-delete": "hubplan.SuitabilityScenario",
    **{
        f"job-{page}": "hubplan.Job"
        for page in ("detail", "progress", "download", "cancel", "retry")
    },
}

# The autocomplete answers only for a field that has one.
SAMPLE_QUERY = {
    "admin:autocomplete": "app_label=hubs&model_name=hub&field_name=operator",
}
