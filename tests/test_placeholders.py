"""Stand-in pictures count as missing photos wherever staff look, and readers never see them."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Figure

from .admin_forms import form_data, form_errors, publish_fields
from .factories import jpeg_upload, make_article, make_editor, make_figure

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(client):
    client.force_login(make_editor())
    return client


def text(response):
    return BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)


def draft_with_standin():
    article = make_article("带占位图的稿子", published=False)
    make_figure(article, caption="江边", section=article.sections.get(), is_placeholder=True)
    return article


def test_the_article_list_counts_stand_ins_as_missing(first_article, desk):
    page = text(desk.get(reverse("admin:articles_article_changelist")))
    assert "6 张占位图" in page
    assert "齐全" not in page


def test_the_change_page_warns_and_the_checks_say_what_to_do(desk):
    article = draft_with_standin()
    page = text(desk.get(reverse("admin:articles_article_change", args=[article.pk])))
    assert "1 张图片是占位图" in page
    assert "第 1 张图片还是占位图" in page
    assert "✓ 可以发布" not in page


def test_publishing_an_article_with_a_stand_in_is_refused_and_nothing_is_lost(desk):
    article = draft_with_standin()
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(desk, url)
    data.update(publish_fields(timezone.now()))
    data["title"] = "改过的主题"
    response = desk.post(url, data)
    assert response.status_code == 200
    assert "第 1 张图片还是占位图" in form_errors(response)
    page = BeautifulSoup(response.content, "html.parser")
    assert page.select_one("#id_title")["value"] == "改过的主题"
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT and article.title == "带占位图的稿子"


def test_the_publish_action_refuses_a_stand_in_too(desk):
    article = draft_with_standin()
    response = desk.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_now", "_selected_action": [article.pk]},
        follow=True,
    )
    assert "还是占位图" in text(response)
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_a_photo_uploaded_over_a_stand_in_is_real_and_the_article_publishes(desk):
    article = draft_with_standin()
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(desk, url)
    data.update(publish_fields(timezone.now()))
    data["figures-0-image"] = jpeg_upload("real.jpg")
    response = desk.post(url, data)
    assert response.status_code == 302, form_errors(response)
    figure = Figure.objects.get()
    assert not figure.is_placeholder
    assert Article.objects.published().filter(pk=article.pk).exists()
    page = BeautifulSoup(desk.get(article.get_absolute_url()).content, "html.parser")
    assert page.select_one("article figure img")["alt"] == "江边"
    assert page.select(".figure__pending") == []


def test_readers_see_a_plain_box_not_the_stand_in(client):
    article = make_article("已发布")
    make_figure(article, caption="江边", section=article.sections.get(), is_placeholder=True)
    page = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")
    figure = page.select_one("article figure")
    assert figure.select_one(".figure__pending").get_text() == "图片待补"
    assert figure.figcaption.get_text() == "江边"
    assert figure.img is None
    # Nor is it the picture a share card or a feed would carry.
    assert page.find("meta", property="og:image") is None
    home = BeautifulSoup(client.get("/").content, "html.parser")
    assert home.select_one("article.item img") is None


def test_an_article_already_public_with_stand_ins_can_still_be_corrected(first_article, desk):
    article = first_article
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(desk, url)
    data["summary"] = "修正后的摘要。"
    response = desk.post(url, data)
    assert response.status_code == 302, form_errors(response)
    assert Article.objects.get().summary == "修正后的摘要。"


def test_a_stand_in_stays_one_until_a_photo_is_uploaded_over_it(first_article, desk):
    article = first_article
    url = reverse("admin:articles_article_change", args=[article.pk])
    page = BeautifulSoup(desk.get(url).content, "html.parser")
    assert page.select_one("#id_figures-0-is_placeholder") is None  # shown, not a box to untick
    data = form_data(desk, url)
    data.pop("figures-0-is_placeholder", None)  # what an unticked box would send
    data["figures-0-is_placeholder"] = ""
    response = desk.post(url, data)
    assert response.status_code == 302, form_errors(response)
    assert Figure.objects.filter(is_placeholder=True).count() == 6
    page = BeautifulSoup(desk.get(article.get_absolute_url()).content, "html.parser")
    assert page.select("article img") == []
