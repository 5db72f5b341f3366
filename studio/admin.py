from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.html import format_html

from studio.models import Generation, Job, Project, StyleImage, User
from studio.styles import refresh_style_thumbnail
from studio.forms import ImageUploadField
from studio.uploads import NormalisedImage

admin.site.site_header = "Painting Assistant administration"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    pass


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("title", "owner", "created_at", "photo_size")
    list_filter = ("created_at",)
    search_fields = ("title", "owner__username")
    readonly_fields = ("photo_width", "photo_height", "created_at", "updated_at")

    @admin.display(description="Photo")
    def photo_size(self, project):
        return f"{project.photo_width}×{project.photo_height}"


class StyleImageForm(forms.ModelForm):
    # The same upload rules as users' photos, normalised the same way.
    image = ImageUploadField(widget=forms.ClearableFileInput)

    class Meta:
        model = StyleImage
        fields = ("name", "slug", "description", "image", "active", "is_default", "display_order")

    def clean_image(self):
        image = self.cleaned_data["image"]
        return image.content if isinstance(image, NormalisedImage) else image


@admin.register(StyleImage)
class StyleImageAdmin(admin.ModelAdmin):
    form = StyleImageForm
    list_display = ("preview", "name", "active", "is_default", "display_order", "used_by", "added_by")
    list_display_links = ("preview", "name")
    list_editable = ("active", "display_order")
    list_filter = ("active",)
    search_fields = ("name", "description")
    prepopulated_fields = {"slug": ("name",)}
    actions = ("make_default", "retire", "reinstate")

    @admin.display(description="Style")
    def preview(self, style):
        return format_html('<img src="{}" alt="" style="height:64px;border-radius:4px">', style.thumbnail_url())

    @admin.display(description="Generations")
    def used_by(self, style):
        return style.generations.count()

    def save_model(self, request, obj, form, change):
        if not obj.added_by_id:
            obj.added_by = request.user
        super().save_model(request, obj, form, change)
        if "image" in form.changed_data or not obj.thumbnail:
            refresh_style_thumbnail(obj)

    @admin.action(description="Make the selected style the default")
    def make_default(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one style to make it the default.", messages.ERROR)
            return
        style = queryset.get()
        style.is_default, style.active = True, True
        style.save()
        self.message_user(request, f"“{style.name}” is now the default style.")

    @admin.action(description="Retire (hide from new generations)")
    def retire(self, request, queryset):
        if queryset.filter(is_default=True).exists():
            self.message_user(request, "The default style cannot be retired: make another one the default first.", messages.ERROR)
            return
        self.message_user(request, f"Retired {queryset.update(active=False)} style(s); past generations keep them.")

    @admin.action(description="Reinstate (offer for new generations)")
    def reinstate(self, request, queryset):
        self.message_user(request, f"Reinstated {queryset.update(active=True)} style(s).")


@admin.register(Generation)
class GenerationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "user", "project", "style_name", "status", "duration", "demo_quality", "error")
    list_filter = ("job__status", "preset", "demo_quality", "style")
    search_fields = ("project__title", "project__owner__username")
    list_select_related = ("project__owner", "job", "style")
    readonly_fields = [f.name for f in Generation._meta.fields]

    @admin.display(description="User", ordering="project__owner__username")
    def user(self, generation):
        return generation.project.owner

    @admin.display(description="Status", ordering="job__status")
    def status(self, generation):
        return generation.job.get_status_display()

    @admin.display(description="Duration")
    def duration(self, generation):
        duration = generation.job.duration
        return f"{duration.total_seconds():.0f} s" if duration else "—"

    @admin.display(description="Error")
    def error(self, generation):
        return generation.job.message if generation.job.status == Job.Status.FAILED else ""

    def has_add_permission(self, request):
        return False


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("kind", "owner", "status", "progress_percent", "created_at", "duration", "message")
    list_filter = ("status", "kind", "queue")
    search_fields = ("id", "owner__username", "message")
    readonly_fields = [f.name for f in Job._meta.fields]

    @admin.display(description="Progress")
    def progress_percent(self, job):
        return f"{job.progress:.0%}"
