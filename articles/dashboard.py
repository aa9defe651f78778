"""编辑部工作台: the admin's front page answers "what needs me now?".

Each list is one query for its first rows and one for its count, whatever the size of the
archive (tests/test_desk_dashboard.py counts them at two sizes): the lists filter on indexed
columns (status, created_by, published_at) and stop after LIMIT rows.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.contrib import admin
from django.db.models import Exists, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from .models import Article, Correction, Figure, Transition
from .text import person_name
from .workflow import is_editor

LIMIT = 10
S = Article.Status


@dataclass
class DeskList:
    key: str
    title: str
    empty: str
    count: int
    rows: list  # of (article or correction, detail text)

    @property
    def more(self):
        return self.count - len(self.rows)


def _last_move(to_status, field):
    return Subquery(
        Transition.objects.filter(article=OuterRef("pk"), to_status=to_status)
        .order_by("-at", "-id")
        .values(field)[:1]
    )


def _name(user):
    if user is None:
        return "—"
    return person_name(user)


def _local(moment, fmt="%m-%d %H:%M"):
    return timezone.localtime(moment).strftime(fmt) if moment else "—"


def _desk_list(key, title, empty, queryset, detail):
    count = queryset.count()
    rows = [(item, detail(item)) for item in queryset[:LIMIT]] if count else []
    return DeskList(key, title, empty, count, rows)


def lists_for(user, now=None):
    now = now or timezone.now()
    editor = is_editor(user)
    articles = Article.objects.select_related("created_by")
    mine = articles.filter(created_by=user)
    lists = []

    waiting = articles.filter(status=S.SUBMITTED).annotate(
        handed_in_at=_last_move(S.SUBMITTED, "at"),
        handed_in_note=_last_move(S.SUBMITTED, "note"),
    )
    if not editor:
        waiting = waiting.filter(created_by=user)
    lists.append(
        _desk_list(
            "submitted",
            "待审" if editor else "我交的稿（待审）",
            "没有等待审稿的稿件。",
            waiting.order_by("handed_in_at", "id"),
            lambda a: (
                f"{_name(a.created_by)} 交稿于 {_local(a.handed_in_at)}"
                + (f"：{a.handed_in_note[:40]}" if a.handed_in_note else "")
            ),
        )
    )
    lists.append(
        _desk_list(
            "returned",
            "退回给我的",
            "没有退回的稿件。",
            mine.filter(status=S.RETURNED)
            .annotate(
                returned_at=_last_move(S.RETURNED, "at"),
                returned_note=_last_move(S.RETURNED, "note"),
            )
            .order_by("-returned_at", "-id"),
            lambda a: f"{_local(a.returned_at)} 退回：{(a.returned_note or '')[:60]}",
        )
    )
    lists.append(
        _desk_list(
            "drafts",
            "我的草稿",
            "没有草稿。",
            mine.filter(status=S.DRAFT).order_by("-updated_at", "-id"),
            lambda a: f"最后修改 {_local(a.updated_at)}",
        )
    )
    if editor:
        today = timezone.localdate(now)
        end_of_tomorrow = timezone.make_aware(datetime.combine(today + timedelta(days=2), time()))
        lists.append(
            _desk_list(
                "scheduled",
                "今明两天定时发布",
                "今明两天没有定时发布的文章。",
                articles.filter(
                    status=S.PUBLISHED, published_at__gt=now, published_at__lt=end_of_tomorrow
                ).order_by("published_at", "id"),
                lambda a: (
                    f"{'今天' if timezone.localdate(a.published_at) == today else '明天'} "
                    f"{_local(a.published_at, '%H:%M')} 上线"
                ),
            )
        )
        figures = Figure.objects.filter(article=OuterRef("pk"))
        # A photo the task worker gave up on (articles/tasks.py) needs staff as much as a
        # missing one: its original is kept, and 重新处理照片 queues it again.
        failed = figures.filter(rendition_failed_at__isnull=False)
        unfinished = figures.filter(
            Q(image="") | Q(is_placeholder=True) | Q(rendition_failed_at__isnull=False)
        )
        lists.append(
            _desk_list(
                "photos",
                "缺照片、仍是占位图或处理失败",
                "所有文章的照片都齐了。",
                articles.exclude(status=S.WITHDRAWN)
                .filter(Exists(unfinished))
                .annotate(photo_failed=Exists(failed))
                .order_by("-updated_at", "-id"),
                lambda a: f"{a.state_label} · 照片处理失败" if a.photo_failed else a.state_label,
            )
        )
        lists.append(
            _desk_list(
                "published",
                "最近发布",
                "还没有发布的文章。",
                articles.filter(status=S.PUBLISHED, published_at__lte=now).order_by(
                    "-published_at", "-id"
                ),
                lambda a: f"{_local(a.published_at)} 上线",
            )
        )
        lists.append(
            _desk_list(
                "corrections",
                "最近的更正",
                "还没有更正。",
                Correction.objects.select_related("article").order_by("-corrected_at", "-id"),
                lambda c: f"{_local(c.corrected_at)}：{c.note[:40]}",
            )
        )
    return lists


def link_for(item):
    article = item.article if isinstance(item, Correction) else item
    return reverse("admin:articles_article_change", args=[article.pk])


class DeskAdminSite(admin.AdminSite):
    """The admin, with the desk's dashboard as its front page (the model list stays below)."""

    site_header = "钱塘观察 稿件管理"
    site_title = "钱塘观察 稿件管理"
    index_title = "编辑部工作台"
    index_template = "admin/desk_index.html"

    def index(self, request, extra_context=None):
        lists = lists_for(request.user)
        for desk_list in lists:
            desk_list.rows = [(item, detail, link_for(item)) for item, detail in desk_list.rows]
        context = {
            "desk_lists": lists,
            "is_editor": is_editor(request.user),
            **(extra_context or {}),
        }
        return super().index(request, context)
