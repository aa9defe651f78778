"""Who may use the digital edition in the admin: the desk editors (编辑), not reporters (记者)."""

import pytest
from django.urls import reverse

from epaper.models import Edition, Page, Publication

from .build import DAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    edition = Edition.objects.create(
        publication=Publication.objects.create(name="杭州日报"), date=DAY
    )
    Page.objects.create(edition=edition, position=1, code="A01", name="要闻", file="x.png")
    return edition


def epaper_urls(edition):
    page = edition.pages.get()
    return [
        reverse("admin:epaper_edition_changelist"),
        reverse("admin:epaper_edition_add"),
        reverse("admin:epaper_edition_change", args=[edition.pk]),
        reverse("admin:epaper_edition_upload", args=[edition.pk]),
        reverse("admin:epaper_page_change", args=[page.pk]),
        reverse("admin:epaper_publication_changelist"),
    ]


def test_a_desk_editor_uses_the_digital_edition_as_readme_says(client, edition):
    from tests.factories import make_editor

    client.force_login(make_editor())
    index = client.get(reverse("admin:index")).content.decode()
    assert "数字报各期" in index
    for url in epaper_urls(edition):
        assert client.get(url).status_code == 200, url


def test_a_reporter_is_refused_with_a_chinese_page(client, edition):
    from tests.factories import make_reporter

    client.force_login(make_reporter())
    assert "数字报各期" not in client.get(reverse("admin:index")).content.decode()
    for url in epaper_urls(edition):
        response = client.get(url)
        assert response.status_code == 403, url
        html = response.content.decode()
        assert 'lang="zh-CN"' in html and "没有权限" in html, url
        assert "403 Forbidden" not in html
    response = client.post(reverse("admin:epaper_edition_upload", args=[edition.pk]))
    assert response.status_code == 403 and "没有权限" in response.content.decode()
