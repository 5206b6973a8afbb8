"""Upload limits: an oversize upload or form gets a clear page or message, never a 500.

Nothing is saved in any of these cases.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hubs.models import HubMonthlyUse
from mapping import survey_forms
from mapping.models import SurveyImport, SurveyResponse
from mapping.tests.factories import SurveyRoundFactory

pytestmark = pytest.mark.django_db

CSV_HEADER = b"Hubb;Kommun;M\xc3\xa5nad;\xc3\x96ppna dagar;Anv\xc3\xa4nda platsdagar\r\n"


def test_a_request_over_the_limit_gets_the_413_page_and_nothing_is_saved(
    client_for, planner, settings
):
    settings.MAX_REQUEST_MB = 1
    big = SimpleUploadedFile("anvandning.csv", CSV_HEADER + b"x" * (1024 * 1024 + 1))
    response = client_for(planner).post(reverse("hubs:use-import"), {"file": big})
    assert response.status_code == 413
    html = response.content.decode()
    assert "<h1>Det du skickade är för stort</h1>" in html
    assert "högst 1 MB på en gång" in html
    assert 'aria-label="Huvudmeny"' in html
    assert not HubMonthlyUse.objects.exists()


def test_a_request_under_the_limit_reaches_the_form(client_for, planner, settings):
    settings.MAX_REQUEST_MB = 1
    small = SimpleUploadedFile("anvandning.csv", CSV_HEADER)
    response = client_for(planner).post(reverse("hubs:use-import"), {"file": small}, follow=True)
    assert response.status_code == 200
    # The import job read it and refused it: its errors are on the page.
    assert response.context["job"].status == "failed"
    assert response.context["import_errors"]


def test_a_survey_file_over_the_form_limit_gets_a_message_at_the_field(
    client_for, planner, reference_data, monkeypatch
):
    monkeypatch.setattr(survey_forms, "MAX_UPLOAD_BYTES", 1024 * 1024)
    survey_round = SurveyRoundFactory()
    response = client_for(planner).post(
        reverse("surveys:import-upload"),
        {
            "survey_round": survey_round.pk,
            "file": SimpleUploadedFile("svar.csv", b"a;b\r\n" + b"1;2\r\n" * 250_000),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["Filen är för stor (högst 1 MB)."]
    assert not SurveyImport.objects.exists()
    assert not SurveyResponse.objects.exists()


def test_too_much_form_data_gets_the_400_page(client_for, planner, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = client_for(planner)
    client.raise_request_exception = False
    response = client.post(reverse("hubs:create"), {"name": "x" * 2000})
    assert response.status_code == 400
    html = response.content.decode()
    assert "<h1>Förfrågan kunde inte tas emot</h1>" in html
    assert response["X-Request-ID"] in html
