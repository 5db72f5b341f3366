"""The paint-along page: one sub-step at a time, beside the easel (or through a projector)."""

from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from studio import paint_along
from studio.forms import PaintAlongMarkForm
from studio.models import Job
from studio.views.generations import owned_generation


def _finished(request, pk):
    generation = owned_generation(request, pk)  # 404 for anyone but the owner
    if generation.job.status != Job.Status.SUCCEEDED:
        raise Http404("The lesson is ready once the painting has succeeded.")
    return generation


def paint_along_page(request, pk):
    generation = _finished(request, pk)
    substeps = paint_along.lesson_substeps(generation)
    progress = paint_along.progress_of(request.user, generation)
    keys = [sub["key"] for sub in substeps]
    asked = request.GET.get("step")
    index = keys.index(asked) if asked in keys else paint_along.resume_index(substeps, progress)
    return render(request, "studio/paint_along.html", {
        "generation": generation,
        "project": generation.project,
        "lesson": generation.lesson,
        "substeps": substeps,
        "current": substeps[index] if substeps else None,
        "previous": substeps[index - 1] if index > 0 else None,
        "next": substeps[index + 1] if index + 1 < len(substeps) else None,
        "done": set(progress.done),
        "page_data": {
            "markUrl": reverse("studio:paint-along-mark", args=[generation.pk]),
            "planUrl": reverse("studio:generation-file", args=[generation.pk, "plan.json"]),
            "index": index,
            "done": progress.done,
            "substeps": [_for_script(generation, sub) for sub in substeps],
        },
    })


def _for_script(generation, sub: dict) -> dict:
    """What the page's script needs of a sub-step (the server renders the rest)."""
    return {"key": sub["key"], "step": sub["step"], "order": sub["order"], "color": sub["color"],
            "strokes": sub["strokes"], "minutes": sub["minutes"],
            "image": reverse("studio:generation-file", args=[generation.pk, sub["image"]])}


@require_POST
def paint_along_mark(request, pk):
    """Mark a sub-step done or not: JSON for the page's script, a redirect without it."""
    generation = _finished(request, pk)
    form = PaintAlongMarkForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"error": "Which sub-step? Send its key, e.g. 01-02."}, status=400)
    try:
        progress = paint_along.mark(request.user, generation, form.cleaned_data["key"], done=form.cleaned_data["done"])
    except KeyError:
        raise Http404("This lesson has no such sub-step.") from None
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"done": progress.done, "current": progress.current})
    return redirect(reverse("studio:paint-along", args=[generation.pk]) + f"?step={progress.current}")
