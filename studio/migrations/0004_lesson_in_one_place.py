"""The lesson in one place: ``Generation.lesson`` holds lesson.json; its pictures stay LessonFile rows.

Before, the lesson was stored three ways: a lesson.json file, PaletteColor/PaintingStep
rows copying parts of it (the steps' rows pointing at the same files as LessonFile rows)
and an engine-built lesson.html no page showed. Existing generations keep their lesson:
lesson.json moves into the field; the files no page shows are removed from storage.
"""

import json

from django.db import migrations, models

# What generations stored before that no page shows (see studio.generation_jobs.NOT_STORED).
NOT_SHOWN = ("picture.png", "quantized.png", "palette.png", "sheet-preview.png", "lesson.html")


def lesson_json_into_the_field(apps, schema_editor):
    from django.core.files.storage import default_storage

    Generation = apps.get_model("studio", "Generation")
    LessonFile = apps.get_model("studio", "LessonFile")
    for record in LessonFile.objects.filter(name="lesson.json").iterator():
        try:
            with default_storage.open(record.file.name, "rb") as handle:
                lesson = json.loads(handle.read())
        except (OSError, ValueError):
            continue  # unreadable: the generation shows no lesson, as before
        Generation.objects.filter(pk=record.generation_id).update(lesson=lesson)
    for record in LessonFile.objects.filter(name__in=(*NOT_SHOWN, "lesson.json")).iterator():
        default_storage.delete(record.file.name)
        record.delete()


class Migration(migrations.Migration):

    dependencies = [
        ("studio", "0003_paint_sets"),
    ]

    operations = [
        migrations.AddField(
            model_name="generation",
            name="lesson",
            field=models.JSONField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(lesson_json_into_the_field, migrations.RunPython.noop),
        # The steps' rows pointed at LessonFile's files: dropping the tables leaves the files.
        migrations.DeleteModel(name="PaintingStep"),
        migrations.DeleteModel(name="PaletteColor"),
    ]
