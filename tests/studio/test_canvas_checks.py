"""Check my canvas: the upload rules, a check job end to end on a synthetic photo of the
generation's own target with a planted mistake, the corners fix, bad photos, the history,
and deletion (lessons made by the worker's own code; photos made by the engine's
synthetic scene and camera, engine/check/synthetic_*.py)."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import numpy as np
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from engine.errors import InputError
from studio import canvas_checks, check_targets, jobqueue
from studio.models import CanvasCheck, Job
from studio.models.generations import generation_folder
from tests.studio.conftest import image_bytes, run_worker_burst, upload

pytestmark = pytest.mark.django_db(transaction=True)  # checks are queued on commit

CANVAS_CM = (40.0, 30.0)
PHOTO_SIZE = (640, 480)  # px: small, so each check takes a fraction of a second


@pytest.fixture(autouse=True)
def _one_lesson_build(lessons_built_once):
    """Every generation here is make_painted's painting: its lesson is built once."""


@pytest.fixture
def painted(alice, make_painted):
    return make_painted(alice)


def create_url(generation, step=None):
    return reverse("studio:canvas-check-create", args=[generation.pk]) + (f"?step={step}" if step else "")


def read_rgb(field) -> np.ndarray:
    with field.open("rb") as handle:
        return np.asarray(Image.open(io.BytesIO(handle.read())).convert("RGB"))


def last_step_key(generation) -> str:
    return f"{generation.lesson_steps()[-1].order:02d}"


def photograph(picture: np.ndarray, seed: int):
    """A phone photo (JPEG) of a canvas painted as ``picture``, on a table among other things."""
    from engine.check.synthetic_photo import photograph as take

    return take(picture, canvas_cm=CANVAS_CM, rng=np.random.default_rng(seed), size=PHOTO_SIZE)


def painted_with_a_mistake(target: np.ndarray, palette_rgb: np.ndarray, brush_px: float, kind: str, seed: int = 1):
    """The target painted as people paint it, with one mistake of ``kind`` (5 % of the
    canvas) where one mix covers most of the blob; returns (picture, mask, that mix's number)."""
    from engine.check.synthetic_painting import apply_mistake, blob_mask, paint_imperfectly
    from engine.color.spaces import lab_to_rgb, rgb_to_lab, to_uint8

    height, width = target.shape[:2]
    numbers = np.zeros((height, width), int)  # palette number per target px (0: bare canvas)
    for number, rgb in enumerate(palette_rgb, start=1):
        numbers[(target == rgb).all(axis=2)] = number
    lightness = rgb_to_lab(palette_rgb)[:, 0]
    best = None
    for cy in np.linspace(0.25, 0.75, 5) * height:
        for cx in np.linspace(0.2, 0.8, 7) * width:
            mask = blob_mask((height, width), 0.05, (cx, cy), np.random.default_rng(seed))
            counts = np.bincount(numbers[mask], minlength=len(palette_rgb) + 1)
            mix = int(np.argmax(counts))
            purity = counts[mix] / mask.sum()
            if mix and 35 < lightness[mix - 1] < 85 and (best is None or purity > best[0]):
                best = (purity, mask, mix)
    purity, mask, mix = best
    assert purity > 0.7, "the target has no area of one mix big enough for a clear mistake"
    rng = np.random.default_rng(seed)
    lab = rgb_to_lab(paint_imperfectly(target, rng=rng, brush_px=brush_px).image)
    apply_mistake(lab, mask, kind, rng)
    return to_uint8(lab_to_rgb(lab)), mask, mix


def start(client, generation, step, jpeg: bytes, name="canvas.jpg"):
    return client.post(create_url(generation), {"step": step, "photo": upload(jpeg, name)})


def test_a_check_finds_the_planted_mistake_with_its_kind_and_mix(alice_client, painted):
    key = last_step_key(painted)
    step = painted.lesson_steps()[-1]
    target = check_targets.step_target(painted, key)
    brush_px = step.brush_mm / 10 / (CANVAS_CM[0] / target.image.shape[1])
    picture, mask, mix = painted_with_a_mistake(target.image, target.palette_rgb, brush_px, "too_dark")
    shot = photograph(picture, seed=5)

    page = alice_client.get(create_url(painted, key)).content.decode()
    assert f'<option value="{key}" data-image="' in page and " selected>" in page
    response = start(alice_client, painted, key, shot.jpeg)
    check = CanvasCheck.objects.get()
    assert response.status_code == 302 and response["Location"] == check.get_absolute_url()
    assert check.job.kind == "check" and check.job.queue == "default" and check.step_key == key
    assert "Queued: waiting for a free worker" in alice_client.get(check.get_absolute_url()).content.decode()

    run_worker_burst()
    check.refresh_from_db()
    assert check.job.status == Job.Status.SUCCEEDED, check.job.message
    findings = check.findings
    assert findings["confident"] and findings["message"] == ""
    np.testing.assert_allclose(findings["corners"], shot.corners, atol=0.015 * np.hypot(*PHOTO_SIZE))
    ys, xs = np.nonzero(mask)
    hits = [r for r in findings["regions"] if r["kind"] == "too_dark"
            and r["bbox"][0] < xs.max() and xs.min() < r["bbox"][2] and r["bbox"][1] < ys.max() and ys.min() < r["bbox"][3]]
    assert hits, findings["regions"]
    region = hits[0]
    colour = painted.lesson_palette()[mix - 1]
    assert region["color"] == mix and region["mix"] == {"number": mix, "hex": colour.hex, "name": colour.name}
    assert region["area_cm2"] > 0 and region["delta_l"] < -5 and f"mix {mix}" in region["advice"]
    assert len(findings["regions"]) <= 2  # the mistake, not the painter's every wobble
    np.testing.assert_array_equal(read_rgb(check.target), target.image)  # what it was compared with, kept
    assert read_rgb(check.rectified).shape[:2] == target.image.shape[:2]
    assert max(read_rgb(check.picture).shape[:2]) >= 800

    page = alice_client.get(check.get_absolute_url()).content.decode()
    number = findings["regions"].index(region) + 1
    item = re.search(rf'<li class="check-region kind-too_dark">\s*<span class="region-number"[^>]*>{number}</span>(.*?)</li>',
                     page, re.S).group(1)
    assert "Too dark" in item and region["advice"][1:] in item and f"Mix {mix}</strong>" in item
    recipe = next(r for r in painted.mixing.recipes if r["number"] == mix)
    assert recipe["words"][1:] in item and colour.hex in item
    assert "Corners look wrong? Drag them" in page and 'data-corner="3"' in page
    assert alice_client.get(reverse("studio:canvas-check-file", args=[check.pk, "findings"]))["Content-Type"] == "image/jpeg"


def test_a_check_queued_under_its_path_from_before_the_split_still_runs(alice_client, painted, monkeypatch):
    """RQ stored "studio.canvas_checks.run_check" with checks queued before the job moved to
    studio.canvas_check_jobs: a worker finds the job at that path still."""
    import django_rq
    from rq.job import Job as RQJob

    monkeypatch.setattr(canvas_checks, "RUN_CHECK", "studio.canvas_checks.run_check")
    assert start(alice_client, painted, last_step_key(painted), image_bytes(size=(320, 240))).status_code == 302
    check = CanvasCheck.objects.get()
    rq_job = RQJob.fetch(check.job.rq_job_id, connection=django_rq.get_connection("default"))
    assert rq_job.func_name == "studio.canvas_checks.run_check"

    run_worker_burst()
    check.refresh_from_db()
    assert check.job.status == Job.Status.SUCCEEDED, check.job.message
    assert check.findings is not None and check.picture


def test_dragged_corners_run_the_same_check_again_with_them(alice_client, painted):
    key = last_step_key(painted)
    shot = photograph(check_targets.step_target(painted, key).image, seed=7)  # the target itself, well painted
    start(alice_client, painted, key, shot.jpeg)
    check = CanvasCheck.objects.get()
    corners_url = reverse("studio:canvas-check-corners", args=[check.pk])
    dragged = shot.corners + [[6, -4], [-5, 3], [4, 5], [-3, -6]]  # a few px off the true corners
    fields = {f"{axis}{i}": value for i, point in enumerate(dragged[[2, 0, 3, 1]], start=1)  # in any order
              for axis, value in zip("xy", point)}

    response = alice_client.post(corners_url, fields, follow=True)  # the first run has not ended yet
    assert canvas_checks.STILL_RUNNING in response.content.decode()
    run_worker_burst()
    check.refresh_from_db()
    first_files = [f.name for f in check.result_files()]
    assert check.job.status == Job.Status.SUCCEEDED and check.findings["regions"] == []

    for bad, why in (({**fields, "x1": "12", "y1": "12", "x2": "14", "y2": "12", "x3": "14", "y3": "14",
                       "x4": "12", "y4": "14"}, "enclose"),
                     ({**fields, "x2": "5000"}, "inside the"), ({**fields, "y4": "north"}, "Enter a number")):
        response = alice_client.post(corners_url, bad, follow=True)
        assert why in response.content.decode(), why
    check.refresh_from_db()
    assert check.corners_given is None and check.job.status == Job.Status.SUCCEEDED  # nothing changed

    response = alice_client.post(corners_url, fields)
    assert response.status_code == 302
    check.refresh_from_db()
    assert check.job.status == Job.Status.QUEUED and check.findings is None
    np.testing.assert_allclose(check.corners_given, dragged, atol=0.01)  # put in order, TL TR BR BL
    run_worker_burst()
    check.refresh_from_db()
    assert check.job.status == Job.Status.SUCCEEDED, check.job.message
    np.testing.assert_allclose(check.findings["corners"], dragged, atol=0.01)  # used as given, no search
    assert check.findings["confident"] and CanvasCheck.objects.count() == 1  # the same record
    assert not any(default_storage.exists(name) for name in first_files)  # the first run's pictures went
    assert all(default_storage.exists(f.name) for f in check.result_files())


def test_uploads_follow_the_photo_rules_and_refusals_save_nothing(alice_client, painted, settings):
    from PIL import Image as PILImage

    noisy = PILImage.effect_noise((400, 300), 80).convert("RGB")
    buffer = io.BytesIO()
    noisy.save(buffer, format="JPEG")
    truncated = buffer.getvalue()[: len(buffer.getvalue()) // 2]
    cases = {
        "not an image": (b"<!doctype html><html><body>hello</body></html>", "This file is not an image we can read"),
        "truncated": (truncated, "damaged or incomplete"),
        "too large": (image_bytes(size=(64, 64)) + b"\0" * (settings.PAINTING_MAX_UPLOAD_BYTES + 1), "the limit is 20 MB"),
        "too small to see a canvas": (image_bytes(size=(200, 150)), "too small to see the canvas"),
    }
    key = last_step_key(painted)
    for case, (data, message) in cases.items():
        response = start(alice_client, painted, key, data)
        assert response.status_code == 200, case
        assert message in response.content.decode(), case
    response = alice_client.post(create_url(painted), {"step": "99-99", "photo": upload(image_bytes(size=(320, 240)))})
    assert "Select a valid choice" in response.content.decode()
    assert not CanvasCheck.objects.exists() and not Job.objects.filter(kind="check").exists()
    assert files_under(f"{generation_folder(painted)}/checks") == []


def test_photos_without_this_canvas_get_the_engines_message_and_no_regions(alice_client, painted):
    from engine.check.synthetic_scene import table_texture
    from engine.color.spaces import linear_to_srgb

    key = last_step_key(painted)
    target = check_targets.step_target(painted, key).image
    table = table_texture(PHOTO_SIZE, 12.0, np.random.default_rng(3))
    no_canvas = Image.fromarray((linear_to_srgb(table) * 255).astype(np.uint8))
    buffer = io.BytesIO()
    no_canvas.save(buffer, format="JPEG")
    other = np.kron(np.random.default_rng(4).integers(0, 255, (6, 8, 3)), np.ones((16, 16, 1))).astype(np.uint8)
    photos = {"no canvas": buffer.getvalue(), "blank": photograph(np.full_like(target, 246), seed=11).jpeg,
              "another painting": photograph(other, seed=12).jpeg}
    for jpeg in photos.values():
        assert start(alice_client, painted, key, jpeg).status_code == 302
    response = start(alice_client, painted, key, photos["blank"])  # a fourth at once is too many
    assert canvas_checks.LIMIT_REACHED in response.content.decode() and CanvasCheck.objects.count() == 3

    run_worker_burst()
    for check, case in zip(CanvasCheck.objects.order_by("created_at"), photos):
        assert check.job.status == Job.Status.SUCCEEDED, (case, check.job.message)
        assert check.findings["regions"] == [] and check.findings["message"], case
        page = alice_client.get(check.get_absolute_url()).content.decode()
        assert "area to fix" not in page and "areas to fix" not in page, case
        message = check.findings["message"]
        assert message[1:].replace("'", "&#x27;") in page, case
        if not check.findings["confident"]:
            assert "The canvas was not found with confidence." in page and '<details class="corner-fix card" id="corners" open>' in page
    assert "blank" in CanvasCheck.objects.order_by("created_at")[1].findings["message"]


def test_sub_step_targets_are_the_plan_painted_up_to_them_and_every_step_links_to_a_check(alice_client, painted):
    for step in painted.lesson_steps():
        last = step.substeps[-1]["key"]  # the end of a layer's last mix is the end of the step
        image = check_targets.step_target(painted, last).image
        np.testing.assert_array_equal(image, read_rgb(painted.lesson_files.get(name=step.image_name).file))
        target = check_targets.step_target(painted, f"{step.order:02d}")
        assert target.brush_mm == step.brush_mm and target.canvas == (40.0, 30.0, "cm")
    first, second = painted.lesson_steps()[0].substeps[:2]
    assert (check_targets.step_target(painted, first["key"]).image == 255).all(axis=2).any()  # bare canvas left
    assert (check_targets.step_target(painted, first["key"]).image != check_targets.step_target(painted, second["key"]).image).any()
    with pytest.raises(InputError, match="no step 9 any more"):
        check_targets.step_target(painted, "09")

    lesson_page = alice_client.get(painted.get_absolute_url()).content.decode()
    for choice in check_targets.check_choices(painted):
        assert f'href="{create_url(painted, choice["key"])}"' in lesson_page, choice["key"]
    along = alice_client.get(reverse("studio:paint-along", args=[painted.pk]) + f"?step={second['key']}").content.decode()
    assert f'href="{create_url(painted, second["key"])}" data-check-link' in along
    form = alice_client.get(create_url(painted)).content.decode()  # no step asked: where the painter is
    assert f'<option value="{second["key"]}"' in form


def make_check(generation, status=Job.Status.SUCCEEDED, findings=None, key="01") -> CanvasCheck:
    """A check row with stored files, as a run leaves it (for the pages, not the job)."""
    owner = generation.project.owner
    job = Job.objects.create(owner=owner, project=generation.project, kind="check", status=status)
    check = CanvasCheck(generation=generation, job=job, step_key=key, findings=findings)
    check.photo.save("canvas.jpg", ContentFile(image_bytes(), name="canvas.jpg"), save=False)
    if findings is not None:
        for name in ("target", "rectified", "picture"):
            getattr(check, name).save(f"{name}.png", ContentFile(image_bytes(format="PNG"), name=f"{name}.png"), save=False)
    check.save()
    return check


def findings_with(regions: int, confident=True, message=""):
    region = {"bbox": [0, 0, 10, 10], "kind": "too_light", "area_cm2": 12.0, "delta_e": 9.0, "delta_l": 8.0,
              "color": 1, "advice": "the area is too light: darken it with mix 1.", "mix": None}
    return {"corners": [[0, 0], [320, 0], [320, 240], [0, 240]], "confident": confident,
            "regions": [region] * regions, "message": message, "seconds": 0.2}


def test_the_history_lists_checks_newest_first_with_their_findings_count(alice_client, painted):
    oldest = make_check(painted, findings=findings_with(3))
    middle = make_check(painted, findings=findings_with(0, confident=False, message="no canvas found."), key="02")
    newest = make_check(painted, findings=findings_with(1))
    running = make_check(painted, status=Job.Status.RUNNING)
    Job.objects.filter(pk=running.job.pk).update(started_at=timezone.now(), heartbeat_at=timezone.now(),
                                                 lease_expires_at=timezone.now() + timedelta(minutes=1))
    page = alice_client.get(painted.get_absolute_url()).content.decode()
    history = page[page.index('id="checks"'):]
    order = [history.index(check.get_absolute_url()) for check in (running, newest, middle, oldest)]
    assert order == sorted(order)
    summaries = re.findall(r'<span class="check-summary" data-summary>([^<]*)</span>', history)
    assert summaries == ["Checking…", "1 area to fix", "Canvas not found: drag its corners", "3 areas to fix"]


def test_deleting_the_generation_removes_its_checks_their_jobs_and_files(alice_client, painted):
    kept = make_check(painted, findings=findings_with(1))
    running = make_check(painted, status=Job.Status.QUEUED)
    files = [f.name for check in (kept, running) for f in check.stored_files()]
    assert len(files) == 5 and all(default_storage.exists(name) for name in files)

    response = alice_client.post(reverse("studio:canvas-check-delete", args=[kept.pk]))
    assert response.status_code == 302 and CanvasCheck.objects.count() == 1
    assert not any(default_storage.exists(f.name) for f in kept.stored_files())

    alice_client.post(reverse("studio:generation-delete", args=[painted.pk]))
    assert not CanvasCheck.objects.exists() and not Job.objects.exists()
    assert not any(default_storage.exists(name) for name in files)
    assert files_under(generation_folder(painted)) == []


def files_under(folder: str) -> list[str]:
    """Every file in storage under ``folder``, sub-folders included."""
    if not default_storage.exists(folder):
        return []
    directories, files = default_storage.listdir(folder)
    return [f"{folder}/{name}" for name in files] + [f for d in directories for f in files_under(f"{folder}/{d}")]


def test_with_the_queue_down_a_check_saves_nothing(alice_client, painted, queue_server):
    key = last_step_key(painted)
    photo = image_bytes(size=(320, 240))
    with pytest.raises(jobqueue.QueueUnavailable):  # Redis answers, then dies before the commit
        with transaction.atomic():
            from studio.uploads import normalise_upload

            canvas_checks.start_check(painted, key, normalise_upload(upload(photo)))
            queue_server.stop()
    assert not CanvasCheck.objects.exists() and not Job.objects.filter(kind="check").exists()
    response = start(alice_client, painted, key, photo)  # and a request while it is down
    assert jobqueue.QUEUE_UNAVAILABLE in response.content.decode()
    assert not CanvasCheck.objects.exists() and not Job.objects.filter(kind="check").exists()
    assert files_under(f"{generation_folder(painted)}/checks") == []
