"""The admin page "从版面文本导入": paste or upload a print page, check and correct the preview,
create a draft for each story.

The preview lists every line of the page with the role the reader gave it, its reason and its
story; a select per line lets the editor correct both, and 重新预览 reads the page again with
those corrections (no JavaScript needed). The drafts are made from the reading the editor saw.

A mixin for ArticleAdmin (articles/admin/__init__.py): one idea per file, and the article
admin stays readable.
"""

import hashlib

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from ..build import AlreadyImported, import_reading
from ..models import Column
from ..pages import lay_out
from ..permissions import can_create_column
from ..printpage import (
    MAX_BYTES,
    MAX_STORIES,
    ROLES,
    PrintPageError,
    decode,
    normalize,
    pasted_too_big,
    read_page,
    readable_size,
)


class PageTextField(forms.CharField):
    """The pasted page: control characters (a NUL, a form feed) are taken out before Django's
    own check refuses a NUL with a message that says nothing to an editor."""

    def to_python(self, value):
        value = super().to_python(value)
        return normalize(value) if value else value


class PrintPageImportForm(forms.Form):
    text = PageTextField(
        label="版面文字",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 22, "class": "vLargeTextField print-page-text"}),
        help_text="从排版系统或 PDF 复制整版文字，原样粘贴到这里（不用删空行和缩进）。",
    )
    file = forms.FileField(
        label="或者上传文本文件",
        required=False,
        help_text=f"UTF-8、UTF-16 或 GB18030（GBK）编码的 .txt 文件，不超过 {readable_size(MAX_BYTES)}。"
        "上传后以文件内容为准。",
    )
    column = forms.ModelChoiceField(
        Column.objects.all(),
        label="栏目",
        required=False,
        empty_label="（按版面上的栏目标识）",
        help_text="留空则用版面上的栏目标识（栏目不存在时自动新建；版面上没有就不设栏目）。",
    )

    def clean(self):
        cleaned_data = super().clean()
        upload = cleaned_data.get("file")
        if upload:
            try:
                text = decode(upload.read(MAX_BYTES + 1), size=upload.size)
            except PrintPageError as error:
                raise forms.ValidationError(str(error)) from error
            # The text read from the file replaces the box, so the next step (and the editor)
            # sees exactly what was read.
            cleaned_data["text"] = text
        else:
            text = cleaned_data.get("text") or ""
            if not text.strip():
                raise forms.ValidationError("请粘贴版面文字，或者选择一个文本文件上传。")
            size = len(text.encode("utf-8"))
            if size > MAX_BYTES:
                raise forms.ValidationError(pasted_too_big(size))
        text = cleaned_data["text"]
        self.digest = text_digest(text)
        try:
            self.overrides = self._corrections(text)
            self.reading = read_page(text, self.overrides)
            self.reading.warnings[:0] = self.ignored
        except PrintPageError as error:
            raise forms.ValidationError(str(error)) from error
        if len(self.reading.stories) > MAX_STORIES:
            raise forms.ValidationError(
                f"这份文字读出了 {len(self.reading.stories)} 篇稿件（一个版面最多 {MAX_STORIES} 篇）："
                "可能粘贴了多个版面或其他文件。请一次导入一个版面。"
            )
        for story in self.reading.stories:
            too_big = story.too_big_for_a_draft()
            if too_big:
                raise forms.ValidationError(too_big)
        return cleaned_data

    def _corrections(self, text):
        """The editor's corrections: those made before (carried in the form) and the lines
        changed on the preview just seen, compared with that preview, not with the reader's
        own reading (otherwise a story number the reader worked out after a correction would
        count as the editor's choice the next time).

        Only for the text the preview was made from: if the text was edited since, its line
        numbers may have moved, and the page is read afresh (text_changed says so).
        """
        self.text_changed = False
        self.ignored = []
        if self.data.get("read_digest") != self.digest:
            self.text_changed = bool(self.data.get("read_digest"))
            return {}
        overrides = parse_corrections(self.data.get("corrections", ""))
        shown = read_page(text, overrides)
        for line in shown.lines:
            role = self.data.get(f"role-{line.n}")
            story = self.data.get(f"story-{line.n}", "").strip()
            if story and not (story.isdigit() and int(story) > 0):
                self.ignored.append(f"第 {line.n} 行的稿件号“{story[:10]}”不是正整数，已忽略。")
            story = int(story) - 1 if story.isdigit() and int(story) > 0 else None
            changed_role = role if role in ROLES and role != line.role else None
            changed_story = story if story is not None and story != line.story else None
            if changed_role is None and changed_story is None:
                continue
            before_role, before_story = overrides.get(line.n, (None, None))
            overrides[line.n] = (
                before_role if changed_role is None else changed_role,
                before_story if changed_story is None else changed_story,
            )
        return overrides


def parse_corrections(value):
    """The corrections carried by the form ("n:role:story;…"), whatever a hand may have typed."""
    overrides = {}
    for item in value.split(";"):
        n, _, rest = item.partition(":")
        role, _, story = rest.partition(":")
        if (
            not n.isdigit()
            or not (role in ROLES or role == "")
            or not (story.isdigit() or story == "")
        ):
            continue
        overrides[int(n)] = (role or None, int(story) if story else None)
    return overrides


def format_corrections(overrides):
    return ";".join(
        f"{n}:{role or ''}:{'' if story is None else story}"
        for n, (role, story) in sorted(overrides.items())
    )


def text_digest(text):
    return hashlib.sha256(normalize(text).encode()).hexdigest()[:16]


class PrintPageImportMixin:
    """Adds the import page to ArticleAdmin at <changelist>/import/."""

    import_template = "admin/articles/article/import_print_page.html"

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_print_page_view)
        return [
            path("import/", view, name="articles_article_import_print_page"),
            *super().get_urls(),
        ]

    def import_print_page_view(self, request):
        if request.method not in ("GET", "HEAD", "POST"):
            # OPTIONS, TRACE, PUT, DELETE, PATCH: the form answers to none of them.
            return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = PrintPageImportForm()
        reading, status = None, 200
        if request.method == "POST":
            form = PrintPageImportForm(request.POST, request.FILES)
            if form.is_valid():
                reading = form.reading
                if form.text_changed:
                    messages.warning(
                        request,
                        "版面文字改过了：已按新的文字重新识别，之前对行角色的更正没有保留。",
                    )
                elif "_create" in request.POST:
                    created = self._create_drafts(request, form)
                    if created is not None:
                        return created
                    status = 400
                # Show the text that was read (from the file, if one was uploaded): the
                # next step posts this box again.
                data = request.POST.copy()
                data["text"] = form.cleaned_data["text"]
                form.data = data
            else:
                status = 400
        context = {
            **self.admin_site.each_context(request),
            "title": "从版面文本导入",
            "opts": self.opts,
            "form": form,
            "reading": reading,
            "digest": form.digest if reading else "",
            "corrections": format_corrections(form.overrides) if reading else "",
            "stories": [
                {
                    "number": n,
                    "page": story,
                    # Placed as the public page will place them in the draft.
                    "blocks": lay_out(
                        [(section, section["paragraphs"]) for section in story.sections],
                        [(f["section"], f["after_paragraph"], f) for f in story.figures],
                    ),
                }
                for n, story in enumerate(reading.stories, start=1)
            ]
            if reading
            else [],
            "lines": preview_lines(reading) if reading else [],
            "corrected": len(form.overrides) if reading else 0,
            "has_view_permission": self.has_view_permission(request),
            # The page measures the pasted text before sending it (admin-import.js).
            "max_bytes": MAX_BYTES,
        }
        return TemplateResponse(request, self.import_template, context, status=status)

    def _create_drafts(self, request, form):
        try:
            made = import_reading(
                form.reading,
                form.cleaned_data["text"],
                column=form.cleaned_data.get("column"),
                created_by=request.user,
                may_create_column=can_create_column(request.user),
            )
        except AlreadyImported as error:
            url = reverse("admin:articles_article_change", args=[error.article.pk])
            form.add_error(
                None,
                format_html(
                    '这个版面已经导入过：<a href="{}">文章 #{}《{}》</a>。没有重复创建。',
                    url,
                    error.article.pk,
                    error.article.title,
                ),
            )
            return None
        except ValueError as error:
            form.add_error(None, str(error))
            return None
        for (article, figures), story in zip(made, form.reading.stories, strict=True):
            self.log_addition(request, article, [{"added": {}}])
            self.message_user(
                request,
                format_html(
                    '已从版面文本创建草稿<a href="{}">《{}》</a>：{} 节、{} 段、{} 张图片。',
                    reverse("admin:articles_article_change", args=[article.pk]),
                    article.title,
                    len(story.sections),
                    story.paragraph_count,
                    len(figures),
                ),
                messages.SUCCESS,
            )
            if article.badge_left_out:
                self.message_user(
                    request,
                    f"《{article.title}》版面上的栏目标识“{article.badge_left_out}”没有对应的栏目，"
                    "没有自动新建（方框标签不作栏目；新建栏目需要编辑权限）：请在文章里选择栏目。",
                    messages.WARNING,
                )
        for warning in form.reading.warnings:
            self.message_user(request, f"导入时需要核对：{warning}", messages.WARNING)
        return redirect("admin:articles_article_change", made[0][0].pk)


def preview_lines(reading):
    """Every line of the page with its role, story and reason, and the choices offered."""
    # The story is a number box, not a menu: a menu of every story on every line grew with
    # lines × stories (a pasted page of 400 "stories" made 39 MB of HTML).
    return {
        "roles": list(ROLES.items()),
        "new_story": len(reading.stories) + 1,
        "rows": [
            {
                "n": line.n,
                "text": line.text,
                "role": line.role,
                "story": "" if line.story is None else str(line.story + 1),
                "why": line.why,
            }
            for line in reading.lines
        ],
    }
