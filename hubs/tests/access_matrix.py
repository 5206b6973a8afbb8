"""Who may do what on the hub registry (/hubs/). Format: hubplan/tests/access_matrix_kit.py.

Every signed-in user reads; every write needs Planerare (403 otherwise).
"""

from hubplan.tests.access_matrix_kit import PLANNERS, only, read

MATRIX = {
    "hubs:list": read(),
    "hubs:map": read(),
    "hubs:detail": read(),
    "hubs:create": only(PLANNERS),  # an empty POST shows the form with its errors
    "hubs:update": only(PLANNERS),
    "hubs:delete": only(PLANNERS, post=302),  # an empty POST confirms
    "hubs:status": only(PLANNERS),
    "hubs:use": only(PLANNERS),
    "hubs:use-import": only(PLANNERS),
    "hubs:settings": only(PLANNERS),
    "hubs:business-case": read(),
    "hubs:business-case-compare": read(),
    "hubs:business-case-detail": read(),
    "hubs:business-case-create": only(PLANNERS),
    "hubs:business-case-update": only(PLANNERS),
    "hubs:business-case-delete": only(PLANNERS, post=302),
    "hubs:premises-list": read(),
    "hubs:premises-create": only(PLANNERS),
    "hubs:premises-update": only(PLANNERS),
    "hubs:premises-delete": only(PLANNERS, post=302),
    # GET asks for confirmation; POST chooses the premises and opens the new hub's form.
    "hubs:premises-choose": only(PLANNERS, post=302),
}

SAMPLE_OBJECTS = {
    "hubs:detail": "hubs.Hub",
    "hubs:update": "hubs.Hub",
    "hubs:delete": "hubs.Hub",
    "hubs:status": "hubs.Hub",
    "hubs:use": "hubs.Hub",
    "hubs:business-case-detail": "hubs.BusinessCase",
    "hubs:business-case-update": "hubs.BusinessCase",
    "hubs:business-case-delete": "hubs.BusinessCase",
    "hubs:premises-update": "hubs.PremisesCandidate",
    "hubs:premises-delete": "hubs.PremisesCandidate",
    "hubs:premises-choose": "hubs.PremisesCandidate",
}
