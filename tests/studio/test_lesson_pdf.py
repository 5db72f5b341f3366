"""The lesson PDF under the settings ./run uses: DEBUG off, hashed static files after collectstatic.

A real lesson is made by the worker code (on a stored painting: the style transfer is
tested elsewhere); the PDF is then downloaded as a user would and checked for what broke
in production: stylesheets and the photo loaded (WeasyPrint logs an error and goes on
without them), fonts for every script of the title, nothing past the right margin,
headings on the same page as what follows them, every where-to-paint picture at least
12 cm wide, no page left half empty but where a section ends.
"""

from __future__ import annotations

import io
import logging
from urllib.parse import unquote

import pytest
from django.core.management import call_command
from django.urls import reverse

from studio import lesson_pdf, lesson_pdf_jobs
from studio.models import Generation, LessonFile
from tests.studio.conftest import download_pdf

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "港の朝 Harbour 🎨 морнинг"  # Japanese/Chinese, Latin, emoji, Cyrillic


@pytest.fixture
def production_static(settings, tmp_path):
    """What ./run does: DEBUG off, WhiteNoise's hashed manifest storage, collectstatic done."""
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    return settings


@pytest.fixture
def painted(alice, make_painted):
    """A succeeded generation whose lesson the worker's code made, with a title in several
    scripts, marked as painted with random weights (the demo-quality notice must print too)."""
    generation = make_painted(alice, level="beginner", size=(200, 150))
    generation.project.title = TITLE
    generation.project.save()
    Generation.objects.filter(pk=generation.pk).update(demo_quality=True, weights_used="random:3")
    generation.refresh_from_db()
    return generation


def weasyprint_errors(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint") and r.levelno >= logging.ERROR]


def download(client, generation, paper) -> bytes:
    response = download_pdf(client, generation, paper)
    assert "attachment" in response["Content-Disposition"]
    return b"".join(response.streaming_content)


def test_the_pdf_has_its_stylesheets_photo_and_fonts_under_production_settings(
    production_static, painted, alice_client, caplog, tmp_path
):
    from pypdf import PdfReader

    caplog.set_level(logging.WARNING)
    for paper, width in (("a4", 595.3), ("letter", 612.0)):
        pdf = download(alice_client, painted, paper)
        (tmp_path / f"lesson-{paper}.pdf").write_bytes(pdf)  # for a person to look at
        assert weasyprint_errors(caplog) == []

        reader = PdfReader(io.BytesIO(pdf))
        assert abs(float(reader.pages[0].mediabox.width) - width) < 1
        # A few pages for the sections, then two sub-steps (one mix each) to a page.
        substeps = len(painted.lesson_substeps())
        assert 5 + substeps / 2 <= len(reader.pages) <= 8 + substeps / 2 + len(painted.lesson["steps"]), len(reader.pages)

        fonts, image_sizes = set(), set()
        for page in reader.pages:
            resources = page["/Resources"]
            for font in (resources.get("/Font") or {}).values():
                fonts.add(str(font.get_object()["/BaseFont"]).replace("-", ""))
            for xobject in (resources.get("/XObject") or {}).values():
                xobject = xobject.get_object()
                if xobject.get("/Subtype") == "/Image":
                    image_sizes.add((int(xobject["/Width"]), int(xobject["/Height"])))
        assert (320, 240) in image_sizes, image_sizes  # the photo itself, not its alt text
        assert any("DejaVuSans" in f for f in fonts) and not any("Serif" in f for f in fonts), fonts
        assert any("NotoSansCJK" in f for f in fonts), fonts  # 港の朝 are glyphs, not empty boxes
        assert any("Emoji" in f for f in fonts), fonts

        text = "".join(page.extract_text() for page in reader.pages)
        assert "Step 1:" in text and "1. Step 1" not in text and "1. 1." not in text  # numbered once
        assert "Demo quality" in text and "ask the site's administrator" in text
        assert "~/.keras" not in text  # the administrator's fix is not printed for painters


@pytest.mark.parametrize("shape", ["landscape", "portrait"])
def test_nothing_crosses_the_right_margin_and_headings_stay_with_their_content(production_static, alice, make_painted,
                                                                               shape):
    painted = make_painted(alice, level="beginner", size=(200, 150) if shape == "landscape" else (150, 200))
    for paper in ("a4", "letter"):
        document = lesson_pdf_jobs.render_document(painted, paper)
        assert_fits_its_pages(document)
        assert_pictures_read_on_paper(document, len(painted.lesson_substeps()))
        assert_no_page_left_half_empty(document)


MM_PER_PX = 25.4 / 96  # WeasyPrint lays out in CSS pixels


def assert_pictures_read_on_paper(document, substeps: int) -> None:
    """Every where-to-paint picture is printed at least 12 cm wide."""
    widths = [box.width * MM_PER_PX for page in document.pages for box in page._page_box.descendants()
              if getattr(box, "element_tag", None) == "img" and "substeps/" in (box.element.get("src") or "")]
    assert len(widths) == substeps and min(widths) >= 120, widths


def assert_no_page_left_half_empty(document) -> None:
    """Content reaches at least half of every page, except the last page of a section
    that the next one follows on a page of its own (the palette, the steps, the sheet)."""
    own_page = {"palette", "sheet"}
    starts, seen = [], set()  # per page: the own-page section that starts on it, if any
    for page in document.pages:
        ids = {box.element.get("id") for box in page._page_box.descendants()
               if getattr(box, "element_tag", None) == "section" and box.element.get("id")}
        starts.append(bool((ids & own_page) - seen))
        seen |= ids
    for number, page in enumerate(document.pages[:-1]):
        if starts[number + 1]:  # a section's last page, before one that starts a page of its own
            continue
        box = page._page_box
        top = box.content_box_y()
        bottom = max((child.position_y + child.margin_height() for child in box.descendants()
                      if hasattr(child, "margin_height") and getattr(child, "element_tag", None) in ("img", "p", "li")),
                     default=top)
        assert bottom - top >= 0.5 * box.height, (
            f"page {number + 1} of {len(document.pages)} is more than half empty")


def assert_fits_its_pages(document) -> None:
    """Every box inside the right margin; every heading followed by content on its page."""
    for number, page in enumerate(document.pages, 1):
        box = page._page_box
        right = page.width - box.margin_right
        headings, content = [], []
        for child in box.descendants():
            if child is box or not hasattr(child, "margin_width") or type(child).__name__ == "MarginBox":
                continue
            assert child.position_x + child.margin_width() <= right + 0.5, (
                f"page {number}: <{child.element_tag}> {getattr(child, 'text', '')!r} {child.element.get('class') if hasattr(child, 'element') else ''} ends at {child.position_x + child.margin_width():.0f} pt,"
                f" the margin is at {right:.0f} pt"
            )
            tag = getattr(child, "element_tag", None)
            if tag in ("h1", "h2", "h3") and type(child).__name__ == "BlockBox":
                headings.append(child)
            elif tag in ("img", "p", "li", "figure", "table"):
                content.append(child)
        for heading in headings:
            below = heading.position_y + heading.margin_height()
            assert any(item.position_y >= below - 0.5 for item in content), (
                f"page {number}: heading {heading.element_tag} is the last thing on the page"
            )


def test_each_paper_size_is_rendered_once_kept_and_named_safely(production_static, painted, alice_client):
    first = download(alice_client, painted, "a4")
    stored = LessonFile.objects.get(generation=painted, name="lesson-a4.pdf")
    modified = stored.file.storage.get_modified_time(stored.file.name)
    assert download(alice_client, painted, "a4") == first
    assert LessonFile.objects.filter(generation=painted, name="lesson-a4.pdf").count() == 1
    assert stored.file.storage.get_modified_time(stored.file.name) == modified
    assert not LessonFile.objects.filter(generation=painted, name="lesson-letter.pdf").exists()

    # Its name keeps letters, digits, spaces and dashes only (no emoji, slashes or quotes).
    response = download_pdf(alice_client, painted, "letter")
    name = unquote(response["Content-Disposition"].split("filename*=utf-8''")[-1])
    assert name == "lesson 港の朝 Harbour морнинг-letter.pdf"

    # The title is printed on it: renaming the project forgets the stored PDFs.
    alice_client.post(reverse("studio:project-rename", args=[painted.project.pk]), {"title": "Evening"})
    assert not LessonFile.objects.filter(generation=painted, name__startswith="lesson-").exists()
    assert download(alice_client, painted, "a4").startswith(b"%PDF")

    # A render under way when the lesson changes (here: renamed meanwhile) stores nothing stale.
    def render_while_renamed(generation, paper="a4"):
        type(painted.project).objects.filter(pk=painted.project.pk).update(title="Renamed meanwhile")
        return b"%PDF-1.7 old title"

    lesson_pdf.forget_pdfs([painted])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(lesson_pdf_jobs, "render_pdf", render_while_renamed)
        lesson_pdf_jobs.render_pdf_job(str(painted.pk), "a4")
    assert not LessonFile.objects.filter(generation=painted, name="lesson-a4.pdf").exists()


def test_a_render_queued_under_its_path_from_before_the_split_still_runs(production_static, painted):
    """RQ stored "studio.lesson_pdf.render_pdf_job" with renders queued before the job moved
    to studio.lesson_pdf_jobs: a worker finds the job at that path still."""
    import django_rq

    from studio.lessons import stored_pdf
    from tests.studio.conftest import run_worker_burst

    rq_job = django_rq.get_queue("default").enqueue("studio.lesson_pdf.render_pdf_job", str(painted.pk), "letter")
    run_worker_burst(("default",))
    assert rq_job.get_status(refresh=True) == "finished"
    with stored_pdf(painted, "letter").open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
