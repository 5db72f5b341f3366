"""Paint sets and mixing recipes in the studio: forms, privacy, recipes on every lesson page."""

import html
import io

import numpy as np
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from engine.mixing.paints import DEFAULT_PAINTS, Paint
from engine.mixing.recipes import recipes_for
from studio.models import Generation, GenerationMixing, Job, LessonFile, PaintSet
from tests.studio.conftest import download_pdf, give_lesson, image_bytes, run_worker_burst

pytestmark = pytest.mark.django_db

# Colours a lesson might ask for: a sky, a shadow, skin, foliage, a warm white.
PALETTE = ["#8fb3d9", "#3b3430", "#d9a689", "#4a6b2f", "#f1ead8"]
EARTH_SET = [
    {"name": "titanium white"}, {"name": "yellow ochre"}, {"name": "burnt sienna"},
    {"name": "Payne's grey", "hex": "#3c4650"},
]


def rgb(hex_color):
    return tuple(int(hex_color[i : i + 2], 16) for i in (1, 3, 5))


@pytest.fixture
def finished(alice, make_project):
    """A succeeded generation with a palette and two steps (rows only: no transfer is run)."""
    project = make_project(alice, title="Harbour")
    job = Job.objects.create(owner=alice, project=project, kind="generation", queue="transfer",
                             status=Job.Status.SUCCEEDED)
    generation = Generation(project=project, job=job)
    generation.result.save("r.png", ContentFile(image_bytes(format="PNG"), name="r.png"), save=False)
    generation.save()
    return give_lesson(generation, PALETTE, ((1, [2, 4]), (2, [1, 3, 5])), recipes=True)


def make_set(owner, name="Earth palette", paints=EARTH_SET):
    from studio.paint_sets import check_paints

    return PaintSet.objects.create(owner=owner, name=name, paints=check_paints(paints))


def set_form(name="My tubes", defaults=("titanium white", "ultramarine blue"), own=""):
    return {"name": name, "defaults": list(defaults), "own": own}


# --- paint sets: create, edit, delete, errors ------------------------------------------


def test_a_set_is_made_from_default_paints_and_own_colours(alice_client, alice):
    response = alice_client.post(reverse("studio:paint-set-create"),
                                 set_form(own="Naples yellow, #E9C054\n\n  cobalt   teal , #13a695"))
    assert response.status_code == 302
    paint_set = PaintSet.objects.get(owner=alice)
    assert paint_set.paints == [
        {"name": "titanium white", "hex": "#f5f2e1"}, {"name": "ultramarine blue", "hex": "#162040"},
        {"name": "Naples yellow", "hex": "#e9c054"}, {"name": "cobalt teal", "hex": "#13a695"},
    ]
    listing = alice_client.get(reverse("studio:paint-set-list")).content.decode()
    assert "My tubes" in listing and "Naples yellow" in listing and "Default set" in listing

    # The edit form starts from what was saved: defaults ticked, own paints as lines.
    form = alice_client.get(reverse("studio:paint-set-edit", args=[paint_set.pk])).context["form"]
    assert form.initial["defaults"] == ["titanium white", "ultramarine blue"]
    assert form.initial["own"] == "Naples yellow, #e9c054\ncobalt teal, #13a695"
    alice_client.post(reverse("studio:paint-set-edit", args=[paint_set.pk]),
                      set_form(name="Fewer tubes", defaults=("titanium white", "burnt umber", "sap green")))
    paint_set.refresh_from_db()
    assert paint_set.name == "Fewer tubes" and [p["name"] for p in paint_set.paints] == [
        "titanium white", "burnt umber", "sap green"]

    alice_client.post(reverse("studio:paint-set-delete", args=[paint_set.pk]))
    assert not PaintSet.objects.exists()


@pytest.mark.parametrize(
    "data, message",
    [
        (set_form(defaults=()), "A paint set needs 3 to 30 paints; you chose 0."),
        (set_form(defaults=("titanium white",)), "you chose 1"),
        (set_form(own="Naples yellow, #e9c05"), "is not a colour"),
        (set_form(own="Naples yellow, yellowish"), "is not a colour"),
        (set_form(own="Naples yellow #e9c054"), "Line 1: write a name, a comma and a colour"),
        (set_form(own="Titanium White, #ffffff"), "in the set twice"),
        (set_form(defaults=(), own="\n".join(f"grey {i}, #{i:02x}{i:02x}{i:02x}" for i in range(31))), "you chose 31"),
        (set_form(name="   "), "This field is required"),
    ],
)
def test_a_bad_set_gets_a_clear_error_and_nothing_is_saved(alice_client, data, message):
    response = alice_client.post(reverse("studio:paint-set-create"), data)
    assert response.status_code == 200
    assert message in html.unescape(response.content.decode())
    assert not PaintSet.objects.exists()


def test_set_names_are_unique_per_user(alice_client, alice, bob):
    make_set(alice, name="Studio")
    make_set(bob, name="Studio")  # another user's name does not count
    response = alice_client.post(reverse("studio:paint-set-create"), set_form(name="studio"))
    assert "You already have a set called “studio”." in response.content.decode()
    assert PaintSet.objects.filter(owner=alice).count() == 1


def test_nobody_sees_or_uses_another_users_set(client, alice, bob, finished):
    theirs = make_set(alice, name="Alice's secret palette")
    client.force_login(bob)
    assert "Alice's secret palette" not in client.get(reverse("studio:paint-set-list")).content.decode()
    assert client.get(reverse("studio:paint-set-edit", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("studio:paint-set-delete", args=[theirs.pk])).status_code == 404
    # Bob's own generation cannot mix from Alice's set either.
    finished.project.owner = bob
    finished.project.save()
    response = client.post(reverse("studio:generation-paint-set", args=[finished.pk]), {"paint_set": theirs.pk},
                           follow=True)
    assert "Choose one of your paint sets." in response.content.decode()
    assert not GenerationMixing.objects.filter(paint_set=theirs).exists()
    assert PaintSet.objects.filter(pk=theirs.pk).exists()


# --- recipes on the lesson pages ----------------------------------------------------------


def test_the_generation_page_shows_a_recipe_for_every_colour(alice_client, finished):
    expected = recipes_for(np.array([rgb(h) for h in PALETTE], dtype=np.uint8), DEFAULT_PAINTS)
    page = alice_client.get(finished.get_absolute_url()).content.decode()
    assert "Mixing recipes" in page and "from Default set" in page
    for recipe in expected:
        assert recipe.words in page
        # target and predicted swatches side by side
        assert f'background: {recipe.hex}"' in page and f'background: {recipe.predicted_hex}"' in page
    stored = GenerationMixing.objects.get(generation=finished)
    assert [r["hex"] for r in stored.recipes] == PALETTE and stored.set_name == "Default set"

    printed = alice_client.get(reverse("studio:lesson-print", args=[finished.pk])).content.decode()
    assert all(recipe.words in printed for recipe in expected)
    assert "Recompute recipes" not in printed  # the set chooser is for the screen only


def test_a_page_view_computes_no_recipes(alice_client, alice, make_project):
    """Recipes are the job's and the POSTs' to compute: a lesson without them offers to."""
    project = make_project(alice, title="Old")
    job = Job.objects.create(owner=alice, project=project, kind="generation", queue="transfer", status=Job.Status.SUCCEEDED)
    generation = give_lesson(Generation.objects.create(project=project, job=job), PALETTE)  # no recipes stored
    page = alice_client.get(generation.get_absolute_url()).content.decode()
    assert not GenerationMixing.objects.exists()
    assert "No recipes are stored for this palette yet" in page and "Recompute recipes" in page
    alice_client.post(reverse("studio:generation-paint-set", args=[generation.pk]), {"paint_set": ""})
    assert [r["hex"] for r in GenerationMixing.objects.get(generation=generation).recipes] == PALETTE


def test_changing_the_set_recomputes_recipes_without_a_new_painting(alice_client, alice, finished):
    alice_client.get(finished.get_absolute_url())
    LessonFile.objects.create(generation=finished, name="lesson-a4.pdf",
                              file=ContentFile(b"%PDF old recipes", name="lesson-a4.pdf"))
    earth = make_set(alice)
    response = alice_client.post(reverse("studio:generation-paint-set", args=[finished.pk]), {"paint_set": earth.pk})
    assert response.status_code == 302 and response.url.endswith("#palette")

    earth_paints = tuple(Paint(p["name"], rgb(p["hex"])) for p in earth.paints)
    expected = recipes_for(np.array([rgb(h) for h in PALETTE], dtype=np.uint8), earth_paints)
    page = html.unescape(alice_client.get(finished.get_absolute_url()).content.decode())
    assert "from Earth palette" in page
    assert all(recipe.words in page for recipe in expected)
    used = {part["paint"] for r in GenerationMixing.objects.get(generation=finished).recipes for part in r["recipe"]}
    assert used <= {p["name"] for p in earth.paints}
    assert not LessonFile.objects.filter(generation=finished, name="lesson-a4.pdf").exists()  # it printed old ones
    assert Generation.objects.count() == 1 and Job.objects.count() == 1  # nothing was painted again

    # Editing the set changes the lesson's recipes; deleting it keeps what the lesson said.
    alice_client.post(reverse("studio:paint-set-edit", args=[earth.pk]),
                      set_form(name="Earth palette", defaults=("titanium white", "ivory black", "burnt umber")))
    page = html.unescape(alice_client.get(finished.get_absolute_url()).content.decode())
    names = {part["paint"] for r in GenerationMixing.objects.get(generation=finished).recipes for part in r["recipe"]}
    assert names <= {"titanium white", "ivory black", "burnt umber"} and "Payne" not in page
    before = GenerationMixing.objects.get(generation=finished).recipes
    alice_client.post(reverse("studio:paint-set-delete", args=[earth.pk]))
    alice_client.get(finished.get_absolute_url())
    mixing = GenerationMixing.objects.get(generation=finished)
    assert mixing.paint_set is None and mixing.set_name == "Earth palette" and mixing.recipes == before

    # Back to the default set.
    alice_client.post(reverse("studio:generation-paint-set", args=[finished.pk]), {"paint_set": ""})
    assert GenerationMixing.objects.get(generation=finished).set_name == "Default set"


def test_the_generation_form_offers_only_your_sets(alice_client, alice, bob, make_project, styles):
    project = make_project(alice)
    mine, theirs = make_set(alice, name="Mine"), make_set(bob, name="Theirs")
    url = reverse("studio:generation-create", args=[project.pk])
    page = alice_client.get(url).content.decode()
    assert "Mine" in page and "Theirs" not in page and "Default set" in page
    data = {"preset": "quick", "output_size": 64, "style_strength": 1.0, "palette_colors": 6, "canvas": "40x30cm",
            "seed": 3, "style": styles[0].pk}
    refused = alice_client.post(url, {**data, "paint_set": theirs.pk})
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()
    assert not Generation.objects.exists()
    alice_client.post(url, {**data, "paint_set": mine.pk})
    assert GenerationMixing.objects.get(generation=Generation.objects.get()).paint_set == mine


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_painting_made_with_a_set_prints_its_recipes(alice_client, alice, make_project, styles, monkeypatch):
    """The whole path: form with a set → worker → page, print page and PDF with recipes."""
    from pypdf import PdfReader

    monkeypatch.setenv("PAINTING_VGG19_WEIGHTS", "random")
    project = make_project(alice, title="Harbour", size=(160, 120))
    earth = make_set(alice)
    alice_client.post(reverse("studio:generation-create", args=[project.pk]), {
        "preset": "quick", "output_size": 96, "style_strength": 1.0, "palette_colors": 6, "canvas": "40x30cm",
        "seed": 3, "style": styles[0].pk, "paint_set": earth.pk,
    })
    run_worker_burst(("transfer",))
    generation = Generation.objects.get()
    generation.job.refresh_from_db()
    assert generation.job.status == Job.Status.SUCCEEDED, generation.job.message

    page = html.unescape(alice_client.get(generation.get_absolute_url()).content.decode())
    recipes = GenerationMixing.objects.get(generation=generation).recipes
    colours = generation.lesson_palette()
    assert [r["hex"] for r in recipes] == [c.hex for c in colours]
    assert all(r["words"] in page for r in recipes) and "from Earth palette" in page
    response = download_pdf(alice_client, generation)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages)
    text = " ".join(text.split())
    assert "Mixing recipes" in text and "Mix 1 is already on your palette" in text  # a mix used again later
    assert all(r["words"].split(" + ")[0] in text for r in recipes)
