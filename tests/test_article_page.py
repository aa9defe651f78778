"""The article page's data: loaded through ordinary querysets into a page object, in a fixed
number of queries; and figures laid out among paragraphs by one function (articles/pages.py)."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import PICTURE_RENDITIONS, Article, Figure
from articles.pages import MORE_COUNT, lay_out, load_article_page

from .factories import make_article, make_author, make_column, make_correction, make_figure

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parents[1] / "articles" / "seed" / "qiantang-print-page.txt"


def test_the_page_loader_brings_everything_the_page_shows_in_a_fixed_number_of_queries():
    column = make_column("大型纪实")
    first, second = make_author("张梦月"), make_author("李岚")
    article = make_article(column=column, authors=[second, first])
    make_article("同栏目的另一篇", column=column)
    make_figure(article, caption="一")
    make_figure(article, caption="二", image=False)
    make_correction(article)
    with CaptureQueriesContext(connection) as queries:
        page = load_article_page(article.pk)
        assert page.article.column.name == "大型纪实"
        assert [a.name for a in page.authors] == ["李岚", "张梦月"]
        assert [f.caption for f in page.figures] == ["一", "二"]
        with_photo, without = page.figures
        assert with_photo.fallback_rendition.width > 0 and with_photo.webp_srcset
        assert without.fallback_rendition is None
        assert page.lead_figure == with_photo
        assert len(page.corrections) == 1
        assert len(page.sections) == 1
        assert page.previous is None and page.next.title == "同栏目的另一篇"
        assert page.more == []  # the column's other article is already 下一篇
        assert page.blocks and page.description
    # The article with its column, bylines with authors, sections, figures, their
    # renditions, corrections, where to go next (previous, next, more: one query).
    assert len(queries) == 7
    assert load_article_page(article.pk + 1000) is None


def test_the_loaders_sql_answers_what_the_orm_answers(time_machine):
    column = make_column("城事")
    article = make_article(column=column, authors=[make_author(), make_author()])
    section = article.sections.get()
    make_figure(article, caption="文末")
    make_figure(article, caption="占位", is_placeholder=True, section=section)
    make_figure(article, caption="第一段后", section=section, after_paragraph=1)
    make_correction(article)
    make_article(published=False, column=column)
    make_article(column=column, published_at=timezone.now() + timedelta(hours=2))
    for hours in range(6):
        make_article(column=column, published_at=timezone.now() - timedelta(hours=hours + 2))
    make_article("别的文章", sections=[("", "别处。")])
    page = load_article_page(article.pk)

    def rows(objects):
        return [
            {f.attname: getattr(o, f.attname) for f in type(o)._meta.concrete_fields}
            for o in objects
        ]

    assert rows([page.article]) == rows([Article.objects.get(pk=article.pk)])
    assert page.article.column == column
    assert rows(page.bylines) == rows(article.bylines.all())
    assert [b.author for b in page.bylines] == [b.author for b in article.bylines.all()]
    assert rows(page.sections) == rows(article.sections.all())
    assert rows(page.figures) == rows(article.figures.all())
    lead = next(f for f in article.figures.all() if f.has_photo)
    for loaded, figure in zip(page.figures, article.figures.all(), strict=True):
        expected = figure.renditions.all()
        if figure != lead:  # the social card and crops only for the lead figure
            expected = expected.filter(PICTURE_RENDITIONS)
        assert rows(loaded.loaded_renditions()) == rows(expected.order_by("width", "id"))
    assert rows(page.corrections) == rows(article.corrections.all())
    # Where to go next, at several moments: what published() answers then.
    for moment in (timezone.now(), timezone.now() + timedelta(hours=3)):
        time_machine.move_to(moment)
        public = Article.objects.published()
        siblings = public.filter(column=column).exclude(pk=article.pk)
        older = siblings.filter(published_at__lt=article.published_at).order_by(
            "-published_at", "-id"
        )
        newer = siblings.filter(published_at__gt=article.published_at).order_by(
            "published_at", "id"
        )
        page = load_article_page(article.pk)
        assert page.previous == older.first()
        assert page.next == newer.first()
        around = {a.pk for a in (page.previous, page.next) if a}
        expected = [a.pk for a in siblings if a.pk not in around]
        expected += [a.pk for a in public.exclude(column=column)]
        assert [a.pk for a in page.more] == expected[:MORE_COUNT]


def test_an_article_never_corrected_skips_the_corrections_query():
    article = make_article(column=make_column())
    with CaptureQueriesContext(connection) as queries:
        page = load_article_page(article.pk)
        assert page.corrections == []
    # Article, bylines, sections, figures (none: no renditions to ask for), related.
    assert len(queries) == 5
    make_correction(article, note="更正：日期有误。")
    assert [c.note for c in load_article_page(article.pk).corrections] == ["更正：日期有误。"]


def test_an_article_without_column_or_authors_loads_too():
    article = make_article()
    page = load_article_page(article.pk)
    assert page.article.column is None
    assert page.authors == [] and page.byline_groups == []
    assert page.previous is None and page.next is None and page.more == []


def test_an_article_number_beyond_the_database_is_no_article():
    assert load_article_page(2**70) is None


def items(blocks):
    return [
        [item.paragraph if item.kind == "paragraph" else f"[{item.figure}]" for item in b.items]
        for b in blocks
    ]


def test_figures_stand_after_their_paragraph_in_their_order():
    sections = [("一", ["甲", "乙"]), ("二", ["丙"])]
    figures = [
        (0, 1, "a"),  # after the first paragraph
        (0, 0, "b"),  # before it
        (0, 1, "c"),  # after the first too, after a
        (0, None, "d"),  # at the end of the section
        (0, 9, "e"),  # past the last paragraph: after it, before the section's end ones
        (1, 0, "f"),
    ]
    assert items(lay_out(sections, figures)) == [
        ["[b]", "甲", "[a]", "[c]", "乙", "[e]", "[d]"],
        ["[f]", "丙"],
    ]
    numbers = [i.number for i in lay_out(sections, figures)[0].items if i.kind == "paragraph"]
    assert numbers == [1, 2]


def test_figures_of_no_section_close_the_article():
    assert items(lay_out([("一", ["甲"])], [(None, 0, "a"), (5, None, "b")])) == [
        ["甲", "[a]", "[b]"]
    ]
    (alone,) = lay_out([], [(None, None, "a")])
    assert alone.section is None and items([alone]) == [["[a]"]]


def test_the_public_page_lays_out_a_draft_as_its_import_preview_showed_it(client, editor):
    # The first article's print page: six captions standing among the paragraphs.
    text = SEED.read_text(encoding="utf-8")
    url = reverse("admin:articles_article_import_print_page")
    preview = client.post(url, {"text": text, "_preview": "预览"})
    (story,) = preview.context["stories"]
    assert client.post(url, {"text": text, "_create": "创建草稿"}).status_code == 302
    page = load_article_page(Article.objects.get().pk)

    def shape(blocks):
        return [
            [
                item.paragraph
                if item.kind == "paragraph"
                else getattr(item.figure, "caption", None) or item.figure["caption"]
                for item in block.items
            ]
            for block in blocks
        ]

    shown = shape(page.blocks)
    figures = [i for b in page.blocks for i in b.items if i.kind == "figure"]
    assert len(figures) == 6 and len(shown) > 1
    assert shape(story["blocks"]) == shown


def test_seed_pictures_know_their_size_so_pages_never_open_an_original(client, media_root):
    call_command("load_seed", stdout=open("/dev/null", "w"))  # noqa: SIM115
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
    measured = make_figure(article, caption="有尺寸", size=(480, 320))
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
    (figure,) = load_article_page(article.pk).figures
    old = figure.fallback_rendition.file.name
    figure.image.save("replacement.jpg", jpeg_upload(colour=(200, 30, 30)), save=False)
    figure.save()  # its post_save handler runs sync_renditions on this very instance
    assert figure.fallback_rendition.file.name != old
    assert figure.fallback_rendition.source == figure.image.name
