from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from studio import generation_jobs, jobqueue, lesson_pdf
from studio.forms import GenerationForm
from studio.models import Generation, Job, StyleImage
from studio.models.paints import choose_paint_set
from studio.views.files import serve_field
from studio.views.projects import owned_project


def owned_generation(request, pk) -> Generation:
    """The generation, if its project belongs to the signed-in user; 404 otherwise."""
    return get_object_or_404(
        Generation.objects.select_related("project", "job", "style"), pk=pk, project__owner=request.user
    )


def generation_create(request, pk):
    project = owned_project(request, pk)
    form = GenerationForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            generation = generation_jobs.start_generation(project, **form.generation_parameters())
        except jobqueue.Refused as refusal:  # the 2-painting limit or the queue down: nothing saved
            form.add_error(None, str(refusal))
        else:
            choose_paint_set(generation, form.cleaned_data["paint_set"])
            return redirect(generation)
    presets = [
        {"value": value, "label": label, "seconds": generation_jobs.estimate_seconds(value, 512)}
        for value, label in Generation.Preset.choices
    ]
    styles = StyleImage.objects.active()
    return render(request, "studio/generation_form.html", {"project": project, "form": form, "presets": presets, "styles": styles})


def generation_detail(request, pk):
    generation = owned_generation(request, pk)
    jobqueue.reconcile(generation.job)
    return render(request, "studio/generation_detail.html", lesson_context(generation))


def lesson_context(generation: Generation) -> dict:
    """Everything the result sections show: palette, steps with their colours, lesson.json."""
    palette = list(generation.palette_colors_set.all())
    by_number = {color.number: color for color in palette}
    steps = [
        {"step": step, "colors": [by_number[n] for n in step.colors if n in by_number]}
        for step in generation.steps.all()
    ]
    return {
        "generation": generation,
        "project": generation.project,
        "job": generation.job,
        "palette": palette,
        "steps": steps,
        "lesson": generation_jobs.lesson_data(generation),
        "status": generation_jobs.generation_status(generation),
    }


def generation_status(request, pk):
    return JsonResponse(generation_jobs.generation_status(owned_generation(request, pk)))


@require_POST
def generation_cancel(request, pk):
    generation = owned_generation(request, pk)
    jobqueue.cancel(generation.job)  # works with the queue down: the worker obeys the row
    messages.info(request, "Cancelling…" if generation.job.is_active else "Cancelled.")
    return redirect(generation)


@require_POST
def generation_retry(request, pk):
    generation = owned_generation(request, pk)
    try:
        generation_jobs.retry_generation(generation)
    except jobqueue.Refused as refusal:  # still running, finished, the limit, the queue down
        messages.error(request, str(refusal))
    else:
        messages.success(request, "Trying again.")
    return redirect(generation)


def generation_delete(request, pk):
    generation = owned_generation(request, pk)
    if request.method == "POST":
        project = generation.project
        with transaction.atomic():
            generation_jobs.delete_generation(generation)  # stops it if running; no file left behind
        messages.success(request, "Generation deleted with its files.")
        return redirect(project)
    return render(request, "studio/generation_confirm_delete.html", {"generation": generation})


def generation_field(generation: Generation, name: str):
    """The stored file called ``name`` in a generation, or None: ``result``, ``preview``,
    ``custom-style``, ``step-N-image`` / ``step-N-mask``, or a lesson file by its name."""
    fields = {"result": generation.result, "preview": generation.preview, "custom-style": generation.custom_style}
    if name in fields:
        return fields[name]
    if name.startswith("step-"):
        order, _, kind = name.removeprefix("step-").partition("-")
        step = generation.steps.filter(order=int(order)).first() if order.isdigit() else None
        return getattr(step, kind) if step and kind in ("image", "mask") else None
    lesson_file = generation.lesson_files.filter(name=name).first()
    return lesson_file.file if lesson_file else None


def generation_file(request, pk, name):
    """A file of the generation (see :func:`generation_field`), after the ownership check."""
    field = generation_field(owned_generation(request, pk), name)
    if not field:
        raise Http404("No such file.")
    return serve_field(field, as_attachment=request.GET.get("download") == "1")


def lesson_print(request, pk):
    generation = owned_generation(request, pk)
    if generation.job.status != Job.Status.SUCCEEDED:
        raise Http404("The lesson plan is ready once the painting has succeeded.")
    return render(request, "studio/lesson_print.html", lesson_context(generation))


def lesson_pdf_download(request, pk):
    generation = owned_generation(request, pk)
    if generation.job.status != Job.Status.SUCCEEDED:
        raise Http404("The lesson plan is ready once the painting has succeeded.")
    html = render_to_string("studio/lesson_print.html", {**lesson_context(generation), "for_pdf": True}, request=request)
    paper = "letter" if request.GET.get("paper") == "letter" else "A4"
    pdf = lesson_pdf.render_pdf(html, generation, base_url=request.build_absolute_uri("/"), paper=paper)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, f"lesson-{generation.project.title[:60]}.pdf")
    return response


def compare(request, pk):
    project = owned_project(request, pk)
    generations = list(project.generations.select_related("job", "style"))
    chosen = [g for key in ("a", "b") for g in generations if str(g.pk) == request.GET.get(key)]
    if len(chosen) < 2:
        done = [g for g in generations if g.job.status == Job.Status.SUCCEEDED]
        chosen = (chosen + [g for g in done if g not in chosen])[:2]
    return render(request, "studio/compare.html", {
        "project": project, "generations": generations,
        "pair": [lesson_context(g) for g in chosen],
    })


def style_image(request, pk):
    return serve_field(get_object_or_404(StyleImage, pk=pk).image)


def style_thumbnail(request, pk):
    style = get_object_or_404(StyleImage, pk=pk)
    return serve_field(style.thumbnail or style.image)
