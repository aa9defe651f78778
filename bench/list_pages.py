"""List pages, the archive by date, sitemaps and the admin's list as the archive grows.

    python bench/list_pages.py                         (or: make bench)
    BENCH_SIZES=1000,10000,100000 python bench/list_pages.py

For each size (articles: the first one and a generated corpus, bench/corpus.py, at 100 a day)
a throw-away SQLite site is built in a child process, then each page is requested through
Django's WSGI handler in that process (as gunicorn calls it) with the page cache off
(CACHE_URL=dummy://), BENCH_ITERATIONS times after a warm-up, and the median CPU time of a
request (time.process_time: Python, templates and SQLite's own work, all in-process) is
reported, with the ratio of each size to the smallest. Flat means the ratio stays near 1.

Pages: home; a column's first page and its deepest page (a keyset cursor at the column's last
twenty articles: page 500 of a 10,000-article column at 100,000 articles); an author's first
and deepest page; the archive by date's index, a month and a day; the sitemap index, the
archive's sitemap and one articles file (up to 50,000 URLs by definition: its cost per URL is
shown too); the admin's article list and the list filtered by column (a superuser's session).
Beside them, the query a numbered page cost before keyset pagination (OFFSET to the same depth
plus the paginator's COUNT) against the keyset query, both alone.

make_site(size, folder) is what `make bench-archive` calls for its corpus at 100,000.
"""

import io
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZES = [int(n) for n in os.environ.get("BENCH_SIZES", "1000,10000").split(",")]
ITERATIONS = int(os.environ.get("BENCH_ITERATIONS", "30"))
# BENCH_LIGHT=1: a corpus without figures (bench/corpus.py), which builds 100,000 articles in
# minutes; every page then shows no photo, so compare sizes within one corpus only.
LIGHT = os.environ.get("BENCH_LIGHT", "") == "1"
PER_DAY = 100
RESULTS = ROOT / "bench" / "results"


def site_env(folder):
    """Production settings for a throw-away site in folder, with every cache off."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "qiantang_site.settings",
        "DJANGO_DEBUG": "",
        "DJANGO_SECRET_KEY": "bench-" + secrets.token_hex(24),
        "DJANGO_HTTPS": "off",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_MEDIA_ROOT": str(folder / "media"),
        "DJANGO_STATIC_ROOT": str(folder / "static"),
        "DJANGO_LOG_LEVEL": "WARNING",
        "SQLITE_PATH": str(folder / "db.sqlite3"),
        "CACHE_URL": "dummy://",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DJANGO_SECRET_KEY_FILE", None)
    env.pop("DATABASE_URL", None)
    return env


def make_site(size, folder, per_day=PER_DAY, progress=None, figures=True):
    """A site of `size` public articles in this process's database (Django set up for it):
    migrate, the first article, a corpus of size - 1 more (bench/corpus.py), static files.
    Returns what build_corpus made."""
    sys.path.append(str(ROOT / "bench"))  # after the project: bench/epaper.py is no app
    from corpus import build_corpus
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_seed", verbosity=0, stdout=io.StringIO())
    made = build_corpus(size - 1, per_day=per_day, progress=progress, figures=figures)
    call_command("collectstatic", "--noinput", verbosity=0)
    return made


def wsgi_get(app, path, cookie=""):
    """One GET through the WSGI handler; the status and the body."""
    url, _, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": url,
        "QUERY_STRING": query,
        "SCRIPT_NAME": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
    }
    if cookie:
        environ["HTTP_COOKIE"] = cookie
    started = []
    body = app(environ, lambda status, headers: started.append(status))
    try:
        content = b"".join(body)
    finally:
        body.close()
    return started[0], content


def median_cpu_ms(action, iterations=ITERATIONS):
    for _ in range(3):
        action()
    samples = []
    for _ in range(iterations):
        started = time.process_time()
        action()
        samples.append(time.process_time() - started)
    return 1000 * statistics.median(samples)


def deepest_cursor(queryset):
    """The cursor of the last page of queryset's list (articles/paging.py), and its depth as
    an old page number."""
    from articles import paging

    count = queryset.count()
    position = max(count - paging.PAGE_SIZE - 1, 0)
    article = queryset.order_by(*paging.ORDER)[position]
    return str(paging.Cursor.of(article)), position // paging.PAGE_SIZE + 2


def measure(size):
    """In the child: build the site, then time every page."""
    folder = Path(os.environ["BENCH_FOLDER"])
    import django

    django.setup()
    started = time.monotonic()
    made = make_site(size, folder, figures=not LIGHT)
    built = time.monotonic() - started
    results = measure_pages(size)
    print(json.dumps({"size": size, "made": made, "built_s": built, "pages": results}))


def measure_pages(size):
    """Time every page of the site this process's database holds (built by make_site):
    {page: {"cpu_ms", "queries", "bytes"}}. bench/archive.py calls it on its cached corpora."""
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.core.paginator import Paginator
    from django.core.wsgi import get_wsgi_application
    from django.db import connection
    from django.test import Client

    from articles import by_date, paging
    from articles.models import Article, Author, Column

    column = Column.objects.get(slug="bench-0")
    author = Author.objects.get(slug="bench-0")
    column_articles = column.articles.published()
    author_articles = Article.objects.published().filter(authors=author)
    column_cursor, column_depth = deepest_cursor(column_articles)
    author_cursor, author_depth = deepest_cursor(author_articles)
    newest = Article.objects.published().order_by("-published_at").first().published_at
    day = by_date.local_date(newest) - timedelta(days=2)  # a whole day, the day before yesterday
    month = day
    first_block = min(Article.objects.published().values_list("pk", flat=True).order_by("pk")[:1])
    block = (first_block - 1) // 50_000 + 1
    admin = f"/{settings.ADMIN_PATH.strip('/')}/articles/article/"
    if not User.objects.filter(username="bench").exists():
        User.objects.create_superuser("bench", password=secrets.token_hex(8))
    client = Client()
    client.force_login(User.objects.get(username="bench"))
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    pages = {
        "home": ("/", ""),
        "column, page 1": (column.get_absolute_url(), ""),
        f"column, deepest page (old page {column_depth})": (
            f"{column.get_absolute_url()}?before={column_cursor}",
            "",
        ),
        "author, page 1": (author.get_absolute_url(), ""),
        f"author, deepest page (old page {author_depth})": (
            f"{author.get_absolute_url()}?before={author_cursor}",
            "",
        ),
        "archive index": ("/archive/", ""),
        "archive month": (f"/archive/{month.year:04d}/{month.month:02d}/", ""),
        "archive day": (f"/archive/{day.year:04d}/{day.month:02d}/{day.day:02d}/", ""),
        "sitemap index": ("/sitemap.xml", ""),
        "sitemap: archive": ("/sitemap-archive.xml", ""),
        f"sitemap: articles-{block} ({min(size, 50_000):,} URLs)": (
            f"/sitemap-articles-{block}.xml",
            "",
        ),
        "admin list": (admin, cookie),
        "admin list, one column": (f"{admin}?column__id__exact={column.pk}", cookie),
    }
    app = get_wsgi_application()
    results = {}
    for name, (path, cookie_value) in pages.items():
        status, body = wsgi_get(app, path, cookie_value)
        if not status.startswith("200"):
            raise RuntimeError(f"{path} answered {status}")
        queries = []

        def count(run, *args, queries=queries):
            queries.append(1)
            return run(*args)

        with connection.execute_wrapper(count):
            wsgi_get(app, path, cookie_value)
        results[name] = {
            "cpu_ms": median_cpu_ms(lambda p=path, c=cookie_value: wsgi_get(app, p, c)),
            "queries": len(queries),
            "bytes": len(body),
        }

    # The query alone: a numbered page at the deepest depth (OFFSET + COUNT) against keyset.
    depth = (column_depth - 1) * paging.PAGE_SIZE

    def numbered():
        paginator = Paginator(column_articles.order_by(*paging.ORDER), paging.PAGE_SIZE)
        list(paginator.page(column_depth).object_list)

    def keyset():
        paging.keyset_page(column.articles.published, paging.Cursor.parse(column_cursor))

    results[f"query alone: column's deepest page by OFFSET {depth:,} + COUNT (before)"] = {
        "cpu_ms": median_cpu_ms(numbered)
    }
    results["query alone: column's deepest page by keyset cursor (now)"] = {
        "cpu_ms": median_cpu_ms(keyset)
    }
    return results


def run_size(size):
    folder = Path(tempfile.mkdtemp(prefix=f"qiantang-lists-{size}-"))
    try:
        env = {**site_env(folder), "BENCH_FOLDER": str(folder)}
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(size)],
            env=env,
            cwd=ROOT,
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        ).stdout
        return json.loads(out.strip().splitlines()[-1])
    finally:
        subprocess.run(["rm", "-rf", str(folder)], check=False)


def table(runs):
    sizes = [r["size"] for r in runs]
    base = runs[0]["pages"]
    head = (
        "| page | "
        + " | ".join(f"{s:,} articles: CPU ms (queries)" for s in sizes)
        + " | "
        + " | ".join(f"ratio {s:,} / {sizes[0]:,}" for s in sizes[1:])
        + " |"
    )
    lines = [head, "|" + " --- |" * (1 + 2 * len(sizes) - 1)]
    for position, name in enumerate(base):
        cells = []
        for run in runs:
            found = list(run["pages"].items())[position][1]
            queries = f" ({found['queries']})" if "queries" in found else ""
            cells.append(f"{found['cpu_ms']:.2f}{queries}")
        ratios = [
            f"{list(run['pages'].values())[position]['cpu_ms'] / base[name]['cpu_ms']:.2f}"
            for run in runs[1:]
        ]
        label = name.split(" (")[0] if "old page" in name or "URLs" in name else name
        label = (
            label.split(" by OFFSET")[0] + " by OFFSET + COUNT (before)"
            if "OFFSET" in label
            else label
        )
        lines.append(f"| {label} | " + " | ".join(cells + ratios) + " |")
    return "\n".join(lines)


def main():
    runs = []
    for size in SIZES:
        started = time.monotonic()
        found = run_size(size)
        print(
            f"{size:,} articles: site built in {found['built_s']:.0f} s, measured in "
            f"{time.monotonic() - started - found['built_s']:.0f} s",
            flush=True,
        )
        runs.append(found)
    names = "\n".join(
        f"- {size:,}: " + "; ".join(n for n in r["pages"] if "(" in n)
        for size, r in zip(SIZES, runs, strict=True)
    )
    report = (
        f"Median CPU per request, uncached, in-process, SQLite; {ITERATIONS} requests each"
        + ("; a corpus without figures (BENCH_LIGHT=1)" if LIGHT else "")
        + ".\n\n"
        + table(runs)
        + "\n\nThe deepest pages and the sitemap file at each size:\n"
        + names
        + "\n"
    )
    print(report)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / ("list-pages-light.md" if LIGHT else "list-pages.md")).write_text(report)


if __name__ == "__main__":
    # This folder holds bench/epaper.py and bench/search.py: the project's packages come first.
    sys.path[0:1] = [str(ROOT)]
    if sys.argv[1:2] == ["--child"]:
        measure(int(sys.argv[2]))
    else:
        main()
