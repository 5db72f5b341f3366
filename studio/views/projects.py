from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from studio import generations, jobqueue, lesson_pdf, thumbnails
from studio.forms import ProjectCreateForm, ProjectRenameForm
from studio.models import Job, Project
from studio.views.files import serve_field

PROJECTS_PER_PAGE = 12


def owned_project(request, pk) -> Project:
    """The project, if it belongs to the signed-in user; 404 otherwise (never 403: no leaks)."""
    return get_object_or_404(Project, pk=pk, owner=request.user)


def project_list(request):
    thumbnail_job = Job.objects.filter(project=OuterRef("pk"), kind="thumbnail").order_by("-created_at")
    projects = Project.objects.owned_by(request.user).order_by("-created_at").annotate(
        thumbnail_job_id=Subquery(thumbnail_job.values("pk")[:1]),
        thumbnail_job_status=Subquery(thumbnail_job.values("status")[:1]),
    )
    page = Paginator(projects, PROJECTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "studio/project_list.html", {"page": page})


def project_create(request):
    form = ProjectCreateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            project = form.save(owner=request.user)
        messages.success(request, f"Project “{project.title}” created.")
        if thumbnails.start_thumbnail(project) is None:
            messages.info(request, "Its thumbnail will be made when the painting queue is available again.")
        return redirect(project)
    return render(request, "studio/project_form.html", {"form": form})


def project_detail(request, pk):
    project = owned_project(request, pk)
    thumbnail_job = project.jobs.filter(kind="thumbnail").first()
    if thumbnail_job:
        jobqueue.as_seen(thumbnail_job)
    generations = project.generations.select_related("job", "style")
    return render(request, "studio/project_detail.html", {
        "project": project, "thumbnail_job": thumbnail_job, "generations": generations,
    })


def project_rename(request, pk):
    project = owned_project(request, pk)
    form = ProjectRenameForm(request.POST or None, instance=project)
    if request.method == "POST" and form.is_valid():
        form.save()
        lesson_pdf.forget_pdfs(project.generations.all())  # they print the old title
        messages.success(request, "Project renamed.")
        return redirect(project)
    return render(request, "studio/project_rename.html", {"project": project, "form": form})


def project_delete(request, pk):
    project = owned_project(request, pk)
    if request.method == "POST":
        title = project.title
        with transaction.atomic():
            for generation in project.generations.select_related("job", "project"):
                generations.delete_generation(generation)  # stops running ones, sweeps their files
            for job in project.jobs.all():
                jobqueue.discard(job)
            project.delete()
        messages.success(request, f"Project “{title}” and its files were deleted.")
        return redirect("studio:project-list")
    return render(request, "studio/project_confirm_delete.html", {"project": project})


def project_photo(request, pk):
    return serve_field(owned_project(request, pk).photo)


@require_POST
def project_thumbnail_retry(request, pk):
    """Make a failed thumbnail again (the failed job goes; a new one is queued)."""
    project = owned_project(request, pk)
    failed = project.jobs.filter(kind="thumbnail", status=Job.Status.FAILED)
    if project.thumbnail or not failed.exists():
        messages.info(request, "The thumbnail is ready or on its way.")
    else:
        failed.delete()
        if thumbnails.start_thumbnail(project) is None:
            messages.error(request, "The painting queue is not available right now; try again in a minute.")
        else:
            messages.success(request, "Making the thumbnail again.")
    return redirect(project)


def project_thumbnail(request, pk):
    return serve_field(owned_project(request, pk).thumbnail)


def job_status(request, pk):
    job = get_object_or_404(Job, pk=pk, owner=request.user)
    return JsonResponse(jobqueue.as_seen(job).as_status())


@require_POST
def job_cancel(request, pk):
    job = get_object_or_404(Job, pk=pk, owner=request.user)
    return JsonResponse(jobqueue.cancel(job).as_status())
