"""What a reader's search costs as the archive grows, against a plain scan in the same run.

Builds throw-away SQLite archives of N published articles (each with a kicker, summary, three
sections of ten paragraphs and two captions, about 1,600 characters), then times:

- search 1 term / search 5 terms: articles.search.search_articles(), counted and the first page
  fetched, as the search page does.
- baseline: one LIKE scan of every section's text for a word that is not there: the floor for
  any substring search of this archive.

Search is a substring match (see articles/search.py): its cost grows with the archive, one scan
per term, and with nothing else a reader controls. The ratios to the baseline say how much dearer
than the cheapest scan it is; the per-size times show the growth. Best of five runs.

    python bench/search.py          (or: make bench)
"""

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SIZES = (500, 2000)
REPEAT = 5
PARAGRAPH = "钱塘智慧城围绕数字能源、数字时尚、光电智芯三大产业赛道，奋力实现传统工业园区向都市高新产业园的蝶变。"


def setup(path):
    os.environ["SQLITE_PATH"] = str(path)
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiantang_site.settings")
    os.environ["DJANGO_LOG_LEVEL"] = "WARNING"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def fill(n):
    from datetime import timedelta

    from django.utils import timezone

    from articles.models import Article, Figure, Section

    now = timezone.now()
    articles = Article.objects.bulk_create(
        Article(
            title=f"第{i}篇：城市更新与产业发展",
            kicker="产业观察",
            summary="一批新项目签约落地，带动就业。",
            status=Article.Status.PUBLISHED,
            published_at=now - timedelta(minutes=i + 1),
            slug=f"a{i}",
        )
        for i in range(n)
    )
    body = "\n\n".join([PARAGRAPH] * 10)
    Section.objects.bulk_create(
        Section(article=a, position=p, heading=f"小标题{p}", body=body)
        for a in articles
        for p in (1, 2, 3)
    )
    Figure.objects.bulk_create(
        Figure(article=a, position=p, caption="新厂房一角") for a in articles for p in (1, 2)
    )


def best(fn):
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main():
    from django.db import connection

    with tempfile.TemporaryDirectory() as tmp:
        setup(Path(tmp) / "bench.sqlite3")
        from articles.models import Section
        from articles.search import search_articles

        def run_search(terms):
            queryset = search_articles(terms)
            queryset.count()
            list(queryset[:10])

        rows, filled = [], 0
        for size in SIZES:
            fill(size - filled)
            filled = size
            connection.close()
            baseline = best(lambda: Section.objects.filter(body__icontains="不存在").count())
            one = best(lambda: run_search(["不存在"]))
            five = best(lambda: run_search(["钱塘", "数字", "产业", "园区", "不存在"]))
            rows.append((size, baseline, one, five))
        print("Search on SQLite; ratio = time / baseline (one LIKE scan of all section text).")
        print(
            f"{'articles':>8} {'baseline ms':>12} {'1 term ms':>10} {'ratio':>6}"
            f" {'5 terms ms':>11} {'ratio':>6}"
        )
        for size, baseline, one, five in rows:
            print(
                f"{size:>8} {baseline * 1000:>12.1f} {one * 1000:>10.1f} {one / baseline:>6.1f}"
                f" {five * 1000:>11.1f} {five / baseline:>6.1f}"
            )


if __name__ == "__main__":
    main()
