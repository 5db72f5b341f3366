"""Error pages as users meet them with DEBUG off: the site's frame and a way back to My projects."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def production(settings):
    settings.DEBUG = False


def assert_site_error_page(response, status, heading):
    page = response.content.decode()
    assert response.status_code == status
    assert 'class="site-header' in page and "css/app" in page  # the base template
    assert heading in page
    assert f'href="{reverse("studio:project-list")}"' in page and "Back to My projects" in page


def test_a_missing_page_is_a_404_in_the_site_frame(alice_client):
    assert_site_error_page(alice_client.get("/projects/no-such-page/"), 404, "This page does not exist")


def test_someone_elses_project_is_the_same_404(alice_client, bob, make_project):
    project = make_project(bob)
    assert_site_error_page(alice_client.get(reverse("studio:project-detail", args=[project.pk])), 404, "does not exist")


def test_a_form_without_its_csrf_token_is_a_403_that_says_what_to_do(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(reverse("studio:project-create"), {"title": "x"})
    assert_site_error_page(response, 403, "The form could not be sent")
    assert "Nothing was changed" in response.content.decode()


@pytest.mark.urls("tests.studio.urls_with_a_failing_view")
def test_a_server_error_is_a_500_in_the_site_frame(alice):
    client = Client(raise_request_exception=False)
    client.force_login(alice)
    assert_site_error_page(client.get("/fails/"), 500, "Something went wrong on our side")


@pytest.mark.urls("tests.studio.urls_with_a_failing_view")
def test_the_500_page_offers_no_log_in_to_someone_signed_in(alice):
    client = Client(raise_request_exception=False)
    client.force_login(alice)
    page = client.get("/fails/").content.decode()
    assert "Log in" not in page and "Sign up" not in page


def test_a_wrong_method_is_a_405_in_the_site_frame(alice_client, alice, make_project):
    project = make_project(alice)
    response = alice_client.get(reverse("studio:generation-retry", args=[project.pk]))  # POST only
    assert_site_error_page(response, 405, "does not take that kind of request")
    assert response["Allow"] == "POST" and alice.get_username() in response.content.decode()


def test_the_csrf_page_says_when_cookies_are_blocked(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(reverse("studio:project-create"), {"title": "x"})  # no CSRF cookie at all
    assert_site_error_page(response, 403, "The form could not be sent")
    assert "this site needs cookies" in response.content.decode()
    client.get(reverse("studio:project-create"))  # now the cookie is set; the token is still missing
    response = client.post(reverse("studio:project-create"), {"title": "x"})
    assert response.status_code == 403 and "this site needs cookies" not in response.content.decode()


def test_every_page_has_a_favicon(client):
    page = client.get(reverse("login")).content.decode()
    assert 'rel="icon" href="/static/favicon.ico"' in page
    response = client.get("/favicon.ico")  # not logged in: no redirect to the login page
    assert response.status_code == 302 and response.url == "/static/favicon.ico"
    from django.contrib.staticfiles import finders

    with open(finders.find("favicon.ico"), "rb") as icon:
        assert icon.read(4) == b"\0\0\1\0"  # an .ico (16, 32 and 48 px)
