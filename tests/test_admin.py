import re

import pytest
from bs4 import BeautifulSoup
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Figure

from .admin_forms import add_inline_rows, form_data, form_errors
from .conftest import queries_for
from .factories import jpeg_upload, make_article, make_author, make_column, make_figure

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:articles_article_add")


def test_every_admin_page_opens_for_staff(client, editor):
    article = make_article(column=make_column(), authors=[make_author()])
    make_figure(article)
    for model, model_admin in admin.site._registry.items():
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        listing = client.get(reverse(f"{info}_changelist"), follow=True)
        assert listing.status_code == 200, info  # 首页编排's list is its one form
        if model_admin.has_add_permission(type("R", (), {"user": editor})()):
            assert client.get(reverse(f"{info}_add")).status_code == 200, info
        obj = model.objects.first()
        if obj is not None:
            assert client.get(reverse(f"{info}_change", args=[obj.pk])).status_code == 200, info


def test_admin_speaks_chinese(client, editor):
    html = client.get(ADD_URL).content.decode()
    for label in ("引题", "主题", "副题", "栏目", "小节", "图片说明", "替代文字", "保存"):
        assert label in html


def new_article_post(client, **overrides):
    data = form_data(client, ADD_URL)
    data.update({"kicker": "引题一行", "title": "新稿件标题", "status": "draft"})
    add_inline_rows(
        data,
        "sections",
        [
            {"position": "1", "heading": "", "body": "导语第一段。\n\n导语第二段。"},
            {"position": "2", "heading": "第二节的小标题", "body": "第二节的正文。"},
        ],
    )
    add_inline_rows(
        data,
        "figures",
        [
            {
                "position": "1",
                "caption": "钱塘江畔的新园区",
                "credit": "本报记者 摄",
                "alt_text": "",
                "focal_x": "0.5",
                "focal_y": "0.5",
            },
        ],
    )
    data.update(overrides)
    return data


def test_editor_creates_an_article_with_two_sections_and_a_figure_through_the_form(client, editor):
    data = new_article_post(client)
    data["figures-0-image"] = jpeg_upload("river.jpg", width=1600, height=1000)
    response = client.post(ADD_URL, data)
    assert response.status_code == 302, form_errors(response)
    article = Article.objects.get(title="新稿件标题")
    assert [(s.position, s.heading) for s in article.sections.all()] == [
        (1, ""),
        (2, "第二节的小标题"),
    ]
    figure = article.figures.get()
    assert (figure.width, figure.height) == (1600, 1000)
    assert figure.caption == "钱塘江畔的新园区"
    # Staff follow "view on site" and see the draft at once.
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    assert "第二节的小标题" in page.content.decode()


def test_an_upload_named_to_turn_into_a_page_is_stored_as_a_jpg_under_a_random_name(client, editor):
    data = new_article_post(client)
    data["figures-0-image"] = jpeg_upload("x.jpg\0.html", width=1600, height=1000)
    response = client.post(ADD_URL, data)
    assert response.status_code == 302, form_errors(response)
    name = Figure.objects.get().image.name
    assert re.fullmatch(r"originals/\d{4}/\d{2}/[A-Za-z0-9_-]{22,}\.jpg", name), name


def test_a_file_that_is_not_an_image_is_refused_and_the_typed_text_kept(client, editor):
    data = new_article_post(client)
    data["figures-0-image"] = SimpleUploadedFile("photo.jpg", b"<html>not a photo</html>")
    response = client.post(ADD_URL, data)
    assert response.status_code == 200
    assert form_errors(response)
    assert Article.objects.count() == 0 and Figure.objects.count() == 0
    html = response.content.decode()
    assert "新稿件标题" in html and "第二节的小标题" in html and "钱塘江畔的新园区" in html


def test_two_sections_with_the_same_position_are_refused_with_a_message(client, editor):
    data = new_article_post(client, **{"sections-1-position": "1"})
    response = client.post(ADD_URL, data)
    assert response.status_code == 200
    assert "重复" in form_errors(response)
    assert Article.objects.count() == 0
    assert "第二节的小标题" in response.content.decode()


def test_signing_off_without_a_time_publishes_now(client, editor):
    data = form_data(client, ADD_URL)
    data.update({"title": "立即签发的稿件", "source": "本报", "_transition": "sign_off"})
    add_inline_rows(data, "sections", [{"position": "1", "heading": "", "body": "导语。"}])
    before = timezone.now()
    response = client.post(ADD_URL, data)
    assert response.status_code == 302, form_errors(response)
    article = Article.objects.get()
    assert article.is_public and before <= article.published_at <= timezone.now()


def test_editor_swaps_two_sections_by_their_positions(client, editor):
    article = make_article(sections=[("", "导语。"), ("甲节", "甲。"), ("乙节", "乙。")])
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(client, url)
    data["sections-1-position"], data["sections-2-position"] = "3", "2"
    response = client.post(url, data)
    assert response.status_code == 302, form_errors(response)
    assert [s.heading for s in article.sections.all()] == ["", "乙节", "甲节"]


def test_editor_deletes_a_section_and_a_figure(client, editor):
    article = make_article(sections=[("", "导语。"), ("多余", "删掉。")])
    make_figure(article)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(client, url)
    data["sections-1-DELETE"] = "on"
    data["figures-0-DELETE"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302, form_errors(response)
    assert [s.heading for s in article.sections.all()] == [""]
    assert not article.figures.exists()


def test_changelist_shows_scheduled_articles_with_their_time(client, editor):
    when = timezone.now() + timezone.timedelta(days=1)
    make_article("明天见报", published_at=when)
    html = client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert "定时发布" in html


def test_every_field_of_every_inline_row_is_in_the_form_once(client, editor):
    # Two inputs with one name: the browser posts both and Django reads the last, so a change
    # made to the first (the figures' order, renumbered by the drag script) was silently lost.
    article = make_article(authors=[make_author()], sections=[("小标题", "正文。")])
    make_figure(article, section=article.sections.get())
    article.corrections.create(note="更正：一处笔误。", corrected_at=timezone.now())
    url = reverse("admin:articles_article_change", args=[article.pk])
    page = BeautifulSoup(client.get(url).content, "html.parser")
    form = page.select_one("form#article_form")
    names = [
        field["name"]
        for field in form.select("input[name], select[name], textarea[name]")
        if field.get("type") not in ("radio", "submit") and "__prefix__" not in field["name"]
    ]
    for prefix in ("bylines", "sections", "figures", "corrections"):
        assert f"{prefix}-0-id" in names
    assert [name for name in set(names) if names.count(name) > 1] == []


def gallery(figures, sections):
    article = make_article(
        "图集",
        published=False,  # a draft: its photos may still be missing
        sections=[(f"第{n}组", "一段。\n\n又一段。") for n in range(sections)],
    )
    parts = list(article.sections.all())
    for n in range(figures):
        make_figure(article, caption=f"清晨 {n}", image=False, section=parts[n % sections])
    return article


def test_a_gallery_of_a_hundred_photos_opens_and_saves(client, editor):
    # Over 75 figures once gave a bare English "Bad Request (400)": too many form fields.
    article = gallery(figures=100, sections=20)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(client, url)
    assert len(data) > 1000
    data["figures-99-caption"] = "最后一张，改过了"
    data["figures-0-section"] = str(article.sections.get(position=20).pk)
    response = client.post(url, data)
    assert response.status_code == 302, form_errors(response)
    last = article.figures.get(position=100)
    assert last.caption == "最后一张，改过了"
    assert article.figures.get(position=1).section.position == 20


def test_the_change_page_queries_do_not_grow_with_figures_and_sections(client, editor):
    def queries_to_open(article):
        url = reverse("admin:articles_article_change", args=[article.pk])
        client.get(url)  # the first page of a run also fills Django's content-type cache
        return queries_for(client, url)[1]

    small, large = gallery(figures=2, sections=2), gallery(figures=30, sections=15)
    for article, photos in ((small, 1), (large, 4)):
        for _ in range(photos):
            make_figure(article, caption="有照片的一张", section=article.sections.first())
    assert queries_to_open(large) == queries_to_open(small)


def test_a_figure_cannot_be_placed_in_another_articles_section(client, editor):
    article, other = gallery(figures=1, sections=1), gallery(figures=1, sections=1)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(client, url)
    data["figures-0-section"] = str(other.sections.get().pk)
    response = client.post(url, data)
    assert response.status_code == 200
    assert "选择一个有效的选项" in form_errors(response)
    assert article.figures.get().section.article_id == article.pk


def test_an_editor_gives_a_byline_its_role_and_readers_see_it(client, editor):
    article = make_article("港口", authors=[make_author("许静")])
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(client, url)
    data["bylines-0-role"] = "本报记者"
    data["print_page_name"] = "城事"
    data["print_editors"] = "王敏"
    response = client.post(url, data)
    assert response.status_code == 302, form_errors(response)
    assert article.bylines.get().role == "本报记者"
    client.logout()
    page = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")
    assert page.select_one(".article .byline").get_text(" ", strip=True) == "本报记者 许静"
    assert page.select_one(".print-editors").get_text() == "责任编辑：王敏"


def test_the_change_page_never_links_to_an_original(client, editor):
    # Originals are never served: a link to one was a 404 for staff (and named its path).
    article = make_article()
    make_figure(article, section=article.sections.get())
    page = client.get(reverse("admin:articles_article_change", args=[article.pk])).content
    assert b"/originals/" not in page
    assert b'accept="image/jpeg,image/png,image/webp"' in page


def test_the_change_page_is_what_djangos_own_label_and_input_templates_give(
    client, editor, monkeypatch
):
    # The inline rows write labels and plain inputs in Python, for a gallery's speed: the page
    # must be the very page Django's templates give.
    from articles.admin import forms as article_admin

    article = make_article(authors=[make_author()])
    make_figure(article, section=article.sections.get())
    article.corrections.create(note="更正：一处笔误。")
    url = reverse("admin:articles_article_change", args=[article.pk])
    fast = client.get(url).content.decode()
    monkeypatch.setattr(
        article_admin.PlainLabels,
        "render",
        lambda self, *args: super(article_admin.PlainLabels, self).render(*args),
    )
    monkeypatch.setattr(article_admin.PlainInputsRenderer, "INPUTS", set())
    slow = client.get(url).content.decode()

    def same_moment(html):  # the CSRF token and the "now" of empty time boxes differ
        return re.sub(r'value="\d\d:\d\d:\d\d"|name="csrfmiddlewaretoken" value="[^"]+"', "", html)

    assert same_moment(fast) == same_moment(slow)
    assert fast.count("<input") > 40 and fast.count("<label") > 20
