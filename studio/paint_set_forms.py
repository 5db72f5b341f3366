"""Forms for paint sets: pick from the default paints, add your own as "name, #rrggbb" lines."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from studio.models.paints import MAX_PAINTS, MIN_PAINTS, PaintSet
from studio.paint_sets import check_paints


def default_paint_choices():
    from engine.mixing.paints import DEFAULT_PAINTS

    return [(paint.name, paint.name) for paint in DEFAULT_PAINTS]


class PaintSetForm(forms.ModelForm):
    """A set is the default paints ticked plus the user's own paints, 3 to 30 in all."""

    defaults = forms.MultipleChoiceField(
        choices=default_paint_choices, required=False, widget=forms.CheckboxSelectMultiple,
        label="Paints from the default set",
    )
    own = forms.CharField(
        required=False, label="Your own paints", widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        help_text='One per line: a name, a comma and its colour as #rrggbb, e.g. "Naples yellow, #e9c054".',
    )

    class Meta:
        model = PaintSet
        fields = ("name",)
        labels = {"name": "Name of the set"}

    def __init__(self, *args, owner=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner = owner or self.instance.owner
        if self.instance.pk and not self.is_bound:
            defaults = {value for value, _ in default_paint_choices()}
            from engine.mixing.paints import default_paint

            ticked, own = [], []
            for paint in self.instance.paints:
                known = default_paint(paint["name"])
                if paint["name"] in defaults and known and known.hex == paint["hex"]:
                    ticked.append(paint["name"])
                else:
                    own.append(f"{paint['name']}, {paint['hex']}")
            self.initial.update(defaults=ticked, own="\n".join(own))

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise ValidationError("Give the set a name.")
        clash = PaintSet.objects.owned_by(self.owner).filter(name__iexact=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError(f"You already have a set called “{name}”.")
        return name

    def clean_own(self):
        from engine.mixing.paints import parse_hex

        paints = []
        for number, line in enumerate(self.cleaned_data["own"].splitlines(), start=1):
            if not line.strip():
                continue
            name, comma, colour = line.rpartition(",")
            if not comma or not name.strip():
                raise ValidationError(f'Line {number}: write a name, a comma and a colour, e.g. "Naples yellow, #e9c054".')
            try:
                parse_hex(colour)
            except ValueError as error:
                raise ValidationError(f"Line {number}: {error}") from None
            paints.append({"name": " ".join(name.split()), "hex": colour.strip()})
        return paints

    def clean(self):
        cleaned = super().clean()
        if "own" in self.errors:
            return cleaned
        from engine.mixing.paints import default_paint

        paints = [default_paint(name).to_json() for name in cleaned.get("defaults", [])] + cleaned.get("own", [])
        if not MIN_PAINTS <= len(paints) <= MAX_PAINTS:
            raise ValidationError(
                f"A paint set needs {MIN_PAINTS} to {MAX_PAINTS} paints; you chose {len(paints)}. "
                "Tick paints from the default set or add your own, one per line."
            )
        try:
            self.instance.paints = check_paints(paints)
        except ValidationError as error:
            self.add_error("own" if cleaned.get("own") else None, error)
        return cleaned

    def save(self, commit=True):
        self.instance.owner = self.owner
        return super().save(commit=commit)


class PaintSetChoiceForm(forms.Form):
    """Which of the user's sets a generation's recipes use (empty: the default set)."""

    paint_set = forms.ModelChoiceField(
        queryset=PaintSet.objects.none(), required=False, label="Mix with",
    )

    def __init__(self, *args, user=None, **kwargs):
        from engine.mixing.paints import DEFAULT_PAINTS

        super().__init__(*args, **kwargs)
        self.fields["paint_set"].queryset = PaintSet.objects.owned_by(user)
        self.fields["paint_set"].empty_label = f"Default set ({len(DEFAULT_PAINTS)} common tube paints)"
