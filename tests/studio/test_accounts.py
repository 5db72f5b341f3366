import re

import pytest
from django.core import mail
from django.urls import reverse

from studio.models import User

pytestmark = pytest.mark.django_db


def test_sign_up_logs_in_and_lands_on_projects(client):
    response = client.post(
        reverse("signup"),
        {"username": "carol", "email": "carol@example.com", "password1": "paint-the-sky-77", "password2": "paint-the-sky-77"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("studio:project-list")
    assert response.context["user"].username == "carol"
    assert User.objects.get(username="carol").email == "carol@example.com"


def test_sign_up_refuses_weak_passwords(client):
    response = client.post(reverse("signup"), {"username": "dave", "email": "d@example.com", "password1": "123", "password2": "123"})
    assert response.status_code == 200 and not User.objects.filter(username="dave").exists()
    assert "too short" in response.content.decode()


def test_login_logout(client, alice):
    response = client.post(reverse("login"), {"username": "alice", "password": "a-good-passphrase-42"})
    assert response.status_code == 302 and response.url == reverse("studio:project-list")
    assert client.get(reverse("studio:project-list")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("studio:project-list")).status_code == 302


def test_password_change(alice_client, alice):
    response = alice_client.post(
        reverse("password_change"),
        {"old_password": "a-good-passphrase-42", "new_password1": "brush-and-canvas-9", "new_password2": "brush-and-canvas-9"},
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("brush-and-canvas-9")


def test_password_reset_by_email(client, alice):
    client.post(reverse("password_reset"), {"email": "alice@example.com"})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    response = client.post(form_page.redirect_chain[-1][0], {"new_password1": "new-sunset-colours-5", "new_password2": "new-sunset-colours-5"})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("new-sunset-colours-5")
