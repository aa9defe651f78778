"""The admin accepts dates typed in every format it advertises for zh-hans."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import formats, translation

from articles.models import Article

from .admin_forms import form_data

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
SAMPLE = dt.datetime(2026, 1, 5, 8, 30)


def advertised(kind):
    with translation.override("zh-hans"):
        return formats.get_format(kind)


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("editor", "e@example.com", None)
    client.force_login(user)
    return client


def add_article(client, **values):
    add_url = reverse("admin:articles_article_add")
    data = form_data(client, add_url)
    data.update(values)
    return client.post(add_url, data)


@pytest.mark.parametrize("date_format", advertised("DATE_INPUT_FORMATS"))
def test_admin_accepts_print_date_in_every_advertised_format(staff_client, date_format):
    typed = SAMPLE.strftime(date_format)
    response = add_article(staff_client, title="日期测试", print_date=typed)
    assert response.status_code == 302, typed
    assert Article.objects.get().print_date == SAMPLE.date()


@pytest.mark.parametrize("date_format", advertised("DATE_INPUT_FORMATS"))
@pytest.mark.parametrize("time_format", advertised("TIME_INPUT_FORMATS"))
def test_admin_accepts_publication_time_in_every_advertised_format(
    staff_client, date_format, time_format
):
    response = add_article(
        staff_client,
        title="时间测试",
        published_at_0=SAMPLE.strftime(date_format),
        published_at_1=SAMPLE.strftime(time_format),
    )
    assert response.status_code == 302
    published_at = Article.objects.get().published_at.astimezone(SHANGHAI)
    assert published_at.replace(tzinfo=None) == SAMPLE


@pytest.mark.parametrize("typed", ["2026年1月5日", "2026年01月05日", "2026/1/5", "2026-01-05"])
def test_admin_accepts_the_ways_a_chinese_editor_types_a_date(staff_client, typed):
    assert add_article(staff_client, title="日期", print_date=typed).status_code == 302
    assert Article.objects.get().print_date == dt.date(2026, 1, 5)


def test_admin_rejects_a_nonsense_date_with_a_message(staff_client):
    response = add_article(staff_client, title="日期", print_date="2026年13月45日")
    assert response.status_code == 200
    assert Article.objects.count() == 0
    errors = BeautifulSoup(response.content, "html.parser").select(".errorlist")
    assert any("日期" in e.get_text() for e in errors)


def test_the_value_the_admin_shows_is_accepted_back(staff_client):
    add_article(staff_client, title="往返", print_date="2026年1月5日")
    article = Article.objects.get()
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(staff_client, change_url)
    assert staff_client.post(change_url, data).status_code == 302
    article.refresh_from_db()
    assert article.print_date == dt.date(2026, 1, 5)


def test_the_admin_calendar_writes_dates_in_a_format_the_form_accepts(staff_client):
    """The calendar and "今天/现在" links write with the first input format of the JS catalog."""
    import json
    import re

    script = staff_client.get(reverse("admin:jsi18n")).content.decode()
    formats_json = re.search(r"django\.formats = (\{.*?\});", script, re.S).group(1)
    catalog = json.loads(formats_json)
    date_format = catalog["DATE_INPUT_FORMATS"][0]
    time_format = catalog["TIME_INPUT_FORMATS"][0]
    assert catalog["DATE_INPUT_FORMATS"] == list(advertised("DATE_INPUT_FORMATS"))
    response = add_article(
        staff_client,
        title="日历",
        print_date=SAMPLE.strftime(date_format),
        published_at_0=SAMPLE.strftime(date_format),
        published_at_1=SAMPLE.strftime(time_format),
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.print_date == SAMPLE.date()
    assert article.published_at.astimezone(SHANGHAI).replace(tzinfo=None) == SAMPLE
