from django.urls import path

from studio.views import projects

app_name = "studio"

urlpatterns = [
    path("projects/", projects.project_list, name="project-list"),
    path("projects/new/", projects.project_create, name="project-create"),
    path("projects/<uuid:pk>/", projects.project_detail, name="project-detail"),
    path("projects/<uuid:pk>/rename/", projects.project_rename, name="project-rename"),
    path("projects/<uuid:pk>/delete/", projects.project_delete, name="project-delete"),
    path("projects/<uuid:pk>/photo/", projects.project_photo, name="project-photo"),
    path("projects/<uuid:pk>/thumbnail/", projects.project_thumbnail, name="project-thumbnail"),
    path("jobs/<uuid:pk>/", projects.job_status, name="job-status"),
    path("jobs/<uuid:pk>/cancel/", projects.job_cancel, name="job-cancel"),
]
