"""The long forms summarise their errors at the top (templates/partials/form_errors.html)."""

import pytest

pytestmark = pytest.mark.django_db


def _summary(html: str) -> str:
    """The error summary, which must come before the form it describes."""
    start = html.index('id="form-errors"')
    assert start < html.index('<form method="post" novalidate>')
    return html[start : html.index("</div>", start)]


def test_the_activity_and_agreement_forms_list_their_errors_above_the_form(
    client_for, planner, hr_user, reference_data
):
    activity = _summary(client_for(planner).post("/plan/activities/new/", {}).content.decode())
    assert (
        '<a href="#id_title" class="alert-link">Rubrik</a>: Det här fältet är obligatoriskt.'
        in (activity)
    )
    agreement = _summary(client_for(hr_user).post("/agreements/new/", {}).content.decode())
    assert '<a href="#id_start_date" class="alert-link">Gäller från</a>' in agreement
    # A form opened without input shows no summary.
    assert (
        'id="form-errors"' not in client_for(planner).get("/plan/activities/new/").content.decode()
    )
