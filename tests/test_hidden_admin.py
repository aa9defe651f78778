"""The admin at a path of its own (DJANGO_ADMIN_PATH): nothing public names it, and search
engines are told, on every admin response, not to index or follow it."""

import importlib

import pytest
from django.urls import clear_url_caches, reverse

from .factories import make_staff
from .prod import manage, production_env

pytestmark = pytest.mark.django_db

DESK = "desk-7f3a"
NOINDEX = "noindex, nofollow"


@pytest.fixture
def admin_at_desk(settings):
    """The admin at /desk-7f3a/, as DJANGO_ADMIN_PATH=desk-7f3a puts it.

    qiantang_site/urls.py reads ADMIN_PATH once, when it is imported: the URLconf is imported
    again with the new setting, and again with the old one afterwards.
    """
    import qiantang_site.urls

    old = settings.ADMIN_PATH
    settings.ADMIN_PATH = f"{DESK}/"
    importlib.reload(qiantang_site.urls)
    clear_url_caches()
    assert reverse("admin:index") == f"/{DESK}/"
    yield f"/{DESK}/"
    settings.ADMIN_PATH = old
    importlib.reload(qiantang_site.urls)
    clear_url_caches()


def test_robots_txt_does_not_name_the_admin(client, admin_at_desk):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    text = response.content.decode()
    assert DESK not in text
    lines = text.splitlines()
    assert "Disallow: /search/" in lines
    assert not [line for line in lines if "admin" in line]


def test_every_admin_response_tells_robots_to_stay_out(client, admin_at_desk):
    desk = admin_at_desk
    answers = {
        "login page": client.get(desk + "login/"),
        "index, logged out (redirect)": client.get(desk),
        "no trailing slash (redirect)": client.get(desk.rstrip("/")),
        "unknown admin page": client.get(desk + "no-such-page/"),
        "wrong password": client.post(desk + "login/", {"username": "x", "password": "y"}),
    }
    client.force_login(make_staff("chief", superuser=True))
    answers["index"] = client.get(desk)
    answers["article list"] = client.get(desk + "articles/article/")
    answers["logout"] = client.post(desk + "logout/")
    assert answers["login page"].status_code == 200
    assert {name: r.get("X-Robots-Tag") for name, r in answers.items()} == dict.fromkeys(
        answers, NOINDEX
    )


def test_the_lock_out_page_tells_robots_to_stay_out_too(client, admin_at_desk, settings):
    settings.AXES_ENABLED = True
    make_staff("editor")
    for _ in range(5):
        response = client.post(
            admin_at_desk + "login/",
            {"username": "editor", "password": "guess"},
            REMOTE_ADDR="203.0.113.7",
        )
    assert response.status_code == 429
    assert response["X-Robots-Tag"] == NOINDEX


def test_readers_pages_carry_no_robots_header(client, admin_at_desk):
    for url in ("/", "/search/?q=钱塘", "/robots.txt", "/feeds/rss/"):
        assert "X-Robots-Tag" not in client.get(url), url


def test_with_the_variable_set_robots_txt_hides_the_admin_and_its_pages_say_noindex(
    tmp_path,
):
    # The real start-up path: settings read DJANGO_ADMIN_PATH in a fresh process.
    env = production_env(tmp_path, DJANGO_ADMIN_PATH=DESK)
    collected = manage(env, "collectstatic", "--noinput")  # the pages name hashed files
    assert collected.returncode == 0, collected.stderr
    code = (
        "from django.test import Client;"
        "c = Client(HTTP_HOST='news.example.com', HTTP_X_FORWARDED_PROTO='https');"
        "robots = c.get('/robots.txt');"
        f"login = c.get('/{DESK}/login/');"
        f"plain = Client(HTTP_HOST='news.example.com').get('/{DESK}/login/');"
        "print(robots.status_code, login.status_code, login.get('X-Robots-Tag'),"
        " plain.status_code, plain.get('X-Robots-Tag'));"
        "print(robots.content.decode().replace('\\n', '|'))"
    )
    result = manage(env, "shell", "--no-imports", "-c", code)
    assert result.returncode == 0, result.stderr
    statuses, robots = result.stdout.strip().splitlines()[-2:]
    # The https redirect, made before any view runs, says it too.
    assert statuses == f"200 200 {NOINDEX} 301 {NOINDEX}"
    assert "Disallow: /search/" in robots
    assert DESK not in robots
