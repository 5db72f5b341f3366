"""Generations: the form, limits, the whole pipeline on a real worker, cancel, failure, retry."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from studio import generation_jobs, generations
from studio.models import Generation, Job, LessonFile, StyleImage
from studio.styles import install_default_styles
from tests.studio.conftest import SMALL_STYLE, download_pdf, run_worker_burst, upload

TINY = {"preset": "quick", "output_size": 64, "style_strength": 1.0, "palette_colors": 6, "canvas": "40x30cm", "seed": 3}



@pytest.fixture
def project(alice, make_project):
    return make_project(alice, title="Puppy", size=(160, 120))


def form_data(style, **overrides):
    return {**TINY, "style": style.pk, **overrides}


@pytest.mark.django_db
def test_default_styles_install_once_with_one_default(styles):
    assert len(styles) >= 3
    assert install_default_styles(log=lambda text: None) == []  # idempotent
    assert StyleImage.objects.filter(is_default=True).count() == 1
    default = StyleImage.default()
    assert default.slug == styles[0].slug and default.thumbnail and default_storage.exists(default.image.name)
    assert (default.width, default.height) == (SMALL_STYLE, SMALL_STYLE)


@pytest.mark.postgresql  # one default, by a conditional unique constraint
@pytest.mark.django_db
def test_making_another_style_default_keeps_exactly_one(styles):
    other = styles[1]
    other.is_default = True
    other.save()
    assert list(StyleImage.objects.filter(is_default=True)) == [other]


@pytest.mark.django_db
def test_form_preselects_the_default_style_and_hides_retired_ones(alice_client, project, styles):
    retired = styles[2]
    retired.active = False
    retired.save()
    page = alice_client.get(reverse("studio:generation-create", args=[project.pk])).content.decode()
    assert f'value="{styles[0].pk}" checked' in page
    assert retired.name not in page
    response = alice_client.post(reverse("studio:generation-create", args=[project.pk]), form_data(retired))
    assert response.status_code == 200 and not Generation.objects.exists()


@pytest.mark.django_db
def test_bad_parameters_are_refused_with_clear_messages(alice_client, project, styles):
    response = alice_client.post(
        reverse("studio:generation-create", args=[project.pk]),
        form_data(styles[0], canvas="big", output_size=99999),
    )
    page = response.content.decode()
    assert response.status_code == 200 and not Generation.objects.exists()
    assert "2048" in page and "40x30cm" in page


@pytest.mark.django_db
def test_a_private_style_upload_follows_the_upload_rules(alice_client, project, styles):
    url = reverse("studio:generation-create", args=[project.pk])
    bad = alice_client.post(url, {**TINY, "custom_style": upload(b"<svg></svg>", "style.svg", "image/svg+xml")})
    assert "not an image we can read" in bad.content.decode() and not Generation.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_at_most_two_generations_queued_or_running(alice_client, project, styles):
    url = reverse("studio:generation-create", args=[project.pk])
    for _ in range(2):
        assert alice_client.post(url, form_data(styles[0])).status_code == 302
    third = alice_client.post(url, form_data(styles[0]))
    assert third.status_code == 200
    assert "already have 2 paintings in progress" in third.content.decode()
    assert Generation.objects.count() == 2


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_a_generation_runs_end_to_end_on_the_worker(alice_client, project, styles):
    response = alice_client.post(reverse("studio:generation-create", args=[project.pk]), form_data(styles[0]))
    generation = Generation.objects.get()
    assert response.url == generation.get_absolute_url()
    assert generation.job.status == Job.Status.QUEUED and generation.job.queue == "transfer"

    run_worker_burst(("transfer",))

    generation.refresh_from_db()
    job = generation.job
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert generation.result and default_storage.exists(generation.result.name)
    assert generation.weights_used and generation.timings["transfer"] > 0
    colours = generation.lesson_palette()  # read from the lesson, its one source of truth
    assert 1 <= len(colours) <= 6 and abs(sum(c.share for c in colours) - 1) < 0.01
    steps = generation.lesson_steps()
    assert steps and all(step.instruction and step.colors for step in steps)
    stored = set(LessonFile.objects.filter(generation=generation).values_list("name", flat=True))
    assert {"palette.svg", "sheet.svg", "grid.png", steps[0].image_name} <= stored
    assert {sub["image"] for sub in generation.lesson_substeps()} <= stored  # where to paint each mix
    assert not stored & (generation_jobs.NOT_STORED | {"lesson.json", steps[0].mask_name})  # nothing no page shows

    page = alice_client.get(generation.get_absolute_url()).content.decode()
    assert colours[0].hex in page and steps[0].instruction[:30] in page
    # The worker found the ImageNet weights installed by ./test (no network needed): a real
    # painting, said so on the page, and no demo-quality notice (tests/studio/test_notices.py).
    assert not generation.demo_quality and generation.weights_used.startswith("imagenet (")
    assert generation.weights_used in page and "Demo quality" not in page
    printable = alice_client.get(reverse("studio:lesson-print", args=[generation.pk]))
    printed = printable.content.decode()
    assert printable.status_code == 200 and "css/print.css" in printed
    assert 'class="site-header' not in printed  # no navigation chrome
    assert all(f'id="{section}"' in printed for section in ("palette", "steps", "sheet", "values", "grid"))
    pdf = download_pdf(alice_client, generation)
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    status = alice_client.get(reverse("studio:generation-status", args=[generation.pk])).json()
    assert status["status"] == "succeeded" and status["progress"] == 1.0


@pytest.mark.django_db(transaction=True)
def test_a_failure_shows_its_reason_and_retry_succeeds(alice_client, project, styles):
    generation = generations.start_generation(project, style=styles[0], **TINY)
    photo = project.photo.name
    saved = default_storage.open(photo).read()
    default_storage.delete(photo)  # the worker will not find the photo
    run_worker_burst(("transfer",))
    generation.job.refresh_from_db()
    assert generation.job.status == Job.Status.FAILED
    page = alice_client.get(generation.get_absolute_url()).content.decode()
    assert "This painting failed" in page and "Retry" in page

    default_storage.save(photo, ContentFile(saved))
    alice_client.post(reverse("studio:generation-retry", args=[generation.pk]))
    run_worker_burst(("transfer",))
    generation.job.refresh_from_db()
    assert generation.job.status == Job.Status.SUCCEEDED, generation.job.message


@pytest.mark.django_db(transaction=True)
def test_cancel_stops_a_running_generation(alice, project, styles, monkeypatch):
    generation = generations.start_generation(project, style=styles[0], **{**TINY, "preset": "standard"})
    from studio import jobqueue

    original_update = jobqueue.JobReporter.update

    def update_then_cancel(self, *args, **kwargs):  # the user presses Cancel once it runs
        Job.objects.filter(pk=self.job.pk).update(cancel_requested=True)
        return original_update(self, *args, **{**kwargs, "force": True})

    monkeypatch.setattr(jobqueue.JobReporter, "update", update_then_cancel)
    run_worker_burst(("transfer",))
    generation.job.refresh_from_db()
    assert generation.job.status == Job.Status.CANCELLED
    assert not generation.job.progress > 0.5  # stopped early, not after finishing


@pytest.mark.django_db(transaction=True)
def test_deleting_a_generation_deletes_its_files(alice_client, project, styles):
    generation = generations.start_generation(project, style=styles[0], **TINY)
    run_worker_burst(("transfer",))
    generation.refresh_from_db()
    names = [generation.result.name] + [f.file.name for f in generation.lesson_files.all()]
    assert all(default_storage.exists(name) for name in names)
    alice_client.post(reverse("studio:generation-delete", args=[generation.pk]))
    assert not Generation.objects.exists() and not Job.objects.filter(kind="generation").exists()
    assert not any(default_storage.exists(name) for name in names)
    assert default_storage.exists(project.photo.name)


@pytest.mark.django_db
def test_runs_longer_than_the_queue_allows_are_refused(alice_client, project, styles, settings):
    settings.RQ_QUEUES = {**settings.RQ_QUEUES, "transfer": {**settings.RQ_QUEUES["transfer"], "DEFAULT_TIMEOUT": 3600}}
    response = alice_client.post(
        reverse("studio:generation-create", args=[project.pk]), form_data(styles[0], preset="fine", output_size=2048)
    )
    assert response.status_code == 200 and not Generation.objects.exists()
    assert "over its 1 h limit" in response.content.decode()


# --- How a job ends: the user's mistake, a bug, a worker without weights. ----------------------

def rq_status(generation) -> str:
    import django_rq
    from rq.job import Job as RQJob

    return RQJob.fetch(generation.job.rq_job_id, connection=django_rq.get_connection("transfer")).get_status()


@pytest.mark.django_db(transaction=True)
def test_the_users_mistake_is_shown_as_it_is_and_not_logged_as_an_error(alice, make_project, styles, caplog):
    project = make_project(alice, size=(512, 64))  # a strip: at 64 px its short side would be 8 px
    generation = generations.start_generation(project, style=styles[0], **TINY)
    run_worker_burst(("transfer",))
    generation.job.refresh_from_db()
    assert generation.job.status == Job.Status.FAILED
    assert "the short side must be at least 32 px: use a larger size" in generation.job.message
    assert not [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL") and r.name.startswith("studio")]
    assert rq_status(generation) == "finished"  # the job did its job: it told the user


@pytest.mark.django_db(transaction=True)
def test_a_bug_is_logged_with_its_traceback_failed_in_rq_and_not_blamed_on_the_user(alice, project, styles,
                                                                                     monkeypatch, caplog):
    import engine.lesson.build

    def broken(*args, **kwargs):
        raise ValueError("an engine bug: index 7 out of range")

    monkeypatch.setattr(engine.lesson.build, "build_lesson", broken)
    generation = generations.start_generation(project, style=styles[0], **TINY)
    run_worker_burst(("transfer",))
    generation.job.refresh_from_db()
    assert generation.job.status == Job.Status.FAILED
    assert "An error on our side stopped this job (ValueError)" in generation.job.message
    assert "index 7" not in generation.job.message
    logged = [r for r in caplog.records if r.name == "studio.job_runs" and r.levelname == "ERROR"]
    assert logged and logged[0].exc_info and "index 7" in str(logged[0].exc_info[1])
    assert rq_status(generation) == "failed"


@pytest.mark.django_db(transaction=True)
def test_a_worker_without_weights_fails_loudly_instead_of_painting_randomly(alice, project, styles, monkeypatch,
                                                                            caplog):
    import engine.transfer.vgg
    from engine.transfer.weights import WeightsUnavailableError

    def no_weights(weights=None):
        raise WeightsUnavailableError("The ImageNet VGG19 weights are not installed. (the fix)")

    monkeypatch.setenv("PAINTING_VGG19_WEIGHTS", "imagenet")
    monkeypatch.setattr(engine.transfer.vgg, "get_feature_extractor", no_weights)
    generation = generations.start_generation(project, style=styles[0], **TINY)
    run_worker_burst(("transfer",))
    generation.refresh_from_db()
    generation.job.refresh_from_db()
    assert generation.job.status == Job.Status.FAILED and generation.job.message == generation_jobs.WEIGHTS_MISSING
    assert not generation.result and not generation.demo_quality
    assert any(r.exc_info for r in caplog.records if r.name == "studio.job_runs" and r.levelname == "ERROR")
    assert rq_status(generation) == "failed"


def test_the_default_preset_is_one_answer():
    """The model, the form and the engine mean the same run when no preset is chosen."""
    from engine.transfer.presets import DEFAULT_PRESET
    from studio.forms import GenerationForm

    assert DEFAULT_PRESET in Generation.Preset.values
    assert Generation._meta.get_field("preset").default == DEFAULT_PRESET
    assert GenerationForm.base_fields["preset"].initial == DEFAULT_PRESET
