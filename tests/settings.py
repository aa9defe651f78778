"""The project's settings, as the test suite runs them.

Only the environment differs: tests need a secret key but not debug mode, and never touch
the real media folder (each test that writes files gets its own MEDIA_ROOT). The test client
speaks plain http, so the HTTPS redirect and Secure-only cookies are off; the production
values are tested in a subprocess with a production environment (tests/test_production.py).
DATABASE_URL and CACHE_URL, when set (`make test-postgres`, .ci/with-redis), are used as is.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-not-a-secret")
os.environ.setdefault("DJANGO_HTTPS", "off")

from qiantang_site.settings import *  # noqa: E402, F403

# collectstatic does not run before tests; hashed names are tested on their own.
STORAGES = {  # noqa: F405
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = True
# Django's test client logs in without a request, which django-axes refuses; the lock-out
# tests turn it back on.
AXES_ENABLED = False
# Plain text logs keep pytest's captured output readable.
LOGGING["handlers"]["console"]["formatter"] = "text"  # noqa: F405
# Tasks run inside the save that queues them, so a test sees a figure's renditions at once;
# tests/test_rendition_tasks.py runs the real queue (django-tasks-db) and its worker.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
# Password hashing is slow on purpose; tests log in often and guess no passwords.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Under pytest-xdist (-n 2), each worker process keeps its cache in a Redis database of its own
# (gw0 in 1, gw1 in 2, ...): every test empties the cache, which must not empty another's.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if _WORKER.startswith("gw") and CACHES["default"]["BACKEND"].endswith("RedisCache"):  # noqa: F405
    from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

    _url = urlsplit(CACHES["default"]["LOCATION"])  # noqa: F405
    _db = str(int(_WORKER[2:]) + 1)
    if _url.scheme == "unix":  # unix:///path/redis.sock?db=0 (urlunsplit would drop the //)
        _query = urlencode({**parse_qs(_url.query), "db": _db}, doseq=True)
        CACHES["default"]["LOCATION"] = f"unix://{_url.path}?{_query}"  # noqa: F405
    else:  # redis://host:6379/0
        CACHES["default"]["LOCATION"] = urlunsplit(_url._replace(path=f"/{_db}"))  # noqa: F405

# With the cache in each process's memory (locmem, the SQLite pass), the page cache keeps its
# generation in a file named after the database (articles/pagecache.py), and every xdist
# worker's in-memory test database has the same name: one worker's commit would end the pages
# another worker's test has just stored. Each test process gets a file of its own.
if CACHES["default"]["BACKEND"].endswith("LocMemCache"):  # noqa: F405
    import tempfile

    PAGE_CACHE_GENERATION_FILE = os.path.join(
        tempfile.gettempdir(), f"qiantang-test-page-generation-{os.getpid()}"
    )
