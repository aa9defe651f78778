"""The digital edition: loading a 16-page PDF edition, serving a page, a phone's first view.

Everything is measured against a baseline in the same run, on a throw-away SQLite database and
media folder:

- load: `import_edition`'s work (epaper.ingest.load_edition) for one 16-page PDF of text-dense
  generated pages (render in the limited child process, JPEG page picture, five renditions a
  page, store) against the site's own photo pipeline making the renditions of one 24-megapixel
  camera JPEG (articles.images.render.render_renditions), what an editor already waits for per photo.
- serve: a page view, the edition view and /epaper/ in-process through Django's test client
  (median of REQUESTS, the cache off so every request renders), against the first article's
  page rendered the same way; and the queries of each.
- phone: bytes on the wire for the first view of a page at 390x844 (3x) in Chromium, before
  scrolling, served by `runserver` on 127.0.0.1 (stopped by its PID), against the first
  article's page.

    DJANGO_DEBUG=1 python bench/epaper.py          (or: make bench)
"""

import io
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TMP = tempfile.mkdtemp(prefix="bench-epaper-")
os.environ["SQLITE_PATH"] = str(Path(TMP) / "db.sqlite3")
os.environ["DJANGO_MEDIA_ROOT"] = str(Path(TMP) / "media")
os.environ["CACHE_URL"] = "dummy://"  # every request renders: no page cache
os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiantang_site.settings")
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver,127.0.0.1"

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from PIL import Image  # noqa: E402

from articles.images.render import render_renditions  # noqa: E402
from articles.models import Article  # noqa: E402
from epaper.ingest import Upload, load_edition  # noqa: E402
from epaper.models import Region  # noqa: E402
from epaper.pdfwrite import PdfPage, Story, layout_page, write_pdf  # noqa: E402

PAGES = 16
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "200"))
PORT = 8119
DAY = date(2026, 6, 3)
LAYOUT = [
    (0, 36, 50, 728, 520),
    (1, 36, 590, 236, 570),
    (2, 282, 590, 236, 570),
    (3, 528, 590, 236, 570),
]


def edition_pdf(paragraphs):
    """PAGES text-dense pages, four stories each, as one PDF; and each page's story boxes."""
    pages, truths = [], []
    for number in range(PAGES):
        stories = [
            Story(
                f"第{number + 1}版第{n + 1}篇稿件的标题",
                paragraphs[n * 3 : n * 3 + 12],
                "本报记者 王强",
            )
            for n in range(4)
        ]
        page = PdfPage()
        truths.append(layout_page(page, stories, LAYOUT, header=f"杭州日报 A{number + 1:02d} 要闻"))
        pages.append(page)
    return write_pdf(pages), truths


def camera_jpeg():
    small = Image.merge(
        "RGB",
        [
            Image.linear_gradient("L").resize((750, 500)),
            Image.radial_gradient("L").resize((750, 500)),
            Image.effect_noise((750, 500), 60),
        ],
    )
    image = small.resize((6000, 4000), Image.Resampling.BICUBIC)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def timed(fn):
    start, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - start, time.process_time() - cpu


def median_ms(client, url):
    client.get(url)
    times = []
    for _ in range(REQUESTS):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, url
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(times) * 1000, len(queries)


def phone_bytes(paths):
    from playwright.sync_api import sync_playwright

    env = {**os.environ, "DJANGO_DEBUG": "1"}
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{PORT}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                import urllib.request

                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        results = {}
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            for name, path in paths.items():
                context = browser.new_context(
                    viewport={"width": 390, "height": 844}, device_scale_factor=3, is_mobile=True
                )
                page = context.new_page()
                page.goto(f"http://127.0.0.1:{PORT}{path}", wait_until="networkidle")
                entries = page.evaluate(
                    """() => [performance.getEntriesByType("navigation")[0],
                              ...performance.getEntriesByType("resource")]
                        .map(e => ({name: e.name, bytes: e.transferSize}))"""
                )
                results[name] = entries
                context.close()
            browser.close()
        return results
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=10)


def main():
    call_command("migrate", verbosity=0)
    call_command("load_seed", stdout=io.StringIO())
    seed = Article.objects.get()
    paragraphs = [p for s in seed.sections.all() for p in s.paragraphs] * 3
    pdf, truths = edition_pdf(paragraphs)
    photo = camera_jpeg()

    _, photo_wall, photo_cpu = timed(lambda: render_renditions(io.BytesIO(photo)))
    upload = Upload(SimpleUploadedFile("edition.pdf", pdf), "edition.pdf")
    edition, load_wall, load_cpu = timed(
        lambda: load_edition("杭州日报", DAY, [upload], public=True)
    )
    print(f"16-page PDF edition ({len(pdf) / 1024:.0f} KB): {load_wall:.1f} s wall")
    print(f"  (CPU in this process {load_cpu:.1f} s; the PDF's rendering runs in a child process)")
    print(f"one 24-megapixel photo's renditions (baseline): {photo_wall:.2f} s wall")
    print(
        f"  ratio: the edition = {load_wall / photo_wall:.1f} photos, {load_wall / PAGES:.2f} s a page"
    )

    # Four published stories on every page, placed where the layout printed them.
    for page, truth in zip(edition.pages.all(), truths, strict=True):
        for story, (x0, y0, x1, y1) in truth:
            article = Article.objects.create(
                title=f"{page.code}第{story + 1}篇",
                status=Article.Status.PUBLISHED,
                published_at=seed.published_at,
            )
            Region.objects.create(
                page=page,
                article=article,
                position=story + 1,
                x=x0,
                y=y0,
                width=x1 - x0,
                height=y1 - y0,
            )

    client = Client()
    page = edition.pages.get(position=5)
    rows = [
        ("first article (baseline, uncached)", seed.get_absolute_url()),
        ("edition page view", page.get_absolute_url()),
        ("edition (16 pages)", edition.get_absolute_url()),
        ("/epaper/ (latest)", "/epaper/"),
    ]
    print(f"\nin-process, median of {REQUESTS}, no page cache:")
    print("| page | ms | vs article | queries | HTML KB |")
    print("| --- | ---: | ---: | ---: | ---: |")
    baseline = None
    for name, url in rows:
        ms, queries = median_ms(client, url)
        baseline = baseline or ms
        size = len(client.get(url).content) / 1024
        print(f"| {name} | {ms:.2f} | {ms / baseline:.2f}x | {queries} | {size:.0f} |")

    weights = phone_bytes({"article": seed.get_absolute_url(), "page": page.get_absolute_url()})
    print("\nphone first view (390 px at 3x), bytes on the wire before scrolling:")
    for name, entries in weights.items():
        total = sum(e["bytes"] for e in entries)
        parts = ", ".join(
            f"{e['name'].rsplit('/', 1)[-1] or 'HTML'} {e['bytes'] / 1024:.0f}" for e in entries
        )
        print(f"  {name}: {total / 1024:.0f} KB ({parts})")


if __name__ == "__main__":
    main()
