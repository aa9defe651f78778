"""Share-preview links and corrections after publication, through the admin and public pages."""

import datetime as dt
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, PreviewLink
from articles.preview import create_link

from .admin_forms import add_inline_rows, form_data
from .factories import make_article, make_editor, make_reporter

pytestmark = pytest.mark.django_db


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def share_link(client, article):
    """Follow the editor's path: change page -> 分享预览链接 -> 生成新的预览链接 -> the link."""
    change = soup(client.get(reverse("admin:articles_article_change", args=[article.pk])))
    url = change.find("a", string="分享预览链接")["href"]
    page = soup(client.post(url, {"create": "生成新的预览链接"}))
    return page.find("input", id="preview-link")["value"]


def link_page(article):
    return reverse("admin:articles_article_preview_link", args=[article.pk])


def assert_never_cached_and_not_indexed(response):
    cache_control = response["Cache-Control"]
    assert "no-store" in cache_control and "private" in cache_control
    assert "noindex" in response["X-Robots-Tag"]


def test_someone_without_an_account_reads_a_draft_through_the_share_link(client):
    article = make_article("还没发的稿", published=False, sections=[("", "只给采访对象看。")])
    client.force_login(make_editor())
    link = share_link(client, article)
    client.logout()
    assert client.get(article.get_absolute_url()).status_code == 404

    response = client.get(link)
    assert response.status_code == 200
    page = soup(response)
    assert page.find("h1").get_text() == "还没发的稿"
    assert "只给采访对象看。" in page.get_text()
    assert "尚未发布" in page.select_one(".preview-banner").get_text()
    assert page.find("meta", attrs={"name": "robots"})["content"].startswith("noindex")
    assert not page.select("form[method=post]")
    assert_never_cached_and_not_indexed(response)


def test_the_link_page_says_when_it_expires(client, time_machine):
    # 23:30 in Shanghai: a link made now expires two calendar days later, at 23:30.
    time_machine.move_to(
        dt.datetime(2027, 3, 1, 23, 30, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    )
    article = make_article(published=False)
    client.force_login(make_editor())
    text = soup(client.post(link_page(article), {"create": "1"})).get_text()
    assert "有效至 2027年3月3日 23:30" in text


def test_opening_the_link_page_makes_no_link(client):
    article = make_article(published=False)
    client.force_login(make_editor())
    page = soup(client.get(link_page(article)))
    assert page.find("input", id="preview-link") is None
    assert "现在没有有效的预览链接" in page.get_text()
    assert not PreviewLink.objects.exists()


def test_only_a_digest_of_the_link_is_stored(client):
    article = make_article(published=False)
    client.force_login(make_editor())
    token = share_link(client, article).rstrip("/").rsplit("/", 1)[-1]
    link = PreviewLink.objects.get()
    assert token not in link.digest and len(token) >= 32
    assert link.created_by.username == "desk-editor"


def test_an_expired_link_gets_a_clear_403_page(client, time_machine):
    article = make_article(published=False)
    client.force_login(make_editor())
    link = share_link(client, article)
    client.logout()
    time_machine.move_to(timezone.now() + timedelta(hours=48, minutes=1))
    response = client.get(link)
    assert response.status_code == 403
    assert "预览链接已经过期" in soup(response).find("h1").get_text()
    assert_never_cached_and_not_indexed(response)


@pytest.mark.parametrize(
    "alter",
    [
        lambda token: token[:-2] + ("xx" if not token.endswith("xx") else "yy"),
        lambda token: token + "a",
        lambda token: "not-a-token",
        lambda token: "a" * 200,
    ],
    ids=["altered", "lengthened", "garbage", "huge"],
)
def test_a_tampered_link_gets_a_clear_404_page(client, alter):
    article = make_article(published=False)
    _link, path = create_link(article)
    token = path.rstrip("/").rsplit("/", 1)[-1]
    response = client.get(reverse("articles:preview", kwargs={"token": alter(token)}))
    assert response.status_code == 404
    assert "预览链接无效" in soup(response).find("h1").get_text()


def test_a_link_dated_in_the_future_is_refused(client):
    article = make_article(published=False)
    link, path = create_link(article)
    PreviewLink.objects.filter(pk=link.pk).update(
        created_at=timezone.now() + timedelta(hours=1),
        expires_at=timezone.now() + timedelta(hours=49),
    )
    assert client.get(path).status_code == 404


def test_a_link_to_a_deleted_article_is_a_404(client):
    article = make_article(published=False)
    _link, path = create_link(article)
    article.delete()
    assert client.get(path).status_code == 404


def test_a_link_to_an_article_published_since_goes_to_the_real_page(client):
    article = make_article("已上线", published=False)
    _link, path = create_link(article)
    Article.objects.filter(pk=article.pk).update(
        status=Article.Status.PUBLISHED, published_at=timezone.now()
    )
    response = client.get(path)
    assert response.status_code == 302 and response["Location"] == article.get_absolute_url()


def test_a_scheduled_article_previews_with_its_time(client):
    when = timezone.now() + timedelta(days=2)
    article = make_article("后天见报", published_at=when)
    _link, path = create_link(article)
    banner = soup(client.get(path)).select_one(".preview-banner").get_text()
    assert "定于" in banner and "读者现在看不到" in banner


def test_an_editor_revokes_one_link_and_the_other_still_works(client):
    article = make_article("两位受访者", published=False)
    client.force_login(make_editor())
    first, second = share_link(client, article), share_link(client, article)
    page = soup(client.get(link_page(article)))
    buttons = page.select("#live-preview-links button[name=revoke]")
    assert len(buttons) == 2
    oldest = buttons[-1]["value"]  # newest first
    response = client.post(link_page(article), {"revoke": oldest}, follow=True)
    assert "已撤销这个预览链接" in soup(response).get_text()
    client.logout()
    response = client.get(first)
    assert response.status_code == 410
    assert "预览链接已被撤销" in soup(response).find("h1").get_text()
    assert "两位受访者" not in response.content.decode()
    assert client.get(second).status_code == 200


def test_taking_an_article_down_revokes_its_links_and_later_edits_never_show(client):
    article = make_article("发布后撤下", sections=[("", "撤下前的文字。")], published=False)
    editor = make_editor()
    client.force_login(editor)
    link = share_link(client, article)
    Article.objects.filter(pk=article.pk).update(
        status=Article.Status.PUBLISHED, published_at=timezone.now() - timedelta(minutes=5)
    )
    assert client.get(link).status_code == 302  # public: the link leads to the page
    response = client.post(
        reverse("admin:articles_article_transition", args=[article.pk]),
        {"_transition": "withdraw", "transition_note": "数据有误，核实后再发。"},
    )
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).status == Article.Status.WITHDRAWN
    section = article.sections.get()
    section.body = "撤下后改写的文字。"
    section.save()
    client.logout()
    response = client.get(link)
    assert response.status_code == 410
    assert "撤下后改写的文字" not in response.content.decode()


def test_taking_a_public_article_down_in_the_form_revokes_its_links(client):
    article = make_article("改回草稿", published=False)
    client.force_login(make_editor())
    link = share_link(client, article)
    Article.objects.filter(pk=article.pk).update(
        status=Article.Status.PUBLISHED, published_at=timezone.now() - timedelta(minutes=5)
    )
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(client, url)
    data.update(_transition="withdraw", transition_note="当事人要求暂缓发布。")
    response = client.post(url, data, follow=True)
    assert "1 个分享预览链接已同时撤销" in soup(response).get_text()
    client.logout()
    assert client.get(link).status_code == 410


def test_a_reporter_shares_their_own_draft_but_not_a_colleagues(client):
    reporter = make_reporter()
    mine = make_article("我的稿", published=False, created_by=reporter)
    theirs = make_article("同事的稿", published=False, created_by=make_reporter("colleague"))
    client.force_login(reporter)
    assert share_link(client, mine)
    url = reverse("admin:articles_article_preview_link", args=[theirs.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"create": "1"}).status_code == 403
    assert not PreviewLink.objects.filter(article=theirs).exists()
    change = soup(client.get(reverse("admin:articles_article_change", args=[theirs.pk])))
    assert change.find("a", string="分享预览链接") is None


def test_editor_adds_a_correction_and_the_publication_time_stays(client):
    published_at = timezone.now() - timedelta(days=3)
    article = make_article("见报三天", published_at=published_at)
    client.force_login(make_editor())
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(client, url)
    corrected = timezone.localtime(timezone.now() - timedelta(hours=1))
    add_inline_rows(
        data,
        "corrections",
        [
            {
                "note": "原文第二段的数字有误，已改正。",
                "corrected_at_0": f"{corrected:%Y-%m-%d}",
                "corrected_at_1": f"{corrected:%H:%M:%S}",
            }
        ],
    )
    response = client.post(url, data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.published_at == published_at

    client.logout()
    page = soup(client.get(article.get_absolute_url()))
    correction = page.select_one(".correction")
    assert "原文第二段的数字有误" in correction.get_text()
    assert f"更新于 {corrected:%Y}年{corrected.month}月{corrected.day}日" in correction.get_text()
    published = timezone.localtime(published_at)
    meta = page.select_one(".meta").get_text(" ", strip=True)
    assert f"{published.month}月{published.day}日" in meta and "更新时间" in meta


def test_reporters_cannot_add_corrections(client):
    reporter = make_reporter()
    article = make_article("记者的草稿", published=False, created_by=reporter)
    client.force_login(reporter)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(client, url)
    data.update({"corrections-TOTAL_FORMS": "1", "corrections-INITIAL_FORMS": "0"})
    data["corrections-0-note"] = "记者想加的更正"
    client.post(url, data)
    assert not Article.objects.get(pk=article.pk).corrections.exists()
