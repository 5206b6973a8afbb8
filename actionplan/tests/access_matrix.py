"""Who may do what on the action plan (/plan/). Format: hubplan/tests/access_matrix_kit.py.

Every signed-in user reads; writing needs Planerare (403 otherwise).
"""

from hubplan.tests.access_matrix_kit import PLANNERS, only, read

MATRIX = {
    "plan:overview": read(),
    "plan:gantt": read(),
    "plan:board-report": read(),
    "plan:activity-list": read(),
    "plan:activity-detail": read(),
    "plan:activity-create": only(PLANNERS),  # an empty POST shows the form with its errors
    "plan:activity-update": only(PLANNERS),
    "plan:activity-delete": only(PLANNERS, post=302),  # an empty POST confirms
    "plan:report-create": only(PLANNERS),
    "plan:relocation-list": read(),
    "plan:relocation-detail": read(),
    "plan:relocation-create": only(PLANNERS),
    "plan:relocation-update": only(PLANNERS),
    "plan:relocation-delete": only(PLANNERS, post=302),
}

SAMPLE_OBJECTS = {
    "plan:activity-detail": "actionplan.Activity",
    "plan:activity-update": "actionplan.Activity",
    "plan:activity-delete": "actionplan.Activity",
    "plan:report-create": "actionplan.Activity",  # the report's activity
    "plan:relocation-detail": "actionplan.RelocationAssessment",
    "plan:relocation-update": "actionplan.RelocationAssessment",
    "plan:relocation-delete": "actionplan.RelocationAssessment",
}
