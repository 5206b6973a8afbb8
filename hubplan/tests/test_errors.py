"""Error pages (403, 404, 500) in the app's layout and language, and the request id.

A view that raises is mounted by this module acting as the URLconf
(``@pytest.mark.urls``): the project's URLs plus ``/test-error/``.
"""

import io
import logging
import re

import pytest
from django.urls import include, path, reverse

from hubplan.urls import handler500  # noqa: F401  (the error handler of this URLconf)


class Boom(Exception):
    pass


def _raise(request):
    raise Boom("raised on purpose by a test")


urlpatterns = [path("test-error/", _raise), path("", include("hubplan.urls"))]

THIS_URLCONF = "hubplan.tests.test_errors"
REQUEST_ID = re.compile(r"^[0-9a-f]{32}$")


@pytest.fixture
def console_log():
    """What the configured console log handler writes during the test."""
    handler = next(
        h for h in logging.getLogger().handlers if "request_id" in getattr(h.formatter, "_fmt", "")
    )
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


@pytest.fixture
def erroring_client(client_for, viewer):
    client = client_for(viewer)
    client.raise_request_exception = False
    return client


@pytest.mark.django_db
def test_every_response_has_its_own_request_id(client_for, viewer):
    client = client_for(viewer)
    first = client.get(reverse("home"))["X-Request-ID"]
    second = client.get(reverse("home"))["X-Request-ID"]
    assert REQUEST_ID.match(first)
    assert REQUEST_ID.match(second)
    assert first != second


@pytest.mark.django_db
@pytest.mark.urls(THIS_URLCONF)
def test_the_proxys_request_id_is_used_and_echoed(erroring_client, console_log):
    """The id a proxy sends follows the request: on the response, the page, the log lines."""
    for sent in ("a" * 64, "0f2c1d6e-8b1a-4c55-9d7e-1b2c3d4e5f60", "Root.1-abc_DEF", "x"):
        response = erroring_client.get("/test-error/", HTTP_X_REQUEST_ID=sent)
        assert response.status_code == 500
        assert response["X-Request-ID"] == sent
        assert f'<code class="fs-5">{sent}</code>' in response.content.decode()
        logged = console_log.getvalue()
        assert f"ERROR [{sent}] django.request Internal Server Error: /test-error/" in logged


@pytest.mark.django_db
def test_a_404s_log_line_carries_the_request_id(client_for, viewer, console_log):
    response = client_for(viewer).get("/finns-inte/", HTTP_X_REQUEST_ID="lb-404")
    assert response.status_code == 404
    assert "lb-404" in response.content.decode()  # the 404 page shows it
    lines = [line for line in console_log.getvalue().splitlines() if "Not Found" in line]
    assert len(lines) == 1  # once, not again by Django's handler
    assert "WARNING [lb-404] django.request Not Found: /finns-inte/" in lines[0]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sent",
    ["", "a" * 65, "evil\nforged", "two words", "<script>", "id;drop", "å-id", "a=b"],
    ids=["empty", "65 chars", "newline", "space", "markup", "semicolon", "non-ascii", "equals"],
)
def test_an_invalid_request_id_is_replaced_by_a_generated_one(client_for, viewer, sent):
    response = client_for(viewer).get(reverse("home"), HTTP_X_REQUEST_ID=sent)
    assert REQUEST_ID.match(response["X-Request-ID"])
    assert response["X-Request-ID"] != sent


@pytest.mark.django_db
def test_a_missing_page_is_404_in_the_layout_with_the_menu(client_for, viewer):
    response = client_for(viewer).get("/finns-inte/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Sidan finns inte</h1>" in html
    assert 'aria-label="Huvudmeny"' in html
    assert "Logga ut" in html
    assert response["X-Request-ID"] in html


@pytest.mark.django_db
def test_a_wrong_role_gets_403_in_the_layout(client_for, viewer):
    response = client_for(viewer).get(reverse("hubs:create"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "<h1>Åtkomst nekad</h1>" in html
    assert "rätt roll" in html
    assert 'aria-label="Huvudmeny"' in html


@pytest.mark.django_db
def test_the_error_pages_are_in_english_for_an_english_user(client_for, viewer):
    client = client_for(viewer)
    client.cookies["django_language"] = "en"
    assert "<h1>Page not found</h1>" in client.get("/finns-inte/").content.decode()
    assert "<h1>Access denied</h1>" in client.get(reverse("hubs:create")).content.decode()


@pytest.mark.django_db
@pytest.mark.urls(THIS_URLCONF)
def test_a_500_shows_the_request_id_that_the_log_line_carries(erroring_client, console_log):
    response = erroring_client.get("/test-error/")
    assert response.status_code == 500
    request_id = response["X-Request-ID"]
    assert REQUEST_ID.match(request_id)
    html = response.content.decode()
    assert "<h1>Något gick fel</h1>" in html
    assert f'<code class="fs-5">{request_id}</code>' in html
    assert "/static/hubplan/app.css" in html
    assert "raised on purpose" not in html  # no traceback or message on the page
    logged = console_log.getvalue()
    assert f"ERROR [{request_id}] django.request Internal Server Error: /test-error/" in logged
    assert "Boom: raised on purpose by a test" in logged


@pytest.mark.django_db
@pytest.mark.urls(THIS_URLCONF)
def test_the_500_page_is_in_english_for_an_english_user(erroring_client):
    erroring_client.cookies["django_language"] = "en"
    html = erroring_client.get("/test-error/").content.decode()
    assert '<html lang="en">' in html
    assert "<h1>Something went wrong</h1>" in html
