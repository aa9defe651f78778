"""The desk's states (articles/workflow.py): hand in, take back, send back, sign off, take down."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from articles import workflow
from articles.models import Article, Transition

from .factories import make_article, make_author, make_editor, make_reporter

pytestmark = pytest.mark.django_db
S = Article.Status


def draft_by(user, **fields):
    article = make_article("记者的稿件", published=False, authors=[make_author("王强")], **fields)
    article.created_by = user
    article.save()
    return article


def test_a_reporter_hands_in_their_draft_and_the_move_is_recorded():
    reporter = make_reporter()
    article = draft_by(reporter)
    workflow.apply(article, "submit", reporter, note="请审，图片明天补。")
    article.refresh_from_db()
    assert article.status == S.SUBMITTED
    move = Transition.objects.get(article=article)
    assert (move.from_status, move.to_status, move.user, move.note) == (
        S.DRAFT,
        S.SUBMITTED,
        reporter,
        "请审，图片明天补。",
    )


def test_a_reporter_cannot_hand_in_someone_elses_draft():
    article = draft_by(make_reporter("owner"))
    with pytest.raises(PermissionDenied):
        workflow.apply(article, "submit", make_reporter("other"))
    assert Article.objects.get(pk=article.pk).status == S.DRAFT


@pytest.mark.parametrize("action", ["sign_off", "return", "withdraw", "reopen"])
def test_a_reporter_may_not_do_an_editors_moves(action):
    reporter = make_reporter()
    article = draft_by(reporter)
    workflow.apply(article, "submit", reporter)
    with pytest.raises(PermissionDenied, match="只有编辑"):
        workflow.apply(article, action, reporter, note="理由")
    assert Article.objects.get(pk=article.pk).status == S.SUBMITTED
    assert Transition.objects.count() == 1


def test_an_editor_must_say_why_a_story_goes_back_and_the_reporter_sees_it():
    reporter, editor = make_reporter(), make_editor()
    article = draft_by(reporter)
    workflow.apply(article, "submit", reporter)
    with pytest.raises(ValidationError, match="写明原因"):
        workflow.apply(article, "return", editor, note="   ")
    workflow.apply(article, "return", editor, note="第二节数据需要核实来源。")
    article.refresh_from_db()
    assert article.status == S.RETURNED
    # Back with the reporter: they fix it and hand it in again.
    workflow.apply(article, "submit", reporter, note="已核实")
    assert Article.objects.get(pk=article.pk).status == S.SUBMITTED
    assert [m.action for m in workflow.history(article)] == ["submit", "return", "submit"]


def test_a_reporter_takes_back_a_handed_in_story_to_edit_it():
    reporter = make_reporter()
    article = draft_by(reporter)
    workflow.apply(article, "submit", reporter)
    workflow.apply(article, "take_back", reporter)
    assert Article.objects.get(pk=article.pk).status == S.DRAFT


def test_signing_off_needs_a_byline_or_a_source():
    editor = make_editor()
    article = make_article("没有署名的稿件", published=False)
    with pytest.raises(ValidationError, match="来源"):
        workflow.apply(article, "sign_off", editor)
    assert Article.objects.get(pk=article.pk).status == S.DRAFT
    article.source = "新华社"
    article.save()
    workflow.apply(article, "sign_off", editor)
    assert Article.objects.get(pk=article.pk).is_public


def test_signing_off_for_a_time_schedules_it_and_records_the_desk_editor(time_machine):
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    editor = make_editor()
    editor.first_name, editor.last_name = "明", "李"
    editor.save()
    article = draft_by(make_reporter())
    workflow.apply(article, "sign_off", editor, publish_at=now + timedelta(hours=3))
    article.refresh_from_db()
    assert article.is_scheduled and not article.is_public
    assert article.signed_off_by == editor and article.desk_editor
    assert article.state_label.startswith("定时发布")
    time_machine.move_to(now + timedelta(hours=3, seconds=1), tick=False)
    assert Article.objects.get(pk=article.pk).is_public


def test_the_checks_before_publishing_still_hold_at_sign_off():
    editor = make_editor()
    article = make_article("空稿", published=False, sections=(), source="本报")
    with pytest.raises(ValidationError, match="还不能签发"):
        workflow.apply(article, "sign_off", editor)


def test_taking_down_needs_a_reason_and_keeps_it_with_the_time():
    editor = make_editor()
    article = make_article("已上线", source="本报")
    with pytest.raises(ValidationError):
        workflow.apply(article, "withdraw", editor)
    workflow.apply(article, "withdraw", editor, note="当事人要求更正后再发。")
    article.refresh_from_db()
    assert article.status == S.WITHDRAWN and not article.is_public
    assert article.withdrawn_reason == "当事人要求更正后再发。" and article.withdrawn_at
    workflow.apply(article, "reopen", editor)
    assert Article.objects.get(pk=article.pk).status == S.DRAFT


def test_a_move_from_the_wrong_state_is_refused():
    editor = make_editor()
    article = make_article("草稿", published=False)
    with pytest.raises(ValidationError, match="不能"):
        workflow.apply(article, "return", editor, note="x")
    with pytest.raises(ValidationError):
        workflow.apply(article, "no-such-move", editor)


def test_the_buttons_offered_follow_the_role_and_the_state():
    reporter, editor = make_reporter(), make_editor()
    article = draft_by(reporter)
    assert [a.name for a in workflow.available(reporter, article)] == ["submit"]
    assert [a.name for a in workflow.available(editor, article)] == ["submit", "sign_off"]
    workflow.apply(article, "submit", reporter)
    assert [a.name for a in workflow.available(reporter, article)] == ["take_back"]
    # Not 取回 for the editor: a story leaves the queue by 退回, with a note to its reporter.
    assert {a.name for a in workflow.available(editor, article)} == {"return", "sign_off"}


def test_an_editor_cannot_pull_a_story_out_of_the_queue_without_a_note():
    reporter, editor = make_reporter(), make_editor()
    article = draft_by(reporter)
    workflow.apply(article, "submit", reporter)
    with pytest.raises(PermissionDenied, match="只有交稿的记者本人可以取回"):
        workflow.apply(article, "take_back", editor)
    assert Article.objects.get(pk=article.pk).status == S.SUBMITTED


def test_a_move_made_on_a_state_that_changed_meanwhile_is_not_made():
    """Two editors at the same moment: one sends it back, the other signs off the page they
    still see as 待审. The second must not go through on the new state."""
    reporter = make_reporter()
    first, second = make_editor("first"), make_editor("second")
    article = draft_by(reporter)
    workflow.apply(article, "submit", reporter)
    workflow.apply(article, "return", first, note="补充采访", expected=S.SUBMITTED)
    with pytest.raises(ValidationError, match="刚刚变成了“退回”"):
        workflow.apply(Article.objects.get(pk=article.pk), "sign_off", second, expected=S.SUBMITTED)
    assert Article.objects.get(pk=article.pk).status == S.RETURNED
