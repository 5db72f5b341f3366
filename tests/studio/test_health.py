import pytest
from django.urls import reverse
from rq.worker import Worker

import django_rq
from studio.embedded_redis import free_port

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


def test_healthz_names_redis_when_it_is_down(client, settings):
    dead = f"redis://127.0.0.1:{free_port()}/0"
    settings.RQ_QUEUES = {name: {**config, "URL": dead} for name, config in settings.RQ_QUEUES.items()}
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "ok" and body["redis"].startswith("error")
