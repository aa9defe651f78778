"""The project's settings, as the test suite runs them.

Only the environment differs: tests need a secret key but not debug mode, and never touch
the real media folder (each test that writes files gets its own MEDIA_ROOT).
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-not-a-secret")

from qiantang_site.settings import *  # noqa: E402, F403
