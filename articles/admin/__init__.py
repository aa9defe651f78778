"""The admin of the articles app: ArticleAdmin's configuration and the small admins.

The parts live beside it: forms.py (the article form, edit conflicts, row forms), inlines.py
(ordered inlines), changelist.py (the list page), history.py (versions, compare, restore,
preview links) and print_import.py (the import page).
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from reversion.admin import VersionAdmin

from .. import preview, workflow
from ..models import Article, Author, Column, Correction, Figure, PrintSource, with_renditions
from ..permissions import can_edit_article, can_publish, can_read_print_sources
from ..publishing import photo_notes, placeholder_count, publish_problems, text_warnings
from ..tasks import reprocess
from .changelist import ArticleListMixin, MineFilter, StatusFilter
from .desk import ArticleDeskMixin
from .forms import PLAIN_TEXT, ArticleAdminForm, BoundedChoicesMixin, edit_token, lock_article
from .history import ArticleHistoryMixin
from .inlines import (
    ArticleAuthorInline,
    CorrectionInline,
    FigureInline,
    SectionInline,
    SortableAdmin,
)
from .paging import CappedCountPaginator
from .print_import import PrintPageImportMixin


def message_list(heading, css_class, messages):
    """A heading (trusted markup) over a list of messages (escaped)."""
    items = format_html_join("", "<li>{}</li>", ((m,) for m in messages))
    return format_html('<p>{}</p><ul class="{}">{}</ul>', mark_safe(heading), css_class, items)


@admin.register(Article)
class ArticleAdmin(
    BoundedChoicesMixin,
    ArticleDeskMixin,
    ArticleListMixin,
    ArticleHistoryMixin,
    PrintPageImportMixin,
    SortableAdmin,
    VersionAdmin,
):
    form = ArticleAdminForm
    formfield_overrides = PLAIN_TEXT
    # django-reversion sets its own list template; ours extends it (import link + recover link).
    change_list_template = "admin/articles/article/change_list.html"
    object_history_template = "admin/articles/article/object_history.html"
    # Few columns, so the headline has room; the kicker is searchable and on the change page.
    list_display = [
        "title",
        "status_label",
        "published_at",
        "column",
        "byline",
        "lead_thumbnail",
        "photos_missing",
    ]
    list_display_links = ["title"]
    list_filter = [StatusFilter, MineFilter, "column", "authors"]
    list_select_related = ["column"]
    search_fields = [
        "title",
        "kicker",
        "subtitle",
        "summary",
        "sections__heading",
        "sections__body",
    ]
    date_hierarchy = "published_at"
    # At archive size: no count of the whole table per page (articles/admin/paging.py).
    paginator = CappedCountPaginator
    show_full_result_count = False
    inlines = [ArticleAuthorInline, SectionInline, FigureInline, CorrectionInline]
    actions = ["publish_now", "reprocess_photos"]
    readonly_fields = ["state_display", "created_by", "publish_checks", "print_source_link"]
    save_on_top = True
    fieldsets = [
        (
            None,
            {"fields": ["column", "kicker", "title", "subtitle", "slug", "summary", "source"]},
        ),
        (
            "审稿与签发",
            {
                "fields": [
                    "state_display",
                    "published_at",
                    "transition_note",
                    "desk_editor",
                    "created_by",
                    "publish_checks",
                ],
                "description": "写好后按页面底部的“交给编辑审稿”；编辑在这里退回或签发。"
                "签发时发布时间留空即立即上线，填将来的时间即定时发布。",
            },
        ),
        (
            "图片与版面",
            {
                "fields": [
                    "photo_credit",
                    ("print_publication", "print_date"),
                    ("print_page", "print_page_name"),
                    "print_editors",
                    "print_source_link",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("figures", queryset=Figure.objects.prefetch_related(with_renditions())),
                "bylines__author",
            )
        )

    def get_object(self, request, object_id, from_field=None):
        if request.method == "POST" and from_field is None:
            lock_article(object_id)
        return super().get_object(request, object_id, from_field)

    def reversion_register(self, model, **kwargs):
        # An article's versions hold its bylines, sections and figures, but not its corrections:
        # those are an append-only public record, and restoring an old version must neither
        # delete a correction published since nor bring back an older wording.
        if model is Article:
            kwargs["follow"] = tuple(f for f in kwargs.get("follow", ()) if f != "corrections")
        super().reversion_register(model, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and not self.has_change_permission(request, obj):
            # A page to read: no note to write (the moves there post their own form).
            return [
                (name, {**opts, "fields": [f for f in opts["fields"] if f != "transition_note"]})
                for name, opts in fieldsets
            ]
        if obj is None:
            return fieldsets
        extra = ["edit_token"]
        if request.method == "POST" and request.POST.get("edit_token") != self._token(request, obj):
            extra.append("overwrite")  # offered only after a stale save was refused
        first_name, first = fieldsets[0]
        return [(first_name, {**first, "fields": [*first["fields"], *extra]}), *fieldsets[1:]]

    def _token(self, request, obj):
        # On django-reversion's restore page the article has already been reverted in the
        # database (its updated_at with it) by the time the form runs; compare with the article
        # as it stood before, which revision_view records, so a save made by someone else
        # between opening and saving the restore form is still caught.
        return getattr(request, "_article_token_before_revert", None) or edit_token(obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.current_token = self._token(request, obj) if obj is not None else ""
        form.user = request.user
        if not can_publish(request.user):
            for name in ArticleAdminForm.LOCKED_FOR_REPORTERS:
                if name in form.base_fields:
                    form.base_fields[name].disabled = True
                    form.base_fields[name].help_text = "由编辑签发时填写。"
        return form

    def get_formsets_with_inlines(self, request, obj=None):
        # Let the sections inline see the figures inline: the checks before publishing span
        # both. The formsets made for this request share one list (PositionedFormSet).
        siblings = []
        for formset, inline in super().get_formsets_with_inlines(request, obj):
            yield type(formset.__name__, (formset,), {"sibling_formsets": siblings}), inline

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and can_edit_article(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and can_edit_article(request.user, obj)

    def get_deleted_objects(self, objs, request):
        # The delete pages (one article, or the list's bulk action) name each correction as a
        # protected object and refuse: a corrected article is taken down, not deleted.
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        corrections = Correction.objects.filter(article__in=list(objs)).select_related("article")
        protected = list(protected) + [
            f"《{c.article.title}》的更正：{c.note[:40]}（有更正的文章只能撤下，不能删除）"
            for c in corrections
        ]
        return deleted, model_count, perms_needed, protected

    def has_publish_permission(self, request):
        return can_publish(request.user)

    def save_model(self, request, obj, form, change):
        action = form.action  # a move button, allowed by the form (articles/workflow.py)
        if not can_publish(request.user) and (action is None or action.editors_only):
            # Second line of defence behind the form: nothing a reporter saves is public.
            was_public = change and Article.objects.published().filter(pk=obj.pk).exists()
            if obj.status == Article.Status.PUBLISHED or was_public:
                raise PermissionDenied("只有编辑可以签发文章。")
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        was_public = change and Article.objects.published().filter(pk=obj.pk).exists()
        before = (
            Article.objects.filter(pk=obj.pk).values_list("status", flat=True).first()
            if change
            else Article.Status.DRAFT
        )
        note = form.cleaned_data.get("transition_note", "")
        if action is not None:
            obj.status = before
            workflow.move(obj, action, request.user, note=note, publish_at=obj.published_at)
        super().save_model(request, obj, form, change)
        if action is not None:
            workflow.record(obj, action.name, before, request.user, note)
            self.message_user(request, action.done, messages.SUCCESS)
        if was_public and not obj.is_public:
            # Taken down (or embargoed again): links shared before stop working.
            revoked = preview.revoke_links(obj)
            if revoked:
                self.message_user(request, f"文章已撤下，它的 {revoked} 个分享预览链接已同时撤销。")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            article = self.get_object(request, object_id)
            figures = list(article.figures.all()) if article else []
            missing = [f for f in figures if not f.image]
            if missing:
                # Figures made from a print page's captions wait for their photos.
                self.message_user(
                    request,
                    f"{len(missing)} 张图片只有图片说明，还没有照片：请在下方“图片”里逐张上传照片"
                    "（或删除不用的图片），之后才能发布。",
                    messages.WARNING,
                )
            placeholders = placeholder_count(figures)
            if placeholders:
                self.message_user(
                    request,
                    f"{placeholders} 张图片是占位图，不是真正的照片：读者只看到“图片待补”。"
                    "请在下方“图片”里为它们上传照片（上传后自动不再算作占位图）。",
                    messages.WARNING,
                )
        extra_context = {
            "preview_link_url": reverse("admin:articles_article_preview_link", args=[object_id]),
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description="重新处理照片（生成读者看到的各尺寸版本）", permissions=["change"])
    def reprocess_photos(self, request, queryset):
        # For a photo whose processing failed (shown on its row and on the dashboard) once the
        # cause is mended: the original was kept, so nothing has to be uploaded again.
        figures = Figure.objects.filter(article__in=queryset)
        count = reprocess(figures)
        self.message_user(
            request,
            f"已把 {count} 张照片重新排进处理队列，通常几秒钟后即可在文章页看到。"
            if count
            else "所选文章没有上传照片，无需处理。",
            messages.SUCCESS if count else messages.WARNING,
        )

    @admin.display(description="版面原文")
    def print_source_link(self, obj):
        if obj is None or obj.print_source_id is None:
            return "—（不是从版面文本导入的）"
        url = reverse("admin:articles_printsource_change", args=[obj.print_source_id])
        return format_html('<a href="{}">查看导入时的整版文字</a>', url)

    @admin.display(description="发布前检查")
    def publish_checks(self, obj):
        if obj is None or obj.pk is None:
            return "保存后在这里显示发布前检查的结果。"
        problems = publish_problems(obj)
        warnings = text_warnings(obj)
        parts = []
        if problems:
            heading = '<strong style="color:#ba2121">不能发布，需要先改好：</strong>'
            parts.append(message_list(heading, "publish-problems", problems))
        else:
            parts.append(format_html('<p class="publish-ok">{}</p>', "✓ 可以发布。"))
        notes = photo_notes(obj)
        if notes:
            heading = "<strong>照片（不影响发布）：</strong>"
            parts.append(message_list(heading, "photo-notes", notes))
        if warnings:
            heading = "<strong>文字提示（不影响发布，请编辑判断）：</strong>"
            parts.append(message_list(heading, "text-warnings", warnings))
        return format_html_join("", "{}", ((part,) for part in parts))


@admin.register(PrintSource)
class PrintSourceAdmin(admin.ModelAdmin):
    """The imported page, for staff to read: what each article came from, furniture included."""

    list_display = ["__str__", "imported_at", "imported_by"]
    fields = ["imported_at", "imported_by", "made_articles", "furniture", "text"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return can_read_print_sources(request.user)

    @admin.display(description="由它生成的文章")
    def made_articles(self, obj):
        return (
            format_html_join(
                "、",
                '<a href="{}">{}</a>',
                (
                    (reverse("admin:articles_article_change", args=[a.pk]), a.title)
                    for a in obj.articles.all()
                ),
            )
            or "—"
        )


@admin.register(Column)
class ColumnAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]


from . import front_page  # noqa: E402, F401  (首页编排)
