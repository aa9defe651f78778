"""Hand-made or mistyped values in the article form: a message on the form, never a 500."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from articles.models import Article

from .admin_forms import form_data, form_errors
from .factories import make_article, make_author, make_figure

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("published_at_0", "0001-01-01", "请填写 1900 年到 9998 年之间的日期"),
        ("sections-0-position", str(2**63), "32767"),
        ("figures-0-position", "99999999999999999999", "32767"),
        ("bylines-0-author", str(2**64), "选择一个有效的选项"),
        ("bylines-0-author", "abc", "选择一个有效的选项"),
        ("figures-0-section", str(2**70), "选择一个有效的选项"),
        ("column", str(2**64), "选择一个有效的选项"),
    ],
    ids=[
        "year-1",
        "position-2^63",
        "position-20-digits",
        "author-id",
        "author-not-a-number",
        "section-id",
        "column-id",
    ],
)
def test_an_impossible_value_gets_a_message_and_keeps_the_typed_text(
    client, editor, field, value, message
):
    article = make_article("原来的标题", authors=[make_author()])
    make_figure(article, section=article.sections.get())
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(client, url)
    data[field] = value
    data["title"] = "新打的标题"
    if field.startswith("published_at"):
        data["published_at_1"] = "00:00:00"
    response = client.post(url, data)
    assert response.status_code == 200
    assert message in form_errors(response)
    page = BeautifulSoup(response.content, "html.parser")
    assert page.select_one("#id_title")["value"] == "新打的标题"
    assert Article.objects.get(pk=article.pk).title == "原来的标题"


def test_an_article_id_past_the_databases_integers_is_not_found(client, editor):
    response = client.get(f"/admin/articles/article/{2**70}/change/")
    assert response.status_code in (302, 404)
