from datetime import datetime, timedelta

import reversion
from adminsortable2.admin import (
    CustomInlineFormSetMixin,
    SortableAdminBase,
    SortableStackedInline,
    SortableTabularInline,
)
from django import VERSION as DJANGO_VERSION
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxValueValidator
from django.db import IntegrityError, models, transaction
from django.db.models import F, Max, Prefetch
from django.db.models.fields.files import FieldFile
from django.forms.formsets import DELETION_FIELD_NAME
from django.forms.models import BaseInlineFormSet
from django.forms.renderers import DjangoTemplates
from django.forms.utils import flatatt
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.html import conditional_escape, escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from reversion.admin import VersionAdmin
from reversion.models import Version

from . import preview
from .admin_import import PrintPageImportMixin
from .admin_paging import CappedCountPaginator
from .checks import placeholder_count, publish_problems, text_warnings
from .internals import ChecksFieldsTogether, media_lists
from .models import (
    Article,
    ArticleAuthor,
    Author,
    Column,
    Correction,
    Figure,
    PrintSource,
    Section,
    with_renditions,
)
from .revisions import compare, missing_image_files, restore_changes

# django-admin-sortable2 2.3.1 names its inline templates after the Django version and ships
# them up to 6.0; Django 6.1's stacked.html and tabular.html are unchanged from 6.0's
# (checked with diff), so the 6.0 copies are the right ones.
SORTABLE_STACKED = "adminsortable2/edit_inline/stacked-django-6.0.html"
SORTABLE_TABULAR = "adminsortable2/edit_inline/tabular-django-6.0.html"

admin.site.site_header = "钱塘观察 稿件管理"
admin.site.site_title = "钱塘观察 稿件管理"
admin.site.index_title = "编辑部工作台"


# The largest order number a row may have (the column is a small integer). Checked on the form:
# the model's own check is skipped for positions (below), and a number past the database's
# integers made a server error instead of a message.
MAX_POSITION = 32767


class PlainLabels:
    """A form whose field labels are written in Python, as django/forms/label.html writes them.

    A gallery's change page has some 2,400 labels; through the template each cost more than
    the widget it names (bench/large_article.py).
    """

    def render(self, template_name=None, context=None, renderer=None):
        if template_name != self.template_name_label or context is None:
            return super().render(template_name, context, renderer)
        if not context["use_tag"]:
            return conditional_escape(context["label"])
        tag = context["tag"]
        return format_html(
            "<{}{}>{}</{}>", tag, flatatt(context["attrs"] or {}), context["label"], tag
        )


def _attrs_html(attrs):
    # As django/forms/widgets/attrs.html writes them, in the same order.
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class PlainInputsRenderer(DjangoTemplates):
    """Renders plain <input> widgets in Python, everything else through Django's templates.

    The output is what django/forms/widgets/input.html gives, through text.html, number.html,
    hidden.html and checkbox.html (which include it): a gallery's rows have some 2,000 such
    inputs, each a template include before (bench/large_article.py). A test compares the whole
    change page with and without it.
    """

    INPUTS = {
        f"django/forms/widgets/{name}.html" for name in ("text", "number", "hidden", "checkbox")
    }

    def render(self, template_name, context, request=None):
        if template_name not in self.INPUTS:
            return super().render(template_name, context, request)
        widget = context["widget"]
        value = "" if widget["value"] is None else f' value="{escape(widget["value"])}"'
        return (
            f'<input type="{escape(widget["type"])}" name="{escape(widget["name"])}"'
            f"{value}{_attrs_html(widget['attrs'])}>"
        )


class PositionedForm(ChecksFieldsTogether, PlainLabels, forms.ModelForm):
    default_renderer = PlainInputsRenderer()
    # Each row checked alone against the database would see the old position of a row it is
    # trading places with; PositionedFormSet checks the positions of all rows together.
    checked_together = ("position",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "position" in self.fields:
            self.fields["position"].validators.append(MaxValueValidator(MAX_POSITION))


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
        if problems:
            raise ValidationError(
                ["这篇文章还不能发布（或定时发布）。请先改好下面的问题，或把状态改回“草稿”保存："]
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


def can_publish(user):
    return user.has_perm("articles.publish_article")


def can_edit_article(user, article):
    """Editors edit everything; a reporter only the drafts they created."""
    if not user.has_perm("articles.change_article"):
        return False
    if article is None or can_publish(user):
        return True
    return article.status == Article.Status.DRAFT and article.created_by_id == user.pk


class PlainTextField(forms.CharField):
    """Text typed in a browser's textarea, with line ends as stored (\n, not \r\n).

    Browsers send textarea line ends as CRLF. Without this, opening and saving an article
    would count every multi-paragraph text as changed, and its revision would say so.
    """

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n") if value else value


class BoundedSplitDateTimeField(forms.SplitDateTimeField):
    """A date and time an article can have: years 1900 to 9998.

    Year 1 in Shanghai is year 0 in UTC, which Python cannot hold: the save failed with a
    server error and lost the form.
    """

    def clean(self, value):
        value = super().clean(value)
        if value is not None and not 1900 <= value.year <= 9998:
            raise ValidationError("请填写 1900 年到 9998 年之间的日期。", code="out_of_range")
        return value


class BoundedModelChoiceField(forms.ModelChoiceField):
    """A choice among rows whose id a hand-made POST may make too large for the database."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except OverflowError:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from None


PLAIN_TEXT = {
    models.TextField: {"form_class": PlainTextField},
    models.DateTimeField: {
        "form_class": BoundedSplitDateTimeField,
        "widget": admin.widgets.AdminSplitDateTime,
    },
}


# The largest id a row can have in any of the databases the site runs on (a 64-bit integer).
MAX_ID = 2**63 - 1


class BoundedAutocompleteSelect(AutocompleteSelect):
    """Re-shows a refused form without looking up an id no row can have (that was a 500)."""

    def optgroups(self, name, value, attr=None):
        value = [v for v in value if not (str(v).isdigit() and int(v) > MAX_ID)]
        return super().optgroups(name, value, attr)


class BoundedChoicesMixin:
    """Foreign keys that answer an out-of-range id from a hand-made POST with a form error."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", BoundedModelChoiceField)
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = BoundedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ArticlePartInline(BoundedChoicesMixin):
    """An inline whose rows can only be changed by someone who may change the article."""

    formfield_overrides = PLAIN_TEXT

    def has_add_permission(self, request, obj):
        return super().has_add_permission(request, obj) and can_edit_article(request.user, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and can_edit_article(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and can_edit_article(request.user, obj)


class PlainSelect(forms.Select):
    """A select whose options are written in Python rather than one template each.

    A gallery's change page has a section select per figure: 200 figures and 100 sections made
    20,000 option templates, most of the time it took to open (bench/large_article.py).
    """

    def render(self, name, value, attrs=None, renderer=None):
        chosen = "" if value is None else str(value)
        options = "".join(
            f'<option value="{escape(key)}"{" selected" if str(key) == chosen else ""}>'
            f"{escape(label)}</option>"
            for key, label in self.choices
        )
        attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        # Every piece is escaped above or by flatatt.
        return mark_safe(f"<select{flatatt(attrs)}>{options}</select>")  # noqa: S308


class ArticleSectionField(forms.ModelChoiceField):
    """The sections of the article being edited, read once for every figure row of the page.

    ModelChoiceField queries its choices for each form it renders and each value it cleans:
    two hundred figure rows made four hundred queries. The list is shared by the copies that
    each form makes of its fields.
    """

    widget = PlainSelect

    def __init__(self, sections, **kwargs):
        self.sections = {section.pk: section for section in sections}
        super().__init__(queryset=Section.objects.filter(pk__in=list(self.sections)), **kwargs)

    @property
    def choices(self):
        return [("", self.empty_label)] + [(pk, str(s)) for pk, s in self.sections.items()]

    @choices.setter
    def choices(self, value):
        forms.ChoiceField.choices.fset(self, value)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return self.sections[int(value)]
        except (KeyError, TypeError, ValueError):
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from None


class FigureForm(PositionedForm):
    def clean(self):
        cleaned_data = super().clean()
        # A stand-in stops being one only when a photo is uploaded over it: the flag is not a
        # box to untick (that would show the generated picture to readers as a photo).
        if "image" in self.changed_data:
            self.instance.is_placeholder = False
        return cleaned_data

    def clean_image(self):
        image = self.cleaned_data.get("image")
        # A figure kept from an old revision (or a file removed on disk) can name a file that
        # no longer exists: ask for a new upload instead of failing later on a missing file.
        if isinstance(image, FieldFile) and image.name and not image.storage.exists(image.name):
            raise ValidationError(
                f"原图文件已不存在（{image.name}）。请重新上传这张图片，或删除这一行。"
            )
        return image


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
        ("credit", "alt_text"),
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


class CorrectionForm(forms.ModelForm):
    # A correction can't be changed once saved, so a slip in its date would stay public.
    LATEST_AHEAD = timedelta(minutes=5)

    def clean_corrected_at(self):
        when = self.cleaned_data.get("corrected_at")
        if when is None:
            return when
        if when > timezone.now() + self.LATEST_AHEAD:
            raise ValidationError(
                "更正时间不能晚于现在：更正保存后不能再改，请填写实际更正的时间。"
            )
        published_at = self.instance.article.published_at if self.instance.article_id else None
        if published_at is not None and when < published_at:
            raise ValidationError(
                "更正时间早于文章的发布时间"
                f"（{timezone.localtime(published_at):%Y-%m-%d %H:%M}），请检查。"
            )
        return when


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


def message_list(heading, css_class, messages):
    """A heading (trusted markup) over a list of messages (escaped)."""
    items = format_html_join("", "<li>{}</li>", ((m,) for m in messages))
    return format_html('<p>{}</p><ul class="{}">{}</ul>', mark_safe(heading), css_class, items)


def edited_object_id(request):
    """The article's id on its change page and on django-reversion's pages (a positional arg)."""
    match = request.resolver_match
    return match.kwargs.get("object_id") or (match.args[0] if match.args else None)


def figure_thumbnail(figure):
    """The smallest rendition: the admin never loads a full-size original."""
    if figure is None or not figure.image:
        return "尚未上传图片"
    rendition = figure.thumbnail_rendition
    if rendition is None:
        return "预览尚未生成"
    return format_html(
        '<img src="{}" alt="" width="{}" height="{}" loading="lazy" '
        'style="max-width:160px;max-height:110px;width:auto;height:auto;border-radius:4px">',
        rendition.file.url,
        rendition.width,
        rendition.height,
    )


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


class ArticleAdminForm(forms.ModelForm):
    """The article form; for someone without the publish permission, status and time are locked.

    It also carries an edit token, the article's updated_at when the form was opened: if the
    article was saved by someone else since, the save is refused and the typed text kept.
    """

    LOCKED_FOR_REPORTERS = ("status", "published_at")

    edit_token = forms.CharField(widget=forms.HiddenInput, required=False)
    overwrite = forms.BooleanField(
        label="仍然用我的版本覆盖",
        required=False,
        help_text="只有在看过对方的修改、确定要用你现在这一版替换时才勾选。",
    )
    # Set per request by ArticleAdmin.get_form: the token of the article as it stands now.
    current_token = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["edit_token"].initial = self.current_token
        # The sections inline runs the checks before publishing on what was posted
        # (PublishCheckedFormSet); the model's own would see the parts from before this save.
        self.instance.check_parts_in_clean = False

    def clean_published_at(self):
        # The admin widget has no microseconds, so an untouched time would come back a fraction
        # of a second earlier; keep the stored one, since the publication time must not move.
        if self.instance.pk and "published_at" not in self.changed_data:
            return self.instance.published_at
        return self.cleaned_data.get("published_at")

    def clean(self):
        cleaned_data = super().clean()
        if (
            self.instance.pk
            and cleaned_data.get("edit_token") != self.current_token
            and not cleaned_data.get("overwrite")
        ):
            raise ValidationError(stale_message(self.instance, self.current_token), code="stale")
        # A disabled field ignores what is posted, so a hand-made POST cannot publish. Say so
        # instead of quietly saving a draft the reporter believes is published.
        for name in self.LOCKED_FOR_REPORTERS:
            field = self.fields.get(name)
            if field is not None and field.disabled and self._posted_change(name, field):
                raise ValidationError(
                    "你没有发布权限：只有编辑可以发布、定时发布或撤下文章。稿件仍是草稿，"
                    "写好后请交给编辑发布。",
                    code="publish_permission",
                )
        return cleaned_data

    def _posted_change(self, name, field):
        raw = field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
        if raw in (None, "") or (isinstance(raw, list | tuple) and not any(raw)):
            return False
        try:
            value = field.clean(raw)
        except ValidationError:
            return True
        return value != self.get_initial_for_field(field, name)


def lock_article(object_id):
    """Lock an article's row until the current transaction (an admin save) ends.

    The admin's save runs in one transaction, and the edit token is compared with the row's
    updated_at in the form's clean(). Without the lock, two saves at the same instant both
    read the old updated_at under READ COMMITTED, both pass, and the second silently undoes
    the first. With it, the second waits here until the first commits, then reads its new
    updated_at and is refused as stale. (SQLite has no row locks; it serialises writers.)
    """
    try:
        pk = Article._meta.pk.to_python(object_id)
    except ValidationError:
        return
    list(Article.objects.select_for_update().filter(pk=pk).values_list("pk", flat=True))


def edit_token(article):
    return article.updated_at.isoformat() if article and article.updated_at else ""


def stale_message(article, current_token=""):
    latest = (
        Version.objects.get_for_object_reference(Article, article.pk)
        .select_related("revision__user")
        .order_by("-pk")
        .first()
    )
    who = "别人"
    if latest is not None and latest.revision.user is not None:
        who = latest.revision.user.get_full_name() or latest.revision.user.get_username()
    # The token is the article's updated_at as it stands: on a restore page the row read from
    # the database is the old version's, reverted for the form.
    current = (
        datetime.fromisoformat(current_token)
        if current_token
        else Article.objects.filter(pk=article.pk).values_list("updated_at", flat=True).first()
    )
    when = f"{timezone.localtime(current):%H:%M:%S}" if current else ""
    return (
        f"没有保存：你打开这篇文章之后，{who} 在 {when} 保存了新的修改。为了不覆盖对方的工作，"
        "这次没有保存，你填写的内容都还在下面。请在新标签页打开这篇文章（或在“历史”里比较两版）"
        "看看对方改了什么，把你的修改合进去；确定要用你的版本替换时，勾选“仍然用我的版本覆盖”再保存。"
    )


@admin.register(Article)
class ArticleAdmin(BoundedChoicesMixin, PrintPageImportMixin, SortableAdminBase, VersionAdmin):
    form = ArticleAdminForm
    formfield_overrides = PLAIN_TEXT
    # django-reversion sets its own list template; ours extends it (import link + recover link).
    change_list_template = "admin/articles/article/change_list.html"
    object_history_template = "admin/articles/article/object_history.html"
    compare_template = "admin/articles/article/compare.html"
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
    # At archive size: no count of the whole table per page (articles/admin_paging.py).
    paginator = CappedCountPaginator
    show_full_result_count = False
    inlines = [ArticleAuthorInline, SectionInline, FigureInline, CorrectionInline]
    actions = ["publish_now", "unpublish"]
    readonly_fields = ["created_by", "publish_checks", "print_source_link"]
    fieldsets = [
        (None, {"fields": ["column", "kicker", "title", "subtitle", "slug", "summary"]}),
        ("发布", {"fields": [("status", "published_at"), "created_by", "publish_checks"]}),
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

    @property
    def media(self):
        # adminsortable2 swaps Django's actions.js for its own copy named after the Django
        # version, and has none for 6.1; Django's own file is the right one for this list.
        css, js = media_lists(super().media)
        theirs = "adminsortable2/js/actions-{}.{}.js".format(*DJANGO_VERSION)
        js = ["admin/js/actions.js" if item == theirs else item for item in js]
        return forms.Media(css=css, js=js)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not self.has_change_permission(request, obj):
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
        if not can_publish(request.user):
            for name in ArticleAdminForm.LOCKED_FOR_REPORTERS:
                if name in form.base_fields:
                    form.base_fields[name].disabled = True
                    form.base_fields[name].help_text = "只有编辑可以发布或定时发布。"
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
        if not can_publish(request.user):
            # Second line of defence behind the locked fields: nothing a reporter saves is public.
            was_published = (
                change
                and Article.objects.filter(pk=obj.pk).exclude(status=Article.Status.DRAFT).exists()
            )
            if obj.status != Article.Status.DRAFT or was_published:
                raise PermissionDenied("只有编辑可以发布文章。")
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        was_public = change and Article.objects.published().filter(pk=obj.pk).exists()
        super().save_model(request, obj, form, change)
        if was_public and not obj.is_public:
            # Taken down (back to draft, or embargoed again): links shared before stop working.
            revoked = preview.revoke_links(obj)
            if revoked:
                self.message_user(request, f"文章已撤下，它的 {revoked} 个分享预览链接已同时撤销。")

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
        if warnings:
            heading = "<strong>文字提示（不影响发布，请编辑判断）：</strong>"
            parts.append(message_list(heading, "text-warnings", warnings))
        return format_html_join("", "{}", ((part,) for part in parts))

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

    # History, compare and restore (django-reversion).

    def get_urls(self):
        compare_url = path(
            "<path:object_id>/history/compare/",
            self.admin_site.admin_view(self.compare_view),
            name="articles_article_compare",
        )
        preview_link_url = path(
            "<path:object_id>/preview-link/",
            self.admin_site.admin_view(self.preview_link_view),
            name="articles_article_preview_link",
        )
        return [compare_url, preview_link_url, *super().get_urls()]

    def preview_link_view(self, request, object_id):
        """Share-preview links of one article: make one, see the live ones, revoke any."""
        article = get_object_or_404(Article, pk=object_id)
        # Whoever may change the article may show it; a reporter only their own drafts.
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        new_link = None
        if request.method == "POST":
            if "revoke" in request.POST:
                revoked = preview.revoke_links(
                    article, article.preview_links.filter(pk=request.POST.get("revoke") or 0)
                )
                self.message_user(
                    request,
                    "已撤销这个预览链接，打开它只会看到“链接已撤销”。"
                    if revoked
                    else "这个链接已经失效，不用再撤销。",
                    messages.SUCCESS if revoked else messages.WARNING,
                )
                return redirect(request.path)
            if "revoke_all" in request.POST:
                revoked = preview.revoke_links(article)
                self.message_user(request, f"已撤销 {revoked} 个预览链接。", messages.SUCCESS)
                return redirect(request.path)
            link, path = preview.create_link(article, request.user)
            new_link = {"url": request.build_absolute_uri(path), "expires_at": link.expires_at}
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": f"分享预览链接：{article.title}",
            "new_link": new_link,
            "live_links": preview.live_links(article),
            "hours": int(preview.max_age().total_seconds() // 3600),
            "is_public": article.is_public,
        }
        response = TemplateResponse(request, "admin/articles/article/preview_link.html", context)
        add_never_cache_headers(response)
        return response

    def history_view(self, request, object_id, extra_context=None):
        # Newest first, and with each version's id so two can be ticked for comparing.
        versions = (
            Version.objects.get_for_object_reference(Article, object_id)
            .select_related("revision__user")
            .order_by("-pk")
        )
        action_list = [
            {
                "revision": version.revision,
                "version_id": version.pk,
                "url": reverse("admin:articles_article_revision", args=[object_id, version.pk]),
            }
            for version in versions
        ]
        extra_context = {
            "action_list": action_list,
            "compare_url": reverse("admin:articles_article_compare", args=[object_id]),
            **(extra_context or {}),
        }
        return super().history_view(request, object_id, extra_context)

    def compare_view(self, request, object_id):
        article = get_object_or_404(Article, pk=object_id)
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        versions = Version.objects.get_for_object(article).select_related("revision__user")
        chosen = [v for v in versions if str(v.pk) in request.GET.getlist("version")]
        history_url = reverse("admin:articles_article_history", args=[article.pk])
        if len(chosen) != 2:
            messages.warning(request, "请在历史记录里勾选两个不同的版本再比较。")
            return redirect(history_url)
        old, new = sorted(chosen, key=lambda v: v.pk)
        article_changes, part_changes = compare(old, new)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": f"比较两个版本：{article.title}",
            "old": old,
            "new": new,
            "article_changes": article_changes,
            "part_changes": part_changes,
            "history_url": history_url,
            "restore_old_url": reverse(
                "admin:articles_article_revision", args=[article.pk, old.pk]
            ),
        }
        return TemplateResponse(request, self.compare_template, context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        # django-reversion reverts the article in the database before its form runs, and keeps
        # the change only if the form saves. Everything here happens in one transaction, so
        # that what is done to make the revert possible is undone with it.
        with transaction.atomic():
            if request.method == "POST":
                # The token is read under the row lock, as for an ordinary save (get_object).
                lock_article(object_id)
            article = get_object_or_404(Article, pk=object_id)
            # Judged on the article as it stands, not as the version would make it: a reporter
            # may not take a published article back to a draft by restoring one.
            if not self.has_change_permission(request, article):
                raise PermissionDenied
            was_public = article.is_public
            response = self._revision_view(request, article, version_id, extra_context)
            saved = edit_token(Article.objects.filter(pk=article.pk).first()) != edit_token(article)
            if request.method != "POST" or not saved:
                transaction.set_rollback(True)  # a look, or a refused save: nothing stays
            elif was_public and not Article.objects.get(pk=article.pk).is_public:
                # Taken down by the restore: links shared before stop working, as on any
                # other takedown (save_model sees the article already reverted).
                revoked = preview.revoke_links(article)
                if revoked:
                    self.message_user(
                        request, f"文章已撤下，它的 {revoked} 个分享预览链接已同时撤销。"
                    )
            return response

    def _revision_view(self, request, article, version_id, extra_context):
        object_id = str(article.pk)
        version = get_object_or_404(Version, pk=version_id, object_id=object_id)
        request._article_token_before_revert = edit_token(article)
        missing = missing_image_files(version)
        if missing and request.method == "GET":
            messages.warning(
                request,
                f"这个版本里有 {len(missing)} 张图片的原图文件已不存在（{'、'.join(missing)}）。"
                "恢复时请为这些图片重新上传文件，或删除那几行。",
            )
        article_changes, part_changes = restore_changes(version)
        extra_context = {
            "restore_article_changes": article_changes,
            "restore_part_changes": part_changes,
            "kept_corrections": article.corrections.count(),
            "restore_version": version,
            **(extra_context or {}),
        }
        # The version puts sections and figures back at their old positions, which rows of the
        # article may hold now (after a reorder): unique at every moment, so those rows move
        # out of the way first, as an inline's save does. Undone if nothing is saved.
        for model in (Section, Figure):
            move_positions_aside(model.objects.filter(article=article))
        try:
            return super().revision_view(request, object_id, version_id, extra_context)
        except (IntegrityError, OSError) as error:
            # The revision points at something that no longer exists (an author, a file).
            messages.error(request, f"无法恢复这个版本：它引用的内容已不存在（{error}）。")
            return redirect("admin:articles_article_history", article.pk)


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
        return (
            request.user.is_active
            and request.user.is_staff
            and (
                request.user.has_perm("articles.view_article")
                or request.user.has_perm("articles.change_article")
            )
        )

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
