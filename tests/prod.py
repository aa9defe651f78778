"""Running the project's settings as production would, in a child process."""

import os
import subprocess
import sys
from pathlib import Path

from django.core.management.utils import get_random_secret_key

ROOT = Path(__file__).resolve().parent.parent


def production_env(tmp_path, **overrides):
    """A production environment: debug off, a real key, data in tmp_path; None removes."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "CACHE_URL", "PYTEST", "AWS_"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "qiantang_site.settings",
            "DJANGO_SECRET_KEY": get_random_secret_key() + get_random_secret_key(),
            "DJANGO_ALLOWED_HOSTS": "news.example.com,127.0.0.1",
            "SQLITE_PATH": str(tmp_path / "prod.sqlite3"),
            "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
            "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
        }
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def manage(env, *args, timeout=120):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
