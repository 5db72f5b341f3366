"""Check my canvas: upload a photo for a step, see the findings, drag the corners, check again."""

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from studio import canvas_checks, check_targets, jobqueue, paint_along
from studio.forms import CanvasCheckForm, CheckCornersForm
from studio.models import CanvasCheck, Job
from studio.views.files import serve_field
from studio.views.generations import owned_generation


def owned_check(request, pk) -> CanvasCheck:
    """The check, if its generation's project belongs to the signed-in user; 404 otherwise."""
    return get_object_or_404(CanvasCheck.objects.select_related("generation__project", "generation__job", "job"),
                             pk=pk, generation__project__owner=request.user)


def check_create(request, pk):
    """The upload form for one step or sub-step (``?step=NN`` or ``?step=NN-MM``)."""
    generation = owned_generation(request, pk)
    if generation.job.status != Job.Status.SUCCEEDED or not generation.lesson:
        raise Http404("The lesson is ready once the painting has succeeded.")
    choices = check_targets.check_choices(generation)
    if not choices:
        raise Http404("This lesson has no steps to check a canvas against.")
    keys = [choice["key"] for choice in choices]
    # The step asked for, else the sub-step the painter is at on the paint-along page, else the last step.
    asked = (request.POST.get("step") or request.GET.get("step")
             or paint_along.progress_of(request.user, generation).current)
    chosen = choices[keys.index(asked)] if asked in keys else choices[-1]
    form = CanvasCheckForm(request.POST or None, request.FILES or None, choices=choices,
                           initial={"step": chosen["key"]})
    if request.method == "POST" and form.is_valid():
        photo = form.cleaned_data["photo"]
        try:
            check = canvas_checks.start_check(generation, form.cleaned_data["step"], photo, label=photo.label or "")
        except jobqueue.Refused as refusal:  # the queue down, too many running: nothing saved
            form.add_error(None, str(refusal))
        else:
            return redirect(check)
    return render(request, "studio/canvas_check_form.html", {
        "generation": generation, "project": generation.project, "form": form, "chosen": chosen,
        "choices": choices, "earlier": [c for c in canvas_checks.history(generation) if c.step_key == chosen["key"]],
    })


def check_detail(request, pk):
    check = owned_check(request, pk)
    jobqueue.as_seen(check.job)
    findings = check.findings or {}
    corners = findings.get("corners") or check.corners_given or _inset(check)
    return render(request, "studio/canvas_check.html", {
        "check": check, "generation": check.generation, "project": check.generation.project, "job": check.job,
        "findings": findings, "regions": canvas_checks.result_regions(check),
        "stage_label": canvas_checks.STAGE_LABELS.get(check.job.stage, "Starting"),
        "stage_labels": canvas_checks.STAGE_LABELS,
        "corners": [{"name": name, "number": i, "x": x, "y": y,
                     "left": 100 * x / check.photo_width, "top": 100 * y / check.photo_height}
                    for i, (name, (x, y)) in enumerate(zip(CheckCornersForm.CORNERS, corners), start=1)],
        "lesson_anchor": reverse("studio:generation-detail", args=[check.generation.pk]) + _anchor(check.step_key),
    })


@require_POST
def check_corners(request, pk):
    """Check the same photo again with the corners the painter dragged."""
    check = owned_check(request, pk)
    form = CheckCornersForm(request.POST, photo_size=(check.photo_width, check.photo_height))
    if not form.is_valid():
        errors = list(form.non_field_errors()) + [
            f"{form.fields[name].label}: {error}"
            for name, field_errors in form.errors.items() if name != "__all__" for error in field_errors]
        messages.error(request, errors[0] if errors else "Give the four corners in photo pixels.")
        return redirect(reverse("studio:canvas-check", args=[check.pk]) + "#corners")
    try:
        canvas_checks.check_again(check, form.cleaned_data["corners"])
    except jobqueue.Refused as refusal:  # still running, the queue down: nothing changed
        messages.error(request, str(refusal))
    else:
        messages.success(request, "Checking the photo again with your corners.")
    return redirect(check)


@require_POST
def check_delete(request, pk):
    check = owned_check(request, pk)
    generation = check.generation
    with transaction.atomic():
        canvas_checks.delete_check(check)
    messages.success(request, "The check and its photo were deleted.")
    return redirect(reverse("studio:generation-detail", args=[generation.pk]) + "#checks")


def check_file(request, pk, name):
    """A picture of the check: ``photo``, ``target``, ``rectified`` or ``findings``."""
    check = owned_check(request, pk)
    fields = {"photo": check.photo, "target": check.target, "rectified": check.rectified, "findings": check.picture}
    if not fields.get(name):
        raise Http404("No such file.")
    return serve_field(fields[name])


def _inset(check: CanvasCheck) -> list[list[float]]:
    """Corners to start dragging from when none were found: a tenth in from each side."""
    width, height = check.photo_width, check.photo_height
    return [[0.1 * width, 0.1 * height], [0.9 * width, 0.1 * height], [0.9 * width, 0.9 * height],
            [0.1 * width, 0.9 * height]]


def _anchor(step_key: str) -> str:
    return f"#substep-{step_key}" if "-" in step_key else f"#step-{int(step_key)}"
