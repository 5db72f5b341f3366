from django.conf import settings
from django.db import models, transaction
from django.urls import reverse

from studio.storage_paths import random_name


def style_image_path(style, filename):
    return f"styles/{random_name(filename)}"


def style_thumbnail_path(style, filename):
    return f"styles/thumbnails/{random_name(filename)}"


class StyleImageQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class StyleImage(models.Model):
    """A style image curated by administrators, offered to every user for new generations.

    Retiring a style (``active=False``) hides it from new generations; old generations keep it.
    Exactly one style is the default: saving one with ``is_default`` clears it on the others.
    """

    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)
    image = models.ImageField(upload_to=style_image_path, width_field="width", height_field="height")
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    thumbnail = models.ImageField(upload_to=style_thumbnail_path, blank=True, editable=False)
    active = models.BooleanField(default=True, help_text="Offered for new generations. Untick to retire the style.")
    is_default = models.BooleanField(default=False, help_text="Preselected for new generations (exactly one style).")
    display_order = models.PositiveIntegerField(default=100, help_text="Smaller numbers come first.")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = StyleImageQuerySet.as_manager()

    class Meta:
        ordering = ["display_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=models.Q(is_default=True), name="one_default_style"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.is_default and not self.active:
            raise ValidationError("The default style cannot be retired: make another style the default first.")

    def save(self, *args, **kwargs):
        with transaction.atomic():
            if self.is_default:
                StyleImage.objects.filter(is_default=True).exclude(pk=self.pk).update(is_default=False)
            super().save(*args, **kwargs)
            if not StyleImage.objects.filter(is_default=True).exists():
                first = StyleImage.objects.active().first()
                if first:
                    StyleImage.objects.filter(pk=first.pk).update(is_default=True)

    def stored_files(self):
        return [f for f in (self.image, self.thumbnail) if f]

    @classmethod
    def default(cls):
        return cls.objects.filter(is_default=True).first() or cls.objects.active().first()

    def image_url(self):
        return reverse("studio:style-image", args=[self.pk])

    def thumbnail_url(self):
        return reverse("studio:style-thumbnail", args=[self.pk]) if self.thumbnail else self.image_url()
