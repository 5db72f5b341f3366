"""The site's URLs plus one view that fails, to see the 500 page as a user would."""

from django.urls import path

from painting_site.urls import urlpatterns as site_urlpatterns


def failing_view(request):
    raise RuntimeError("a bug")


urlpatterns = [*site_urlpatterns, path("fails/", failing_view)]
