"""A new article's first section row, and figures placed in section rows not saved yet
("第 N 节", value new-<row>), by the POSTs a browser (or a hand) sends."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from articles.models import Article

from .admin_forms import add_inline_rows, form_data, form_errors
from .factories import make_article

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:articles_article_add")
FIGURE = {"position": "", "caption": "图", "focal_x": "0.5", "focal_y": "0.5"}


def section_menu(html, row=0):
    page = BeautifulSoup(html, "html.parser")
    select = page.find("select", attrs={"name": f"figures-{row}-section"})
    return [(o["value"], o.get_text()) for o in select.find_all("option")]


def test_a_new_article_opens_with_one_empty_section_and_offers_it_to_figures(client, editor):
    html = client.get(ADD_URL).content
    data = form_data(client, ADD_URL)
    assert data["sections-TOTAL_FORMS"] == "1"
    assert data["sections-0-body"] == ""
    # The template row that "添加另一个 图片" copies offers it too.
    assert section_menu(html, "__prefix__") == [("", "- 请选择 -"), ("new-0", "第 1 节")]


def test_the_change_page_adds_no_empty_section(client, editor):
    article = make_article()
    data = form_data(client, reverse("admin:articles_article_change", args=[article.pk]))
    assert data["sections-TOTAL_FORMS"] == "1"  # the saved one only


def test_a_figure_goes_into_the_new_section_it_was_placed_in(client, editor):
    data = form_data(client, ADD_URL)
    data.update({"title": "新稿", "sections-0-body": "导语。"})
    add_inline_rows(data, "sections", [{"heading": "第二节", "body": "正文。"}])
    add_inline_rows(
        data, "figures", [{**FIGURE, "section": "new-1"}, {**FIGURE, "section": "new-0"}]
    )
    response = client.post(ADD_URL, data)
    assert response.status_code == 302, form_errors(response)
    article = Article.objects.get()
    first, second = article.sections.order_by("position")
    assert [f.section for f in article.figures.order_by("position")] == [second, first]


def test_a_new_section_added_on_the_change_page_takes_a_figure(client, editor):
    article = make_article(sections=[("", "导语。")], published=False)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(client, url)
    add_inline_rows(data, "sections", [{"heading": "补一节", "body": "新的正文。"}])
    add_inline_rows(data, "figures", [{**FIGURE, "section": "new-1"}])
    response = client.post(url, data)
    assert response.status_code == 302, form_errors(response)
    assert article.figures.get().section.heading == "补一节"


def test_a_figure_placed_in_an_untouched_section_row_is_refused_and_nothing_saved(client, editor):
    data = form_data(client, ADD_URL)
    data["title"] = "没写正文"
    add_inline_rows(data, "figures", [{**FIGURE, "section": "new-0"}])
    response = client.post(ADD_URL, data)
    assert response.status_code == 200
    assert "选的那一节是空的" in form_errors(response)
    assert not Article.objects.exists()
    # The choice is kept on the page shown again.
    page = BeautifulSoup(response.content, "html.parser")
    chosen = page.select_one("select[name=figures-0-section] option[selected]")
    assert chosen["value"] == "new-0"


@pytest.mark.parametrize("value", ["new-5", "new-", "new-x", "new--1", "new-99999999999999999999"])
def test_a_hand_made_section_choice_is_refused_with_a_message(client, editor, value):
    data = form_data(client, ADD_URL)
    data.update({"title": "手写的请求", "sections-0-body": "导语。"})
    add_inline_rows(data, "figures", [{**FIGURE, "section": value}])
    response = client.post(ADD_URL, data)
    assert response.status_code == 200
    assert "选择一个有效的选项" in form_errors(response)
    assert not Article.objects.exists()


def test_a_hand_made_total_of_section_rows_is_no_trouble(client, editor):
    data = form_data(client, ADD_URL)
    data.update({"title": "很多行", "sections-0-body": "导语。", "sections-TOTAL_FORMS": "x"})
    response = client.post(ADD_URL, data)
    assert response.status_code in (200, 400)
    assert not Article.objects.exists()
