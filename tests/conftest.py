import datetime as dt
import importlib
import io
import os
import shutil
from pathlib import Path

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.db.models.signals import post_migrate
from django.test.utils import CaptureQueriesContext

# QIANTANG_TEST_CLOCK (an ISO 8601 instant with its offset) starts every test at that instant,
# with the clock running on from there. No test may depend on the day the suite runs: the
# PostgreSQL pass of `make test` runs at a fixed instant years ahead, just before midnight in
# Shanghai, so a test that hard-codes a date or assumes "today" fails there (see README).
TEST_CLOCK = os.environ.get("QIANTANG_TEST_CLOCK", "").strip()


def moved_clock_instant():
    """The instant QIANTANG_TEST_CLOCK names, or None; a malformed value stops the run."""
    if not TEST_CLOCK:
        return None
    try:
        instant = dt.datetime.fromisoformat(TEST_CLOCK)
    except ValueError:
        raise pytest.UsageError(
            f"QIANTANG_TEST_CLOCK={TEST_CLOCK!r} is not an ISO 8601 instant"
        ) from None
    if instant.tzinfo is None:
        raise pytest.UsageError(
            "QIANTANG_TEST_CLOCK needs an offset, e.g. 2031-12-31T23:59:58+08:00"
        )
    return instant


BROWSER_TESTS = Path(__file__).resolve().parent / "browser"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    # Every test under tests/browser/ is a browser test, marked or not, so that
    # `-m "not browser"` (make test-fast) never starts Chromium. tryfirst: before -m selects.
    for item in items:
        if BROWSER_TESTS in item.path.parents:
            item.add_marker(pytest.mark.browser)


def pytest_report_header(config):
    instant = moved_clock_instant()
    return f"clock: every test starts at {instant.isoformat()}" if instant else "clock: real"


@pytest.fixture(autouse=True)
def _test_clock():
    instant = moved_clock_instant()
    if instant is None:
        yield None
        return
    with time_machine.travel(instant, tick=True):
        yield instant


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Every test writes uploads and renditions to its own folder, never to media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def _empty_cache():
    # The cache outlives a test's database rollback; a page cached by one test must not
    # answer in the next.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def redis_url():
    """The throw-away Redis that .ci/with-redis started (make test). CI must have it."""
    url = os.environ.get("REDIS_URL")
    if not url:
        message = "REDIS_URL is not set: run the suite through `make test` (.ci/with-redis)."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return url


@pytest.fixture
def editor(client):
    """A superuser logged in to the admin (the workflow tests define an editor of their own)."""
    from .factories import make_staff

    user = make_staff("chief", superuser=True)
    client.force_login(user)
    return user


def _restore_desk_groups_after_a_flush(sender, app_config, using, apps=None, **kwargs):
    """Give back the 记者 and 编辑 groups, made by a data migration, after a flush.

    Transactional tests (live servers, threads) end by emptying every table: the flush sends
    post_migrate, which makes content types and permissions again, but not what data
    migrations made. Running the migration's own function (get_or_create) brings the groups
    back exactly as migrated, for whatever test runs next, transactional or not. `migrate`
    sends post_migrate with the migration state's apps, a flush without: the groups made by
    `migrate` itself are left to the migration, which test_workflow_roles checks.
    """
    # The digital edition's permissions for 编辑 are a data migration too (epaper 0002), and so
    # are the desk workflow's (articles 0013).
    made_by = {
        "articles": [
            ("0003_editorial_groups", "make_groups"),
            ("0016_desk_workflow", "give_groups"),
        ],
        "epaper": [("0002_editor_permissions", "give_editors")],
    }
    if apps is not None or app_config.label not in made_by:
        return
    from django.db import connections
    from django.db.migrations.loader import MigrationLoader

    if app_config.label == "articles":
        # The search index is a table of its own (not a model), which a flush leaves as it
        # is: rows of the emptied articles would count in the next test (test_search_index).
        from articles.search.backends import backend

        with connections[using].cursor() as cursor:
            backend(using).prune(cursor)
    loader = MigrationLoader(connections[using])
    for name, function in made_by[app_config.label]:
        migration = importlib.import_module(f"{app_config.name}.migrations.{name}")
        state = loader.project_state((app_config.label, name))
        getattr(migration, function)(state.apps, None)


post_migrate.connect(_restore_desk_groups_after_a_flush, dispatch_uid="tests-desk-groups")


def queries_for(client, url, **extra):
    """GET `url` with the test client: the response (asserted 200) and how many database
    queries answering it took."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    assert response.status_code == 200, url
    return response, len(queries)


# --- The first article -------------------------------------------------------------------------
#
# `load_seed` parses the shipped print page, draws six stand-in pictures and makes every
# rendition of each: seconds of work, the same every time. It runs once per test run, in a
# transaction that is rolled back; the rows it wrote and the files it made are kept, and each
# test that asks for `first_article` gets its own copy of them: a test may change or delete the
# article, and the next one still gets it as loaded.


class LoadedSeed:
    """What `load_seed` wrote, to be put back into a test's database and MEDIA_ROOT."""

    def __init__(self, rows, media, loaded_at):
        self.rows = rows  # [(model, [column values of each new row])], as read back
        self.media = media  # the folder that was MEDIA_ROOT while it ran
        self.loaded_at = loaded_at  # the clock when it ended

    @classmethod
    def load(cls, media):
        from django.apps import apps
        from django.core.management import call_command
        from django.db import transaction
        from django.test import override_settings
        from django.utils import timezone

        # Each table once (no proxies), and only tables migrations made.
        models = [
            model
            for model in apps.get_models(include_auto_created=True)
            if model._meta.managed and not model._meta.proxy
        ]
        with override_settings(MEDIA_ROOT=media), transaction.atomic():
            before = {
                model: set(model._base_manager.values_list("pk", flat=True)) for model in models
            }
            call_command("load_seed", stdout=io.StringIO())
            loaded_at = timezone.now()
            rows = []
            for model in models:
                pks = set(model._base_manager.values_list("pk", flat=True))
                # The loader only adds rows; one that removed a row could not be copied this way.
                assert before[model] <= pks, f"load_seed deleted {model.__name__} rows"
                if new := pks - before[model]:
                    names = [field.attname for field in model._meta.concrete_fields]
                    found = model._base_manager.filter(pk__in=new).order_by("pk").values(*names)
                    rows.append((model, list(found)))
            transaction.set_rollback(True)
        return cls(rows, media, loaded_at)

    def restore(self, media_root):
        """The same rows and files in this test's database and MEDIA_ROOT; its times moved on
        by as long as has passed since it was loaded, as if `load_seed` had just run."""
        from django.core.management.color import no_style
        from django.db import models, transaction
        from django.utils import timezone

        shift = timezone.now() - self.loaded_at
        with transaction.atomic():  # the foreign keys are checked at its end
            for model, rows in self.rows:
                fields = model._meta.concrete_fields
                times = {f.attname for f in fields if isinstance(f, models.DateTimeField)}
                rows = [
                    {
                        name: value + shift if name in times and value is not None else value
                        for name, value in row.items()
                    }
                    for row in rows
                ]
                model._base_manager.bulk_create([model(**row) for row in rows])
                # bulk_create stamps auto_now fields with the time of the copy: put theirs back.
                stamped = [
                    f.attname
                    for f in fields
                    if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
                ]
                for row in rows:
                    if stamped:
                        model._base_manager.filter(pk=row[model._meta.pk.attname]).update(
                            **{name: row[name] for name in stamped}
                        )
            # bulk_create sends no post_save: the search index learns of the articles here.
            from articles import search
            from articles.models import Article

            search.index_articles(
                row["id"] for model, rows in self.rows if model is Article for row in rows
            )
            # The rows keep their primary keys: move each table's sequence past them
            # (PostgreSQL), so that rows a test adds after them get new ones.
            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(
                    no_style(), [model for model, _ in self.rows]
                ):
                    cursor.execute(statement)
        shutil.copytree(self.media, media_root, dirs_exist_ok=True)


@pytest.fixture(scope="session")
def _loaded_seed(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock():
        return LoadedSeed.load(tmp_path_factory.mktemp("seed-media"))


@pytest.fixture
def first_article(db, media_root, _loaded_seed):
    """The first article as `load_seed` leaves it, with its pictures in this test's MEDIA_ROOT.

    Request it before making any other article, column or author: its rows keep the primary
    keys they were loaded with.
    """
    from articles.management.commands.load_seed import EXTERNAL_ID
    from articles.models import Article

    _loaded_seed.restore(media_root)
    return Article.objects.get(external_id=EXTERNAL_ID)
