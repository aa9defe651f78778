"""How long does an editor wait for a save that uploads ten photos? (articles/tasks.py)

The admin's change form is posted with ten new figures, each a 3000x2000 camera-like JPEG, on
a fresh article each time, through Django's test client (the whole request: upload checks,
form, inlines, revision, the figures' saves). Two ways, in the same run, medians of REPEATS:

- synchronous (baseline): the renditions are made inside the save, as before the task worker
  (the ImmediateBackend runs each queued task at once, in the request);
- queued: the site's setting, django-tasks-db: the save writes ten task rows, and
  `manage.py db_worker` makes the renditions afterwards (its time is reported too, so the work
  is seen to move, not to vanish).

    DJANGO_DEBUG=1 .venv/bin/python bench/save_with_photos.py      (make bench runs it)
"""

import io
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TMP = tempfile.mkdtemp(prefix="bench-save-with-photos-")
os.environ["DJANGO_MEDIA_ROOT"] = str(Path(TMP) / "media")
os.environ["SQLITE_PATH"] = str(Path(TMP) / "db.sqlite3")
os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiantang_site.settings")
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402
from PIL import Image  # noqa: E402

from articles.models import Article, Rendition, Section  # noqa: E402
from tests.admin_forms import add_inline_rows, form_data  # noqa: E402

REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))
PHOTOS = 10
SIZE = (3000, 2000)
SYNCHRONOUS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
QUEUED = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def photo(seed):
    """A JPEG with a photo's texture (noise over a gradient), about 1-2 MB."""
    noise = Image.effect_noise((SIZE[0] // 4, SIZE[1] // 4), 40 + seed).resize(SIZE)
    gradient = Image.linear_gradient("L").resize(SIZE)
    image = Image.merge("RGB", (noise, gradient, Image.blend(noise, gradient, 0.5)))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88)
    return out.getvalue()


def save_with_photos(client, jpegs, n):
    article = Article.objects.create(title=f"十张照片{n}", status=Article.Status.DRAFT)
    Section.objects.create(article=article, position=1, body="一段正文。")
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(client, url)
    rows = [
        {
            "image": SimpleUploadedFile(f"p{i}.jpg", jpeg, content_type="image/jpeg"),
            "caption": f"第{i + 1}张照片的说明",
            "focal_x": "0.5",
            "focal_y": "0.5",
            "position": str(i + 1),
        }
        for i, jpeg in enumerate(jpegs)
    ]
    add_inline_rows(data, "figures", rows)
    start = time.perf_counter()
    response = client.post(url, data)
    elapsed = time.perf_counter() - start
    assert response.status_code == 302, response.content[:2000]
    assert article.figures.count() == PHOTOS
    return article, elapsed


def drain_queue():
    start = time.perf_counter()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    return time.perf_counter() - start


def main():
    logging.disable(logging.INFO)  # one line per task from the worker otherwise
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    editor = User.objects.create_superuser("bench-editor", "bench@example.com", None)
    client = Client()
    client.force_login(editor)
    jpegs = [photo(i) for i in range(PHOTOS)]
    megabytes = sum(map(len, jpegs)) / 1e6
    sync, queued, worker = [], [], []
    for n in range(REPEATS):
        with override_settings(TASKS=SYNCHRONOUS):
            article, elapsed = save_with_photos(client, jpegs, f"s{n}")
            assert Rendition.objects.filter(figure__article=article).exists()
            sync.append(elapsed)
        with override_settings(TASKS=QUEUED):
            article, elapsed = save_with_photos(client, jpegs, f"q{n}")
            assert not Rendition.objects.filter(figure__article=article).exists()
            queued.append(elapsed)
            worker.append(drain_queue())
            assert Rendition.objects.filter(figure__article=article).count() >= PHOTOS
    baseline = statistics.median(sync)
    after = statistics.median(queued)
    drained = statistics.median(worker)
    print(
        f"An admin save with {PHOTOS} new {SIZE[0]}x{SIZE[1]} photos ({megabytes:.1f} MB), "
        f"SQLite, medians of {REPEATS}:"
    )
    print(f"  renditions made in the save (baseline)   {baseline * 1000:7.0f} ms   1.00")
    print(
        f"  renditions queued for the worker         {after * 1000:7.0f} ms   {after / baseline:.2f}"
    )
    print(
        f"  the worker then, for the ten photos      {drained * 1000:7.0f} ms   {drained / baseline:.2f}"
    )


if __name__ == "__main__":
    main()
