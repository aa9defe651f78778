"""The article admin's forms: the article form with its edit-conflict token and row lock,
the row forms of the inlines, fields that refuse out-of-range input with a message, and the
plain-Python rendering of labels, inputs and selects that keeps a gallery's change page fast.
"""

from datetime import datetime, timedelta

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models.fields.files import FieldFile
from django.forms.renderers import DjangoTemplates
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import mark_safe
from reversion.models import Version

from .. import workflow
from ..internals import ChecksFieldsTogether
from ..models import Article, Section
from ..text import person_name

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
    """Re-shows a refused form without looking up an id no row can have (a number past the
    database's integers, or not a number at all: each was a 500)."""

    def optgroups(self, name, value, attr=None):
        value = [v for v in value if v in ("", None) or (str(v).isdigit() and int(v) <= MAX_ID)]
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


class ArticleAdminForm(forms.ModelForm):
    """The article form; for someone without the publish permission, status and time are locked.

    It also carries an edit token, the article's updated_at when the form was opened: if the
    article was saved by someone else since, the save is refused and the typed text kept.
    """

    LOCKED_FOR_REPORTERS = ("published_at", "desk_editor")

    edit_token = forms.CharField(widget=forms.HiddenInput, required=False)
    overwrite = forms.BooleanField(
        label="仍然用我的版本覆盖",
        required=False,
        help_text="只有在看过对方的修改、确定要用你现在这一版替换时才勾选。",
    )
    transition_note = forms.CharField(
        label="说明",
        required=False,
        max_length=workflow.MAX_NOTE_CHARS,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        error_messages={"max_length": f"说明最多 {workflow.MAX_NOTE_CHARS} 字。"},
        help_text="交稿、退回、撤下时写给对方的话，记在稿件历史里；退回和撤下必须写明原因。",
    )
    # Set per request by ArticleAdmin.get_form: the token of the article as it stands now,
    # and who is saving.
    current_token = ""
    user = None
    # The move a button asked for (articles/workflow.py), once clean() has allowed it.
    action = None

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
                    "你没有签发权限：只有编辑可以签发、定时发布或撤下文章。"
                    "写好后请按“交给编辑审稿”。",
                    code="publish_permission",
                )
        self._clean_transition(cleaned_data)
        return cleaned_data

    def _clean_transition(self, cleaned_data):
        """The move a button (name `_transition`) asks for: allowed, or an error shown on the
        form with everything typed kept."""
        self.action = None
        name = self.data.get("_transition")
        if not name:
            return
        note = cleaned_data.get("transition_note", "")
        new = self.instance.pk is None
        if not new:
            # The state as it stands (the row is locked for this save by ArticleAdmin).
            self.instance.status = (
                Article.objects.filter(pk=self.instance.pk).values_list("status", flat=True).get()
            )
        try:
            self.action = workflow.check(self.user, self.instance, name, note, new=new)
        except (PermissionDenied, ValidationError) as refused:
            message = refused.messages if isinstance(refused, ValidationError) else [str(refused)]
            raise ValidationError(["没有保存，也没有改变稿件状态：", *message]) from None
        if self.action.name == "sign_off":
            # The sections inline runs the checks before publishing on what was posted, and
            # the byline-or-source check (PublishCheckedFormSet) when it sees this.
            self.instance.status = Article.Status.PUBLISHED
            self.instance.signing_off = True
            if cleaned_data.get("published_at") is None:
                cleaned_data["published_at"] = timezone.now()  # no time given: now

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
        who = person_name(latest.revision.user)
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
