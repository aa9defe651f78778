"""The desk's moves on the article's admin page: the state, the buttons and the move view.

The buttons (交给编辑审稿, 取回修改, 退回记者, 签发, 撤下, 重新编辑) are submit buttons of the
article form named `_transition`: pressing one saves what was typed and makes the move in the
same transaction (ArticleAdminForm.clean decides whether it may, articles/workflow.py how).
On a page the person may only read (a reporter's handed-in story), the same buttons post to
`transition_view`, which makes the move alone. Either way the server decides: a hand-made
POST gets the same refusals as the buttons.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from .. import workflow
from ..models import Article


def transition_buttons(actions, form_id=None):
    form = format_html(' form="{}"', form_id) if form_id else ""
    return format_html_join(
        " ",
        '<button type="submit" name="_transition" value="{}" class="button transition-{}"{}>{}</button>',
        ((a.name, a.name, form, a.label) for a in actions),
    )


class ArticleDeskMixin:
    """The state, the move buttons and the move view of ArticleAdmin."""

    def get_urls(self):
        move_url = path(
            "<path:object_id>/transition/",
            self.admin_site.admin_view(self.transition_view),
            name="articles_article_transition",
        )
        return [move_url, *super().get_urls()]

    @admin.display(description="状态")
    def state_display(self, obj):
        if obj is None or obj.pk is None:
            return "草稿（保存后可以交给编辑审稿）"
        last = obj.transitions.select_related("user").order_by("-at", "-id").first()
        parts = [format_html("<strong>{}</strong>", obj.state_label)]
        if last is not None:
            when = timezone.localtime(last.at).strftime("%Y-%m-%d %H:%M")
            parts.append(
                format_html(
                    "：{} {} {}{}",
                    when,
                    last.who,
                    workflow.ACTIONS[last.action].label if last.action in workflow.ACTIONS else "",
                    format_html("（{}）", last.note) if last.note else "",
                )
            )
        if obj.status == Article.Status.WITHDRAWN and obj.withdrawn_reason:
            parts.append(format_html("<br>撤下原因：{}", obj.withdrawn_reason))
        return format_html_join("", "{}", ((p,) for p in parts))

    def workflow_actions(self, request, obj):
        if obj is None or obj.pk is None:
            return [
                workflow.ACTIONS[name]
                for name in ("submit", "sign_off")
                if not workflow.ACTIONS[name].editors_only or workflow.is_editor(request.user)
            ]
        return workflow.available(request.user, obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        actions = self.workflow_actions(request, obj)
        context["workflow_buttons"] = transition_buttons(actions)
        context["workflow_buttons_outside"] = transition_buttons(actions, form_id="desk-move")
        context["workflow_move_url"] = (
            reverse("admin:articles_article_transition", args=[obj.pk]) if obj is not None else ""
        )
        context["workflow_read_only"] = bool(obj) and not self.has_change_permission(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_add(self, request, obj, post_url_continue=None):
        if request.POST.get("_transition"):
            return self._back_to(obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if request.POST.get("_transition"):
            return self._back_to(obj)
        return super().response_change(request, obj)

    def _back_to(self, obj):
        # After a move, the article's page again: its new state, and what may come next.
        return redirect(reverse("admin:articles_article_change", args=[obj.pk]))

    def transition_view(self, request, object_id):
        """A move alone, from a page the person may only read (or a script): POST only."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        with transaction.atomic():
            return self._transition(request, object_id)

    def _transition(self, request, object_id):
        article = self.get_object(request, object_id)  # locks its row (ArticleAdmin.get_object)
        if article is None:
            raise Http404("没有这篇文章。")
        if not self.has_view_permission(request, article):
            raise PermissionDenied
        name = request.POST.get("_transition", "")
        # A refusal (PermissionDenied) is a 403 page; a move that needs something, a message.
        try:
            workflow.apply(
                article,
                name,
                request.user,
                note=request.POST.get("transition_note", ""),
                expected=request.POST.get("expected_status") or None,
            )
        except ValidationError as invalid:
            self.message_user(request, "没有完成：" + " ".join(invalid.messages), messages.ERROR)
        else:
            self.message_user(request, workflow.ACTIONS[name].done, messages.SUCCESS)
        return redirect(reverse("admin:articles_article_change", args=[article.pk]))
