import re
import secrets
from datetime import datetime, timedelta
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.fields.files import ImageFieldFile
from django.utils import timezone

from .images import render
from .images.fields import EXTENSIONS, PhotoFormField, judged_photo, validate_photo
from .links import link
from .publishing import publish_problems
from .text import ascii_slug, person_name, photo_credit

# Figures with a photo readers may see: a file, and not a stand-in (Figure.has_photo in SQL).
REAL_PHOTO = Q(is_placeholder=False) & ~Q(image="")

PARAGRAPH_BREAK = re.compile(r"\n\s*\n")

# Where a figure's renditions loaded with it are kept (with_renditions, a Prefetch to_attr;
# Figure.loaded_renditions() reads them, images.renditions.sync_renditions forgets them).
LOADED_RENDITIONS = "renditions_loaded"


def slug_field(max_length, named_after):
    """The URL name of a column or an author: unique, and made from its name when left empty."""
    return models.SlugField(
        "网址标识",
        max_length=max_length,
        unique=True,
        blank=True,
        help_text=f"只用英文字母、数字和连字符；留空则按{named_after}的拼音自动生成。",
    )


class NamedPage(models.Model):
    """What a column and an author share: a name, a slug made from it (pinyin, unique) and a
    public page listing their articles (URL name `page_url_name`, by slug)."""

    page_url_name = None

    class Meta:
        abstract = True
        # By pinyin (the slug), as a Chinese index is ordered; by character code, 要闻 came
        # after 国际 and 城事.
        ordering = ["slug"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(type(self), self.name, self.pk)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return link(self.page_url_name, slug=self.slug)


class Column(NamedPage):
    name = models.CharField("栏目名称", max_length=100, unique=True)
    slug = slug_field(120, "栏目名称")
    description = models.TextField("栏目简介", blank=True)

    page_url_name = "articles:column"

    class Meta(NamedPage.Meta):
        verbose_name = "栏目"
        verbose_name_plural = "栏目"


class Author(NamedPage):
    name = models.CharField("姓名", max_length=50)
    slug = slug_field(80, "姓名")
    bio = models.TextField("简介", blank=True)

    page_url_name = "articles:author"

    class Meta(NamedPage.Meta):
        verbose_name = "作者"
        verbose_name_plural = "作者"


def next_period(start, kind, zone):
    """The first moment of the year, month or day after the one that begins at `start`."""
    if kind == "year":
        return start.replace(year=start.year + 1)
    if kind == "month":
        year, month = (start.year + 1, 1) if start.month == 12 else (start.year, start.month + 1)
        return start.replace(year=year, month=month)
    following = (start + timedelta(days=1)).date()
    return datetime(following.year, following.month, following.day, tzinfo=zone)


class ArticleQuerySet(models.QuerySet):
    def published(self, now=None):
        """The one definition of public: published, and its time has come (by `now`)."""
        return self.filter(
            status=Article.Status.PUBLISHED,
            published_at__lte=timezone.now() if now is None else now,
        )

    def published_between(self, start=None, end=None, now=None):
        """published(), and start <= published_at < end: with ONE upper bound on published_at,
        the earlier of `end` and `now` (`now` included, as published() has it).

        SQLite reads a range of an index between one lower and one upper bound; given two upper
        bounds (published() puts `<= now`, the range `< end`) it may take the looser one and
        walk every article published since the range to find those in it: a month's count or
        an old list page grew with the archive (bench/list_pages.py at 100,000 articles)."""
        now = timezone.now() if now is None else now
        found = self.filter(status=Article.Status.PUBLISHED)
        if start is not None:
            found = found.filter(published_at__gte=start)
        if end is not None and end <= now:
            return found.filter(published_at__lt=end)
        return found.filter(published_at__lte=now)

    def next_embargo(self, after):
        """The next moment a public page changes by itself, or None: until then the public
        pages stay as they are. Two things change them with nobody saving anything: an
        article going live when its time comes (published, its time still to come after
        `after`), and an editor's choice for the home page reaching its end time (one query
        for both, so a cache miss costs what it did)."""
        going_live = (
            self.filter(status=Article.Status.PUBLISHED, published_at__gt=after)
            .order_by()
            .values_list("published_at", flat=True)
        )
        slot_ends = (
            FrontPageSlot.objects.filter(ends_at__gt=after)
            .order_by()
            .values_list("ends_at", flat=True)
        )
        return going_live.union(slot_ends).order_by("published_at").first()

    def datetimes(self, field_name, kind, order="ASC", tzinfo=None):
        """Django's datetimes(), for published_at by year, month or day, found by probing the
        index instead of truncating every row: the admin's date drill-down (date_hierarchy)
        asked SQLite to call a Python function on each article of the year (40 ms at 10,000
        articles, growing with the archive). Here: one indexed query per period found (at most
        12 months or 31 days; a year per year of the archive), whatever the filters applied.
        Returns a list of aware datetimes, the start of each period, as Django's would hold."""
        if field_name != "published_at" or kind not in ("year", "month", "day"):
            return super().datetimes(field_name, kind, order=order, tzinfo=tzinfo)
        zone = tzinfo or timezone.get_current_timezone()
        times = self.order_by("published_at").values_list("published_at", flat=True)
        found = []
        moment = times.filter(published_at__isnull=False).first()
        while moment is not None:
            local = moment.astimezone(zone)
            start = local.replace(
                month=1 if kind == "year" else local.month,
                day=1 if kind != "day" else local.day,
                hour=0,
                minute=0,
                second=0,
                microsecond=0,
            )
            found.append(start)
            try:
                following = next_period(start, kind, zone)
            except (OverflowError, ValueError):  # the calendar's end
                break
            moment = times.filter(published_at__gte=following).first()
        return found[::-1] if order == "DESC" else found

    def for_listing(self):
        """What a list item shows: column, authors in order, the lead figure for the thumbnail.

        Only the lead figure and its renditions: loading every figure of twenty articles made
        hundreds of rows into objects for twenty thumbnails (bench/pages.py).
        """
        lead = (
            Figure.objects.filter(REAL_PHOTO)
            .order_by("position", "id")[:1]
            .prefetch_related(with_renditions(Rendition.objects.filter(PICTURE_RENDITIONS)))
        )
        return self.select_related("column").prefetch_related(
            models.Prefetch("bylines", queryset=ArticleAuthor.objects.select_related("author")),
            models.Prefetch("figures", queryset=lead, to_attr="listing_figures"),
        )


class Article(models.Model):
    class Status(models.TextChoices):
        # The desk's states (articles/workflow.py moves an article between them). A signed-off
        # article whose time is still to come is "scheduled" (定时): the same state, a future
        # published_at; it goes live by itself when its time comes.
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "待审"
        RETURNED = "returned", "退回"
        PUBLISHED = "published", "已签发"
        WITHDRAWN = "withdrawn", "撤下"

    kicker = models.CharField(
        "引题", max_length=200, blank=True, help_text="标题上方的一行引题，可留空。"
    )
    title = models.CharField("主题", max_length=200, help_text="文章的主标题，即网页上的大标题。")
    subtitle = models.CharField(
        "副题", max_length=200, blank=True, help_text="主题下方的副题，可留空。"
    )
    slug = models.SlugField(
        "网址标识",
        max_length=120,
        blank=True,
        help_text="网址中的英文标识；留空则按主题的拼音自动生成。改动它不会让旧链接失效。",
    )
    column = models.ForeignKey(
        Column,
        verbose_name="栏目",
        on_delete=models.PROTECT,
        related_name="articles",
        null=True,
        blank=True,
    )
    authors = models.ManyToManyField(
        Author, verbose_name="作者", through="ArticleAuthor", related_name="articles", blank=True
    )
    summary = models.TextField(
        "摘要",
        blank=True,
        help_text="列表和分享时显示的一两句话；留空则用正文第一段。",
    )
    photo_credit = models.CharField(
        "图片来源",
        max_length=200,
        blank=True,
        help_text="版面的图片署名，例如“本版图片由……提供”，不用加括号。",
    )
    print_publication = models.CharField("刊载报纸", max_length=100, blank=True)
    print_date = models.DateField("见报日期", null=True, blank=True)
    print_page = models.CharField("版次", max_length=20, blank=True, help_text="例如 3 或 A3。")
    print_page_name = models.CharField(
        "版名", max_length=40, blank=True, help_text="版面的名称，例如“要闻”“城事”。"
    )
    print_editors = models.CharField(
        "责任编辑",
        max_length=100,
        blank=True,
        help_text="见报时的责任编辑，多人用空格隔开；显示在文章末尾，与报纸一致。",
    )
    print_source = models.ForeignKey(
        "PrintSource",
        verbose_name="版面原文",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="articles",
    )
    status = models.CharField(
        "状态", max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(
        "发布时间",
        null=True,
        blank=True,
        db_index=True,
        help_text="签发时填写：留空即立即上线，填将来的时间即定时发布，到点自动上线。",
    )
    external_id = models.CharField(
        "来源编号",
        max_length=100,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text="由导入程序填写，用来避免重复导入同一版面。",
    )
    source = models.CharField(
        "来源",
        max_length=100,
        blank=True,
        help_text="稿件来源，例如“杭州日报”“新华社”；没有署名作者时签发前必须填写。",
    )
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="签发编辑",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    signed_off_at = models.DateTimeField("签发时间", null=True, blank=True, editable=False)
    desk_editor = models.CharField(
        "网络责任编辑",
        max_length=100,
        blank=True,
        help_text="第一次签发时自动填上签发编辑的名字，按报纸惯例显示在文章末尾；"
        "可以改成别人，清空则不署名（见报文章改署见报时的责任编辑）。",
    )
    withdrawn_reason = models.TextField("撤下原因", blank=True, editable=False)
    withdrawn_at = models.DateTimeField("撤下时间", null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="在后台新建这篇稿件的人；记者只能修改自己创建的草稿。",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = "文章"
        verbose_name_plural = "文章"
        ordering = ["-published_at", "-id"]
        permissions = [("publish_article", "可以签发、定时发布、退回和撤下文章")]
        indexes = [
            # Every public list asks for published articles newest first, and the page cache
            # for the next embargo: one index walk instead of a sort of the whole archive.
            models.Index(fields=["status", "-published_at", "-id"], name="article_public_newest"),
            # The same within a column: its page, and the "more from this column" list under
            # every article.
            models.Index(
                fields=["column", "status", "-published_at", "-id"], name="article_column_newest"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="published_article_has_time",
                violation_error_message="发布的文章必须填写发布时间。",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = ascii_slug(self.title, max_length=80) or "article"
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return link("articles:detail", pk=self.pk, slug=self.slug)

    # Whether clean() runs the checks before publishing on the sections and figures saved in
    # the database. The admin turns it off for its form: it checks the parts as the editor
    # posted them in its inlines (a photo uploaded in the same save counts), which the
    # database does not hold yet.
    check_parts_in_clean = True

    def clean(self):
        # The database refuses it too (published_article_has_time); this puts the message
        # next to the field the editor has to fill.
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            raise ValidationError({"published_at": "发布的文章必须填写发布时间。"})
        # Every other way in (scripts, the shell, other forms): e.g. a figure imported from a
        # print page's caption has no photo yet, and that must not reach readers.
        if self.status == self.Status.PUBLISHED and self.pk and self.check_parts_in_clean:
            problems = publish_problems(self)
            if problems:
                raise ValidationError({"status": ["这篇文章还不能发布：", *problems]})

    @property
    def is_public(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def ordered_authors(self):
        """Authors in byline order (uses the prefetched bylines when there are some)."""
        return [byline.author for byline in self.bylines.all()]

    @property
    def byline_groups(self):
        return byline_groups(self.bylines.all())

    @property
    def lead_figure(self):
        figures = getattr(self, "listing_figures", None)
        if figures is None:
            figures = [f for f in self.figures.all() if f.has_photo]
        return figures[0] if figures else None

    def first_paragraph(self):
        return first_paragraph(self.sections.all())

    def description(self):
        return self.summary or self.first_paragraph()

    @property
    def is_scheduled(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    @property
    def state_label(self):
        """The state as the desk says it: a signed-off article still to come is 定时."""
        if self.is_scheduled:
            return f"定时发布（{timezone.localtime(self.published_at):%Y-%m-%d %H:%M}）"
        if self.status == self.Status.PUBLISHED:
            return "已上线"
        return self.get_status_display()

    @property
    def foot_editor(self):
        """The name printed as 责任编辑 at the foot: the desk's (filled when an editor signs
        it off), else print's own for an article that came from a print page."""
        return self.desk_editor or self.print_editors


def byline_groups(bylines):
    """The byline as print sets it: [(role, [authors])], a role written once before the
    names that share it ("记者 王强 李明 通讯员 陈晓琳")."""
    groups = []
    for byline in bylines:
        if groups and groups[-1][0] == byline.role:
            groups[-1][1].append(byline.author)
        else:
            groups.append((byline.role, [byline.author]))
    return groups


def first_paragraph(sections):
    for section in sections:
        paragraphs = section.paragraphs
        if paragraphs:
            return paragraphs[0]
    return ""


class ArticleAuthor(models.Model):
    article = models.ForeignKey(
        Article, verbose_name="文章", on_delete=models.CASCADE, related_name="bylines"
    )
    author = models.ForeignKey(
        Author, verbose_name="作者", on_delete=models.PROTECT, related_name="bylines"
    )
    role = models.CharField(
        "身份",
        max_length=20,
        blank=True,
        help_text="见报时名字前的身份，例如 记者、通讯员、实习生、特约记者、摄影、本报评论员；可留空。",
    )
    position = models.PositiveSmallIntegerField("署名顺序", default=0)

    class Meta:
        verbose_name = "署名"
        verbose_name_plural = "署名（按顺序）"
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "author"],
                name="unique_author_per_article",
                violation_error_message="同一位作者不能重复署名。",
            ),
        ]

    def __str__(self):
        return self.author.name


class Section(models.Model):
    article = models.ForeignKey(
        Article, verbose_name="文章", on_delete=models.CASCADE, related_name="sections"
    )
    position = models.PositiveSmallIntegerField("顺序", default=0)
    heading = models.CharField(
        "小标题", max_length=200, blank=True, help_text="第一节（导语部分）可以没有小标题。"
    )
    body = models.TextField("正文", blank=True, help_text="纯文本，段落之间空一行。")

    class Meta:
        verbose_name = "小节"
        verbose_name_plural = "小节"
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "position"],
                name="unique_section_position",
                violation_error_message="同一篇文章里，小节的顺序号不能重复。",
            ),
        ]

    def __str__(self):
        return self.heading or f"第 {self.position} 节"

    @property
    def paragraphs(self):
        return [
            p.strip() for p in PARAGRAPH_BREAK.split(self.body.replace("\r\n", "\n")) if p.strip()
        ]

    @property
    def anchor(self):
        return f"section-{self.position}"


class PhotoFieldFile(ImageFieldFile):
    def save(self, name, content, save=True):
        # Whatever way a photo comes in (admin, form, seed loader, shell), it is judged here
        # too, and the name it is stored under ends in the format Pillow found: the uploaded
        # name is the uploader's to choose, and "x.jpg\0.html" came out as "x.jpg.html".
        info = judged_photo(content)
        super().save(f"photo.{info.extension}", content, save)


class PhotoField(models.ImageField):
    """An ImageField judged by Pillow (images.fields.check_photo) in every form and full_clean."""

    attr_class = PhotoFieldFile

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validators", [validate_photo])
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PhotoFormField, **kwargs})


def figure_upload_to(instance, filename):
    # The original is kept as uploaded, with the photographer's metadata (GPS too); readers
    # are only ever sent renditions. Its name is random, so that no one can guess where it
    # lies, and carries only the extension PhotoFieldFile.save() took from its real format.
    # Rows stored before keep their names: this only names new files.
    extension = PurePosixPath(filename).suffix.lower()
    if extension.lstrip(".") not in EXTENSIONS.values():
        extension = ""
    return timezone.now().strftime("originals/%Y/%m/") + secrets.token_urlsafe(16) + extension


class Figure(models.Model):
    article = models.ForeignKey(
        Article, verbose_name="文章", on_delete=models.CASCADE, related_name="figures"
    )
    section = models.ForeignKey(
        Section,
        verbose_name="所在小节",
        on_delete=models.SET_NULL,
        related_name="figures",
        null=True,
        blank=True,
        help_text="图片显示在哪一节；留空则放在文章末尾。",
    )
    after_paragraph = models.PositiveSmallIntegerField(
        "显示在第几段之后",
        null=True,
        blank=True,
        help_text="填 0 表示放在该节开头；留空则放在该节末尾。",
    )
    position = models.PositiveSmallIntegerField("顺序", default=0)
    image = PhotoField(
        "图片",
        upload_to=figure_upload_to,
        width_field="width",
        height_field="height",
        blank=True,
        # The form field puts the formats and the limits in force before this (images.fields).
        help_text="原图只存档，读者看到的是自动生成的各尺寸版本（已去掉拍摄地点等信息）。",
    )
    is_placeholder = models.BooleanField(
        "占位图",
        default=False,
        help_text=(
            "占位图不是真正的照片：读者只看到“图片待补”和图片说明，带占位图的文章不能发布。"
            "上传真正的照片后自动取消勾选。"
        ),
    )
    width = models.PositiveIntegerField("宽度", null=True, blank=True, editable=False)
    height = models.PositiveIntegerField("高度", null=True, blank=True, editable=False)
    caption = models.TextField("图片说明", blank=True)
    credit = models.CharField(
        "摄影／来源",
        max_length=200,
        blank=True,
        help_text=(
            "只填姓名时，读者看到“姓名 摄”（前面加上身份）；供图、通讯社发稿等请照报纸写全，"
            "例如“受访者供图”“新华社发”“图片来源：视觉中国”。"
        ),
    )
    credit_role = models.CharField(
        "摄影者身份",
        max_length=20,
        blank=True,
        help_text="写在姓名前，例如 记者、通讯员、特约摄影；可留空。",
    )
    alt_text = models.CharField(
        "替代文字",
        max_length=300,
        blank=True,
        help_text="给读屏软件用户描述图片内容；留空则使用图片说明。",
    )
    focal_x = models.FloatField(
        "焦点横坐标", default=0.5, help_text="0 为最左，1 为最右；裁切分享图时以此为中心。"
    )
    focal_y = models.FloatField("焦点纵坐标", default=0.5, help_text="0 为最上，1 为最下。")
    # Set by the task worker when the renditions still fail after every retry (articles/tasks.py);
    # cleared when they are made, or when the figure is queued again.
    rendition_error = models.CharField("处理失败原因", max_length=500, blank=True, editable=False)
    rendition_failed_at = models.DateTimeField(
        "处理失败时间", null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = "图片"
        verbose_name_plural = "图片"
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "position"],
                name="unique_figure_position",
                violation_error_message="同一篇文章里，图片的顺序号不能重复。",
            ),
            models.CheckConstraint(
                condition=Q(focal_x__gte=0, focal_x__lte=1, focal_y__gte=0, focal_y__lte=1),
                name="figure_focal_point_in_image",
                violation_error_message="焦点坐标必须在 0 到 1 之间。",
            ),
        ]

    def __str__(self):
        return self.caption[:40] or f"图片 {self.position}"

    @property
    def alt(self):
        return self.alt_text or self.caption

    @property
    def credit_line(self):
        """The credit as print writes it: "记者 王强 摄", "受访者供图" (text.photo_credit)."""
        return photo_credit(self.credit, self.credit_role)

    @property
    def has_photo(self):
        """A real photo to show readers: not a missing file, not a stand-in."""
        return bool(self.image) and not self.is_placeholder

    @property
    def rendition_failed(self):
        """The task worker gave up on this photo (and no new one has been chosen since)."""
        newly_uploaded = self.image and not getattr(self.image, "_committed", True)
        return self.rendition_failed_at is not None and not newly_uploaded

    @property
    def processing(self):
        """A photo whose renditions the task worker has not made yet: readers see a box of
        its size and its caption meanwhile."""
        return self.has_photo and not self.rendition_failed and self.fallback_rendition is None

    @property
    def processing_box_style(self):
        """The inline style of the box shown while the photo is processed: the upload's shape,
        and no taller than a picture may be (site.css: .figure img, max-height 80svh)."""
        width, height = (self.width, self.height) if self.width and self.height else (3, 2)
        return f"aspect-ratio: {width} / {height}; max-width: calc(80svh * {width} / {height})"

    def loaded_renditions(self):
        """The renditions loaded with the figure (with_renditions()), else from the database.

        Pages load them with the figure (lists: ArticleQuerySet.for_listing; the article
        page: pages.load_article_page; the admin's thumbnails).
        images.renditions.sync_renditions forgets them when it makes new ones.
        """
        loaded = self.__dict__.get(LOADED_RENDITIONS)
        return self.renditions.all() if loaded is None else loaded

    def _renditions(self, kind):
        """The loaded renditions of one Rendition.Kind, narrowest first."""
        return sorted(
            (r for r in self.loaded_renditions() if r.kind == kind), key=lambda r: r.width
        )

    @property
    def webp_renditions(self):
        return self._renditions(Rendition.Kind.WEBP)

    def srcset(self, max_width=None):
        return ", ".join(
            f"{r.file.url} {r.width}w"
            for r in self.webp_renditions
            if max_width is None or r.width <= max_width
        )

    @property
    def webp_srcset(self):
        return self.srcset()

    @property
    def small_srcset(self):
        """For list thumbnails: no candidate wider than 800 pixels."""
        return self.srcset(max_width=800)

    @property
    def fallback_rendition(self):
        fallback = self._renditions(Rendition.Kind.JPEG)
        return fallback[0] if fallback else None

    @property
    def social_rendition(self):
        social = self._renditions(Rendition.Kind.SOCIAL)
        return social[0] if social else None

    @property
    def thumbnail_rendition(self):
        """The smallest rendition, for the admin and other small previews."""
        webp = self.webp_renditions
        return webp[0] if webp else self.fallback_rendition


def with_renditions(queryset=None):
    """Load each figure's renditions with it (those of `queryset`, else all), for
    Figure.loaded_renditions(): prefetch_related(with_renditions(...))."""
    return models.Prefetch(
        "renditions",
        queryset=Rendition.objects.all() if queryset is None else queryset,
        to_attr=LOADED_RENDITIONS,
    )


class Rendition(models.Model):
    class Kind(models.TextChoices):
        # The values are the photo pipeline's (images.render.Kind), which makes each kind.
        WEBP = render.Kind.WEBP.value, "WebP（按宽度）"
        JPEG = render.Kind.JPEG.value, "JPEG（后备）"
        SOCIAL = render.Kind.SOCIAL.value, "分享卡片"
        CROP = render.Kind.CROP.value, "结构化数据裁切"

    figure = models.ForeignKey(
        Figure, verbose_name="图片", on_delete=models.CASCADE, related_name="renditions"
    )
    spec = models.CharField("规格", max_length=40)
    kind = models.CharField("用途", max_length=10, choices=Kind.choices)
    file = models.FileField("文件", upload_to="renditions/", max_length=255)
    source = models.CharField(
        "来源原图", max_length=255, blank=True, help_text="生成这个版本时所用原图的存储名。"
    )
    width = models.PositiveIntegerField("宽度")
    height = models.PositiveIntegerField("高度")
    size = models.PositiveIntegerField("字节数")

    class Meta:
        verbose_name = "图片尺寸版本"
        verbose_name_plural = "图片尺寸版本"
        ordering = ["figure", "width"]
        constraints = [
            models.UniqueConstraint(fields=["figure", "spec"], name="unique_rendition_spec"),
        ]

    def __str__(self):
        return f"{self.figure_id}:{self.spec}"


# The renditions a <picture> is made of: the WebP sizes and the JPEG fallback (not the social
# card or the structured-data crops, which only the article page's head uses).
PICTURE_KINDS = (Rendition.Kind.WEBP, Rendition.Kind.JPEG)
PICTURE_RENDITIONS = Q(kind__in=PICTURE_KINDS)


class Correction(models.Model):
    article = models.ForeignKey(
        Article, verbose_name="文章", on_delete=models.CASCADE, related_name="corrections"
    )
    note = models.TextField("更正内容")
    corrected_at = models.DateTimeField("更正时间", default=timezone.now)

    class Meta:
        verbose_name = "更正"
        verbose_name_plural = "更正"
        ordering = ["corrected_at", "id"]

    def __str__(self):
        return self.note[:40]


class Transition(models.Model):
    """One move of an article between the desk's states: who, when, from what to what, and
    the note (required when an editor sends it back or takes it down)."""

    article = models.ForeignKey(
        Article, verbose_name="文章", on_delete=models.CASCADE, related_name="transitions"
    )
    action = models.CharField("操作", max_length=20)
    from_status = models.CharField("原状态", max_length=20, choices=Article.Status.choices)
    to_status = models.CharField("新状态", max_length=20, choices=Article.Status.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField("时间", default=timezone.now)
    note = models.TextField("说明", blank=True)
    publish_at = models.DateTimeField("发布时间", null=True, blank=True)

    class Meta:
        verbose_name = "稿件流转记录"
        verbose_name_plural = "稿件流转记录"
        ordering = ["at", "id"]
        indexes = [
            # The dashboard: the newest move of each article in a state, and "handed in when".
            models.Index(fields=["article", "-at"], name="transition_article_newest"),
        ]

    def __str__(self):
        return (
            f"《{self.article}》{self.get_from_status_display()} → {self.get_to_status_display()}"
        )

    @property
    def who(self):
        if self.user is None:
            return "（已删除的账号）"
        return person_name(self.user)


class FrontPage(models.Model):
    """The home page as editors arrange it: one row (pk 1) holding the ordered slots, so the
    whole arrangement is one admin page."""

    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "首页编排"
        verbose_name_plural = "首页编排"

    def __str__(self):
        return "当前的头条和推荐"

    @classmethod
    def the_one(cls):
        return cls.objects.get_or_create(pk=1)[0]


class FrontPageSlot(models.Model):
    """An editor's choice for the home page: the lead story (头条) or one of the ordered
    recommendations (推荐), until an optional end time. An empty or expired slot is filled
    by the newest article, as the home page does without choices (articles/frontpage.py)."""

    class Role(models.TextChoices):
        LEAD = "lead", "头条"
        FEATURED = "featured", "推荐"

    front_page = models.ForeignKey(
        FrontPage, on_delete=models.CASCADE, related_name="slots", default=1, editable=False
    )
    role = models.CharField("位置", max_length=10, choices=Role.choices, default=Role.FEATURED)
    article = models.ForeignKey(
        Article, verbose_name="文章", on_delete=models.CASCADE, related_name="front_page_slots"
    )
    ends_at = models.DateTimeField(
        "截止时间", null=True, blank=True, help_text="到这个时间自动撤出首页；留空则一直保留。"
    )
    position = models.PositiveSmallIntegerField("顺序", default=0, db_index=True)

    class Meta:
        verbose_name = "首页位置"
        verbose_name_plural = "首页位置"
        ordering = ["position", "id"]

    def __str__(self):
        return f"{self.get_role_display()}：{self.article}"


class PrintSource(models.Model):
    """The text of a print page as it was imported: every article made from it links here.

    Nothing of a page is lost on import: what went into no article (the page header, editors'
    lines, jump lines) is kept here as furniture, and staff can read the whole page.
    """

    text = models.TextField("版面原文")
    furniture = models.TextField("版面信息（未放进文章的行）", blank=True)
    imported_at = models.DateTimeField("导入时间", default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="导入人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "版面原文"
        verbose_name_plural = "版面原文"
        ordering = ["-imported_at", "-id"]

    def __str__(self):
        first = next((line.strip() for line in self.text.splitlines() if line.strip()), "")
        return f"{first[:30]}（{self.imported_at:%Y-%m-%d %H:%M}）"


class PreviewLink(models.Model):
    """A share-preview link to one article (articles/preview.py): the digest of its token only."""

    article = models.ForeignKey(
        Article, verbose_name="文章", on_delete=models.CASCADE, related_name="preview_links"
    )
    digest = models.CharField("链接摘要", max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="生成人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("生成时间")
    expires_at = models.DateTimeField("有效至")
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)

    class Meta:
        verbose_name = "分享预览链接"
        verbose_name_plural = "分享预览链接"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"《{self.article}》的预览链接（{self.created_at:%Y-%m-%d %H:%M}）"


def unique_slug(model, name, pk=None, max_length=80):
    base = ascii_slug(name, max_length=max_length) or model._meta.model_name
    slug, n = base, 2
    while model.objects.filter(slug=slug).exclude(pk=pk).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug
