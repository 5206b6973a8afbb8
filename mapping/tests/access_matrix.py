"""Who may do what on the survey pages (/surveys/). Format: hubplan/tests/access_matrix_kit.py.

Analyses are for every signed-in user; rounds and imports are edited by Planerare.
"""

from hubplan.tests.access_matrix_kit import PLANNERS, only, read, read_all_write

MATRIX = {
    "surveys:round-list": read(),
    "surveys:round-detail": read(),
    "surveys:round-create": only(PLANNERS),  # an empty POST shows the form with its errors
    "surveys:round-update": only(PLANNERS),
    "surveys:round-delete": only(PLANNERS, post=302),  # an empty POST confirms
    # POST only; an empty POST publishes the round (its answers make it publishable).
    "surveys:round-publish": only(PLANNERS, get=405, post=302, refused=403),
    "surveys:import-upload": only(PLANNERS),
    # Step 2 without an uploaded file in the session sends the planner back to step 1.
    "surveys:import-map": only(PLANNERS, get=302, post=302),
    "surveys:import-template": read(),
    "surveys:import-detail": read(),
    "surveys:import-progress": read(),
    # POST only: a planner cancels the import's job (the sample has none: back to its page).
    "surveys:import-cancel": only(PLANNERS, get=405, post=302, refused=403),
    # Everyone reads RAMS and the kommun context; uploading needs Planerare.
    "surveys:rams": read_all_write(PLANNERS),
    "surveys:context": read_all_write(PLANNERS),
    # Daily rest from shift schedules: everyone reads the aggregates, Planerare import.
    "surveys:shift-list": read(),
    "surveys:shift-import": only(PLANNERS),  # an empty POST shows the form with its errors
    "surveys:shift-detail": read(),
    "surveys:shift-delete": only(PLANNERS, post=302),  # an empty POST confirms
}

SAMPLE_OBJECTS = {
    "surveys:round-detail": "mapping.SurveyRound",
    "surveys:round-update": "mapping.SurveyRound",
    "surveys:round-delete": "mapping.SurveyRound",
    "surveys:round-publish": "mapping.SurveyRound",
    "surveys:import-detail": "mapping.SurveyImport",
    "surveys:import-progress": "mapping.SurveyImport",
    "surveys:import-cancel": "mapping.SurveyImport",
    "surveys:shift-detail": "mapping.ShiftImport",
    "surveys:shift-delete": "mapping.ShiftImport",
}
