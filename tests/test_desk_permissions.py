"""Every move of the desk by hand-made POST, for each role: the server decides, not the buttons.

Two ways in: the article form's buttons (`_transition` posted with the whole form) and the move
view (`…/transition/`, used on pages the person may only read). Both must refuse the same.
"""

import pytest
from django.urls import reverse

from articles import workflow
from articles.models import Article, Transition

from .admin_forms import form_data, form_errors
from .factories import make_article, make_author, make_editor, make_reporter

pytestmark = pytest.mark.django_db
S = Article.Status

# The state each move starts from, and whether each role may make it there.
MOVES = {
    "submit": (S.DRAFT, {"owner": True, "colleague": False, "editor": True}),
    "take_back": (S.SUBMITTED, {"owner": True, "colleague": False, "editor": False}),
    "return": (S.SUBMITTED, {"owner": False, "colleague": False, "editor": True}),
    "sign_off": (S.SUBMITTED, {"owner": False, "colleague": False, "editor": True}),
    "withdraw": (S.PUBLISHED, {"owner": False, "colleague": False, "editor": True}),
    "reopen": (S.WITHDRAWN, {"owner": False, "colleague": False, "editor": True}),
}
CASES = [(move, role) for move in MOVES for role in ("owner", "colleague", "editor")]


def story_in(state, owner):
    article = make_article("流转中的稿件", published=False, authors=[make_author("王强")])
    Article.objects.filter(pk=article.pk).update(
        status=state,
        created_by=owner,
        published_at=article.created_at if state == S.PUBLISHED else None,
    )
    return Article.objects.get(pk=article.pk)


def person(role, owner):
    return {"owner": owner, "colleague": make_reporter("colleague"), "editor": make_editor()}[role]


@pytest.mark.parametrize(("move", "role"), CASES)
def test_the_move_view_allows_exactly_what_the_role_may(client, move, role):
    owner = make_reporter("owner")
    start, allowed = MOVES[move]
    article = story_in(start, owner)
    client.force_login(person(role, owner))
    url = reverse("admin:articles_article_transition", args=[article.pk])
    response = client.post(url, {"_transition": move, "transition_note": "理由写在这里。"})
    status = Article.objects.get(pk=article.pk).status
    if allowed[role]:
        assert response.status_code == 302
        assert status == workflow.ACTIONS[move].target
        assert Transition.objects.get(article=article).action == move
    else:
        assert response.status_code == 403
        assert status == start
        assert not Transition.objects.exists()


@pytest.mark.parametrize(("move", "role"), CASES)
def test_the_form_buttons_allow_exactly_what_the_role_may(client, move, role):
    owner = make_reporter("owner")
    start, allowed = MOVES[move]
    article = story_in(start, owner)
    user = person(role, owner)
    client.force_login(user)
    url = reverse("admin:articles_article_change", args=[article.pk])
    # The form as an editor sees it (a reporter may only read most of these pages).
    editor_client = client.__class__()
    editor_client.force_login(make_editor("form-reader"))
    data = form_data(editor_client, url)
    data.update(_transition=move, transition_note="理由写在这里。", title="改过的标题")
    response = client.post(url, data)
    article.refresh_from_db()
    # A handed-in story is read-only to its reporter: they take it back through the move
    # view (the page's 取回修改 button posts there), never by saving the form.
    if allowed[role] and not (move == "take_back" and role == "owner"):
        assert response.status_code == 302, form_errors(response)
        assert article.status == workflow.ACTIONS[move].target
        assert article.title == "改过的标题"  # the edit and the move, in one save
        assert Transition.objects.get(article=article).user == user
    else:
        assert response.status_code in (200, 403)
        if response.status_code == 200:
            assert "没有保存" in form_errors(response)
        assert article.status == start and article.title == "流转中的稿件"
        assert not Transition.objects.exists()


def test_a_reporter_edits_a_handed_in_story_only_after_taking_it_back(client):
    owner = make_reporter("owner")
    article = story_in(S.SUBMITTED, owner)
    client.force_login(owner)
    url = reverse("admin:articles_article_change", args=[article.pk])
    page = client.get(url).content.decode()
    assert 'value="take_back"' in page and 'form="desk-move"' in page
    editor_client = client.__class__()
    editor_client.force_login(make_editor())
    data = form_data(editor_client, url)
    data["title"] = "交稿后偷偷改"
    assert client.post(url, data).status_code == 403
    move = reverse("admin:articles_article_transition", args=[article.pk])
    assert client.post(move, {"_transition": "take_back"}).status_code == 302
    data = form_data(client, url)
    data["title"] = "取回后改好的标题"
    assert client.post(url, data).status_code == 302
    assert Article.objects.get(pk=article.pk).title == "取回后改好的标题"


def test_the_move_view_answers_only_post_and_known_articles(client):
    client.force_login(make_editor())
    article = story_in(S.SUBMITTED, make_reporter())
    url = reverse("admin:articles_article_transition", args=[article.pk])
    assert client.get(url).status_code == 405
    assert (
        client.post(url.replace(str(article.pk), "999999"), {"_transition": "return"}).status_code
        == 404
    )
    assert (
        client.post(url.replace(str(article.pk), "abc"), {"_transition": "return"}).status_code
        == 404
    )
    response = client.post(url, {"_transition": "explode"}, follow=True)
    assert "没有这个操作" in response.content.decode()
    response = client.post(url, {"_transition": "return", "transition_note": ""}, follow=True)
    assert "写明原因" in response.content.decode()
    assert Article.objects.get(pk=article.pk).status == S.SUBMITTED
    huge = "长" * 5000
    client.post(url, {"_transition": "return", "transition_note": huge})
    assert Article.objects.get(pk=article.pk).status == S.SUBMITTED


def test_signing_off_in_the_form_needs_a_byline_or_a_source(client):
    article = make_article("无名稿", published=False)
    Article.objects.filter(pk=article.pk).update(status=S.SUBMITTED)
    client.force_login(make_editor())
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(client, url)
    data.update(_transition="sign_off", title="编辑改过的标题")
    response = client.post(url, data)
    assert response.status_code == 200
    assert "署名作者或填写“来源”" in form_errors(response)
    assert "编辑改过的标题" in response.content.decode()  # what was typed is kept
    data["source"] = "新华社"
    assert client.post(url, data).status_code == 302
    article.refresh_from_db()
    assert article.is_public and article.source == "新华社"


def test_a_reporter_cannot_write_the_public_desk_editor_line(client):
    owner = make_reporter("owner")
    article = story_in(S.DRAFT, owner)
    client.force_login(owner)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(client, url)
    data.update(desk_editor="假编辑（记者自填）", _transition="submit")
    response = client.post(url, data)
    assert "只有编辑可以签发" in form_errors(response)
    editor = make_editor()
    editor.last_name, editor.first_name = "王", "芳"
    editor.save()
    workflow.apply(Article.objects.get(pk=article.pk), "submit", owner)
    workflow.apply(Article.objects.get(pk=article.pk), "sign_off", editor)
    assert Article.objects.get(pk=article.pk).desk_editor == "王芳"


def test_a_move_pressed_on_a_page_gone_stale_says_so_instead_of_refusing_access(client):
    owner = make_reporter("owner")
    article = story_in(S.SUBMITTED, owner)
    workflow.apply(article, "sign_off", make_editor())
    client.force_login(owner)
    url = reverse("admin:articles_article_transition", args=[article.pk])
    response = client.post(url, {"_transition": "take_back", "expected_status": S.SUBMITTED})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "刚刚变成了“已签发”" in page
    assert Article.objects.get(pk=article.pk).status == S.PUBLISHED
