"""Error pages Django makes without the site's frame or the reason a user needs."""

from django.contrib.auth.decorators import login_not_required
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import cache_control


def csrf_failure(request, reason=""):
    """``CSRF_FAILURE_VIEW``: Django renders a custom 403_csrf.html without the reason; this
    one says when the cookie is missing (cookies blocked), in the site's frame."""
    return render(request, "403_csrf.html", {"no_cookie": reason == REASON_NO_CSRF_COOKIE}, status=403)


class BrandedMethodNotAllowed:
    """Django answers a 405 (``require_POST`` & co.) with an empty body: give it the site's page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not response.content and not response.streaming:
            page = render(request, "405.html", status=405)
            page["Allow"] = response.get("Allow", "")
            return page
        return response


@login_not_required
@cache_control(max_age=86400, public=True)
def favicon(request):
    """``/favicon.ico``, which browsers ask for on every site, at its static URL."""
    return redirect(static("favicon.ico"), permanent=False)
