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
# Password hashing is slow on purpose; tests log in often and guess no passwords.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
