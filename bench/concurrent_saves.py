"""Do two editors saving photos on different articles wait for each other? (PostgreSQL)

Each editor uploads a new photo for their own article through the admin's change form (the
renditions are made inside the save's transaction, as the site does). Measured, as medians
of ROUNDS:

- baseline: one such save alone;
- together: two such saves, on two articles, started at the same instant, until both end.

together / baseline near 1 means the saves ran side by side (this machine has 2 cores); near
2 means one waited for the other's transaction, as every save did while each one updated the
shared SiteChange row inside its transaction.

    .ci/with-postgres .venv/bin/python bench/concurrent_saves.py      (make bench runs it)

Without DATABASE_URL it says so and stops: SQLite lets one writer in at a time by design.
"""

import io
import multiprocessing
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TMP = tempfile.mkdtemp(prefix="bench-concurrent-saves-")
os.environ["DJANGO_MEDIA_ROOT"] = str(Path(TMP) / "media")
os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiantang_site.settings")
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")

if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
    print("bench/concurrent_saves.py needs PostgreSQL: .ci/with-postgres python bench/...")
    sys.exit(0)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from PIL import Image  # noqa: E402

from articles.models import Article, Figure, Section  # noqa: E402
from tests.admin_forms import form_data  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_REPEATS", "7"))


def photo(seed):
    out = io.BytesIO()
    Image.effect_noise((3000, 2000), 60 + seed % 40).convert("RGB").save(out, "JPEG", quality=90)
    return out.getvalue()


def make_article(n):
    article = Article.objects.create(title=f"并发保存{n}", status=Article.Status.DRAFT)
    section = Section.objects.create(article=article, position=1, body="一段正文。")
    figure = Figure(article=article, section=section, position=1, caption=f"图{n}")
    figure.image.save(f"bench-{n}.jpg", SimpleUploadedFile("p.jpg", photo(n)), save=False)
    figure.save()
    return article


def saver(user, article, jpeg):
    """A function that posts the article's form with a new photo; returns the seconds taken."""
    client = Client()
    client.force_login(user)
    url = reverse("admin:articles_article_change", args=[article.pk])

    def save():
        data = form_data(client, url)
        data["figures-0-image"] = SimpleUploadedFile("new.jpg", jpeg, content_type="image/jpeg")
        start = time.perf_counter()
        response = client.post(url, data)
        elapsed = time.perf_counter() - start
        assert response.status_code == 302, response.content[:500]
        connection.close()
        return elapsed

    return save


def together(saves):
    """Run the saves in processes of their own (as gunicorn workers do: no shared GIL)."""
    connections.close_all()  # each child opens its own
    fork = multiprocessing.get_context("fork")
    barrier = fork.Barrier(len(saves) + 1)

    def run(save):
        barrier.wait()
        save()

    processes = [fork.Process(target=run, args=(s,)) for s in saves]
    for process in processes:
        process.start()
    watcher = LockWatcher()
    barrier.wait()
    start = time.perf_counter()
    for process in processes:
        process.join()
    elapsed = time.perf_counter() - start
    waited = watcher.stop()
    assert all(p.exitcode == 0 for p in processes)
    return elapsed, waited


class LockWatcher(threading.Thread):
    """Samples pg_stat_activity every 5 ms: the share of samples with a backend waiting on a lock.

    Wall time depends on free cores (a busy machine makes two saves take twice as long even
    with no lock); a backend waiting on a row lock shows up here whatever the load.
    """

    def __init__(self):
        super().__init__(daemon=True)
        self.samples = self.waiting = 0
        self.running = True
        self.start()

    def run(self):
        with connections["default"].cursor() as cursor:
            while self.running:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE wait_event_type = 'Lock' AND datname = current_database()"
                )
                self.samples += 1
                self.waiting += cursor.fetchone()[0] > 0
                time.sleep(0.005)
        connections["default"].close()

    def stop(self):
        self.running = False
        self.join()
        return self.waiting / max(self.samples, 1)


def main():
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    editor = User.objects.create_user("bench-editor", is_staff=True)
    editor.groups.add(Group.objects.get(name="编辑"))
    first, second = make_article(1), make_article(2)
    jpeg_a, jpeg_b = photo(3), photo(4)
    save_first, save_second = saver(editor, first, jpeg_a), saver(editor, second, jpeg_b)
    together([save_first])  # warm up

    alone, both, waits = [], [], []
    for _ in range(ROUNDS):
        alone.append(together([save_first])[0])
        elapsed, waited = together([save_first, save_second])
        both.append(elapsed)
        waits.append(waited)
    baseline, paired = statistics.median(alone), statistics.median(both)
    print(f"PostgreSQL, {ROUNDS} rounds, a 3000x2000 photo per save, medians:")
    print(f"  one save alone (baseline)          {baseline * 1000:7.0f} ms   1.00")
    print(f"  two saves, two articles, at once   {paired * 1000:7.0f} ms   {paired / baseline:.2f}")
    print(f"  time a save spent waiting on a lock while both ran: {statistics.median(waits):.0%}")


if __name__ == "__main__":
    main()
