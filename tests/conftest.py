import datetime as dt
import importlib
import os
from pathlib import Path

import pytest
import time_machine
from django.core.cache import cache

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


@pytest.fixture
def desk_groups(transactional_db):
    """The 记者 and 编辑 groups, made by their own data migration.

    Transactional tests (live servers, threads) end by emptying every table, so the groups
    that `migrate` made are gone for the tests after the first. Running the migration's
    function again (it uses get_or_create) brings them back exactly as migrated.
    """
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    name = "0003_editorial_groups"
    migration = importlib.import_module(f"articles.migrations.{name}")
    state = MigrationLoader(connection).project_state(("articles", name))
    migration.make_groups(state.apps, None)
