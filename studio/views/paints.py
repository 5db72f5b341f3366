"""Paint sets (list, create, edit, delete) and the choice of set for a generation's recipes."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from studio import lesson_pdf
from studio.models import Generation
from studio.models.paints import PaintSet, default_paints_json
from studio.paint_sets import choose_paint_set, refresh_recipes_of
from studio.paint_set_forms import PaintSetChoiceForm, PaintSetForm
from studio.views.generations import owned_generation


def owned_paint_set(request, pk) -> PaintSet:
    """The set, if it belongs to the signed-in user; 404 otherwise."""
    return get_object_or_404(PaintSet, pk=pk, owner=request.user)


def paint_set_list(request):
    return render(request, "studio/paints/set_list.html", {
        "paint_sets": PaintSet.objects.owned_by(request.user),
        "default_paints": default_paints_json(),
    })


def paint_set_create(request):
    form = PaintSetForm(request.POST or None, owner=request.user)
    if request.method == "POST" and form.is_valid():
        paint_set = form.save()
        messages.success(request, f"Paint set “{paint_set.name}” saved with {len(paint_set.paints)} paints.")
        return redirect("studio:paint-set-list")
    return render(request, "studio/paints/set_form.html", {"form": form})


def paint_set_edit(request, pk):
    paint_set = owned_paint_set(request, pk)
    form = PaintSetForm(request.POST or None, instance=paint_set)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            # Lessons mixing with this set get new recipes now (a page view computes none);
            # their stored PDFs would still print the old ones.
            refresh_recipes_of(paint_set)
            lesson_pdf.forget_pdfs(Generation.objects.filter(mixing__paint_set=paint_set))
        messages.success(request, f"Paint set “{paint_set.name}” saved.")
        return redirect("studio:paint-set-list")
    return render(request, "studio/paints/set_form.html", {"form": form, "paint_set": paint_set})


def paint_set_delete(request, pk):
    paint_set = owned_paint_set(request, pk)
    if request.method == "POST":
        name = paint_set.name
        paint_set.delete()  # lessons that used it keep the recipes they showed
        messages.success(request, f"Paint set “{name}” deleted.")
        return redirect("studio:paint-set-list")
    return render(request, "studio/paints/set_confirm_delete.html", {"paint_set": paint_set})


@require_POST
def generation_paint_set(request, pk):
    """Mix a generation's palette from another set: recipes are recomputed now (< 1 s);
    the painting is not run again."""
    generation = owned_generation(request, pk)
    form = PaintSetChoiceForm(request.POST, user=request.user)
    if form.is_valid():
        paint_set = form.cleaned_data["paint_set"]
        with transaction.atomic():
            choose_paint_set(generation, paint_set)
            lesson_pdf.forget_pdfs([generation])  # they print the old recipes
        messages.success(request, f"Recipes now mix from “{paint_set or 'the default set'}”.")
    else:
        messages.error(request, "Choose one of your paint sets.")
    return redirect(reverse("studio:generation-detail", args=[generation.pk]) + "#palette")
