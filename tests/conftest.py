import os

import pytest
from django.core.cache import cache


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
