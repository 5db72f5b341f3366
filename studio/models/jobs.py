import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone


class JobQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=Job.ACTIVE)


class Job(models.Model):
    """A background job's status, kept in the database so it outlives RQ's result TTL.

    Each (re)enqueue is a new *run* with an RQ job of its own (``rq_job_id``); only that RQ
    job may start it, and the work-horse that starts it holds the row by ``run_token`` until
    ``lease_expires_at``, renewing the lease as it works. Every write of a run is conditional
    on its token, so at most one run writes to a job at any moment (``studio.jobqueue``).
    :func:`studio.jobqueue.reconcile` ends rows whose run vanished (workers, and POSTs on the
    row); pages show that verdict without writing it (:func:`studio.jobqueue.as_seen`).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    ACTIVE = (Status.QUEUED, Status.RUNNING)
    ENDED = (Status.SUCCEEDED, Status.FAILED, Status.CANCELLED)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs")
    project = models.ForeignKey("studio.Project", on_delete=models.CASCADE, null=True, blank=True, related_name="jobs")
    kind = models.CharField(max_length=40)
    queue = models.CharField(max_length=40, default="default")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED, db_index=True)
    progress = models.FloatField(default=0.0, help_text="0 to 1")
    stage = models.CharField(max_length=40, blank=True)
    message = models.TextField(blank=True)
    cancel_requested = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # The current run (see the class docstring and studio.jobqueue).
    rq_job_id = models.CharField(max_length=64, blank=True, editable=False, help_text="The RQ job of the current run")
    enqueued_at = models.DateTimeField(null=True, blank=True, help_text="When the current run was handed to the queue")
    run_token = models.UUIDField(null=True, blank=True, editable=False, help_text="The work-horse holding the lease")
    lease_expires_at = models.DateTimeField(null=True, blank=True, help_text="A running job belongs to its run until then")

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.kind} {self.pk} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def duration(self) -> timedelta | None:
        if not self.started_at:
            return None
        return (self.finished_at or timezone.now()) - self.started_at

    def as_status(self) -> dict:
        """The JSON a page polls for live progress."""
        return {
            "id": str(self.pk),
            "kind": self.kind,
            "status": self.status,
            "progress": round(self.progress, 4),
            "stage": self.stage,
            "message": self.message,
            "created_at": self.created_at.isoformat(),
            "started_at": self.started_at.isoformat() if self.started_at else None,
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
        }
