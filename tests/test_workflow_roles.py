"""The desk's roles through the admin's own pages: 记者 drafts, 编辑 publishes."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from articles.models import Article

from .admin_forms import add_inline_rows, form_data, form_errors, publish_fields
from .factories import make_article, make_editor, make_figure, make_reporter

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:articles_article_add")
LIST_URL = reverse("admin:articles_article_changelist")


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def page_text(response):
    return BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)


def draft_post(client, url=ADD_URL, **overrides):
    data = form_data(client, url)
    data.update({"title": "记者写的新稿", "kicker": "引题"})
    if url == ADD_URL:
        add_inline_rows(data, "sections", [{"position": "1", "heading": "", "body": "导语。"}])
    data.update(overrides)
    return data


def test_the_migrations_make_both_groups_and_only_editors_may_publish():
    reporter = Group.objects.get(name="记者")
    editor = Group.objects.get(name="编辑")
    assert reporter.permissions.filter(codename="add_article").exists()
    assert not reporter.permissions.filter(codename__contains="publish").exists()
    assert editor.permissions.filter(codename="publish_article").exists()


def test_reporter_creates_a_draft_that_records_who_wrote_it(client):
    reporter = make_reporter()
    client.force_login(reporter)
    response = client.post(ADD_URL, draft_post(client))
    assert response.status_code == 302, form_errors(response)
    article = Article.objects.get(title="记者写的新稿")
    assert article.status == Article.Status.DRAFT
    assert article.created_by == reporter
    page = BeautifulSoup(client.get(change_url(article)).content, "html.parser")
    assert "reporter" in page.select_one(".field-created_by").get_text()


def test_reporter_sees_the_time_locked_and_only_the_hand_in_button(client):
    client.force_login(make_reporter())
    page = BeautifulSoup(client.get(ADD_URL).content, "html.parser")
    assert page.find("select", {"name": "status"}) is None  # states move by the buttons only
    assert page.find("input", {"name": "published_at_0"}).has_attr("disabled")
    assert "由编辑签发时填写" in page.get_text()
    moves = [b["value"] for b in page.select("button[name=_transition]")]
    assert moves == ["submit"]


def test_reporter_hand_made_post_cannot_publish_a_new_article(client):
    client.force_login(make_reporter())
    data = draft_post(client, **publish_fields(timezone.now() - timedelta(minutes=1)))
    response = client.post(ADD_URL, data)
    assert response.status_code == 200
    assert "只有编辑可以签发" in form_errors(response)
    assert not Article.objects.exists()
    # What they typed is still on the page.
    assert "记者写的新稿" in response.content.decode()


def test_reporter_hand_made_post_cannot_publish_their_own_draft(client):
    reporter = make_reporter()
    article = make_article("自己的草稿", published=False, created_by=reporter)
    client.force_login(reporter)
    url = change_url(article)
    response = client.post(url, draft_post(client, url, **publish_fields(timezone.now())))
    assert response.status_code == 200
    assert "只有编辑可以签发" in form_errors(response)
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT and article.title == "自己的草稿"
    assert client.get(article.get_absolute_url()).status_code == 200  # staff preview
    client.logout()
    assert client.get(article.get_absolute_url()).status_code == 404


def test_reporter_cannot_schedule_their_draft_either(client):
    reporter = make_reporter()
    article = make_article("定时的念头", published=False, created_by=reporter)
    client.force_login(reporter)
    url = change_url(article)
    tomorrow = timezone.now() + timedelta(days=1)
    response = client.post(url, draft_post(client, url, **publish_fields(tomorrow)))
    assert "只有编辑可以签发" in form_errors(response)
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT and article.published_at is None


def test_reporter_edits_their_own_draft(client):
    reporter = make_reporter()
    article = make_article("初稿", published=False, created_by=reporter)
    client.force_login(reporter)
    url = change_url(article)
    response = client.post(url, draft_post(client, url, title="二稿"))
    assert response.status_code == 302, form_errors(response)
    article.refresh_from_db()
    assert article.title == "二稿"


def test_reporter_can_read_but_not_change_a_colleagues_draft(client):
    colleague = make_reporter("colleague")
    article = make_article("同事的稿", published=False, created_by=colleague)
    client.force_login(make_reporter())
    url = change_url(article)
    page = client.get(url)
    assert page.status_code == 200
    assert not BeautifulSoup(page.content, "html.parser").find("input", {"name": "_save"})
    data = draft_post(client, url, title="被改了")
    data["title"] = "被改了"
    assert client.post(url, data).status_code == 403
    article.refresh_from_db()
    assert article.title == "同事的稿"


def test_reporter_cannot_edit_a_published_article_they_wrote(client):
    reporter = make_reporter()
    article = make_article("已见报", created_by=reporter)
    client.force_login(reporter)
    url = change_url(article)
    data = form_data(client, url)
    data["title"] = "偷偷改标题"
    assert client.post(url, data).status_code == 403
    article.refresh_from_db()
    assert article.title == "已见报"


def test_reporter_has_no_publish_action_and_posting_it_publishes_nothing(client):
    reporter = make_reporter()
    article = make_article("等发布", published=False, created_by=reporter)
    client.force_login(reporter)
    page = BeautifulSoup(client.get(LIST_URL).content, "html.parser")
    actions = [o["value"] for o in page.select("select[name=action] option")]
    assert "publish_now" not in actions
    client.post(LIST_URL, {"action": "publish_now", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_editor_publishes_a_reporters_draft_and_readers_see_it(client):
    reporter = make_reporter()
    article = make_article("记者的稿", published=False, created_by=reporter)
    client.force_login(make_editor())
    url = change_url(article)
    data = form_data(client, url)
    data.update(publish_fields(timezone.now() - timedelta(minutes=1)))
    response = client.post(url, data)
    assert response.status_code == 302, form_errors(response)
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.created_by == reporter
    client.logout()
    assert client.get(article.get_absolute_url()).status_code == 200


def test_editor_schedules_an_article_that_stays_hidden_until_its_time(client):
    article = make_article("明早上线", published=False)
    client.force_login(make_editor())
    url = change_url(article)
    data = form_data(client, url)
    tomorrow = timezone.now() + timedelta(days=1)
    data.update(publish_fields(tomorrow))
    assert client.post(url, data).status_code == 302
    listing = page_text(client.get(LIST_URL))
    assert f"定时发布（{timezone.localtime(tomorrow):%Y-%m-%d %H:%M}）" in listing
    client.logout()
    assert client.get(article.get_absolute_url()).status_code == 404


def test_editor_takes_an_article_down_with_a_reason_and_the_page_disappears(client):
    article = make_article("要撤下")
    client.force_login(make_editor())
    url = change_url(article)
    data = form_data(client, url)
    data["_transition"] = "withdraw"
    response = client.post(url, data)
    assert "撤下时请写明原因" in form_errors(response)
    assert Article.objects.get(pk=article.pk).is_public
    data["transition_note"] = "采访对象要求核实后再发。"
    response = client.post(url, data, follow=True)
    article.refresh_from_db()
    assert article.status == Article.Status.WITHDRAWN
    assert article.withdrawn_reason == "采访对象要求核实后再发。"
    assert "已撤下" in page_text(response)
    client.logout()
    assert client.get(article.get_absolute_url()).status_code == 404


def test_editor_publishes_with_the_action_only_what_passes_the_checks(client):
    good = make_article("合格的稿", published=False, source="本报")
    bad = make_article("缺小标题", published=False, sections=[("", "导语。"), ("", "第二节。")])
    client.force_login(make_editor())
    client.post(LIST_URL, {"action": "publish_now", "_selected_action": [good.pk, bad.pk]})
    good.refresh_from_db()
    bad.refresh_from_db()
    assert good.is_public
    assert bad.status == Article.Status.DRAFT
    listing = page_text(client.get(LIST_URL))
    assert "已签发 1 篇" in listing
    assert "没有签发《缺小标题》" in listing and "第 2 节没有小标题" in listing


def test_publishing_an_article_that_fails_the_checks_is_refused_and_the_text_kept(client):
    article = make_article("检查不过", published=False, sections=[("", "导语。")])
    make_figure(article, caption="", alt_text="")
    client.force_login(make_editor())
    url = change_url(article)
    data = form_data(client, url)
    data.update(publish_fields(timezone.now()))
    data["title"] = "编辑改过的标题"
    data["sections-0-body"] = "编辑改过的导语。"
    add_inline_rows(data, "sections", [{"position": "2", "heading": "", "body": "新一节。"}])
    response = client.post(url, data)
    assert response.status_code == 200
    text = form_errors(response)
    assert "还不能签发" in text
    assert "第 2 节没有小标题" in text
    assert "第 1 张图片缺少图片说明和替代文字" in text
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT and article.title == "检查不过"
    html = response.content.decode()
    assert "编辑改过的标题" in html and "编辑改过的导语。" in html and "新一节。" in html


def test_fixing_the_problem_in_the_same_form_lets_the_article_publish(client):
    article = make_article("补上小标题", published=False, sections=[("", "导语。"), ("", "二。")])
    client.force_login(make_editor())
    url = change_url(article)
    data = form_data(client, url)
    data.update(publish_fields(timezone.now()))
    data["sections-1-heading"] = "第二节"
    response = client.post(url, data)
    assert response.status_code == 302, form_errors(response)
    article.refresh_from_db()
    assert article.is_public


def test_an_article_without_any_body_text_cannot_be_published(client):
    article = make_article("空稿", published=False, sections=[("", "")])
    client.force_login(make_editor())
    url = change_url(article)
    data = form_data(client, url)
    data.update(publish_fields(timezone.now()))
    response = client.post(url, data)
    assert "至少要有一节写了正文" in form_errors(response)
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_a_figure_without_an_image_blocks_publishing(client):
    article = make_article("有图没文件", published=False)
    make_figure(article, image=False, caption="说明")
    client.force_login(make_editor())
    url = change_url(article)
    data = form_data(client, url)
    data.update(publish_fields(timezone.now()))
    assert "第 1 张图片还没有上传图片文件" in form_errors(client.post(url, data))


def test_the_change_page_lists_problems_and_chinese_text_warnings(client):
    long_title = "钱塘智慧城聚焦三大赛道向都市高新产业园迈进攀升再创新的的辉煌篇章"
    article = make_article(
        long_title,
        published=False,
        sections=[("", "城市,我们的家。大家常常说天天向上，人人有责。"), ("", "第二节。")],
    )
    client.force_login(make_editor())
    text = page_text(client.get(change_url(article)))
    assert "不能发布，需要先改好" in text
    assert "第 2 节没有小标题" in text
    assert "主题有 32 个字，超过 30 字" in text
    assert "半角逗号" in text
    assert "“的的”重复" in text
    assert "“常常”" not in text and "“天天”" not in text and "“人人”" not in text


def test_a_clean_article_says_it_can_be_published(client):
    article = make_article("干净的稿", published=False)
    client.force_login(make_editor())
    assert "✓ 可以发布" in page_text(client.get(change_url(article)))


def test_reporter_lists_only_their_own_articles_with_one_filter(client):
    reporter = make_reporter()
    make_article("我写的", published=False, created_by=reporter)
    make_article("别人写的", published=False, created_by=make_reporter("colleague"))
    client.force_login(reporter)
    page = BeautifulSoup(client.get(LIST_URL, {"mine": "1"}).content, "html.parser")
    titles = [a.get_text() for a in page.select("#result_list tbody th a")]
    assert titles == ["我写的"]


def test_reporter_cannot_bulk_delete_a_colleagues_draft(client):
    theirs = make_article("同事的稿", published=False, created_by=make_reporter("colleague"))
    client.force_login(make_reporter())
    response = client.post(
        LIST_URL, {"action": "delete_selected", "_selected_action": [theirs.pk], "post": "yes"}
    )
    assert response.status_code == 403
    assert Article.objects.filter(pk=theirs.pk).exists()
