"""The article admin's inlines (bylines, sections, figures, corrections) and the formsets of
ordered rows they use: positions that differ, swaps that save, the checks before publishing.
"""

from adminsortable2.admin import (
    CustomInlineFormSetMixin,
    SortableStackedInline,
    SortableTabularInline,
)
from django import VERSION as DJANGO_VERSION
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.forms import Media
from django.forms.formsets import DELETION_FIELD_NAME
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html
from django.utils.text import capfirst

from ..internals import media_lists
from ..models import Article, ArticleAuthor, Correction, Figure, Section, with_renditions
from ..permissions import can_edit_article
from ..publishing import publish_problems
from .forms import (
    PLAIN_TEXT,
    ArticleSectionField,
    BoundedChoicesMixin,
    CorrectionForm,
    FigureForm,
    PositionedForm,
)

# django-admin-sortable2 2.3.1 names its inline templates after the Django version and ships
# them up to 6.0; Django 6.1's stacked.html and tabular.html are unchanged from 6.0's
# (checked with diff), so the 6.0 copies are the right ones.
SORTABLE_STACKED = "adminsortable2/edit_inline/stacked-django-6.0.html"
SORTABLE_TABULAR = "adminsortable2/edit_inline/tabular-django-6.0.html"


class SortableMediaFix:
    """For a ModelAdmin with SortableAdminBase: adminsortable2 swaps Django's actions.js for
    its own copy named after the Django version, and has none for 6.1; Django's own file is
    the right one."""

    @property
    def media(self):
        css, js = media_lists(super().media)
        theirs = "adminsortable2/js/actions-{}.{}.js".format(*DJANGO_VERSION)
        js = ["admin/js/actions.js" if item == theirs else item for item in js]
        return Media(css=css, js=js)


def move_positions_aside(rows):
    """Shift rows' positions past every one they hold, keeping their order.

    Positions are unique per article at every moment, so rows that will take each other's
    places (a reorder, a restored version) must first leave them free.
    """
    offset = (rows.aggregate(m=Max("position"))["m"] or 0) + 1000
    rows.update(position=F("position") + offset)


def marked_for_deletion(formset, form):
    """Whether the editor ticked 删除 on a row: the formset's DELETE field, read as Django's
    formsets read it, from the row's cleaned data."""
    if not formset.can_delete:
        return False
    if not hasattr(form, "cleaned_data"):
        form.full_clean()
    return bool(form.cleaned_data.get(DELETION_FIELD_NAME, False))


class PositionedFormSet(CustomInlineFormSetMixin, BaseInlineFormSet):
    """An inline of ordered rows: positions must differ, and swapping two of them saves.

    With django-admin-sortable2 the position is a hidden field that dragging renumbers 1..n;
    rows added in the form get the next free positions here, before the checks run.
    """

    # The list of every formset of the same change form, this one included, when the admin
    # gives one (ArticleAdmin.get_formsets_with_inlines): the checks before publishing span
    # the sections and the figures.
    sibling_formsets = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.sibling_formsets is not None:
            self.sibling_formsets.append(self)

    def clean(self):
        super().clean()
        seen = {}
        unplaced = []
        duplicate = False
        for form in self.forms:
            if not form.has_changed() and not form.instance.pk:
                continue
            if marked_for_deletion(self, form):
                continue
            if not hasattr(form, "cleaned_data"):
                continue
            position = form.cleaned_data.get("position")
            if not position:
                unplaced.append(form)
                continue
            if position in seen:
                duplicate = True
                form.add_error(
                    "position", f"顺序号 {position} 与另一行重复，请为每一行填写不同的顺序号。"
                )
            seen[position] = form
        next_position = max(seen, default=0) + 1
        for form in unplaced:
            form.cleaned_data["position"] = form.instance.position = next_position
            next_position += 1
        if duplicate:
            raise ValidationError("有两行的顺序号相同，请重新排列后再保存。")

    @transaction.atomic
    def save(self, commit=True):
        if commit and self.instance.pk:
            # Rows keep a unique position in the database at every moment, so two rows that
            # trade places would collide half-way. Move the rows out of the way first.
            move_positions_aside(self.model.objects.filter(**{self.fk.name: self.instance}))
            saved = super().save(commit)
            for form in self.initial_forms:
                if form.instance.pk and form not in self.deleted_forms and not form.has_changed():
                    form.instance.save(update_fields=["position"])
            return saved
        return super().save(commit)


class PublishCheckedFormSet(PositionedFormSet):
    """The sections inline, which also runs the checks before publishing.

    The checks need the article, its sections and its figures as the editor typed them, and
    Django validates each inline on its own; ArticleAdmin hands every formset its siblings
    so this one can see the figures too.
    """

    def clean(self):
        super().clean()
        article = self.instance
        if article.status != Article.Status.PUBLISHED:
            return
        sections = kept_instances(self)
        figure_formset = next(
            (fs for fs in self.sibling_formsets or [] if fs.model is Figure), None
        )
        figures = None
        if figure_formset is not None:
            if not figure_formset.is_valid():
                return  # its own errors come first
            figures = kept_instances(figure_formset)
        if sections is None or (figure_formset is not None and figures is None):
            return
        problems = publish_problems(article, sections, figures)
        if getattr(article, "signing_off", False) and not article.source.strip():
            bylines = next(
                (fs for fs in self.sibling_formsets or [] if fs.model is ArticleAuthor), None
            )
            kept = kept_instances(bylines) if bylines is not None else None
            if not kept:
                problems.append("签发前需要署名作者或填写“来源”（例如 杭州日报、新华社）。")
        if problems:
            raise ValidationError(
                ["这篇文章还不能签发（或定时发布）。请先改好下面的问题，或只按“保存”存为草稿："]
                + problems
            )


def kept_instances(formset):
    """The rows an inline will hold after saving, as unsaved objects; None if a row is invalid."""
    rows = []
    for form in formset.forms:
        if not form.instance.pk and not form.has_changed():
            continue
        if marked_for_deletion(formset, form):
            continue
        if not form.is_valid():
            return None
        rows.append(form.instance)
    return rows


class ArticlePartInline(BoundedChoicesMixin):
    """An inline whose rows can only be changed by someone who may change the article."""

    formfield_overrides = PLAIN_TEXT

    def has_add_permission(self, request, obj):
        return super().has_add_permission(request, obj) and can_edit_article(request.user, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and can_edit_article(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and can_edit_article(request.user, obj)


class ArticleAuthorInline(ArticlePartInline, SortableTabularInline):
    model = ArticleAuthor
    form = PositionedForm
    formset = PositionedFormSet
    template = SORTABLE_TABULAR
    extra = 0
    autocomplete_fields = ["author"]
    fields = ["author", "role", "position"]


class SectionInline(ArticlePartInline, SortableStackedInline):
    model = Section
    form = PositionedForm
    formset = PublishCheckedFormSet
    template = SORTABLE_STACKED
    extra = 0
    fields = ["heading", "body", "position"]


class FigureInline(ArticlePartInline, SortableStackedInline):
    model = Figure
    form = FigureForm
    formset = PositionedFormSet
    template = SORTABLE_STACKED
    extra = 0
    # The position is a hidden field that the drag script renumbers; it stands alone and last,
    # as in the other inlines. Inside a row with visible fields Django rendered it a second
    # time, and the second (unchanged) copy won, so a new order was silently not saved.
    fields = [
        ("section", "after_paragraph"),
        ("image", "thumbnail"),
        "caption",
        ("credit_role", "credit", "alt_text"),
        ("focal_x", "focal_y"),
        "is_placeholder",
        "position",
    ]
    readonly_fields = ["thumbnail", "is_placeholder"]

    def get_queryset(self, request):
        # Every row shows its thumbnail: the renditions come in one query, not one per figure.
        return super().get_queryset(request).prefetch_related(with_renditions())

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "image":
            # A plain file box: the thumbnail beside it shows the current photo. Django's
            # "currently" link pointed at the original, which is never served (a 404 for staff),
            # and it cost a template per figure on a gallery's page.
            kwargs["widget"] = forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
        if db_field.name == "section":
            # Only the sections of the article being edited, and no add/change links: sections
            # are edited in their own inline on the same page.
            sections = Section.objects.filter(article_id=edited_object_id(request)).only(
                "pk", "position", "heading"
            )
            return ArticleSectionField(
                sections.order_by("position"),
                required=not db_field.blank,
                label=capfirst(db_field.verbose_name),
                help_text=db_field.help_text,
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description="预览")
    def thumbnail(self, obj):
        return figure_thumbnail(obj)


class CorrectionInline(ArticlePartInline, admin.TabularInline):
    """Corrections are appended, never changed or removed: a wrong one gets a further one."""

    model = Correction
    form = CorrectionForm
    extra = 0
    fields = ["note", "corrected_at"]

    def has_change_permission(self, request, obj=None):
        # Saved rows show read-only; new rows can still be added (has_add_permission).
        return False

    def has_delete_permission(self, request, obj=None):
        # Not only no delete box: the admin also skips validating a view-only row that a
        # hand-made POST asks to delete only when this says no.
        return False


def figure_thumbnail(figure):
    """The smallest rendition: the admin never loads a full-size original."""
    if figure is None or not figure.image:
        return "尚未上传图片"
    if figure.rendition_failed:
        return format_html(
            '<span class="figure-failed" style="color:#ba2121">处理失败：{}<br>'
            "原图已保留。修好原因后，在文章列表选中本文、执行“重新处理照片”，"
            "或重新上传照片。</span>",
            figure.rendition_error or "原因不明",
        )
    rendition = figure.thumbnail_rendition
    if rendition is None:
        return "照片还在处理中，几秒后刷新本页即可看到预览。"
    return format_html(
        '<img src="{}" alt="" width="{}" height="{}" loading="lazy" '
        'style="max-width:160px;max-height:110px;width:auto;height:auto;border-radius:4px">',
        rendition.file.url,
        rendition.width,
        rendition.height,
    )


def edited_object_id(request):
    """The article's id on its change page and on django-reversion's pages (a positional arg)."""
    match = request.resolver_match
    return match.kwargs.get("object_id") or (match.args[0] if match.args else None)
