"""Production settings: refused without a key, clean `check --deploy`, services from URLs."""

import os

import pytest
from django.db import connection

from .prod import manage, production_env


def shell(env, code):
    return manage(env, "shell", "--no-imports", "-c", code)


def printed(result):
    # Logs (the start-up lines included) go to stderr: stdout is the printed answer alone.
    return result.stdout.strip()


def test_production_settings_pass_check_deploy(tmp_path):
    result = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_without_a_secret_key_the_site_refuses_to_start_and_says_why(tmp_path):
    env = production_env(tmp_path, DJANGO_SECRET_KEY=None)
    result = manage(env, "check")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_secret_key_can_come_from_a_file(tmp_path):
    key_file = tmp_path / "secret-key"
    key_file.write_text(production_env(tmp_path)["DJANGO_SECRET_KEY"] + "\n")
    env = production_env(tmp_path, DJANGO_SECRET_KEY=None, DJANGO_SECRET_KEY_FILE=str(key_file))
    result = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_unreadable_secret_key_file_is_named_in_the_refusal(tmp_path):
    missing = tmp_path / "no-such-file"
    env = production_env(tmp_path, DJANGO_SECRET_KEY=None, DJANGO_SECRET_KEY_FILE=str(missing))
    result = manage(env, "check")
    assert result.returncode != 0
    assert str(missing) in result.stderr


@pytest.mark.parametrize(
    ("name", "value", "named"),
    [
        ("CACHE_URL", "memcached://10.0.0.1", "CACHE_URL"),
        ("DJANGO_MEDIA_STORAGE", "ftp", "DJANGO_MEDIA_STORAGE"),
        ("DJANGO_MEDIA_STORAGE", "s3", "AWS_STORAGE_BUCKET_NAME"),
        ("DJANGO_ADMIN_PATH", "/", "DJANGO_ADMIN_PATH"),
    ],
)
def test_a_wrong_setting_stops_start_up_with_its_name(tmp_path, name, value, named):
    result = manage(production_env(tmp_path, **{name: value}), "check")
    assert result.returncode != 0
    assert named in result.stderr


def test_debug_is_off_unless_asked(tmp_path):
    env = production_env(tmp_path)
    result = shell(env, "from django.conf import settings; print(settings.DEBUG)")
    assert printed(result) == "False", result.stderr


def test_database_url_selects_postgresql_through_psycopg_3(tmp_path):
    env = production_env(tmp_path, DATABASE_URL="postgres://u:p@db.internal:5433/news")
    code = (
        "from django.db import connection as c; import psycopg;"
        "print(c.vendor, c.settings_dict['HOST'], c.settings_dict['PORT'],"
        " c.settings_dict['NAME'], psycopg.__version__[0])"
    )
    result = shell(env, code)
    assert printed(result).split() == ["postgresql", "db.internal", "5433", "news", "3"], (
        result.stderr
    )


def test_postgresql_connections_give_up_after_three_seconds(tmp_path):
    # An unreachable database must not hold a request past gunicorn's timeout: stored pages
    # are answered once the connection fails.
    env = production_env(tmp_path, DATABASE_URL="postgres://u:p@db.internal:5433/news")
    code = "from django.db import connection as c; print(c.settings_dict['OPTIONS'])"
    assert printed(shell(env, code)) == "{'connect_timeout': 3}"
    env["DJANGO_DB_CONNECT_TIMEOUT"] = "10"
    assert printed(shell(env, code)) == "{'connect_timeout': 10}"


def test_cache_url_selects_djangos_redis_backend(tmp_path):
    env = production_env(tmp_path, CACHE_URL="redis://cache.internal:6379/2")
    code = (
        "from django.core.cache import caches; cache = caches['default'];"
        "from django.core.cache.backends.redis import RedisCache;"
        "print(isinstance(cache, RedisCache), cache._servers[0])"
    )
    result = shell(env, code)
    assert printed(result).split() == ["True", "redis://cache.internal:6379/2"], result.stderr


def test_admin_path_is_configurable(tmp_path):
    env = production_env(tmp_path, DJANGO_ADMIN_PATH="desk-7f3a")
    code = "from django.urls import reverse; print(reverse('admin:index'))"
    result = shell(env, code)
    assert printed(result) == "/desk-7f3a/", result.stderr


# Each pass of `make test` names the database it is for, as a literal (Makefile), so a
# PostgreSQL pass that silently ran on SQLite (DATABASE_URL lost on the way) fails. Run by
# hand, the suite is on PostgreSQL when DATABASE_URL is set.
SUITE_DATABASE = os.environ.get("QIANTANG_TEST_DATABASE") or (
    "postgresql" if os.environ.get("DATABASE_URL") else "sqlite"
)


@pytest.mark.django_db
def test_the_suite_runs_on_the_database_its_pass_is_for():
    # The database server says what it is, not the settings' reading of the environment.
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT 'SQLite ' || sqlite_version()")
        else:
            cursor.execute("SELECT version()")
        server = cursor.fetchone()[0]
    assert server.startswith({"postgresql": "PostgreSQL ", "sqlite": "SQLite 3."}[SUITE_DATABASE])
