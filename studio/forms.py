from django import forms
from django.contrib.auth.forms import UserCreationForm

from studio.models import Project, User
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


class ProjectCreateForm(forms.ModelForm):
    photo = ImageUploadField(label="Photo")

    class Meta:
        model = Project
        fields = ("title",)

    def save(self, owner):
        normalised = self.cleaned_data["photo"]
        project = self.instance
        project.owner = owner
        project.photo_label = (normalised.label or "")[:255]
        project.photo.save(normalised.content.name, normalised.content, save=False)
        project.save()
        return project


class ProjectRenameForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = ("title",)
