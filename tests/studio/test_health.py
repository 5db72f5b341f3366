import pytest
from django.urls import reverse
from rq.worker import Worker

import django_rq
from tests.net import free_port

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_redis_and_live_workers(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "redis": "ok", "workers": 0}
    worker = Worker([django_rq.get_queue("default")], connection=django_rq.get_connection("default"))
    worker.register_birth()
    try:
        assert client.get(reverse("healthz")).json()["workers"] == 1
    finally:
        worker.register_death()


def test_healthz_counts_only_workers_that_heartbeat(client, settings):
    """A worker killed outright stays registered in RQ for minutes: its silence is what counts."""
    from datetime import timedelta

    from django.utils import timezone
    from rq.utils import utcformat

    settings.WORKER_HEARTBEAT_SECONDS = 30
    worker = Worker([django_rq.get_queue("default")], connection=django_rq.get_connection("default"))
    worker.register_birth()
    try:
        assert client.get(reverse("healthz")).json()["workers"] == 1
        silent = timezone.now() - timedelta(seconds=61)  # two heartbeats missed
        django_rq.get_connection("default").hset(worker.key, "last_heartbeat", utcformat(silent))
        assert Worker.count(connection=django_rq.get_connection("default")) == 1  # RQ still lists it
        assert client.get(reverse("healthz")).json()["workers"] == 0
    finally:
        worker.register_death()


def test_healthz_names_redis_when_it_is_down(client, settings):
    dead = f"redis://127.0.0.1:{free_port()}/0"
    settings.RQ_QUEUES = {name: {**config, "URL": dead} for name, config in settings.RQ_QUEUES.items()}
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "ok" and body["redis"].startswith("error")
