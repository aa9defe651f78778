"""The digital edition in the admin: an edition made, its pages uploaded, regions drawn."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import Article
from epaper.models import Edition, Page, Publication, Region
from tests.factories import make_article

from .build import DAY, STORIES, header, page_text, picture, text_pdf

pytestmark = pytest.mark.django_db


def test_an_edition_is_created_then_several_pages_uploaded_at_once(client, editor):
    paper = Publication.objects.create(name="杭州日报")
    response = client.post(
        reverse("admin:epaper_edition_add"),
        {
            "publication": paper.pk,
            "date": "2026-06-03",
            "number": "12345",
            "total_number": "",
            "pages-TOTAL_FORMS": "0",
            "pages-INITIAL_FORMS": "0",
        },
    )
    edition = Edition.objects.get()
    upload_url = reverse("admin:epaper_edition_upload", args=[edition.pk])
    assert response.status_code == 302 and response["Location"] == upload_url
    assert "上传版面" in client.get(upload_url).content.decode()

    pdf, _truth = text_pdf(head=header("A01", "要闻"))
    files = [
        SimpleUploadedFile("A02-城市.png", picture("PNG")),
        SimpleUploadedFile("A01-要闻.pdf", pdf),
        SimpleUploadedFile("A01-要闻.txt", page_text(STORIES, header("A01", "要闻")).encode()),
    ]
    response = client.post(upload_url, {"files": files}, follow=True)

    assert "已上传 2 个版面" in response.content.decode()
    assert [(p.code, p.name) for p in edition.pages.all()] == [("A01", "要闻"), ("A02", "城市")]
    assert Article.objects.count() == 3
    assert Region.objects.filter(status=Region.Status.PROPOSED).count() == 3
    page = edition.pages.get(code="A01")
    assert Article.objects.first().created_by == editor
    # The edition's change form lists the pages with a way to their regions.
    html = client.get(reverse("admin:epaper_edition_change", args=[edition.pk])).content.decode()
    assert reverse("admin:epaper_page_change", args=[page.pk]) in html
    assert "3 块待确认" in html


def test_regions_are_typed_as_numbers_and_leave_the_article_own_provenance_alone(client, editor):
    edition = Edition.objects.create(
        publication=Publication.objects.create(name="杭州日报"), date=DAY
    )
    page = Page.objects.create(edition=edition, position=1, code="A05", name="城市", file="x.png")
    article = make_article("城市新闻")
    url = reverse("admin:epaper_page_change", args=[page.pk])
    form = {
        "position": "1",
        "code": "A05",
        "name": "城市",
        "regions-TOTAL_FORMS": "2",
        "regions-INITIAL_FORMS": "0",
        "regions-0-position": "1",
        "regions-0-article": str(article.pk),
        "regions-0-x": "0.1",
        "regions-0-y": "0.2",
        "regions-0-width": "0.5",
        "regions-0-height": "0.3",
        "regions-0-status": "confirmed",
        "regions-1-position": "2",
        "regions-1-x": "0.7",
        "regions-1-y": "0.2",
        "regions-1-width": "0.5",
        "regions-1-height": "0.3",
        "regions-1-status": "confirmed",
    }

    refused = client.post(url, form)
    assert "区域超出了版面" in refused.content.decode()
    assert not Region.objects.exists()

    form["regions-1-width"] = "0.25"
    assert client.post(url, form).status_code == 302

    assert list(page.regions.values_list("x", "y", "width", "height")) == [
        (0.1, 0.2, 0.5, 0.3),
        (0.7, 0.2, 0.25, 0.3),
    ]
    # Linking writes nothing into the article (H1): where it was printed is read from here.
    article.refresh_from_db()
    assert (article.print_publication, article.print_date, article.print_page) == ("", None, "")


def test_the_page_form_carries_the_region_editor_and_proposes_regions_from_the_pdf(
    client, editor, tmp_path
):
    from django.core.management import call_command

    pdf, _truth = text_pdf(head=header("A01", "要闻"))
    (tmp_path / "A01.pdf").write_bytes(pdf)
    (tmp_path / "A01.txt").write_text(page_text(STORIES, header("A01", "要闻")), "utf-8")
    call_command(
        "import_edition",
        str(tmp_path / "A01.pdf"),
        paper="杭州日报",
        date="2026-06-03",
        no_proposals=True,
        stdout=None,
    )
    page = Page.objects.get()
    assert not page.regions.filter(x__isnull=False).exists()  # stories linked, no boxes yet

    html = client.get(reverse("admin:epaper_page_change", args=[page.pk])).content.decode()
    assert "epaper/region-editor.js" in html and 'class="region-editor"' in html
    assert "根据 PDF 文字建议区域" in html

    response = client.post(reverse("admin:epaper_page_propose", args=[page.pk]), follow=True)

    assert "按 PDF 文字位置建议了 3 块区域（3 篇稿件）" in response.content.decode()
    regions = page.regions.all()
    assert len(regions) == 3 and all(r.has_box and r.status == "proposed" for r in regions)


def test_every_admin_page_of_the_edition_opens(client, editor):
    edition = Edition.objects.create(
        publication=Publication.objects.create(name="杭州日报"), date=DAY
    )
    page = Page.objects.create(edition=edition, position=1, code="1", file="x.png")
    for url in (
        reverse("admin:epaper_publication_changelist"),
        reverse("admin:epaper_edition_changelist"),
        reverse("admin:epaper_edition_add"),
        reverse("admin:epaper_edition_change", args=[edition.pk]),
        reverse("admin:epaper_page_changelist"),
        reverse("admin:epaper_page_change", args=[page.pk]),
        reverse("admin:index"),
    ):
        assert client.get(url).status_code == 200, url


def test_an_upload_too_big_for_one_request_is_refused_in_chinese(client, editor, monkeypatch):
    """The outside review's M1: a 16-page edition, or a PDF slow to render, ran past
    gunicorn's 30 s and the editor got its English "Internal Server Error"."""
    import subprocess

    from epaper import admin as epaper_admin
    from epaper import pagefiles

    from .build import pillow_pdf

    edition = Edition.objects.create(
        publication=Publication.objects.create(name="杭州日报"), date=DAY
    )
    url = reverse("admin:epaper_edition_upload", args=[edition.pk])
    pages = epaper_admin.UPLOAD_MAX_PAGES + 1
    response = client.post(url, {"files": [SimpleUploadedFile("all.pdf", pillow_pdf(pages))]})
    html = response.content.decode()
    assert response.status_code == 200
    assert f"共有 {pages} 个版面，网页上传一次最多 {pages - 1} 个" in html
    assert "manage.py import_edition" in html
    assert not Page.objects.exists()

    # Rendering past the request's budget: the child is stopped, the editor told why.
    seen = {}
    real_run = subprocess.run

    def slow(command, **kwargs):
        # The check that counts pages has the worker's own limit; the rendering the budget.
        if "epaper.pdfworker" in command and kwargs["timeout"] < pagefiles.PDF_SECONDS:
            seen["timeout"] = kwargs["timeout"]
            raise subprocess.TimeoutExpired(command, kwargs["timeout"])
        return real_run(command, **kwargs)

    monkeypatch.setattr(pagefiles.subprocess, "run", slow)
    response = client.post(url, {"files": [SimpleUploadedFile("A01.pdf", pillow_pdf())]})
    html = response.content.decode()
    assert seen["timeout"] <= epaper_admin.UPLOAD_RENDER_SECONDS < 30
    assert "渲染超过了网页上传的" in html and "manage.py import_edition" in html
    assert not Page.objects.exists()


def test_tampered_region_rows_are_refused_in_chinese_never_a_500(client, editor):
    """The outside review's L4: a non-numeric article id was a 500, and a box 0.0000001 high
    (an invisible, untappable link) was accepted."""
    edition = Edition.objects.create(
        publication=Publication.objects.create(name="杭州日报"), date=DAY
    )
    page = Page.objects.create(edition=edition, position=1, code="A05", name="城市", file="x.png")
    article = make_article("城市新闻")
    url = reverse("admin:epaper_page_change", args=[page.pk])
    form = {
        "position": "1",
        "code": "A05",
        "name": "城市",
        "regions-TOTAL_FORMS": "1",
        "regions-INITIAL_FORMS": "0",
        "regions-0-position": "1",
        "regions-0-article": str(article.pk),
        "regions-0-x": "0.1",
        "regions-0-y": "0.2",
        "regions-0-width": "0.5",
        "regions-0-height": "0.0000001",
        "regions-0-status": "confirmed",
    }
    response = client.post(url, form)
    assert response.status_code == 200 and "区域太小" in response.content.decode()

    form["regions-0-height"] = "0.3"
    for bad in ("abc", "1.5", "0x10", "²", "9" * 40):
        form["regions-0-article"] = bad
        response = client.post(url, form)
        assert response.status_code == 200, bad
        assert "选择一个有效的选项" in response.content.decode(), bad
    assert not Region.objects.exists()

    form["regions-0-article"] = str(article.pk)
    assert client.post(url, form).status_code == 302
