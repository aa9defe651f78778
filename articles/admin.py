from django import forms
from django.contrib import admin
from django.db import transaction
from django.db.models import F, Max
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html

from .models import Article, ArticleAuthor, Author, Column, Correction, Figure, Section

admin.site.site_header = "钱塘观察 稿件管理"
admin.site.site_title = "钱塘观察 稿件管理"
admin.site.index_title = "编辑部工作台"


class PositionedForm(forms.ModelForm):
    def _get_validation_exclusions(self):
        # Each row checked alone against the database would see the old position of a row it
        # is trading places with; PositionedFormSet checks the positions of all rows together.
        exclusions = super()._get_validation_exclusions()
        exclusions.add("position")
        return exclusions


class PositionedFormSet(BaseInlineFormSet):
    """An inline of ordered rows: positions must differ, and swapping two of them saves."""

    def clean(self):
        super().clean()
        seen = {}
        for form in self.forms:
            if not form.has_changed() and not form.instance.pk:
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            position = form.cleaned_data.get("position")
            if position is None:
                continue
            if position in seen:
                form.add_error(
                    "position", f"顺序号 {position} 与另一行重复，请为每一行填写不同的顺序号。"
                )
            seen[position] = form

    @transaction.atomic
    def save(self, commit=True):
        if commit and self.instance.pk:
            # Rows keep a unique position in the database at every moment, so two rows that
            # trade places would collide half-way. Move the rows out of the way first.
            existing = self.model.objects.filter(**{self.fk.name: self.instance})
            offset = (existing.aggregate(m=Max("position"))["m"] or 0) + 1000
            existing.update(position=F("position") + offset)
            saved = super().save(commit)
            for form in self.initial_forms:
                if form.instance.pk and form not in self.deleted_forms and not form.has_changed():
                    form.instance.save(update_fields=["position"])
            return saved
        return super().save(commit)


class ArticleAuthorInline(admin.TabularInline):
    model = ArticleAuthor
    form = PositionedForm
    formset = PositionedFormSet
    extra = 0
    autocomplete_fields = ["author"]
    fields = ["author", "position"]


class SectionInline(admin.StackedInline):
    model = Section
    form = PositionedForm
    formset = PositionedFormSet
    extra = 0
    fields = ["position", "heading", "body"]


class FigureInline(admin.StackedInline):
    model = Figure
    form = PositionedForm
    formset = PositionedFormSet
    extra = 0
    fields = [
        ("position", "section", "after_paragraph"),
        ("image", "thumbnail"),
        "caption",
        ("credit", "alt_text"),
        ("focal_x", "focal_y"),
    ]
    readonly_fields = ["thumbnail"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "section":
            # Only the sections of the article being edited.
            object_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Section.objects.filter(article_id=object_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="预览")
    def thumbnail(self, obj):
        return figure_thumbnail(obj)


class CorrectionInline(admin.TabularInline):
    model = Correction
    extra = 0
    fields = ["note", "corrected_at"]


def figure_thumbnail(figure):
    if figure is None or not figure.image:
        return "尚未上传图片"
    return format_html(
        '<img src="{}" alt="" style="max-width:160px;max-height:110px;border-radius:4px">',
        figure.image.url,
    )


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "kicker", "column", "status_label", "published_at", "lead_thumbnail"]
    list_display_links = ["title"]
    list_filter = ["status", "column", "authors"]
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
    inlines = [ArticleAuthorInline, SectionInline, FigureInline, CorrectionInline]
    fieldsets = [
        (None, {"fields": ["column", "kicker", "title", "subtitle", "slug", "summary"]}),
        ("发布", {"fields": [("status", "published_at")]}),
        (
            "图片与版面",
            {"fields": ["photo_credit", ("print_publication", "print_date", "print_page")]},
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("figures")

    @admin.display(description="状态", ordering="status")
    def status_label(self, obj):
        if obj.status == Article.Status.PUBLISHED and obj.published_at and not obj.is_public:
            return f"定时发布（{obj.published_at:%Y-%m-%d %H:%M}）"
        return obj.get_status_display()

    @admin.display(description="题图")
    def lead_thumbnail(self, obj):
        return figure_thumbnail(obj.lead_figure)


@admin.register(Column)
class ColumnAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
