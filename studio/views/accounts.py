from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render

from studio.forms import SignUpForm


@login_not_required
def signup(request):
    if request.user.is_authenticated:
        return redirect("studio:project-list")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("studio:project-list")
    return render(request, "registration/signup.html", {"form": form})
