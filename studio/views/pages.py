from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render


@login_not_required
def home(request):
    if request.user.is_authenticated:
        return redirect("studio:project-list")
    return render(request, "studio/home.html")
