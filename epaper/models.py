"""The digital edition (数字报): a paper's editions by date, their pages, and the stories on them.

Publication (报纸) → Edition (one day's paper) → Page (版面: 版次, 版名, the page file and the image
made from it) → Region (a rectangle of a story on the page, 0..1 page coordinates, linked to an
article or to nothing yet). An article appears on a page through its regions; the articles app
knows nothing of this one (no migration there).
"""

import re
import secrets
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from articles.links import link
from articles.models import Article, PrintSource

# 版次 as printed: A05, B2, 5 (第5版 is stored as 5). Also the page's part of its URL.
PAGE_CODE = re.compile(r"^[A-Z]{0,2}\d{1,3}$")


class PublicationQuerySet(models.QuerySet):
    def shown(self):
        """Papers that have a public edition, the one /epaper/ shows first (the admin's order).

        Reader URLs name no paper (/epaper/<date>/), so one paper at a time is read there; a
        paper with nothing public never takes /epaper/ from one that has something.
        """
        with_public = Edition.objects.filter(publication=models.OuterRef("pk"), is_public=True)
        return self.filter(models.Exists(with_public)).order_by("position", "id")

    def primary(self):
        """The paper whose editions /epaper/ shows."""
        return self.shown().first()


class Publication(models.Model):
    name = models.CharField("报纸名", max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(
        "排序",
        default=0,
        help_text="数字报网址 /epaper/ 显示有公开期次的报纸中排在最前面的一份的各期（一次只显示一份报纸）。",
    )
    is_demo = models.BooleanField(
        "演示",
        default=False,
        help_text="程序生成的演示报纸：每个版面都标明“演示”，文章页不显示为见报信息。",
    )

    objects = PublicationQuerySet.as_manager()

    class Meta:
        verbose_name = "报纸"
        verbose_name_plural = "报纸"
        ordering = ["position", "id"]

    def __str__(self):
        return self.name


class EditionQuerySet(models.QuerySet):
    def public(self):
        """Editions readers may open: marked public, of the paper /epaper/ shows."""
        primary = Publication.objects.primary()
        if primary is None:
            return self.none()
        return self.filter(is_public=True, publication=primary)


class Edition(models.Model):
    publication = models.ForeignKey(
        Publication, verbose_name="报纸", on_delete=models.PROTECT, related_name="editions"
    )
    date = models.DateField("出版日期")
    number = models.PositiveIntegerField("期号", null=True, blank=True, help_text="知道时填写。")
    total_number = models.PositiveIntegerField(
        "总期号", null=True, blank=True, help_text="“总第……期”，知道时填写。"
    )
    is_public = models.BooleanField(
        "公开",
        default=False,
        help_text="勾选后读者才能在 /epaper/ 看到这一期；版面和区域标好之前请不要勾选。",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    objects = EditionQuerySet.as_manager()

    class Meta:
        verbose_name = "数字报（一期）"
        verbose_name_plural = "数字报各期"
        ordering = ["-date", "publication"]
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "date"],
                name="one_edition_per_paper_and_day",
                violation_error_message="这份报纸这一天已经有一期了。",
            )
        ]

    def __str__(self):
        return f"{self.publication}（{self.date:%Y-%m-%d}）"

    def get_absolute_url(self):
        return link("epaper:edition", date=self.date.isoformat())

    @property
    def numbers_label(self):
        parts = []
        if self.number:
            parts.append(f"第{self.number}期")
        if self.total_number:
            parts.append(f"总第{self.total_number}期")
        return " ".join(parts)


def page_upload_to(instance, filename):
    # Like figure originals: a random name with the extension of what was found in the file.
    # Page files are never served to readers (only renditions are).
    extension = PurePosixPath(filename).suffix.lower()
    if extension not in {".pdf", ".jpg", ".png", ".webp", ".avif"}:
        extension = ""
    return (
        timezone.now().strftime("originals/epaper/%Y/%m/") + secrets.token_urlsafe(16) + extension
    )


def page_label(code):
    """How a page is named in print: A05版, or 第5版 for a plain number."""
    if not code:
        return ""
    return f"{code}版" if code[0].isalpha() else f"第{code}版"


class Page(models.Model):
    edition = models.ForeignKey(
        Edition, verbose_name="期", on_delete=models.CASCADE, related_name="pages"
    )
    position = models.PositiveSmallIntegerField("顺序", default=1)
    code = models.CharField(
        "版次",
        max_length=8,
        validators=[RegexValidator(PAGE_CODE, "版次写成 A05、B2 或 5（第5版）这样的形式。")],
        help_text="例如 A05，或 5 表示第5版；也是这个版面网址的一部分。",
    )
    name = models.CharField("版名", max_length=40, blank=True, help_text="例如 要闻、城市。")
    file = models.FileField(
        "版面文件",
        upload_to=page_upload_to,
        max_length=255,
        help_text="PDF，或 JPEG、PNG、WebP 图片。只存档，读者看到的是生成的版面图。",
    )
    pdf_page = models.PositiveSmallIntegerField(
        "PDF 页码",
        null=True,
        blank=True,
        editable=False,
        help_text="多页 PDF 中的第几页（从 1 起）。",
    )
    image = models.ImageField(
        "版面图",
        upload_to=page_upload_to,
        max_length=255,
        width_field="width",
        height_field="height",
        blank=True,
        editable=False,
    )
    width = models.PositiveIntegerField("宽度", null=True, blank=True, editable=False)
    height = models.PositiveIntegerField("高度", null=True, blank=True, editable=False)
    # Lines of text with their boxes, read from a PDF: [[x0, y0, x1, y1, text], ...] in 0..1
    # page coordinates (top left is 0, 0). What region proposals are made from.
    text_lines = models.JSONField("PDF 文字位置", default=list, blank=True, editable=False)
    print_source = models.ForeignKey(
        PrintSource,
        verbose_name="版面原文",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="epaper_pages",
        help_text="导入时随版面一起上传的文字；稿件草稿由它生成。",
    )

    class Meta:
        verbose_name = "版面"
        verbose_name_plural = "版面"
        ordering = ["edition", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "position"],
                name="unique_page_position",
                violation_error_message="同一期里，版面的顺序号不能重复。",
            ),
            models.UniqueConstraint(
                fields=["edition", "code"],
                name="unique_page_code",
                violation_error_message="同一期里，版次不能重复。",
            ),
        ]

    def __str__(self):
        return f"{self.label} {self.name}".strip()

    def get_absolute_url(self):
        return link("epaper:page", date=self.edition.date.isoformat(), code=self.code)

    @property
    def label(self):
        return page_label(self.code)

    def loaded_renditions(self):
        loaded = self.__dict__.get("renditions_loaded")
        return list(self.renditions.all()) if loaded is None else loaded

    def webp_renditions(self):
        return sorted(
            (r for r in self.loaded_renditions() if r.kind == "webp"), key=lambda r: r.width
        )

    def srcset(self, max_width=None):
        return ", ".join(
            f"{r.file.url} {r.width}w"
            for r in self.webp_renditions()
            if max_width is None or r.width <= max_width
        )

    @property
    def fallback_rendition(self):
        return next((r for r in self.loaded_renditions() if r.kind == "jpeg"), None)

    @property
    def largest_rendition(self):
        webp = self.webp_renditions()
        return webp[-1] if webp else self.fallback_rendition

    @property
    def thumbnail_rendition(self):
        webp = self.webp_renditions()
        return webp[0] if webp else self.fallback_rendition


class PageRendition(models.Model):
    page = models.ForeignKey(
        Page, verbose_name="版面", on_delete=models.CASCADE, related_name="renditions"
    )
    spec = models.CharField("规格", max_length=40)
    file = models.FileField("文件", upload_to="renditions/epaper/", max_length=255)
    width = models.PositiveIntegerField("宽度")
    height = models.PositiveIntegerField("高度")
    size = models.PositiveIntegerField("字节数")

    class Meta:
        verbose_name = "版面图尺寸版本"
        verbose_name_plural = "版面图尺寸版本"
        ordering = ["page", "width"]
        constraints = [
            models.UniqueConstraint(fields=["page", "spec"], name="unique_page_rendition_spec")
        ]

    def __str__(self):
        return f"{self.page_id}:{self.spec}"

    @property
    def kind(self):
        return self.spec.split("-", 1)[0]


# The smallest side of a region, in page widths or heights: about 9 pixels of an 1800 px page
# picture, 4 of a phone's. Smaller is no link a reader can see or tap (a slip of the mouse).
REGION_MIN_SIDE = 0.005


class Region(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", "建议（待确认）"
        CONFIRMED = "confirmed", "已确认"

    page = models.ForeignKey(
        Page, verbose_name="版面", on_delete=models.CASCADE, related_name="regions"
    )
    article = models.ForeignKey(
        Article,
        verbose_name="文章",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="epaper_regions",
        help_text="这块区域是哪篇稿件；可以先留空。",
    )
    position = models.PositiveSmallIntegerField(
        "阅读顺序", default=1, help_text="版面上稿件的先后；同一篇稿件的几块区域可以同号。"
    )
    x = models.FloatField("左", null=True, blank=True, help_text="0 为版面最左，1 为最右。")
    y = models.FloatField("上", null=True, blank=True, help_text="0 为版面最上，1 为最下。")
    width = models.FloatField("宽", null=True, blank=True, help_text="占版面宽度的比例，0 到 1。")
    height = models.FloatField("高", null=True, blank=True, help_text="占版面高度的比例，0 到 1。")
    status = models.CharField(
        "状态",
        max_length=12,
        choices=Status.choices,
        default=Status.CONFIRMED,
        help_text="按 PDF 文字位置自动建议的区域要编辑确认后才给读者看。",
    )

    class Meta:
        verbose_name = "稿件区域"
        verbose_name_plural = "稿件区域"
        ordering = ["page", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(x__isnull=True, y__isnull=True, width__isnull=True, height__isnull=True)
                | Q(
                    x__gte=0,
                    y__gte=0,
                    width__gt=0,
                    height__gt=0,
                    x__lte=1,
                    y__lte=1,
                    width__lte=1,
                    height__lte=1,
                ),
                name="region_inside_page",
                violation_error_message="区域的左、上、宽、高要么都不填，要么都在 0 到 1 之间。",
            )
        ]

    def __str__(self):
        title = self.article.title if self.article_id else "（未关联稿件）"
        return f"{self.page}：{title}"

    @property
    def has_box(self):
        return self.x is not None

    def clean(self):
        values = [self.x, self.y, self.width, self.height]
        if any(v is None for v in values) and not all(v is None for v in values):
            raise ValidationError("区域的左、上、宽、高四个数要么都填，要么都不填。")
        if self.has_box:
            for name, value in zip(("x", "y", "width", "height"), values, strict=True):
                if not 0 <= value <= 1:
                    raise ValidationError({name: "要在 0 到 1 之间（整个版面宽或高为 1）。"})
            if self.width <= 0 or self.height <= 0:
                raise ValidationError("区域的宽和高要大于 0。")
            if self.width < REGION_MIN_SIDE or self.height < REGION_MIN_SIDE:
                raise ValidationError(
                    f"区域太小：宽和高都至少要 {REGION_MIN_SIDE}（版面的 0.5%），"
                    "否则读者看不见、也点不到。"
                )
            # A box drawn to the edge may round past it by a hair; more than that is a typo.
            if self.x + self.width > 1.001 or self.y + self.height > 1.001:
                raise ValidationError("区域超出了版面：左 + 宽、上 + 高都不能大于 1。")

    def box_percent(self):
        """left, top, width, height in percent of the page, for the page's CSS."""
        return tuple(round(v * 100, 3) for v in (self.x, self.y, self.width, self.height))
