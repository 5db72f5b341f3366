from django import template

register = template.Library()


@register.filter
def percent(value, digits=1):
    """0.1234 → "12.3%"."""
    try:
        return f"{float(value) * 100:.{int(digits)}f}%"
    except (TypeError, ValueError):
        return ""
