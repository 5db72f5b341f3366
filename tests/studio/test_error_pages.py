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
