"""The article list: its filters, the columns it shows and its bulk actions (publish, take down)."""

import reversion
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.html import format_html

from .. import search, workflow
from ..models import Article
from ..paging import FIRST_YEAR, LAST_YEAR
from ..publishing import placeholder_count
from .inlines import figure_thumbnail


class ArticleChangeList(ChangeList):
    """Django's list, refusing dates outside FIRST_YEAR-LAST_YEAR (paging.py) in its parameters
    the way it refuses month 13 (the list again with ?e=1, which says why:
    ArticleListMixin.changelist_view).
    Django turns year 1 into a Shanghai midnight before any UTC time, 9999-12 into a month
    whose end is past the calendar's, and ?published_at__gte=0001-01-01 into a value the
    database driver cannot convert: errors (500s) otherwise."""

    def get_filters(self, request):
        for name, values in self.get_filters_params().items():
            self._check_date(name, values[-1] if isinstance(values, list) else values)
        return super().get_filters(request)

    def _check_date(self, name, value):
        field_name, _, lookup = name.partition("__")
        try:
            field = self.model._meta.get_field(field_name)
        except FieldDoesNotExist:
            return
        if not isinstance(field, models.DateField):  # DateTimeField is one too
            return
        if lookup in ("year", "iso_year"):
            year = int(value) if value.strip().lstrip("-").isdigit() else None
        else:
            try:
                found = field.to_python(value)
            except (ValidationError, ValueError, OverflowError):
                return  # Django's own checks say so
            year = getattr(found, "year", None)
        if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
            raise IncorrectLookupParameters(f"{name}={value}: year out of range")


class StatusFilter(admin.SimpleListFilter):
    """Status as the desk sees it: a published article with a future time is scheduled."""

    title = "状态"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("draft", "草稿"),
            ("submitted", "待审"),
            ("returned", "退回"),
            ("scheduled", "定时发布"),
            ("live", "已上线"),
            ("withdrawn", "撤下"),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        value = self.value()
        if value in ("draft", "submitted", "returned", "withdrawn"):
            return queryset.filter(status=value)
        if value == "scheduled":
            return queryset.filter(status=Article.Status.PUBLISHED, published_at__gt=now)
        if value == "live":
            return queryset.filter(status=Article.Status.PUBLISHED, published_at__lte=now)
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
    """ArticleAdmin's list page: the columns of list_display, the search and the actions."""

    def get_changelist(self, request, **kwargs):
        return ArticleChangeList

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET" and list(request.GET) == ["e"]:
            # Where Django sends a list whose filters it could not use.
            messages.warning(
                request,
                f"筛选条件无法使用（例如日期超出 {FIRST_YEAR} 年到 {LAST_YEAR} 年），已列出全部文章。",
            )
        return super().changelist_view(request, extra_context)

    def get_search_results(self, request, queryset, search_term):
        # Through the full-text index, as readers search (articles/search): drafts included.
        query = search.Query(search_term)
        return (search.filter_articles(queryset, query) if query else queryset), False

    @admin.display(description="状态", ordering="status")
    def status_label(self, obj):
        return obj.state_label

    @admin.display(description="作者")
    def byline(self, obj):
        return "、".join(byline.author.name for byline in obj.bylines.all())

    @admin.display(description="题图")
    def lead_thumbnail(self, obj):
        # No photo to show: the 照片 column says why (to upload, stand-ins, or none).
        lead = obj.lead_figure
        return figure_thumbnail(lead) if lead is not None else "—"

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

    @admin.action(description="立即签发所选文章", permissions=["publish"])
    def publish_now(self, request, queryset):
        published, refused = 0, []
        for article in queryset.prefetch_related("sections", "figures"):
            if article.is_public:
                continue
            try:
                workflow.apply(article, "sign_off", request.user)
            except (PermissionDenied, ValidationError) as problem:
                text = " ".join(getattr(problem, "messages", None) or [str(problem)])
                refused.append(f"《{article.title}》：{text}")
                continue
            published += 1
        if published:
            reversion.set_comment("立即签发")
            self.message_user(request, f"已签发 {published} 篇文章。", messages.SUCCESS)
        for line in refused:
            self.message_user(request, f"没有签发{line}", messages.ERROR)
