"""The digital edition in the admin: papers, editions with their pages, and each page's regions.

- 数字报各期 → 增加: the paper, the date and the issue numbers; saving leads to 上传版面, where
  several page files (and their .txt texts, paired by name) are uploaded at once. The upload
  page is a view of its own, not the change form: rendering PDFs takes seconds per page, and
  the admin's change form holds a database transaction for its whole request.
- 版面 → a page's change form shows the page picture; drawing a rectangle on it with the mouse
  fills a 稿件区域 row (epaper/static/epaper/region-editor.js), whose numbers can as well be
  typed (0..1 of the page's width and height): the keyboard's way. 根据 PDF 文字建议区域
  proposes regions from the PDF's text positions; proposals reach readers once confirmed.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from .ingest import ImportRefused, add_pages, link_stories, pair_uploads, reading_warnings
from .models import Edition, Page, Publication, Region

# The upload renders PDFs within the request, and gunicorn ends a request after 30 s
# (qiantang_site/gunicorn.conf.py). Measured: about 2.4 s a generated page (bench/epaper.py),
# 3.3 s a realistic dense one (the outside review's 16-page edition: 52 s by import_edition),
# renditions included. So at most 6 pages an upload (about 20 s), and the PDFs' rendering is
# stopped after 18 s whatever they hold: the editor gets a Chinese refusal, never the
# server's timeout page. Whole editions: manage.py import_edition.
UPLOAD_MAX_PAGES = 6
UPLOAD_RENDER_SECONDS = 18


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field, as Django's documentation shows it."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.webp,.txt"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class UploadPagesForm(forms.Form):
    files = MultipleFileField(
        label="版面文件",
        help_text=(
            "可以一次选多个文件：PDF，或 JPEG、PNG、WebP 图片，按文件名顺序排成版面。"
            "同名的 .txt（例如 A05.pdf 和 A05.txt）是这个版面的文字：每篇稿件会生成一篇草稿，"
            "并按 PDF 的文字位置建议区域。文件名如 A05-城市.pdf 会读出版次和版名。"
            f"一次最多 {UPLOAD_MAX_PAGES} 个版面；整期请用 manage.py import_edition 导入。"
        ),
    )


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    list_display = ["name", "position", "is_demo"]
    list_editable = ["position"]


class PageInline(admin.TabularInline):
    model = Page
    fields = ["position", "code", "name", "picture", "regions_link"]
    readonly_fields = ["picture", "regions_link"]
    extra = 0
    can_delete = True
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False  # pages come from uploads (上传版面)

    @admin.display(description="版面图")
    def picture(self, page):
        rendition = page.thumbnail_rendition if page.pk else None
        if rendition is None:
            return "—"
        return format_html('<img src="{}" alt="" width="80">', rendition.file.url)

    @admin.display(description="稿件区域")
    def regions_link(self, page):
        if not page.pk:
            return ""
        count = page.regions.count()
        proposed = page.regions.filter(status=Region.Status.PROPOSED).count()
        note = f"（{proposed} 块待确认）" if proposed else ""
        return format_html(
            '<a href="{}">标注区域：{} 块{}</a>',
            reverse("admin:epaper_page_change", args=[page.pk]),
            count,
            note,
        )


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    list_display = ["date", "publication", "numbers_label", "page_count", "is_public"]
    list_filter = ["publication", "is_public"]
    date_hierarchy = "date"
    fields = ["publication", "date", "number", "total_number", "is_public"]
    inlines = [PageInline]
    change_form_template = "admin/epaper/edition/change_form.html"

    @admin.display(description="版面数")
    def page_count(self, edition):
        return edition.pages.count()

    @admin.display(description="期号")
    def numbers_label(self, edition):
        return edition.numbers_label

    def view_on_site(self, edition):
        return edition.get_absolute_url()

    def get_urls(self):
        return [
            path(
                "<int:pk>/upload/",
                self.admin_site.admin_view(self.upload_view),
                name="epaper_edition_upload",
            ),
            *super().get_urls(),
        ]

    def response_add(self, request, obj, post_url_continue=None):
        messages.info(request, "这一期已经建好，现在上传它的版面。")
        return redirect("admin:epaper_edition_upload", obj.pk)

    # A view of its own rather than the change form, which runs in one transaction: here PDFs
    # are rendered before the one short transaction that stores them (epaper.ingest), so
    # other editors' saves never wait for a rendering.
    def upload_view(self, request, pk):
        edition = get_object_or_404(Edition, pk=pk)
        if not self.has_change_permission(request, edition):
            raise PermissionDenied
        form = UploadPagesForm(request.POST or None, request.FILES or None)
        problems = []
        if request.method == "POST" and form.is_valid():
            uploads, problems = pair_uploads(
                sorted(form.cleaned_data["files"], key=lambda f: f.name)
            )
            if not problems:
                try:
                    prepared = add_pages(
                        edition,
                        uploads,
                        created_by=request.user,
                        max_pages=UPLOAD_MAX_PAGES,
                        render_seconds=UPLOAD_RENDER_SECONDS,
                    )
                except ImportRefused as refused:
                    problems = refused.messages
                else:
                    messages.success(
                        request,
                        f"已上传 {len(prepared)} 个版面。请逐版检查稿件区域，"
                        "确认建议的区域后勾选“公开”。",
                    )
                    # What the reader of the pages' texts had to guess (a story that jumps
                    # to another page, a column label): the drafts need checking there.
                    for warning in reading_warnings(prepared):
                        messages.warning(request, f"需要核对：{warning}")
                    return redirect("admin:epaper_edition_change", edition.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"上传版面：{edition}",
            "edition": edition,
            "form": form,
            "problems": problems,
            "opts": self.model._meta,
            "original": edition,
            "has_view_permission": True,
        }
        return TemplateResponse(request, "admin/epaper/edition/upload.html", context)


class RegionForm(forms.ModelForm):
    class Meta:
        model = Region
        fields = ["position", "article", "x", "y", "width", "height", "status"]
        widgets = {
            name: forms.NumberInput(
                attrs={"step": "0.0001", "min": "0", "max": "1", "class": "vRegionNumber"}
            )
            for name in ("x", "y", "width", "height")
        }


class RegionInline(admin.TabularInline):
    model = Region
    form = RegionForm
    extra = 1
    autocomplete_fields = ["article"]
    classes = ["region-rows"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "article":
            # A tampered article id (abc, 1.5) is refused by the field in Chinese, but the
            # autocomplete widget looks the bad value up to show it again: a 500. It shows
            # only ids that can be ids.
            widget = getattr(field.widget, "widget", field.widget)
            optgroups = widget.optgroups

            def only_ids(name, value, attr=None):
                ids = [v for v in value if v and v.isascii() and v.isdigit() and len(v) <= 18]
                return optgroups(name, ids, attr)

            widget.optgroups = only_ids
        return field


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ["__str__", "edition", "position", "region_count"]
    list_filter = ["edition__publication", "edition__date"]
    list_select_related = ["edition__publication"]
    fields = ["edition", "position", "code", "name", "file_link"]
    readonly_fields = ["edition", "file_link"]
    inlines = [RegionInline]
    change_form_template = "admin/epaper/page/change_form.html"

    def has_add_permission(self, request):
        return False  # pages come from uploads (数字报各期 → 上传版面)

    @admin.display(description="区域数")
    def region_count(self, page):
        return page.regions.count()

    @admin.display(description="版面文件")
    def file_link(self, page):
        kind = "PDF" if page.file.name.endswith(".pdf") else "图片"
        where = f"第 {page.pdf_page} 页" if page.pdf_page else ""
        return f"{kind}{where}（原件只存档，不给读者）"

    def view_on_site(self, page):
        return page.get_absolute_url()

    def get_urls(self):
        return [
            path(
                "<int:pk>/propose/",
                self.admin_site.admin_view(self.propose_view),
                name="epaper_page_propose",
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            rendition = obj.largest_rendition
            context["page_picture"] = rendition
            context["can_propose"] = bool(obj.text_lines)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def propose_view(self, request, pk):
        page = get_object_or_404(Page, pk=pk)
        if request.method != "POST" or not self.has_change_permission(request, page):
            raise PermissionDenied
        articles = []
        for region in page.regions.select_related("article").order_by("position", "id"):
            if region.article is not None and region.article not in articles:
                articles.append(region.article)
        if not page.text_lines:
            messages.error(request, "这个版面没有 PDF 文字位置（图片版面或扫描件），无法自动建议。")
        elif not articles:
            messages.error(request, "先在下表里为这个版面关联至少一篇稿件，再按文字位置建议区域。")
        else:
            with transaction.atomic():
                page.regions.filter(status=Region.Status.PROPOSED).delete()
                # Stories already placed by hand keep their boxes; the rest get proposals.
                placed = set(
                    page.regions.filter(x__isnull=False).values_list("article_id", flat=True)
                )
                unplaced = [a for a in articles if a.pk not in placed]
                page.regions.filter(article__in=unplaced, x__isnull=True).delete()
                regions = link_stories(page, unplaced)
            boxed = sum(1 for r in regions if r.has_box)
            messages.success(
                request,
                f"按 PDF 文字位置建议了 {boxed} 块区域（{len(unplaced)} 篇稿件）。"
                "请对照版面图检查，把状态改为“已确认”后保存。",
            )
        return redirect("admin:epaper_page_change", page.pk)
