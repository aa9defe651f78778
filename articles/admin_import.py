"""The admin page "从版面文本导入": paste or upload a print page, check the preview, create a draft.

Kept out of admin.py as a mixin for ArticleAdmin: one idea per file, and the article admin stays
readable.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from .build import AlreadyImported, import_print_page
from .models import Column
from .printpage import MAX_BYTES, PrintPageError, decode, parse, pasted_too_big


class PrintPageImportForm(forms.Form):
    text = forms.CharField(
        label="版面文字",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 22, "class": "vLargeTextField print-page-text"}),
        help_text="从排版系统或 PDF 复制整版文字，原样粘贴到这里（不用删空行和缩进）。",
    )
    file = forms.FileField(
        label="或者上传文本文件",
        required=False,
        help_text="UTF-8、UTF-16 或 GB18030（GBK）编码的 .txt 文件，不超过 1 MB。上传后以文件内容为准。",
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
        try:
            self.page = parse(cleaned_data["text"])
        except PrintPageError as error:
            raise forms.ValidationError(str(error)) from error
        too_big = self.page.too_big_for_a_draft()
        if too_big:
            raise forms.ValidationError(too_big)
        return cleaned_data


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
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = PrintPageImportForm()
        page, status = None, 200
        if request.method == "POST":
            form = PrintPageImportForm(request.POST, request.FILES)
            if form.is_valid():
                page = form.page
                if "_create" in request.POST:
                    created = self._create_draft(request, form)
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
            "page": page,
            "blocks": preview_blocks(page) if page else None,
            "has_view_permission": self.has_view_permission(request),
            # The page measures the pasted text before sending it (admin-import.js).
            "max_bytes": MAX_BYTES,
        }
        return TemplateResponse(request, self.import_template, context, status=status)

    def _create_draft(self, request, form):
        page = form.page
        if not page.title:
            form.add_error(None, "没有找到主题（标题），无法创建文章。请检查粘贴的文字是否完整。")
            return None
        try:
            article, figures = import_print_page(
                page, column=form.cleaned_data.get("column"), created_by=request.user
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
        self.log_addition(request, article, [{"added": {}}])
        self.message_user(
            request,
            f"已从版面文本创建草稿《{article.title}》：{len(page.sections)} 节、"
            f"{page.paragraph_count} 段、{len(figures)} 张图片。",
            messages.SUCCESS,
        )
        for warning in page.warnings:
            self.message_user(request, f"导入时需要核对：{warning}", messages.WARNING)
        return redirect("admin:articles_article_change", article.pk)


def preview_blocks(page):
    """Sections with their paragraphs and figures in print order, for the preview."""
    blocks = []
    for index, section in enumerate(page.sections):
        paragraphs = section["paragraphs"]
        figures = [f for f in page.figures if f["section"] == index]
        items = []
        for number in range(len(paragraphs) + 1):
            items.extend(
                {"figure": f["caption"], "credit": f["credit"]}
                for f in figures
                if f["after_paragraph"] is not None
                and min(f["after_paragraph"], len(paragraphs)) == number
            )
            if number < len(paragraphs):
                items.append({"paragraph": paragraphs[number], "number": number + 1})
        items.extend(
            {"figure": f["caption"], "credit": f["credit"]}
            for f in figures
            if f["after_paragraph"] is None
        )
        blocks.append({"heading": section["heading"], "items": items})
    return blocks
