"""The admin reads in Chinese, including strings our libraries ship untranslated."""

import json

import pytest
from django.urls import reverse

from .factories import make_article, make_staff

pytestmark = pytest.mark.django_db

ENGLISH_LEFT_BY_LIBRARIES = [
    "Select an option",
    "Filter by",
    "Access attempts",
    "Access failures",
    "Access logs",
    "Move to first position",
    ">Axes<",
]


def test_article_admin_pages_have_no_untranslated_library_strings(client):
    client.force_login(make_staff("chief", superuser=True))
    article = make_article(sections=[("", "导语。"), ("小标题", "正文。")])
    for url in (
        reverse("admin:index"),
        reverse("admin:articles_article_changelist"),
        reverse("admin:articles_article_change", args=[article.pk]),
        reverse("admin:axes_accessattempt_changelist"),
    ):
        html = client.get(url).content.decode()
        for english in ENGLISH_LEFT_BY_LIBRARIES:
            assert english not in html, (url, english)
    assert "登录保护" in client.get(reverse("admin:index")).content.decode()


def test_admin_timezone_note_is_translated_for_the_date_widgets(client):
    client.force_login(make_staff("chief", superuser=True))
    catalog = client.get(reverse("admin:jsi18n")).content.decode()
    # The catalog is JavaScript with JSON-escaped strings.
    assert json.dumps("注意：请按 %(timezone)s 时区填写时间")[1:-1] in catalog
