"""A photo gallery in the admin: 200 figures and 100 sections, opened and saved.

Baseline: the first article (4 sections, 6 figures), opened and saved the same way in the same
run. Reported: the time to open the change page and to save it unchanged (best of REPEAT),
the ratio to the baseline, the queries of each and the number of form fields posted. The
gallery's figures all have photos (small JPEGs made with Pillow), so each shows a thumbnail.

    DJANGO_DEBUG=1 python bench/large_article.py          (or: make bench)
"""

import contextlib
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TMP = tempfile.mkdtemp(prefix="bench-large-article-")
os.environ["SQLITE_PATH"] = str(Path(TMP) / "db.sqlite3")
os.environ["DJANGO_MEDIA_ROOT"] = str(Path(TMP) / "media")
os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiantang_site.settings")
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.files.base import ContentFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from PIL import Image  # noqa: E402

from articles.models import Article, Figure, Section  # noqa: E402
from tests.admin_forms import form_data  # noqa: E402

REPEAT = int(os.environ.get("BENCH_REPEATS", "3"))
SECTIONS, FIGURES = 100, 200


def gallery():
    article = Article.objects.create(title="图集：钱塘江两岸的一百个清晨", status="draft")
    sections = [
        Section.objects.create(
            article=article, position=n + 1, heading=f"第{n + 1}组", body="一段说明。\n\n又一段。"
        )
        for n in range(SECTIONS)
    ]
    out = io.BytesIO()
    Image.new("RGB", (1200, 800), (40, 90, 140)).save(out, "JPEG", quality=80)
    for n in range(FIGURES):
        figure = Figure(
            article=article,
            section=sections[n % SECTIONS],
            position=n + 1,
            caption=f"清晨的江岸 {n + 1}",
            alt_text="江岸",
        )
        figure.image.save(f"gallery-{n}.jpg", ContentFile(out.getvalue()), save=False)
        figure.save()
    return article


class Count:
    """Counts the statements a block sends to the database (request_finished may reconnect)."""

    def __init__(self):
        self.n = 0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)

    def __len__(self):
        return self.n


@contextlib.contextmanager
def counting():
    count = Count()
    with connection.execute_wrapper(count):
        yield count


def measure(client, article):
    url = reverse("admin:articles_article_change", args=[article.pk])
    opens, saves = [], []
    for _ in range(REPEAT):
        start = time.perf_counter()
        with counting() as open_queries:
            response = client.get(url)
        opens.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
        data = form_data(client, url)
        start = time.perf_counter()
        with counting() as save_queries:
            response = client.post(url, data)
        saves.append(time.perf_counter() - start)
        assert response.status_code == 302, response.content[:300]
    return min(opens), len(open_queries), min(saves), len(save_queries), len(data)


def main():
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    call_command("load_seed", stdout=open(os.devnull, "w"))  # noqa: SIM115
    seed = Article.objects.get()
    big = gallery()
    editor = User.objects.create_user("bench", is_staff=True)
    editor.groups.add(Group.objects.get(name="编辑"))
    client = Client()
    client.force_login(editor)

    base = measure(client, seed)
    large = measure(client, big)
    print(
        f"{'article':<28}{'open ms':>9}{'ratio':>7}{'queries':>9}{'save ms':>9}{'ratio':>7}"
        f"{'queries':>9}{'fields':>8}"
    )
    for name, (open_s, open_q, save_s, save_q, fields) in (
        ("first article (baseline)", base),
        (f"{FIGURES} figures, {SECTIONS} sections", large),
    ):
        print(
            f"{name:<28}{open_s * 1000:>9.0f}{open_s / base[0]:>7.1f}{open_q:>9}"
            f"{save_s * 1000:>9.0f}{save_s / base[2]:>7.1f}{save_q:>9}{fields:>8}"
        )


if __name__ == "__main__":
    main()
