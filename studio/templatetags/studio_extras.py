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
    """A palette colour's stored name in words, as the engine's lesson.html writes it.

    Painter's names ("warm mid brown") pass unchanged; older lessons' CSS names are spelt
    out ("~darkslategray" → "~dark slate gray").
    """
    from engine.color.names import plain_words

    return plain_words(str(name))


@register.filter
def duration_words(seconds):
    """Seconds as a person says them: "less than a minute", "about 4 min", "about 1 h 20 min"."""
    try:
        seconds = float(seconds)
    except (TypeError, ValueError):
        return ""
    if seconds < 60:
        return "less than a minute"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"about {minutes} min"
    return f"about {minutes // 60} h {minutes % 60:02d} min" if minutes % 60 else f"about {minutes // 60} h"


@register.filter
def minutes_words(minutes):
    """Minutes as a person says them (see :func:`duration_words`)."""
    try:
        return duration_words(float(minutes) * 60.0)
    except (TypeError, ValueError):
        return ""
