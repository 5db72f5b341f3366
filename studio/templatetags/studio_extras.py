from django import template

register = template.Library()


@register.filter
def percent(value, digits=1):
    """0.1234 → "12.3%"."""
    try:
        return f"{float(value) * 100:.{int(digits)}f}%"
    except (TypeError, ValueError):
        return ""


@register.filter
def colour_name(name):
    """A palette colour's stored CSS name in words, as the engine's lesson.html writes it."""
    from engine.color.names import plain_words

    return plain_words(str(name))
