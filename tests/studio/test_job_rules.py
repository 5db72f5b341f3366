"""Rules a painting's job keeps: a limit that holds in parallel, no retry of a finished
painting, and a deleted painting that stops and leaves no file behind."""

import threading

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test import Client
from django.urls import reverse

from studio import generations, jobqueue
from studio.models import Generation, Job
from tests.studio.conftest import TINY, generation_files, image_bytes, run_worker_burst

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgresql]


@pytest.fixture
def project(alice, make_project):
    return make_project(alice, title="Harbour", size=(160, 120))


def test_the_two_painting_limit_holds_under_parallel_requests(alice, project, styles):
    url = reverse("studio:generation-create", args=[project.pk])
    parallel = 5
    start_together = threading.Barrier(parallel)
    answers = []

    def post():
        try:
            client = Client()
            client.force_login(alice)
            start_together.wait(timeout=30)
            response = client.post(url, {**TINY, "style": styles[0].pk})
            answers.append((response.status_code, response.content.decode() if response.status_code == 200 else ""))
        finally:
            connection.close()  # each thread has its own database connection

    threads = [threading.Thread(target=post) for _ in range(parallel)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert Generation.objects.count() == 2 and Job.objects.count() == 2
    assert sorted(code for code, _ in answers) == [200] * (parallel - 2) + [302, 302]
    assert all("already have 2 paintings in progress" in page for code, page in answers if code == 200)


def test_retry_of_a_finished_painting_is_refused_and_keeps_its_results(alice_client, project, styles):
    generation = generations.start_generation(project, style=styles[0], **TINY)
    generation.result.save("r.png", ContentFile(image_bytes(format="PNG"), name="r.png"))
    Job.objects.filter(pk=generation.job.pk).update(status=Job.Status.SUCCEEDED, progress=1.0)
    response = alice_client.post(reverse("studio:generation-retry", args=[generation.pk]), follow=True)
    assert response.status_code == 200
    assert "This painting has finished" in response.content.decode()
    generation.refresh_from_db()
    generation.job.refresh_from_db()
    assert generation.job.status == Job.Status.SUCCEEDED and default_storage.exists(generation.result.name)


def test_deleting_a_running_painting_stops_it_and_leaves_no_file(alice_client, project, styles, monkeypatch):
    generation = generations.start_generation(project, style=styles[0], **{**TINY, "preset": "standard"})
    original_update = jobqueue.JobReporter.update
    reports = []

    def update_then_delete(self, *args, **kwargs):
        reports.append(args)
        if len(reports) == 2:  # the user deletes the painting while it runs
            response = alice_client.post(reverse("studio:generation-delete", args=[generation.pk]))
            assert response.status_code == 302
        return original_update(self, *args, **{**kwargs, "force": True})

    monkeypatch.setattr(jobqueue.JobReporter, "update", update_then_delete)
    run_worker_burst(("transfer",))
    assert len(reports) == 2  # the next progress report found no row and stopped the job
    assert not Generation.objects.exists() and not Job.objects.exists()
    assert generation_files(generation) == []
