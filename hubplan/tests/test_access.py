"""Every page needs a login; roles exist; the menu shows for a signed-in viewer."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from hubplan.tests.crawl import public_paths, sample_paths


@pytest.mark.django_db
def test_the_three_roles_are_created_by_migration():
    assert set(Group.objects.values_list("name", flat=True)) >= {"HR", "Planerare", "Läsare"}


@pytest.mark.django_db
def test_signed_out_every_page_redirects_to_login(client, reference_data):
    public = set(public_paths())
    paths = [p for p in sample_paths() if p not in public]
    assert len(paths) >= 3  # the enumeration itself must find pages
    for path in paths:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(reverse("login")), path


@pytest.mark.django_db
def test_login_and_language_switch_work_signed_out(client):
    assert client.get(reverse("login")).status_code == 200
    response = client.post(reverse("set_language"), {"language": "en", "next": "/login/"})
    assert response.status_code == 302
    # The API's views skip the login redirect and answer 401 themselves (api/tests).
    public = {p for p in public_paths() if not p.startswith(reverse("api:root"))}
    # ... and the load balancers' health check (hubplan/tests/test_health.py).
    assert public == {reverse("login"), reverse("set_language"), reverse("healthz")}


@pytest.mark.django_db
def test_a_viewer_sees_the_navigation(client_for, viewer, reference_data):
    response = client_for(viewer).get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-label="Huvudmeny"' in html
    assert f'href="{reverse("municipalities:list")}"' in html
    assert "Logga ut" in html
    # Administration is for superusers only.
    assert reverse("admin:index") not in html


@pytest.mark.django_db
def test_the_demo_login_reaches_the_home_page(client, viewer):
    response = client.post(
        reverse("login"), {"username": "t-viewer", "password": "pw-for-tests-only"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert response.context["user"] == viewer


@pytest.mark.django_db
def test_a_wrong_password_is_refused(client, viewer):
    response = client.post(reverse("login"), {"username": "t-viewer", "password": "nope"})
    assert response.status_code == 200
    assert not response.context["user"].is_authenticated
