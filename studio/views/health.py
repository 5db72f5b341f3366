from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from studio.jobqueue import live_worker_count


@login_not_required
@never_cache
def healthz(request):
    """``{"database": "ok", "redis": "ok", "workers": N}``; 503 naming the part that fails.

    ``workers`` counts the workers that heartbeated within two heartbeats (a killed worker
    stays registered in RQ for minutes); after a Redis restart they register again as they
    heartbeat, so the count recovers by itself.
    """
    body, healthy = {}, True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        body["database"] = "ok"
    except Exception as error:
        body["database"], healthy = f"error: {error.__class__.__name__}", False
    try:
        body["workers"] = live_worker_count()
        body["redis"] = "ok"
    except Exception as error:
        body["redis"], body["workers"], healthy = f"error: {error.__class__.__name__}", 0, False
    return JsonResponse(body, status=200 if healthy else 503)
