"""Who gets in: tokens for scripts, the session in the browser, 401 for everyone else."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from api.tests.access_matrix import MATRIX
from hubplan.tests import access_matrix_kit as kit
from hubplan.tests.crawl import SAMPLE_KWARGS
from hubplan.tests.test_security_csp import _inline_scripts

pytestmark = pytest.mark.django_db


def api_paths() -> list[str]:
    """A path for every API URL pattern (parameters from the crawl's samples)."""
    patterns = [p for p in kit.url_patterns() if p.key.startswith("api:")]
    assert {p.key for p in patterns} == set(MATRIX)
    return [p.path({k: SAMPLE_KWARGS[k] for k in p.params}) for p in patterns]


def test_signed_out_every_api_url_answers_401_with_a_token_challenge(reference_data):
    client = APIClient()
    paths = api_paths()
    assert len(paths) == len(MATRIX) >= 15
    for path in paths:
        response = client.get(path)
        assert response.status_code == 401, path
        assert response["WWW-Authenticate"] == "Token", path


def test_a_wrong_token_is_refused(reference_data):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert client.get(reverse("api:hub-list")).status_code == 401


def test_a_token_opens_the_api_and_a_revoked_token_no_longer_does(viewer, api_client_for):
    client = api_client_for(viewer)
    assert client.get(reverse("api:hub-list")).status_code == 200
    Token.objects.filter(user=viewer).delete()
    assert client.get(reverse("api:hub-list")).status_code == 401


def test_the_browser_session_opens_the_api(client_for, viewer):
    response = client_for(viewer).get(reverse("api:indicator-list"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


def test_the_api_is_read_only(api_client_for, planner):
    client = api_client_for(planner)
    for name in ("api:hub-list", "api:indicator-values", "api:agreement-stats"):
        assert client.post(reverse(name), {}, format="json").status_code == 405
        assert client.delete(reverse(name)).status_code == 405


def test_a_superuser_creates_a_token_in_the_admin_and_revokes_it(client_for, superuser, viewer):
    admin = client_for(superuser)
    response = admin.post(reverse("admin:authtoken_tokenproxy_add"), {"user": viewer.pk})
    assert response.status_code == 302, response.content[:500]
    token = Token.objects.get(user=viewer)
    script = APIClient()
    script.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert script.get(reverse("api:indicator-list")).status_code == 200
    response = admin.post(
        reverse("admin:authtoken_tokenproxy_delete", args=[viewer.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert script.get(reverse("api:indicator-list")).status_code == 401


def test_a_viewer_cannot_make_tokens(client_for, viewer):
    response = client_for(viewer).post(
        reverse("admin:authtoken_tokenproxy_add"), {"user": viewer.pk}
    )
    assert response.status_code == 302  # to the admin's login page
    assert not Token.objects.exists()


def test_the_browsable_api_is_served_without_inline_script_or_other_hosts(client_for, viewer):
    response = client_for(viewer).get(reverse("api:hub-list"), HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html
    assert _inline_scripts(html) == []
    assert "http://" not in html.replace("http://testserver", "")
    assert "https://" not in html
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_each_token_has_its_own_rate_limit(settings, viewer, token_for):
    rest = dict(settings.REST_FRAMEWORK)
    rest["DEFAULT_THROTTLE_RATES"] = {"token": "3/hour"}
    settings.REST_FRAMEWORK = rest
    first, second = APIClient(), APIClient()
    first.credentials(HTTP_AUTHORIZATION=f"Token {token_for(viewer)}")
    url = reverse("api:indicator-list")
    assert [first.get(url).status_code for _ in range(4)] == [200, 200, 200, 429]
    # Another token of the same user has a budget of its own.
    token = Token.objects.get(user=viewer)
    token.delete()
    second.credentials(HTTP_AUTHORIZATION=f"Token {token_for(viewer)}")
    assert second.get(url).status_code == 200


def test_login_not_required_is_only_on_api_views_that_check_themselves():
    """The marker lets token requests past the login redirect; DRF must then refuse."""
    from api import views

    view = views.as_view(views.HubListView)
    assert view.login_required is False
    assert "IsAuthenticated" in [p.__name__ for p in view.cls().permission_classes]


def test_an_unknown_api_path_answers_404_in_json(viewer, api_client_for):
    client = api_client_for(viewer)
    for path in (
        "/api/nothing-here/",
        "/api/hubs/not-a-number/",
        "/api/hubs/1/extra/",
        "/api/a%0Ab/",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response["Content-Type"] == "application/json", path
