from django.contrib import messages
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from studio import canvas_checks, generations, jobqueue, lesson_pdf
from studio.forms import GenerationForm, LevelForm
from studio.generation_status import generation_status as status_of, preset_choices
from studio.lessons import generation_field, lesson_context, level_choices, stored_pdf
from studio.models import Generation, Job, StyleImage
from studio.views.files import download_name, serve_field
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
            generation = generations.start_generation(
                project, paint_set=form.cleaned_data["paint_set"], **form.generation_parameters())
        except jobqueue.Refused as refusal:  # the 2-painting limit or the queue down: nothing saved
            form.add_error(None, str(refusal))
        else:
            return redirect(generation)
    presets = preset_choices(512)
    styles = StyleImage.objects.active()
    return render(request, "studio/generation_form.html", {
        "project": project, "form": form, "presets": presets, "styles": styles, "levels": level_choices("40x30cm"),
    })


def generation_detail(request, pk):
    generation = owned_generation(request, pk)
    jobqueue.as_seen(generation.job)  # a page never writes: the row as it must be shown
    context = lesson_context(generation)
    context["status"] = status_of(generation)  # the progress panel's first render, as the script polls it
    context["checks"] = canvas_checks.history(generation)  # the painter's canvas over time, newest first
    return render(request, "studio/generation_detail.html", context)


def generation_status(request, pk):
    generation = owned_generation(request, pk)
    jobqueue.as_seen(generation.job)  # a run that vanished shows as ended (the workers' sweep saves it)
    return JsonResponse(status_of(generation))


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
        generations.retry_generation(generation)
    except jobqueue.Refused as refusal:  # still running, finished, the limit, the queue down
        messages.error(request, str(refusal))
    else:
        messages.success(request, "Trying again.")
    return redirect(generation)


@require_POST
def generation_replan(request, pk):
    """Plan the lesson of a finished painting again at another level (the painting stays)."""
    generation = owned_generation(request, pk)
    form = LevelForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a lesson level: beginner, intermediate or detailed.")
        return redirect(generation)
    try:
        generations.replan_generation(generation, form.cleaned_data["level"])
    except jobqueue.Refused as refusal:  # still running, no painting yet, the limit, the queue down
        messages.error(request, str(refusal))
    else:
        messages.success(request, f"Planning the lesson again at the {generation.get_level_display().lower()} level.")
    return redirect(generation)


def generation_delete(request, pk):
    generation = owned_generation(request, pk)
    if request.method == "POST":
        project = generation.project
        with transaction.atomic():
            generations.delete_generation(generation)  # stops it if running; no file left behind
        messages.success(request, "Generation deleted with its files.")
        return redirect(project)
    return render(request, "studio/generation_confirm_delete.html", {"generation": generation})


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
    """The lesson plan as a PDF (``?paper=a4`` or ``letter``), served once a worker has
    rendered it; until then a page that reloads itself while it is being made (a POST asks
    again after a failed render)."""
    generation = owned_generation(request, pk)
    if generation.job.status != Job.Status.SUCCEEDED:
        raise Http404("The lesson plan is ready once the painting has succeeded.")
    paper = lesson_pdf.paper_from(request.GET.get("paper"))
    stored = stored_pdf(generation, paper)
    if stored:
        name = download_name(f"lesson {generation.project.title}", f"{paper}.pdf")
        return serve_field(stored, download_name=name, as_attachment=True)
    state = (lesson_pdf.retry_pdf if request.method == "POST" else lesson_pdf.request_pdf)(generation, paper)
    if request.method == "POST":
        return redirect(request.get_full_path())
    return render(request, "studio/lesson_pdf_wait.html", {"generation": generation, "paper": paper, "state": state},
                  status={"rendering": 202, "failed": 200, "queue-down": 503}[state])


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
