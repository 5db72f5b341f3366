from django.urls import path

from studio.views import checks, generations, paint_along, paints, projects

app_name = "studio"

urlpatterns = [
    path("projects/", projects.project_list, name="project-list"),
    path("projects/new/", projects.project_create, name="project-create"),
    path("projects/<uuid:pk>/", projects.project_detail, name="project-detail"),
    path("projects/<uuid:pk>/rename/", projects.project_rename, name="project-rename"),
    path("projects/<uuid:pk>/delete/", projects.project_delete, name="project-delete"),
    path("projects/<uuid:pk>/photo/", projects.project_photo, name="project-photo"),
    path("projects/<uuid:pk>/thumbnail/", projects.project_thumbnail, name="project-thumbnail"),
    path("projects/<uuid:pk>/thumbnail/retry/", projects.project_thumbnail_retry, name="project-thumbnail-retry"),
    path("projects/<uuid:pk>/paint/", generations.generation_create, name="generation-create"),
    path("projects/<uuid:pk>/compare/", generations.compare, name="generation-compare"),
    path("generations/<uuid:pk>/", generations.generation_detail, name="generation-detail"),
    path("generations/<uuid:pk>/status/", generations.generation_status, name="generation-status"),
    path("generations/<uuid:pk>/cancel/", generations.generation_cancel, name="generation-cancel"),
    path("generations/<uuid:pk>/retry/", generations.generation_retry, name="generation-retry"),
    path("generations/<uuid:pk>/delete/", generations.generation_delete, name="generation-delete"),
    path("generations/<uuid:pk>/replan/", generations.generation_replan, name="generation-replan"),
    path("generations/<uuid:pk>/paint-along/", paint_along.paint_along_page, name="paint-along"),
    path("generations/<uuid:pk>/paint-along/mark/", paint_along.paint_along_mark, name="paint-along-mark"),
    path("generations/<uuid:pk>/lesson/", generations.lesson_print, name="lesson-print"),
    path("generations/<uuid:pk>/lesson.pdf", generations.lesson_pdf_download, name="lesson-pdf"),
    path("generations/<uuid:pk>/files/<path:name>", generations.generation_file, name="generation-file"),
    path("generations/<uuid:pk>/check/", checks.check_create, name="canvas-check-create"),
    path("checks/<uuid:pk>/", checks.check_detail, name="canvas-check"),
    path("checks/<uuid:pk>/corners/", checks.check_corners, name="canvas-check-corners"),
    path("checks/<uuid:pk>/delete/", checks.check_delete, name="canvas-check-delete"),
    path("checks/<uuid:pk>/files/<str:name>", checks.check_file, name="canvas-check-file"),
    path("styles/<int:pk>/image/", generations.style_image, name="style-image"),
    path("styles/<int:pk>/thumbnail/", generations.style_thumbnail, name="style-thumbnail"),
    path("paints/", paints.paint_set_list, name="paint-set-list"),
    path("paints/new/", paints.paint_set_create, name="paint-set-create"),
    path("paints/<uuid:pk>/", paints.paint_set_edit, name="paint-set-edit"),
    path("paints/<uuid:pk>/delete/", paints.paint_set_delete, name="paint-set-delete"),
    path("generations/<uuid:pk>/paints/", paints.generation_paint_set, name="generation-paint-set"),
    path("jobs/<uuid:pk>/", projects.job_status, name="job-status"),
    path("jobs/<uuid:pk>/cancel/", projects.job_cancel, name="job-cancel"),
]
