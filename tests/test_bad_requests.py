"""Requests the site cannot read get a Chinese page saying what happened and what to do.

Django answers them (a body over DATA_UPLOAD_MAX_MEMORY_SIZE, more fields than
DATA_UPLOAD_MAX_NUMBER_FIELDS, an unknown host) with its English "Bad Request (400)" unless the
site has a page of its own. The requests here are parsed by Django for real: no view is called
by hand.
"""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from articles.models import Article

from .factories import make_article

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:articles_article_import_print_page")


def text_of(response):
    return BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)


def test_a_paste_too_big_to_read_gets_a_chinese_page_saying_to_upload_the_file(client, editor):
    # 5 MB typed into the box: more than Django reads of a form (2.5 MB), so the form and
    # what was typed never reach the import view.
    pasted = "钱塘江畔跑出城市新活力。\n\n" * 140_000
    assert len(pasted.encode()) > 5_000_000
    response = client.post(IMPORT_URL, {"text": pasted, "_preview": "预览"})
    assert response.status_code == 413
    assert response["Content-Type"] == "text/html; charset=utf-8"
    text = text_of(response)
    assert "Bad Request" not in text
    assert "粘贴的文字太多" in text
    assert "2.5 MB" in text  # what the server reads at most
    assert "1 MB" in text  # what one page may be
    assert "上传" in text  # the way that works: the text as a file
    assert "后退" in text  # and how to get back to what was typed
    assert not Article.objects.exists()


def test_a_paste_over_the_page_limit_but_readable_is_refused_on_the_form_keeping_the_text(
    client, editor
):
    pasted = "钱" * 500_000  # 1.5 MB in UTF-8: read, and refused by the form itself
    response = client.post(IMPORT_URL, {"text": pasted, "_preview": "预览"})
    assert response.status_code == 400
    page = BeautifulSoup(response.content, "html.parser")
    assert "粘贴的文字太长：1.5 MB，上限是 1 MB" in page.select_one(".errorlist").get_text()
    assert page.find("textarea", {"name": "text"}).get_text().strip() == pasted


def test_too_many_fields_in_the_admin_get_a_chinese_page(client, editor):
    # More fields than the site reads (DATA_UPLOAD_MAX_NUMBER_FIELDS: 20,000, room for a
    # gallery's change form), as a script or a runaway selection might send.
    make_article("钱塘观潮")
    data = {"action": "delete_selected", "_selected_action": [str(n) for n in range(1, 20_100)]}
    response = client.post(reverse("admin:articles_article_changelist"), data)
    assert response.status_code == 400
    text = text_of(response)
    assert "Bad Request" not in text
    assert "一次提交的项目太多" in text
    assert "20000" in text or "20,000" in text
    assert "分几次" in text
    assert Article.objects.count() == 1


def test_an_unknown_host_gets_the_chinese_page_too(client):
    response = client.get("/", headers={"host": "evil.example"})
    assert response.status_code == 400
    text = text_of(response)
    assert "Bad Request" not in text
    assert "请求有误" in text


def test_a_form_refused_for_its_csrf_token_gets_a_chinese_page(db):
    from django.test import Client

    from .factories import make_staff

    client = Client(enforce_csrf_checks=True)
    client.force_login(make_staff("csrf-editor", superuser=True))
    response = client.post(reverse("admin:articles_article_import_print_page"), {"text": "正文"})
    assert response.status_code == 403
    text = response.content.decode()
    assert "表单已过期，没有保存" in text and "DEBUG" not in text
