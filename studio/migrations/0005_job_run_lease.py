"""A job's current run: its own RQ job, and the lease of the work-horse running it.

Before, a retry re-used the row's id as the RQ job id, so RQ's clean-up of the killed run
failed the live one, and two runs of one painting could write at once.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("studio", "0004_lesson_in_one_place")]

    operations = [
        migrations.AddField(
            model_name="job", name="rq_job_id",
            field=models.CharField(blank=True, editable=False, help_text="The RQ job of the current run", max_length=64),
        ),
        migrations.AddField(
            model_name="job", name="enqueued_at",
            field=models.DateTimeField(blank=True, help_text="When the current run was handed to the queue", null=True),
        ),
        migrations.AddField(
            model_name="job", name="run_token",
            field=models.UUIDField(blank=True, editable=False, help_text="The work-horse holding the lease", null=True),
        ),
        migrations.AddField(
            model_name="job", name="lease_expires_at",
            field=models.DateTimeField(blank=True, help_text="A running job belongs to its run until then", null=True),
        ),
    ]
