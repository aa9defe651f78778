"""首页编排: the lead and recommendations editors choose, their end times, and the page cache."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, FrontPage, FrontPageSlot

from .admin_forms import add_inline_rows, form_data, form_errors
from .conftest import queries_for
from .factories import make_article, make_editor, make_reporter

pytestmark = pytest.mark.django_db

FRONT_URL = reverse("admin:articles_frontpage_change", args=[1])


def lead_title(client):
    page = BeautifulSoup(client.get("/").content, "html.parser")
    first = page.select_one("main a[href*='/articles/']")
    return first.get_text(strip=True) if first else None


def section_titles(client, heading):
    """The article titles listed under the home page's heading `heading` (推荐, 更多报道)."""
    page = BeautifulSoup(client.get("/").content, "html.parser")
    marker = next(h for h in page.select("h2.list-heading") if h.get_text(strip=True) == heading)
    titles = []
    for sibling in marker.find_next_siblings():
        if sibling.name == "h2" and "list-heading" in (sibling.get("class") or []):
            break
        titles += [a.get_text(strip=True) for a in sibling.select("a[href*='/articles/']")][:1]
    return titles


def slot(article, role=FrontPageSlot.Role.FEATURED, position=1, ends_at=None):
    return FrontPageSlot.objects.create(
        front_page=FrontPage.the_one(),
        article=article,
        role=role,
        position=position,
        ends_at=ends_at,
    )


def test_without_choices_the_newest_article_leads(client):
    now = timezone.now()
    make_article("较早的文章", published_at=now - timedelta(hours=3))
    make_article("最新的文章", published_at=now - timedelta(hours=1))
    assert lead_title(client) == "最新的文章"


def test_the_chosen_lead_and_recommendations_come_first_in_the_editors_order(
    client, django_capture_on_commit_callbacks
):
    now = timezone.now()
    old = make_article("三天前的深度报道", published_at=now - timedelta(days=3))
    a = make_article("推荐甲", published_at=now - timedelta(days=2))
    b = make_article("推荐乙", published_at=now - timedelta(days=1))
    make_article("刚发的快讯", published_at=now - timedelta(minutes=5))
    assert lead_title(client) == "刚发的快讯"
    with django_capture_on_commit_callbacks(execute=True):
        slot(old, FrontPageSlot.Role.LEAD, position=1)
        slot(b, position=2)
        slot(a, position=3)
    assert lead_title(client) == "三天前的深度报道"
    assert section_titles(client, "推荐") == ["推荐乙", "推荐甲"]
    assert section_titles(client, "更多报道") == ["刚发的快讯"]


def test_an_expired_choice_leaves_the_home_page_when_its_time_comes(client, time_machine):
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    old = make_article("限时头条", published_at=now - timedelta(days=3))
    make_article("最新的文章", published_at=now - timedelta(hours=1))
    # Ends within the time a stored home page is otherwise kept (pagecache.FRESH_SECONDS).
    slot(old, FrontPageSlot.Role.LEAD, ends_at=now + timedelta(minutes=2))
    assert lead_title(client) == "限时头条"
    # Stored in the page cache now; nobody saves anything before the end time.
    assert queries_for(client, "/")[1] == 0
    time_machine.move_to(now + timedelta(minutes=2, seconds=1), tick=False)
    assert lead_title(client) == "最新的文章"


def test_a_withdrawn_or_scheduled_choice_is_never_shown(client):
    now = timezone.now()
    make_article("最新的文章", published_at=now - timedelta(hours=1))
    later = make_article("定时的文章", published_at=now + timedelta(hours=2))
    slot(later, FrontPageSlot.Role.LEAD)
    assert lead_title(client) == "最新的文章"
    assert "定时的文章" not in client.get("/").content.decode()


def test_the_home_page_costs_the_same_queries_however_many_articles_and_slots(client):
    now = timezone.now()
    for n in range(3):
        make_article(f"文章{n}", published_at=now - timedelta(hours=n + 1))
    few = queries_for(client, "/?utm_source=test")[1]
    articles = [
        make_article(f"更多文章{n}", published_at=now - timedelta(days=1, hours=n))
        for n in range(30)
    ]
    for position, article in enumerate(articles[:6], start=1):
        slot(article, position=position)
    from django.core.cache import cache

    cache.clear()
    many = queries_for(client, "/?utm_source=test")[1]
    assert many == few


def test_an_editor_arranges_the_front_page_in_the_admin_and_readers_see_it_at_once(
    client, django_capture_on_commit_callbacks
):
    now = timezone.now()
    chosen = make_article("编辑选的头条", published_at=now - timedelta(days=2))
    make_article("最新的文章", published_at=now - timedelta(hours=1))
    assert lead_title(client) == "最新的文章"
    client.force_login(make_editor())
    data = form_data(client, FRONT_URL)
    add_inline_rows(data, "slots", [{"role": "lead", "article": str(chosen.pk), "position": "1"}])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(FRONT_URL, data)
    assert response.status_code == 302, form_errors(response)
    client.logout()
    assert lead_title(client) == "编辑选的头条"


def test_two_leads_or_a_draft_are_refused_with_a_message_and_nothing_saved(client):
    now = timezone.now()
    a = make_article("甲", published_at=now - timedelta(hours=2))
    b = make_article("乙", published_at=now - timedelta(hours=1))
    draft = make_article("还是草稿", published=False)
    client.force_login(make_editor())
    data = form_data(client, FRONT_URL)
    add_inline_rows(
        data,
        "slots",
        [
            {"role": "lead", "article": str(a.pk), "position": "1"},
            {"role": "lead", "article": str(b.pk), "position": "2"},
        ],
    )
    response = client.post(FRONT_URL, data)
    assert response.status_code == 200
    assert "头条只能有一篇" in response.content.decode()
    data = form_data(client, FRONT_URL)
    add_inline_rows(
        data, "slots", [{"role": "featured", "article": str(draft.pk), "position": "1"}]
    )
    response = client.post(FRONT_URL, data)
    assert "只有已签发的文章" in response.content.decode()
    assert not FrontPageSlot.objects.exists()


def test_only_editors_may_open_or_change_the_front_page(client):
    article = make_article("甲")
    client.force_login(make_reporter())
    assert client.get(FRONT_URL).status_code == 403
    data = {
        "slots-TOTAL_FORMS": "1",
        "slots-INITIAL_FORMS": "0",
        "slots-0-role": "lead",
        "slots-0-article": str(article.pk),
        "slots-0-position": "1",
    }
    assert client.post(FRONT_URL, data).status_code == 403
    assert not FrontPageSlot.objects.exists()


def test_the_same_article_twice_is_refused_with_a_message_not_a_server_error(client):
    article = make_article("甲", published_at=timezone.now() - timedelta(hours=1))
    client.force_login(make_editor())
    data = form_data(client, FRONT_URL)
    add_inline_rows(
        data,
        "slots",
        [
            {"role": "lead", "article": str(article.pk), "position": "1"},
            {"role": "featured", "article": str(article.pk), "position": "2"},
        ],
    )
    response = client.post(FRONT_URL, data)
    assert response.status_code == 200
    assert "同一篇文章只能放一个位置" in response.content.decode()
    for bad in ("abc", "99999999999999999999", "-1"):
        data = form_data(client, FRONT_URL)
        add_inline_rows(data, "slots", [{"role": "lead", "article": bad, "position": "1"}])
        assert client.post(FRONT_URL, data).status_code == 200
    assert not FrontPageSlot.objects.exists()


def test_a_slot_whose_article_was_taken_down_does_not_block_saving(client):
    now = timezone.now()
    gone = make_article("已撤下的头条", published_at=now - timedelta(hours=2))
    kept = make_article("保留的推荐", published_at=now - timedelta(hours=1))
    slot(gone, FrontPageSlot.Role.LEAD, position=1)
    slot(kept, position=2)
    Article.objects.filter(pk=gone.pk).update(status=Article.Status.WITHDRAWN)
    client.force_login(make_editor())
    data = form_data(client, FRONT_URL)
    response = client.post(FRONT_URL, data)
    assert response.status_code == 302, form_errors(response)
    client.logout()
    assert "已撤下的头条" not in client.get("/").content.decode()
