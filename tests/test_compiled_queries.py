"""The article page's data path: queries compiled once, run with new values, on a real database.

A compiled query must answer exactly what its queryset answers, for every value it is run with:
if the SQL were kept with the wrong values in it, readers would see another article's text.
"""

import gc
import threading
from datetime import datetime, timedelta

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.compiled import CompiledQuery, _Compiled, attach
from articles.models import Article, Figure, Section
from articles.views import load_article_page

from .factories import make_article, make_author, make_column, make_correction, make_figure

pytestmark = pytest.mark.django_db

SECTIONS = CompiledQuery(lambda article: Section.objects.filter(article_id=article), article=int)
PUBLIC_IN_COLUMN = CompiledQuery(
    lambda column, now: Article.objects.published(now).filter(column_id=column),
    column=int,
    now=datetime,
)


def fields(objects, *names):
    return [tuple(getattr(obj, name) for name in names) for obj in objects]


def test_a_compiled_query_answers_for_each_value_what_its_queryset_answers():
    first = make_article(sections=[("一", "甲。"), ("二", "乙。")])
    second = make_article(sections=[("三", "丙。")])
    for article in (first, second, first):
        expected = list(Section.objects.filter(article_id=article.pk))
        got = SECTIONS(article=article.pk)
        assert fields(got, "pk", "heading", "body") == fields(expected, "pk", "heading", "body")
    assert SECTIONS(article=second.pk + 1000) == []


def test_a_time_value_decides_what_is_public_as_the_queryset_does():
    column = make_column()
    now = timezone.now()
    make_article("已发布", column=column, published_at=now - timedelta(hours=2))
    make_article("定时发布", column=column, published_at=now + timedelta(hours=2))
    make_article("草稿", column=column, published=False)
    for moment in (now, now + timedelta(hours=3), now - timedelta(hours=3)):
        expected = list(Article.objects.published(moment).filter(column_id=column.pk))
        got = PUBLIC_IN_COLUMN(column=column.pk, now=moment)
        assert [a.title for a in got] == [a.title for a in expected]
    assert [a.title for a in PUBLIC_IN_COLUMN(column=column.pk, now=now)] == ["已发布"]
    # Datetimes come back as aware datetimes, converted as the ORM converts them.
    (loaded,) = PUBLIC_IN_COLUMN(column=column.pk, now=now)
    assert loaded.published_at == Article.objects.get(title="已发布").published_at


def test_a_value_missing_from_the_sql_is_refused_at_once():
    broken = CompiledQuery(lambda article: Section.objects.all(), article=int)
    with pytest.raises(ValueError, match="article"):
        broken(article=1)


def test_attached_objects_are_read_without_a_query_and_filter_still_means_this_article():
    article = make_article(sections=[("一", "甲。"), ("二", "乙。")])
    other = make_article(sections=[("一", "别的文章。")])
    attach(article, "sections", SECTIONS(article=article.pk))
    with CaptureQueriesContext(connection) as queries:
        assert [s.heading for s in article.sections.all()] == ["一", "二"]
    assert len(queries) == 0
    assert list(article.sections.filter(heading="一")) == [article.sections.get(heading="一")]
    assert other.sections.get().body == "别的文章。"


def test_the_page_loader_brings_everything_the_page_shows_in_a_fixed_number_of_queries():
    column = make_column("大型纪实")
    first, second = make_author("张梦月"), make_author("李岚")
    article = make_article(column=column, authors=[second, first])
    make_figure(article, caption="一")
    make_figure(article, caption="二", image=False)
    make_correction(article)
    with CaptureQueriesContext(connection) as queries:
        loaded = load_article_page(article.pk)
        assert loaded.column.name == "大型纪实"
        assert [a.name for a in loaded.ordered_authors] == ["李岚", "张梦月"]
        assert [f.caption for f in loaded.figures.all()] == ["一", "二"]
        with_photo, without = loaded.figures.all()
        assert with_photo.fallback_rendition.width > 0 and with_photo.webp_srcset
        assert without.fallback_rendition is None
        assert len(loaded.corrections.all()) == 1
        assert len(loaded.sections.all()) == 1
    # Article with its column, bylines with authors, sections, figures, renditions, corrections.
    assert len(queries) == 6
    assert load_article_page(article.pk + 1000) is None


def test_an_article_never_corrected_skips_the_corrections_query():
    article = make_article()
    with CaptureQueriesContext(connection) as queries:
        loaded = load_article_page(article.pk)
        assert list(loaded.corrections.all()) == []
    assert len(queries) == 5
    make_correction(article, note="更正：日期有误。")
    assert [c.note for c in load_article_page(article.pk).corrections.all()] == ["更正：日期有误。"]


def test_an_article_without_column_or_authors_loads_too():
    article = make_article()
    loaded = load_article_page(article.pk)
    assert loaded.column is None
    assert loaded.ordered_authors == []


def test_seed_pictures_know_their_size_so_pages_never_open_an_original(
    client, media_root, first_article
):
    figures = Figure.objects.all()
    assert [(f.width, f.height) for f in figures] == [(1600, 1067)] * 6
    figures.update(is_placeholder=False)  # shown as photos, as once the real ones are in
    # Readers are sent renditions only: with every original gone, the page is still whole.
    for original in (media_root / "originals").rglob("*.jpg"):
        original.unlink()
    article = Article.objects.get()
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert response.content.decode().count("<picture>") == 6


def test_the_migration_measures_figures_saved_without_their_size(media_root):
    from importlib import import_module

    from django.apps import apps

    fill_dimensions = import_module(
        "articles.migrations.0006_fill_figure_dimensions"
    ).fill_dimensions
    article = make_article()
    measured = make_figure(article, caption="有尺寸")
    lost = make_figure(article, caption="原图丢了")
    Figure.objects.update(width=None, height=None)
    (media_root / lost.image.name).unlink()
    fill_dimensions(apps, None)
    rows = Figure.objects.order_by("position").values_list("pk", "width", "height")
    # The one whose original is still there is measured; the lost one is left as it was.
    assert list(rows) == [(measured.pk, 480, 320), (lost.pk, None, None)]


def test_rendition_urls_follow_a_change_of_media_url(settings):
    figure = make_figure(make_article())
    rendition = figure.fallback_rendition
    assert rendition.file.url.startswith("/media/renditions/")
    settings.MEDIA_URL = "https://img.example.cn/media/"
    assert rendition.file.url.startswith("https://img.example.cn/media/renditions/")


def test_kept_links_follow_the_script_prefix():
    from django.urls import set_script_prefix

    article = make_article()
    assert article.get_absolute_url().startswith("/articles/")
    set_script_prefix("/news/")
    try:
        assert article.get_absolute_url().startswith("/news/articles/")
    finally:
        set_script_prefix("/")
    assert article.get_absolute_url().startswith("/articles/")


def test_a_figure_loaded_for_a_page_shows_its_new_picture_once_it_is_replaced():
    from .factories import jpeg_upload

    article = make_article()
    make_figure(article)
    (figure,) = load_article_page(article.pk).figures.all()
    old = figure.fallback_rendition.file.name
    figure.image.save("replacement.jpg", jpeg_upload(colour=(200, 30, 30)), save=False)
    figure.save()  # its post_save handler runs sync_renditions on this very instance
    assert figure.fallback_rendition.file.name != old
    assert figure.fallback_rendition.source == figure.image.name


def _live(kind):
    gc.collect()
    return [obj for obj in gc.get_objects() if isinstance(obj, kind)]


@pytest.mark.django_db(transaction=True)
def test_compiled_queries_go_with_the_connections_of_finished_threads():
    # A threaded server (runserver, gthread) gives each thread its own connection; the SQL
    # compiled for a thread that is gone must not stay behind, nor keep its connection alive.
    article = make_article(sections=[("一", "甲。")])
    query = CompiledQuery(lambda article: Section.objects.filter(article_id=article), article=int)
    assert [s.heading for s in query(article=article.pk)] == ["一"]
    wrappers_before = len(_live(type(connection)))
    failures = []

    def read():
        try:
            assert [s.heading for s in query(article=article.pk)] == ["一"]
        except Exception as error:  # noqa: BLE001 (reported by the test's thread)
            failures.append(error)
        finally:
            connections.close_all()

    for _ in range(20):  # 200 threads, ten at a time: PostgreSQL's connection limit
        threads = [threading.Thread(target=read) for _ in range(10)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert failures == []
    kept = [c for c in _live(_Compiled) if c.kinds is query.kinds]
    assert len(kept) == 1  # this thread's, on its live connection
    assert len(_live(type(connection))) <= wrappers_before
