import unicodedata

from django import forms
from django.contrib.auth.forms import UserCreationForm

from engine.transfer.presets import DEFAULT_PRESET
from studio.models import Generation, PaintSet, Project, StyleImage, User
from studio.uploads import ACCEPTED_TEXT, normalise_upload


class SignUpForm(UserCreationForm):
    email = forms.EmailField(required=True, help_text="Used only to reset your password.")

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")


class ImageUploadField(forms.FileField):
    """A file field that accepts only images passing the upload rules, returned normalised."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", f"{ACCEPTED_TEXT}, up to 20 MB and 40 megapixels.")
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("accept", "image/jpeg,image/png,image/webp,image/bmp,image/tiff,image/gif")

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload in (None, False) or upload is initial:
            return upload
        normalised = normalise_upload(upload)
        normalised.label = upload.name
        return normalised


# Unicode categories never wanted in a title: controls, formatting (bidirectional overrides
# such as U+202E, zero-width spaces), surrogates, private use and unassigned code points.
_UNWANTED = {"Cc", "Cf", "Cs", "Co", "Cn"}
_KEPT = {"\u200d"}  # zero-width joiner: part of emoji such as 👩‍🎨


def plain_text(value: str) -> str:
    """``value`` without control and bidirectional-override characters, spaces collapsed."""
    kept = []
    for character in value:
        category = unicodedata.category(character)
        if category == "Cc":
            kept.append(" ")  # a tab, newline or escape separates words
        elif category not in _UNWANTED or character in _KEPT:
            kept.append(character)
    return " ".join("".join(kept).split())


class ProjectTitleMixin:
    def clean_title(self):
        title = plain_text(self.cleaned_data["title"])
        if not title:
            raise forms.ValidationError("Give the project a title in words (letters, digits or emoji).", code="blank")
        return title


class ProjectCreateForm(ProjectTitleMixin, forms.ModelForm):
    photo = ImageUploadField(label="Photo")

    class Meta:
        model = Project
        fields = ("title",)

    def save(self, owner):
        normalised = self.cleaned_data["photo"]
        project = self.instance
        project.owner = owner
        project.photo_label = plain_text(normalised.label or "")[:255]
        project.photo.save(normalised.content.name, normalised.content, save=False)
        project.save()
        return project


class ProjectRenameForm(ProjectTitleMixin, forms.ModelForm):
    class Meta:
        model = Project
        fields = ("title",)


class StyleChoiceField(forms.ModelChoiceField):
    """Curated styles as a visual grid of radio buttons (see the generation form template)."""

    widget = forms.RadioSelect

    def label_from_instance(self, style):
        return style.name


class GenerationForm(forms.Form):
    style = StyleChoiceField(queryset=StyleImage.objects.none(), required=False, empty_label=None)
    custom_style = ImageUploadField(
        required=False, label="…or upload your own style image",
        help_text="Used only for this generation and visible only to you.",
    )
    # The engine's default, as the model's (quick: a preview in seconds on a CPU; standard at 512 px takes minutes).
    preset = forms.ChoiceField(choices=Generation.Preset.choices, initial=DEFAULT_PRESET, widget=forms.RadioSelect)
    output_size = forms.IntegerField(
        min_value=64, max_value=2048, initial=512, label="Painting size (long side, px)",
        help_text="512 px is a good start; larger takes much longer.",
    )
    style_strength = forms.FloatField(min_value=0.1, max_value=10.0, initial=1.0, help_text="1 = balanced; higher = more brush strokes, less photo.")
    preserve_colors = forms.BooleanField(required=False, label="Keep the photo's own colours", help_text="Take only the brushwork from the style.")
    level = forms.ChoiceField(
        choices=Generation.Level.choices, initial=Generation.Level.INTERMEDIATE, widget=forms.RadioSelect, required=False,
        label="Lesson level", help_text="How much the lesson asks of you; you can re-plan a finished painting at "
        "another level without painting it again.",
    )
    palette_colors = forms.IntegerField(min_value=4, max_value=32, initial=16, label="Number of palette colours")
    canvas = forms.CharField(initial="40x30cm", max_length=20, label="Canvas size", help_text="Width × height in mm, cm or in, e.g. 40x30cm, 400x300mm or 16x12in. It is turned to match a portrait photo.")
    seed = forms.IntegerField(min_value=0, max_value=2**31 - 1, initial=0, help_text="Same seed and settings → same painting.")
    paint_set = forms.ModelChoiceField(
        queryset=PaintSet.objects.none(), required=False, label="Mix recipes from",
        help_text="Your own paints, for the mixing recipes; change it later on the finished painting.",
    )

    ADVANCED = ("output_size", "style_strength", "preserve_colors", "palette_colors", "canvas", "seed")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["style"].queryset = StyleImage.objects.active()
        self.fields["paint_set"].queryset = PaintSet.objects.owned_by(user)
        self.fields["paint_set"].empty_label = "Default set (common tube paints)"
        default = StyleImage.default()
        if default and not self.is_bound:
            self.initial.setdefault("style", default.pk)

    def advanced_fields(self):
        return [self[name] for name in self.ADVANCED]

    def clean_level(self):
        return self.cleaned_data.get("level") or Generation.Level.INTERMEDIATE  # not sent: the default

    def clean_canvas(self):
        from engine.lesson.grid import parse_canvas

        text = self.cleaned_data["canvas"].strip().replace(" ", "")
        try:
            parse_canvas(text)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None
        return text

    def clean(self):
        # The 2-paintings limit is checked when the generation is saved, under a lock
        # (studio.generations.start_generation): a check here could not hold in parallel.
        cleaned = super().clean()
        if not cleaned.get("style") and not cleaned.get("custom_style") and "custom_style" not in self.errors:
            raise forms.ValidationError("Pick one of the styles or upload your own style image.")
        if cleaned.get("preset") and cleaned.get("output_size"):
            self._check_time_limit(cleaned["preset"], cleaned["output_size"])
        return cleaned

    def _check_time_limit(self, preset: str, size: int) -> None:
        """Refuse runs the transfer queue would kill for taking too long."""
        from django.conf import settings

        from engine.transfer.timing import estimate_seconds

        limit = settings.RQ_QUEUES["transfer"]["DEFAULT_TIMEOUT"]
        estimate = estimate_seconds(preset, size)
        if estimate > 0.8 * limit:
            raise forms.ValidationError(
                f"{Generation.Preset(preset).label} at {size} px would take about {estimate / 3600:.1f} h on this "
                f"server, over its {limit / 3600:g} h limit. Choose a smaller size or a faster preset."
            )

    def generation_parameters(self) -> dict:
        data = self.cleaned_data
        parameters = {key: data[key] for key in ("preset", "output_size", "style_strength", "preserve_colors", "palette_colors",
                                                 "canvas", "seed", "level")}
        custom = data.get("custom_style")
        parameters["style"] = None if custom else data["style"]
        parameters["custom_style"] = custom or None
        return parameters


class LevelForm(forms.Form):
    """Re-plan a finished painting's lesson at another level."""

    level = forms.ChoiceField(choices=Generation.Level.choices, widget=forms.RadioSelect, label="Lesson level")


class PaintAlongMarkForm(forms.Form):
    """A sub-step marked done (or not) on the paint-along page; ``key`` must be one of the lesson's."""

    key = forms.RegexField(regex=r"^\d{2}-\d{2}$", max_length=5)
    done = forms.BooleanField(required=False)


class CanvasCheckForm(forms.Form):
    """A photo of the painter's canvas and the step or sub-step it should match now."""

    step = forms.ChoiceField(label="It should look like")
    photo = ImageUploadField(
        label="Photo of your canvas",
        help_text=f"The whole canvas with its four corners in the picture, in even light; an angle is fine. "
                  f"{ACCEPTED_TEXT}, up to 20 MB and 40 megapixels.",
    )

    def __init__(self, *args, choices=(), **kwargs):
        """``choices``: :func:`studio.check_targets.check_choices`, grouped by step in the list."""
        super().__init__(*args, **kwargs)
        groups: dict[int, list] = {}
        for choice in choices:
            groups.setdefault(choice["step"], []).append((choice["key"], choice["label"]))
        self.fields["step"].choices = [(f"Step {step}", options) for step, options in groups.items()]

    def clean_photo(self):
        from engine.check.pipeline import MIN_PHOTO_SIDE

        photo = self.cleaned_data["photo"]
        if min(photo.width, photo.height) < MIN_PHOTO_SIDE:
            raise forms.ValidationError(
                f"The photo is {photo.width}×{photo.height} px: too small to see the canvas. Each side must be "
                f"at least {MIN_PHOTO_SIDE} px; send the photo as your camera took it.", code="too_small")
        return photo


class CheckCornersForm(forms.Form):
    """The canvas's four corners in the check's photo, dragged by the painter (photo px)."""

    CORNERS = ("top-left", "top-right", "bottom-right", "bottom-left")

    x1, y1 = forms.FloatField(label="Top-left x"), forms.FloatField(label="Top-left y")
    x2, y2 = forms.FloatField(label="Top-right x"), forms.FloatField(label="Top-right y")
    x3, y3 = forms.FloatField(label="Bottom-right x"), forms.FloatField(label="Bottom-right y")
    x4, y4 = forms.FloatField(label="Bottom-left x"), forms.FloatField(label="Bottom-left y")

    def __init__(self, *args, photo_size, **kwargs):
        """``photo_size``: (width, height) of the check's photo in px."""
        super().__init__(*args, **kwargs)
        self.photo_size = photo_size

    def clean(self):
        """``corners``: the four points in order (top-left first, clockwise), checked by the
        engine's own rule (inside the photo, enclosing a convex shape)."""
        from engine.check.pipeline import checked_corners
        from engine.errors import InputError

        cleaned = super().clean()
        names = [(f"x{i}", f"y{i}") for i in range(1, 5)]
        if any(cleaned.get(name) is None for pair in names for name in pair):
            return cleaned
        width, height = self.photo_size
        try:
            ordered = checked_corners([[cleaned[x], cleaned[y]] for x, y in names], (height, width))
        except InputError as error:
            raise forms.ValidationError(f"Those corners cannot be used: {error}") from None
        cleaned["corners"] = ordered.tolist()
        return cleaned
