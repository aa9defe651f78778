"""The article list: its filters, the columns it shows and its bulk actions (publish, take down)."""

import reversion
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.html import format_html

from .. import preview
from ..models import Article
from ..publishing import placeholder_count, publish_problems
from .inlines import figure_thumbnail


class StatusFilter(admin.SimpleListFilter):
    """Status as the desk sees it: a published article with a future time is scheduled."""

    title = "状态"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("draft", "草稿"), ("scheduled", "定时发布"), ("live", "已上线")]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "draft":
            return queryset.filter(status=Article.Status.DRAFT)
        if self.value() == "scheduled":
            return queryset.filter(status=Article.Status.PUBLISHED, published_at__gt=now)
        if self.value() == "live":
            return queryset.filter(pk__in=Article.objects.published().values("pk"))
        return queryset


class MineFilter(admin.SimpleListFilter):
    """A reporter's own articles at one click."""

    title = "创建人"
    parameter_name = "mine"

    def lookups(self, request, model_admin):
        return [("1", "我创建的")]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.filter(created_by=request.user)
        return queryset


class ArticleListMixin:
    """ArticleAdmin's list page: the columns of list_display and the actions."""

    @admin.display(description="状态", ordering="status")
    def status_label(self, obj):
        if obj.status == Article.Status.PUBLISHED and obj.published_at and not obj.is_public:
            return f"定时发布（{timezone.localtime(obj.published_at):%Y-%m-%d %H:%M}）"
        if obj.is_public:
            return "已上线"
        return obj.get_status_display()

    @admin.display(description="作者")
    def byline(self, obj):
        return "、".join(byline.author.name for byline in obj.bylines.all())

    @admin.display(description="题图")
    def lead_thumbnail(self, obj):
        return figure_thumbnail(obj.lead_figure)

    @admin.display(description="照片")
    def photos_missing(self, obj):
        figures = obj.figures.all()
        missing = sum(1 for figure in figures if not figure.image)
        placeholders = placeholder_count(figures)
        parts = []
        if missing:
            parts.append(f"{missing} 张待上传")
        if placeholders:
            parts.append(f"{placeholders} 张占位图")
        if parts:
            return format_html('<strong class="photos-missing">{}</strong>', "，".join(parts))
        return "齐全" if figures else "—"

    @admin.action(description="立即发布所选文章", permissions=["publish"])
    def publish_now(self, request, queryset):
        published, refused = 0, []
        now = timezone.now()
        for article in queryset.prefetch_related("sections", "figures"):
            if article.is_public:
                continue
            problems = publish_problems(article)
            if problems:
                refused.append(f"《{article.title}》：{' '.join(problems)}")
                continue
            article.status = Article.Status.PUBLISHED
            article.published_at = now
            article.save(update_fields=["status", "published_at", "updated_at"])
            published += 1
        if published:
            reversion.set_comment("立即发布")
            self.message_user(request, f"已发布 {published} 篇文章。", messages.SUCCESS)
        for line in refused:
            self.message_user(request, f"没有发布{line}", messages.ERROR)

    @admin.action(description="撤下所选文章（退回草稿）", permissions=["publish"])
    def unpublish(self, request, queryset):
        count = 0
        for article in queryset.exclude(status=Article.Status.DRAFT):
            article.status = Article.Status.DRAFT
            article.save(update_fields=["status", "updated_at"])
            # A preview link shared before must not show what is edited after the takedown.
            preview.revoke_links(article)
            count += 1
        reversion.set_comment("撤下，退回草稿")
        self.message_user(request, f"已撤下 {count} 篇文章，退回草稿。", messages.SUCCESS)
