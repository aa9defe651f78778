"""What keeping revisions costs an admin save, measured on the first article (seed page).

The seed article (4 sections, 6 figures, 2 bylines) is saved through the admin's change form
with the Django test client, as an editor's browser would post it:

- baseline: the same save with django-reversion's revision recording switched off.
- with revisions: the save as the site runs it (a revision of the article and its parts).

Reported: time per save (best of REPEAT) and its ratio to the baseline, database queries per
save, bytes stored per revision, and the queries of the history and compare pages. Runs in a
temporary SQLite database and media folder.

    DJANGO_DEBUG=1 python bench/revisions.py          (or: make bench)
"""

import contextlib
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TMP = tempfile.mkdtemp(prefix="bench-revisions-")
os.environ["SQLITE_PATH"] = str(Path(TMP) / "db.sqlite3")
os.environ["DJANGO_MEDIA_ROOT"] = str(Path(TMP) / "media")
os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiantang_site.settings")
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib import admin  # noqa: E402
from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from reversion.models import Version  # noqa: E402

from articles.models import Article  # noqa: E402
from tests.admin_forms import form_data  # noqa: E402

REPEAT = 15


def main():
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    call_command("load_seed", stdout=open(os.devnull, "w"))  # noqa: SIM115
    article = Article.objects.get()
    editor = User.objects.create_user("bench", is_staff=True)
    editor.groups.add(Group.objects.get(name="编辑"))
    client = Client()
    client.force_login(editor)
    url = reverse("admin:articles_article_change", args=[article.pk])
    model_admin = admin.site._registry[Article]

    def one_save():
        data = form_data(client, url)  # a fresh form each time, as the edit token requires
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url, data)
        elapsed = time.perf_counter() - start
        assert response.status_code == 302, response.status_code
        return elapsed, len(queries)

    original = type(model_admin).create_revision

    def without_revisions():
        type(model_admin).create_revision = lambda self, request: contextlib.nullcontext()
        try:
            return one_save()
        finally:
            type(model_admin).create_revision = original

    # Interleaved, so a busy machine slows both kinds of save alike; best of REPEAT each.
    before = Version.objects.count()
    base_runs, rev_runs = [], []
    for _ in range(REPEAT):
        base_runs.append(without_revisions())
        rev_runs.append(one_save())
    base_time, base_queries = min(t for t, _ in base_runs), base_runs[-1][1]
    rev_time, rev_queries = min(t for t, _ in rev_runs), rev_runs[-1][1]
    versions = Version.objects.order_by("-pk")[: (Version.objects.count() - before) // REPEAT]
    stored = sum(len(v.serialized_data) for v in versions)

    with CaptureQueriesContext(connection) as history:
        client.get(reverse("admin:articles_article_history", args=[article.pk]))
    pair = Version.objects.get_for_object(article).values_list("pk", flat=True)[:2]
    with CaptureQueriesContext(connection) as compare:
        client.get(
            reverse("admin:articles_article_compare", args=[article.pk]), {"version": list(pair)}
        )

    print(f"{'save':<18}{'ms':>8}{'ratio':>8}{'queries':>9}")
    print(f"{'baseline':<18}{base_time * 1000:>8.1f}{1:>8.2f}{base_queries:>9}")
    print(
        f"{'with revisions':<18}{rev_time * 1000:>8.1f}{rev_time / base_time:>8.2f}{rev_queries:>9}"
    )
    print(f"bytes stored per revision: {stored} ({len(versions)} objects)")
    print(f"history page queries: {len(history)}; compare page queries: {len(compare)}")


if __name__ == "__main__":
    main()
