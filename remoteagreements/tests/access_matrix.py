"""Who may do what on the agreement register (/agreements/). Format: hubplan/tests/access_matrix_kit.py.

Issue 4, "who sees what": HR sees and edits everything; a manager (a user set as an
employee's manager, no group) sees and signs their own staff's agreements and records
their follow-ups; Planerare and Läsare see only the aggregate statistics (403 elsewhere).
The sample agreement is a draft of the sample manager's employee.
"""

from hubplan.tests.access_matrix_kit import HR, REGISTER, SUPERUSER, answers, entry, only, read

MATRIX = {
    "agreements:stats": read(),
    "agreements:list": only(REGISTER, post=405),
    "agreements:detail": only(REGISTER, post=405),
    "agreements:print": only(REGISTER, post=405),
    "agreements:pdf": only(REGISTER, post=405),
    # Signing: HR records the employee's signature, the manager signs; an empty POST
    # shows the signature form again.
    "agreements:sign": only(REGISTER),
    "agreements:follow-up": only(REGISTER),
    "agreements:create": only(HR),  # an empty POST shows the form with its errors
    "agreements:edit": only(HR),
    "agreements:end": only(HR),
    "agreements:renew": only(HR),
    # POST-only steps; the draft is submitted, or the refusal is shown on the agreement.
    "agreements:submit": entry(
        answers(403, anonymous=302, hr=405, superuser=405),
        answers(403, anonymous=302, hr=302, superuser=302),
    ),
    "agreements:new-version": entry(
        answers(403, anonymous=302, hr=405, superuser=405),
        answers(403, anonymous=302, hr=302, superuser=302),
    ),
    "agreements:employee-list": only(REGISTER, post=405),
    "agreements:employee-detail": only(REGISTER, post=405),
    "agreements:employee-create": only(HR),
    "agreements:employee-edit": only(HR),
    # Who was shown whose full personnummer (issue 8): superusers only, HR included out.
    "agreements:access-log": only(SUPERUSER, post=405),
}

SAMPLE_OBJECTS = {
    **{
        f"agreements:{name}": "remoteagreements.DistanceAgreement"
        for name in (
            "detail",
            "print",
            "pdf",
            "sign",
            "follow-up",
            "edit",
            "end",
            "renew",
            "submit",
            "new-version",
        )
    },
    "agreements:employee-detail": "remoteagreements.Employee",
    "agreements:employee-edit": "remoteagreements.Employee",
}
