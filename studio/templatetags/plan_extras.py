"""Template access to a lesson's stroke plan (``lesson.json`` → ``plan`` and the steps'
brush, stroke count and stroke map); generations made before plans existed have none."""

from django import template

register = template.Library()


@register.filter
def plan_step(lesson, order):
    """The ``lesson.json`` entry of step ``order`` when it is a layer of a stroke plan, else None."""
    if not lesson or "plan" not in lesson:
        return None
    for step in lesson.get("steps", ()):
        if step.get("order") == order and step.get("stroke_map"):
            return step
    return None
