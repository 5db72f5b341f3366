"""The studio's curated styles: thumbnails, and the built-in brush-stroke styles."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import transaction

from engine.imageio import encode_png
from studio.models import StyleImage
from studio.thumbnails import make_thumbnail_image

BUILT_IN_SIZE = 768


def refresh_style_thumbnail(style: StyleImage) -> None:
    old = style.thumbnail.name if style.thumbnail else None
    thumbnail = make_thumbnail_image(style.image, size=(240, 240))
    style.thumbnail.save(thumbnail.name, thumbnail, save=False)
    StyleImage.objects.filter(pk=style.pk).update(thumbnail=style.thumbnail.name)
    if old:
        style.thumbnail.storage.delete(old)


def install_default_styles(log=print, size: int = BUILT_IN_SIZE) -> list[StyleImage]:
    """Render and install the built-in brush-stroke styles that are missing (idempotent).

    ``size``: side of the rendered square images in px. Styles already installed (by slug) are left as the administrators keep them:
    renamed, reordered or retired. The first built-in style becomes the default only
    when no style is the default yet.
    """
    from engine.strokes.styles import DEFAULT_STYLES, render_style

    installed = []
    for order, spec in enumerate(DEFAULT_STYLES):
        if StyleImage.objects.filter(slug=spec.slug).exists():
            continue
        log(f"rendering style “{spec.name}”")
        image = render_style(spec.slug, size=size)
        with transaction.atomic():
            style = StyleImage(name=spec.name, slug=spec.slug, description=spec.description, display_order=(order + 1) * 10)
            style.is_default = order == 0 and not StyleImage.objects.filter(is_default=True).exists()
            style.image.save(f"{spec.slug}.png", ContentFile(encode_png(image), name=f"{spec.slug}.png"), save=False)
            style.save()
            refresh_style_thumbnail(style)
        installed.append(style)
    return installed
