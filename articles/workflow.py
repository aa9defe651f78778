"""The desk's day: how an article moves from a reporter's draft to the reader, and who may move it.

    草稿 ──交稿──▶ 待审 ──签发──▶ 已签发 (定时 while its time is still to come) ──撤下──▶ 撤下
      ▲  ◀──取回──   │                                                          │
      │              └──退回 (note required)──▶ 退回 ──交稿──▶ 待审              │
      └──────────────────────────────重新编辑───────────────────────────────────┘

Every move goes through `apply()`, whatever asked for it (the article form's buttons, the
transition view, the list's actions, a script): the permission, the required note and the
checks before publishing are decided here and nowhere else, and each move is recorded as a
Transition (who, when, from, to, note) in the same transaction as the article's new state.

Editors (the publish_article permission) may do everything. A reporter hands in their own
draft or returned story and may take back a story they handed in; they cannot sign off, send
back or take down.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from .models import Article, Transition
from .text import person_name

S = Article.Status


@dataclass(frozen=True)
class Action:
    name: str
    label: str  # the button
    sources: tuple  # states it starts from
    target: str
    editors_only: bool
    note: str  # "required", "optional"
    done: str  # the message after it


ACTIONS = {
    a.name: a
    for a in [
        Action("submit", "交给编辑审稿", (S.DRAFT, S.RETURNED), S.SUBMITTED, False, "optional",
               "已交稿，等待编辑审稿。"),
        Action("take_back", "取回修改", (S.SUBMITTED,), S.DRAFT, False, "optional",
               "已取回，稿件回到草稿，可以继续修改。"),
        Action("return", "退回记者", (S.SUBMITTED,), S.RETURNED, True, "required",
               "已退回记者。"),
        Action("sign_off", "签发", (S.DRAFT, S.SUBMITTED, S.RETURNED, S.WITHDRAWN),
               S.PUBLISHED, True, "optional", "已签发。"),
        Action("withdraw", "撤下", (S.PUBLISHED,), S.WITHDRAWN, True, "required",
               "已撤下，读者不再看到这篇文章。"),
        Action("reopen", "重新编辑", (S.WITHDRAWN,), S.DRAFT, True, "optional",
               "稿件回到草稿。"),
    ]
}  # fmt: skip

# An article's place in the desk's day: only moves change these (a restored revision keeps
# them as they stand, articles/admin/history.py).
STATE_FIELDS = (
    "status",
    "signed_off_by",
    "signed_off_at",
    "withdrawn_reason",
    "withdrawn_at",
)

# What a restored revision leaves as it stands: the state, its time and the signing editor.
RESTORE_KEEPS = (*STATE_FIELDS, "published_at", "desk_editor")

NOTE_REQUIRED = {
    "return": "退回时请写明原因，记者才知道要改什么。",
    "withdraw": "撤下时请写明原因（会记录在稿件历史里）。",
}
MAX_NOTE_CHARS = 2000


def is_editor(user):
    return user.is_active and user.has_perm("articles.publish_article")


def is_own(user, article):
    return article.created_by_id is not None and article.created_by_id == user.pk


def refusal(user, article, action):
    """Why `user` may not do `action` to `article` (who they are), or None when they may."""
    if action.editors_only and not is_editor(user):
        return f"只有编辑可以{action.label}。"
    if action.name == "take_back" and not is_own(user, article):
        # Else an editor could pull a story out of the queue with no word to its reporter.
        return "只有交稿的记者本人可以取回；编辑要改可以直接修改，要退回请用“退回记者”并写明原因。"
    if not is_editor(user) and not is_own(user, article):
        return "记者只能交自己的稿件、取回自己交的稿件。"
    return None


def state_problem(article, action):
    """Why `action` cannot be made from the article's state, or None."""
    if article.status not in action.sources:
        return f"这篇稿件现在是“{article.get_status_display()}”，不能{action.label}。"
    return None


def available(user, article):
    """The actions `user` may take on `article` as it stands (the form's buttons)."""
    if article is None or article.pk is None:
        return []
    return [
        a
        for a in ACTIONS.values()
        if refusal(user, article, a) is None and state_problem(article, a) is None
    ]


def sign_off_problems(article):
    """What must be right before an editor signs off, besides the checks before publishing."""
    problems = []
    if not article.source.strip() and not article.bylines.exists():
        problems.append("签发前需要署名作者或填写“来源”（例如 杭州日报、新华社）。")
    return problems


def check(user, article, action_name, note="", *, new=False):
    """The Action `user` may take on `article`, or an exception: PermissionDenied when they
    may not, ValidationError when the move needs something (a note). `new`: an article being
    created in the same request, which is its creator's own draft."""
    action = ACTIONS.get(action_name)
    if action is None:
        raise ValidationError("没有这个操作。", code="unknown_action")
    note = (note or "").strip()
    if len(note) > MAX_NOTE_CHARS:  # the form's own limit says the same
        raise ValidationError(f"说明最多 {MAX_NOTE_CHARS} 字。", code="note_too_long")
    if action.note == "required" and not note:
        raise ValidationError(NOTE_REQUIRED[action.name], code="note_required")
    if new:
        if action.name not in ("submit", "sign_off") or (
            action.editors_only and not is_editor(user)
        ):
            raise PermissionDenied(f"新稿件不能直接{action.label}。")
        return action
    reason = refusal(user, article, action)
    if reason is not None:
        raise PermissionDenied(reason)
    problem = state_problem(article, action)
    if problem is not None:
        raise ValidationError(problem, code="state")
    return action


def move(article, action, user, *, note="", publish_at=None, now=None):
    """Set the fields `action` changes on `article` (not saved); returns their names."""
    now = now or timezone.now()
    fields = ["status", "updated_at"]
    if action.name == "sign_off":
        if article.signed_off_at is None and not article.desk_editor:
            # The first sign-off names its editor at the foot (they may change it).
            article.desk_editor = person_name(user)[:100]
            fields.append("desk_editor")
        article.published_at = publish_at or now
        article.signed_off_by = user
        article.signed_off_at = now
        article.withdrawn_reason = ""
        article.withdrawn_at = None
        fields += ["published_at", "signed_off_by", "signed_off_at"]
        fields += ["withdrawn_reason", "withdrawn_at"]
    elif action.name == "withdraw":
        article.withdrawn_reason = (note or "").strip()
        article.withdrawn_at = now
        fields += ["withdrawn_reason", "withdrawn_at"]
    article.status = action.target
    return fields


def apply(article, action_name, user, *, note="", publish_at=None, expected=None):
    """Move `article` by `action_name` on behalf of `user`; returns the Transition.

    Raises PermissionDenied when the user may not, ValidationError when the move is not
    possible (a missing note, the checks before publishing). `publish_at` is the sign-off
    time (None: now; a future time schedules it). `expected`: the state the person saw when
    they pressed the button; if it has changed since (a colleague moved it at the same
    moment), nothing is done.
    """
    with transaction.atomic():
        # Lock the row: two editors pressing 签发 and 退回 at the same instant must not both
        # succeed from 待审. (SQLite serialises writers instead.)
        locked = Article.objects.select_for_update().get(pk=article.pk)
        article.status = locked.status
        if expected and expected != locked.status:
            raise ValidationError(
                f"没有执行：这篇稿件刚刚变成了“{locked.get_status_display()}”"
                "（有人同时操作了它）。请看看现在的状态再决定。",
                code="moved",
            )
        action = check(user, article, action_name, note)
        if action.name == "sign_off":
            from .publishing import publish_problems

            problems = sign_off_problems(article) + publish_problems(article)
            if problems:
                raise ValidationError(["这篇文章还不能签发：", *problems], code="not_ready")
        before = article.status
        was_public = article.is_public
        fields = move(article, action, user, note=note, publish_at=publish_at)
        article.save(update_fields=fields)
        if was_public and not article.is_public:
            # A preview link shared before must not show what is edited after the takedown.
            from .preview import revoke_links

            revoke_links(article)
        return record(article, action.name, before, user, note)


def record(article, action_name, before, user, note=""):
    """Record a move made (`article` saved in its new state, in the same transaction)."""
    return Transition.objects.create(
        article=article,
        action=action_name,
        from_status=before,
        to_status=article.status,
        user=user,
        note=(note or "").strip(),
        publish_at=article.published_at if action_name == "sign_off" else None,
    )


def history(article):
    return list(article.transitions.select_related("user").order_by("at", "id"))
