"""首页编排: one admin page where editors choose the home page's lead story and recommendations.

The slots are rows of one inline, dragged into order (django-admin-sortable2, as the article's
sections); each has an optional end time. Below the form, the home page's first screen as it
stands is previewed (the same `frontpage.arrange` the home page uses). Only editors (the
front page permissions, given to 编辑 by migration 0013) see or change it.
"""

from adminsortable2.admin import (
    CustomInlineFormSetMixin,
    SortableAdminBase,
    SortableTabularInline,
)
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse

from .. import frontpage
from ..models import Article, FrontPage, FrontPageSlot
from .forms import BoundedChoicesMixin
from .inlines import SORTABLE_TABULAR, SortableMediaFix

PREVIEW_SIZE = 8


class SlotForm(forms.ModelForm):
    class Meta:
        model = FrontPageSlot
        fields = ["role", "article", "ends_at", "position"]

    def clean_article(self):
        article = self.cleaned_data.get("article")
        if self.instance.pk and article is not None and article.pk == self.instance.article_id:
            return article  # kept as it was (taken down since: the home page skips it)
        if article is not None and article.status != Article.Status.PUBLISHED:
            raise ValidationError(
                f"《{article.title}》现在是“{article.get_status_display()}”：只有已签发的文章"
                "才能放上首页（定时发布的文章到点后才显示）。"
            )
        return article


class SlotFormSet(CustomInlineFormSetMixin, forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        leads = 0
        articles = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not data.get("article"):
                continue
            if data.get("role") == FrontPageSlot.Role.LEAD:
                leads += 1
            article = data["article"]
            if article.pk in articles:
                form.add_error(
                    "article", "这篇文章已经在首页的另一个位置上了：同一篇文章只能放一个位置。"
                )
            articles.add(article.pk)
        if leads > 1:
            raise ValidationError("头条只能有一篇：请把其余的改成“推荐”。")
        # Dragged rows come numbered 1..n; rows added without dragging go after them.
        taken = [f.cleaned_data.get("position") or 0 for f in self.forms if f.cleaned_data]
        next_position = max(taken, default=0) + 1
        for form in self.forms:
            if form.cleaned_data and not form.cleaned_data.get("position"):
                form.instance.position = form.cleaned_data["position"] = next_position
                next_position += 1


class FrontPageSlotInline(BoundedChoicesMixin, SortableTabularInline):
    model = FrontPageSlot
    form = SlotForm
    formset = SlotFormSet
    template = SORTABLE_TABULAR
    extra = 1
    autocomplete_fields = ["article"]
    verbose_name = "位置"
    verbose_name_plural = "头条和推荐（拖动排序；留空或过了截止时间的位置由最新文章补上）"


@admin.register(FrontPage)
class FrontPageAdmin(SortableMediaFix, SortableAdminBase, admin.ModelAdmin):
    inlines = [FrontPageSlotInline]
    fields = []
    change_form_template = "admin/articles/frontpage/change_form.html"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        # There is one arrangement: its list is its form.
        return redirect(reverse("admin:articles_frontpage_change", args=[FrontPage.the_one().pk]))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        front = frontpage.arrange(PREVIEW_SIZE)
        extra_context = {
            "front": front,
            "home_url": reverse("articles:home"),
            "title": "首页编排",
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def response_change(self, request, obj):
        self.message_user(request, "首页编排已保存，首页已经更新。", messages.SUCCESS)
        return redirect(request.path)
