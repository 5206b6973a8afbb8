"""Who may read the API (/api/). Format: hubplan/tests/access_matrix_kit.py.

Every signed-in user reads every endpoint (small cells are hidden from non-HR roles
inside the answers, not by refusing them). Signed out the API answers 401, not a
redirect to the login page: scripts have no use for an HTML form. Nothing accepts
POST (405).
"""

from hubplan.tests.access_matrix_kit import answers, entry

API = entry(answers(200, anonymous=401), answers(405, anonymous=401))

MATRIX = dict.fromkeys(
    (
        "api:root",
        "api:schema",
        "api:municipality-list",
        "api:municipality-detail",
        "api:indicator-list",
        "api:indicator-values",
        "api:indicator-values-csv",
        "api:hub-list",
        "api:hub-geojson",
        "api:hub-use",
        "api:hub-detail",
        "api:agreement-stats",
        "api:survey-list",
        "api:survey-flows",
        "api:survey-potential",
        "api:activity-list",
    ),
    API,
)
# Any other path under /api/ (the sample is "/api/."): 404 in JSON once signed in.
MATRIX["api:not-found"] = entry(answers(404, anonymous=401), answers(404, anonymous=401))

SAMPLE_OBJECTS = {
    "api:hub-detail": "hubs.Hub",
    "api:survey-flows": "mapping.SurveyRound",
    "api:survey-potential": "mapping.SurveyRound",
}
