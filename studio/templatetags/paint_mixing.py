"""``{% mixing_for generation as mixing %}``: a generation's mixing recipes for its pages.

Used by the recipe includes of the palette and step sections (generation page, print
page, PDF), so the shared lesson context needs nothing new. It only reads the stored
recipes (once per request and generation): the job and the POSTs that change the paints
compute them (:mod:`studio.paint_sets`).
"""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def mixing_for(context, generation):
    """``{"set_name", "recipes": [...], "by_number": {n: recipe}, "mean_delta_e", "out_of_reach",
    "choice_form"}`` or None while the generation has no palette."""
    cached = getattr(generation, "_mixing_context", None)
    if cached is not None:
        return cached or None
    from studio.paint_sets import stored_mixing

    mixing = stored_mixing(generation)
    if mixing is None:
        generation._mixing_context = {}
        return None
    recipes = mixing.recipes
    request = context.get("request")
    choice_form = None
    if request is not None and getattr(request, "user", None) and request.user.is_authenticated:
        from studio.paint_set_forms import PaintSetChoiceForm

        choice_form = PaintSetChoiceForm(user=request.user, initial={"paint_set": mixing.paint_set_id})
    generation._mixing_context = {
        "recipes": recipes,
        "by_number": {recipe["number"]: recipe for recipe in recipes},
        "set_name": mixing.set_name or mixing.current_paints()[0],
        "mean_delta_e": sum(r["delta_e"] for r in recipes) / len(recipes) if recipes else 0.0,
        "out_of_reach": sum(1 for r in recipes if not r["reachable"]),
        "choice_form": choice_form,
    }
    return generation._mixing_context


@register.filter
def recipe_of(mixing, number):
    """The recipe of palette colour ``number`` (None when there is none)."""
    return (mixing or {}).get("by_number", {}).get(number)


@register.filter
def default_paint_hex(name):
    """The masstone colour of a default paint, for its swatch in the set form."""
    from engine.mixing.paints import default_paint

    paint = default_paint(str(name))
    return paint.hex if paint else "transparent"
