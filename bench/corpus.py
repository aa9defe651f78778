"""A generated corpus for the benchmarks: 1,000 published articles around the first one.

Not a benchmark itself (`make bench` runs it as a smoke check: it builds a small corpus in a
throw-away database and reports the time). bench/pages.py imports `build_corpus`.

Articles vary the way a desk's do: 1 to 9 sections of 1 to 8 paragraphs cut from the first
article's text, 0 to 10 figures, one to three authors from a pool, ten columns. Figures share
the first article's pictures: their rows and renditions are real rows (what a page's queries and
templates see), their files are the seed's files, so building the corpus makes no image at all.
"""

import io
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SEED = 8


# Articles made per transaction: a corpus of 100,000 is built in batches, never all in memory.
BATCH = 1000


def build_corpus(count=1000, seed=SEED, per_day=None, progress=None, figures=True):
    """count published articles around the first one (which must be loaded: load_seed).

    per_day: how many articles a day, the newest an hour ago and each one older by
    24 h / per_day (a city daily puts 50 to 150 on the web a day); by default one every seven
    hours, as bench/pages.py has always measured. Built in batches of BATCH articles, so
    memory stays flat at any size (bench/list_pages.py, bench/archive_export.py). progress: a
    function called with the number made so far, after each batch. figures=False leaves out
    the figures and their renditions (nine rows an article on average and most of the build
    time): a lighter corpus for what only reads articles (list queries, sitemaps, the archive
    by date).
    """
    from django.core.management import call_command

    from articles.models import Article, Column

    rng = random.Random(seed)
    first = Article.objects.get(external_id__isnull=False)
    if figures:
        # load_seed queues its renditions for the task worker, which a bench does not run:
        # made here, in place, so the corpus's figures have renditions to copy.
        call_command("regenerate_renditions", "--missing", article=first.pk, stdout=io.StringIO())
    paragraphs = [p for s in first.sections.all() for p in s.paragraphs]
    headings = [s.heading for s in first.sections.all() if s.heading]
    model_figures = list(first.figures.prefetch_related("renditions"))
    spacing = timedelta(hours=7) if per_day is None else timedelta(days=1) / per_day
    now = timezone_now()
    columns = [
        Column.objects.get_or_create(name=f"基准栏目{n}", defaults={"slug": f"bench-{n}"})[0]
        for n in range(10)
    ]
    authors = _authors()
    totals = {"articles": 0, "sections": 0, "figures": 0}
    for start in range(0, count, BATCH):
        made = _batch(
            range(start, min(start + BATCH, count)),
            rng=rng,
            first=first,
            paragraphs=paragraphs,
            headings=headings,
            model_figures=model_figures if figures else [],
            columns=columns,
            authors=authors,
            when=lambda n: now - timedelta(hours=1) - n * spacing,
        )
        for key in totals:
            totals[key] += made[key]
        if progress is not None:
            progress(totals["articles"])
    return totals


def timezone_now():
    from django.utils import timezone

    return timezone.now()


def _authors():
    from articles.models import Author

    return [
        Author.objects.get_or_create(slug=f"bench-{n}", defaults={"name": f"记者{n:02d}"})[0]
        for n in range(40)
    ]


def _batch(numbers, *, rng, first, paragraphs, headings, model_figures, columns, authors, when):
    from django.db import transaction

    from articles.models import Article, ArticleAuthor, Figure, Rendition, Section

    with transaction.atomic():
        articles = Article.objects.bulk_create(
            Article(
                kicker=rng.choice(["", "钱塘观察", first.kicker]),
                title=f"{rng.choice(headings)}（{n}）",
                slug=f"bench-article-{n}",
                column=rng.choice(columns),
                status=Article.Status.PUBLISHED,
                published_at=when(n),
                photo_credit=first.photo_credit,
            )
            for n in numbers
        )
        ArticleAuthor.objects.bulk_create(
            ArticleAuthor(article=article, author=author, position=position)
            for article in articles
            for position, author in enumerate(rng.sample(authors, rng.randint(1, 3)), start=1)
        )
        sections = Section.objects.bulk_create(
            Section(
                article=article,
                position=position,
                heading="" if position == 1 else rng.choice(headings),
                body="\n\n".join(rng.choices(paragraphs, k=rng.randint(1, 8))),
            )
            for article in articles
            for position in range(1, rng.randint(1, 9) + 1)
        )
        by_article = {}
        for section in sections:
            by_article.setdefault(section.article_id, []).append(section)
        figures, sources = [], []
        for article in articles if model_figures else ():
            for position in range(1, rng.randint(0, 10) + 1):
                model = rng.choice(model_figures)
                figures.append(
                    Figure(
                        article=article,
                        section=rng.choice(by_article[article.pk]),
                        after_paragraph=rng.choice([None, 0, 1]),
                        position=position,
                        image=model.image.name,
                        width=model.width,
                        height=model.height,
                        caption=model.caption,
                        credit=model.credit,
                        alt_text=model.alt_text,
                    )
                )
                sources.append(model)
        # bulk_create sends no post_save: no renditions are made, the seed's are reused.
        figures = Figure.objects.bulk_create(figures)
        Rendition.objects.bulk_create(
            Rendition(
                figure=figure,
                spec=r.spec,
                kind=r.kind,
                source=r.source,
                file=r.file.name,
                width=r.width,
                height=r.height,
                size=r.size,
            )
            for figure, model in zip(figures, sources, strict=True)
            for r in model.renditions.all()
        )
    return {"articles": len(articles), "sections": len(sections), "figures": len(figures)}


def main():
    """Build a small corpus in a throw-away database: proves the generator still fits the models."""
    import os
    import shutil
    import tempfile

    folder = tempfile.mkdtemp(prefix="qiantang-corpus-")
    os.environ.update(
        SQLITE_PATH=f"{folder}/db.sqlite3", DJANGO_MEDIA_ROOT=f"{folder}/media", DJANGO_DEBUG="1"
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiantang_site.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_seed", verbosity=0)
    started = time.perf_counter()
    made = build_corpus(count=100)
    print(f"corpus of {made} built in {time.perf_counter() - started:.1f} s")
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()
