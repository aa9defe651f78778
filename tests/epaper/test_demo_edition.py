"""`manage.py load_demo_edition`: a demonstration edition from the first article, marked as one."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from articles.models import Article
from epaper.models import Edition, Region

pytestmark = pytest.mark.django_db


def test_the_demo_edition_shows_the_first_article_on_two_pages_marked_as_a_demonstration(client):
    with pytest.raises(CommandError, match="load_seed"):
        call_command("load_demo_edition", stdout=io.StringIO())
    call_command("load_seed", stdout=io.StringIO())
    article = Article.objects.get()
    provenance = (article.print_publication, article.print_date, article.print_page)

    out = io.StringIO()
    call_command("load_demo_edition", stdout=out)

    edition = Edition.objects.get()
    assert edition.publication.is_demo and edition.is_public
    # The day the article went live here, said to be no print date; nothing invented for it.
    assert edition.date == timezone.localdate(article.published_at)
    assert "并非见报日期" in out.getvalue()
    article.refresh_from_db()
    assert (article.print_publication, article.print_date, article.print_page) == provenance
    pages = list(edition.pages.all())
    assert [p.code for p in pages] == ["1", "2"]
    assert all(
        Region.objects.filter(page=p, article=article, status="confirmed").exists() for p in pages
    )
    assert all("演示" in " ".join(line[4] for line in p.text_lines[:3]) for p in pages)
    page_html = client.get(pages[0].get_absolute_url()).content.decode()
    assert "不是真实的报纸版面" in page_html and article.title in page_html
    article_html = client.get(article.get_absolute_url()).content.decode()
    assert "演示数字报（并非真实见报）" in article_html

    again = io.StringIO()
    call_command("load_demo_edition", stdout=again)
    assert "已经有了，没有改动" in again.getvalue()
    assert Edition.objects.get().pk == edition.pk


def test_replacing_the_demo_draws_its_regions_once_and_says_when_readers_cannot_see_it(
    tmp_path,
):
    from epaper.models import Publication

    from .build import picture

    call_command("load_seed", stdout=io.StringIO())
    call_command("load_demo_edition", stdout=io.StringIO())
    regions = Region.objects.count()
    # Another paper with a public edition, ahead of the demonstration's in the admin's order.
    (tmp_path / "A01.jpg").write_bytes(picture("JPEG"))
    call_command(
        "import_edition",
        str(tmp_path / "A01.jpg"),
        paper="杭州日报",
        date="2026-06-03",
        public=True,
        new_paper=True,
        stdout=io.StringIO(),
    )
    assert Publication.objects.primary().name == "杭州日报"

    out = io.StringIO()
    call_command("load_demo_edition", replace=True, stdout=out)

    assert Region.objects.filter(page__edition__publication__is_demo=True).count() == regions
    assert "读者现在看不到它" in out.getvalue() and "现在显示的是《杭州日报》" in out.getvalue()
