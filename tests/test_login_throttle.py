"""Admin logins are throttled (django-axes): guessing stops after five wrong passwords."""

import pytest
from django.urls import reverse

from .factories import make_staff

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5


def log_in(client, username, password, ip="203.0.113.7"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=ip,
    )


def test_five_wrong_passwords_lock_the_account_out_from_that_address(client, axes_on):
    user = make_staff("editor")
    user.set_password(PASSWORD)
    user.save()
    for _ in range(4):
        response = log_in(client, "editor", "guess")
        assert response.status_code == 200  # the login form again, with Django's error
    locked = log_in(client, "editor", "guess")
    assert locked.status_code == 429
    text = locked.content.decode()
    assert "登录已暂停" in text
    assert "连续输错密码 5 次" in text
    assert "30 分钟后再试" in text
    # Even the right password is refused now, from that address.
    assert log_in(client, "editor", PASSWORD).status_code == 429
    # The same person from their own desk (another address) still gets in.
    assert log_in(client, "editor", PASSWORD, ip="198.51.100.20").status_code == 302


def test_a_successful_login_clears_earlier_mistakes(client, axes_on):
    user = make_staff("editor")
    user.set_password(PASSWORD)
    user.save()
    for _ in range(4):
        log_in(client, "editor", "guess")
    assert log_in(client, "editor", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert log_in(client, "editor", "guess").status_code == 200
