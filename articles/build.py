"""Create an article, with its sections and figures, from a plain data structure.

The structure is what the print-page reader produces: a dict with badge (list of str), kicker,
title, subtitle, authors (list of names) or bylines (list of {name, role}), sections (list of
{heading, paragraphs}), figures (list of {caption, credit, section, after_paragraph}),
photo_credit, and where the page shows them print ({paper, date, page, page_name}) and
editors (责任编辑 names).
"""

import datetime as dt
import hashlib
import json
import re

from django.db import transaction

from .models import Article, ArticleAuthor, Author, Column, Figure, PrintSource, Section
from .printpage import MAX_STORIES

# The labels of boxes printed on a page (a sidebar, tips, a reporter's notes): a story's badge,
# not a column of the site.
BOX_LABEL = re.compile(
    r"链接|相关链接|新闻链接|相关新闻|小贴士|贴士|温馨提示|延伸阅读|背景|记者手记|手记"
)


def _print_date(value):
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@transaction.atomic
def create_article(
    data,
    *,
    column=None,
    status=Article.Status.DRAFT,
    published_at=None,
    external_id=None,
    print_source=None,
    may_create_column=True,
):
    """The article and its figures from data (see the module docstring). The badge names the
    column: an existing one, or a new one when may_create_column (the importing user may add
    columns) and the badge is not a box's label (链接, 小贴士: a box on the page, not a column).
    Otherwise the article has no column and article.badge_left_out names the badge."""
    badge_left_out = ""
    if column is None and data.get("badge"):
        name = " ".join(data["badge"])
        column = Column.objects.filter(name=name).first()
        if column is None and may_create_column and not BOX_LABEL.fullmatch(name):
            column = Column.objects.create(name=name)
        elif column is None:
            badge_left_out = name
    printed = data.get("print") or {}
    article = Article.objects.create(
        kicker=data.get("kicker", ""),
        title=data["title"],
        subtitle=data.get("subtitle", ""),
        column=column,
        photo_credit=data.get("photo_credit", ""),
        print_publication=printed.get("paper", ""),
        print_date=_print_date(printed.get("date")),
        print_page=printed.get("page", ""),
        print_page_name=printed.get("page_name", ""),
        print_editors=" ".join(data.get("editors") or []),
        print_source=print_source,
        status=status,
        published_at=published_at,
        external_id=external_id,
    )
    article.badge_left_out = badge_left_out
    bylines = data.get("bylines") or [{"name": n, "role": ""} for n in data.get("authors", [])]
    seen = set()
    for byline in bylines:
        name, role = byline.get("name", ""), byline.get("role", "")
        if not name and role:
            # A role printed alone is the byline (本报评论员): it signs the piece by itself.
            name, role = role, ""
        if not name or name in seen:
            continue  # a name printed twice
        seen.add(name)
        author = Author.objects.filter(name=name).order_by("id").first()
        if author is None:
            author = Author.objects.create(name=name)
        ArticleAuthor.objects.create(article=article, author=author, role=role, position=len(seen))
    sections = [
        Section.objects.create(
            article=article,
            position=position,
            heading=section.get("heading") or "",
            body="\n\n".join(section["paragraphs"]),
        )
        for position, section in enumerate(data["sections"], start=1)
    ]
    figures = []
    for position, figure in enumerate(data.get("figures", []), start=1):
        index = figure.get("section")
        figures.append(
            Figure.objects.create(
                article=article,
                section=sections[index] if index is not None else None,
                after_paragraph=figure.get("after_paragraph"),
                position=position,
                caption=figure["caption"],
                credit=figure.get("credit", ""),
            )
        )
    return article, figures


class AlreadyImported(Exception):
    """The same print page was imported before; ``article`` is the draft it made."""

    def __init__(self, article):
        super().__init__(f"这个版面已经导入过：文章 #{article.pk}《{article.title}》。")
        self.article = article


def print_page_id(page):
    """A source id for a story of a print page: the same structure on the same page of the same
    day gives the same id, whatever the file's encoding, line ends or indents were. (A story
    reprinted on another day or page is another story.)"""
    data = json.dumps(
        {**page.as_article_data(), "print": dict(getattr(page, "print", {}) or {})},
        ensure_ascii=False,
        sort_keys=True,
    )
    return "print:" + hashlib.sha256(data.encode()).hexdigest()[:32]


def import_print_page(page, *, column=None, published_at=None, created_by=None, external_id=None):
    """Create a draft from a parsed print page (articles.printpage.parse).

    Figures are made from the captions, with no image yet: the article can't be published until
    each has a photo or is removed (articles.publishing.publish_problems).
    """
    if not page.title:
        raise ValueError("没有找到主题（标题），无法创建文章。")
    too_big = page.too_big_for_a_draft()
    if too_big:
        raise ValueError(too_big)
    external_id = external_id or print_page_id(page)
    existing = Article.objects.filter(external_id=external_id).first()
    if existing is not None:
        raise AlreadyImported(existing)
    article, figures = create_article(
        story_data(page),
        column=column,
        status=Article.Status.DRAFT,
        published_at=published_at,
        external_id=external_id,
    )
    if created_by is not None:
        article.created_by = created_by
        article.save(update_fields=["created_by"])
    return article, figures


def story_data(story):
    """What create_article takes for one story: its structure, bylines with roles, print."""
    return {
        **story.as_article_data(),
        "bylines": [dict(b) for b in story.bylines],
        "print": dict(story.print),
        "editors": list(story.editors),
    }


@transaction.atomic
def import_reading(
    reading, text, *, column=None, published_at=None, created_by=None, may_create_column=True
):
    """One draft for each story of a page (articles.printpage.read_page), all linked to the
    page's text and the lines kept out of them (PrintSource). Nothing is created unless every
    story can be: a story without a title, too big, or imported before refuses the page."""
    if not reading.stories:
        raise ValueError("没有找到任何稿件：请检查粘贴的文字是否完整。")
    if len(reading.stories) > MAX_STORIES:
        raise ValueError(
            f"这份文字读出了 {len(reading.stories)} 篇稿件（一个版面最多 {MAX_STORIES} 篇）。"
        )
    # Line ends as the reader numbered the lines (a browser's textarea sends CRLF).
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # The same page text imported before, however its lines were corrected, is the same page.
    earlier = Article.objects.filter(print_source__text=text).order_by("pk").first()
    if earlier is not None:
        raise AlreadyImported(earlier)
    for number, story in enumerate(reading.stories, start=1):
        name = f"第 {number} 篇稿件" if len(reading.stories) > 1 else "这篇稿件"
        if not story.title:
            raise ValueError(
                f"{name}没有找到主题（标题），无法创建。请在预览里把它的标题行设为“主题”，"
                "或把它的行并入另一篇稿件。"
            )
        too_big = story.too_big_for_a_draft()
        if too_big:
            raise ValueError(too_big)
        existing = Article.objects.filter(external_id=print_page_id(story)).first()
        if existing is not None:
            raise AlreadyImported(existing)
    source = PrintSource.objects.create(
        text=text, furniture="\n".join(reading.furniture), imported_by=created_by
    )
    made = []
    for story in reading.stories:
        article, figures = create_article(
            story_data(story),
            column=column,
            published_at=published_at,
            external_id=print_page_id(story),
            print_source=source,
            may_create_column=may_create_column,
        )
        if created_by is not None:
            article.created_by = created_by
            article.save(update_fields=["created_by"])
        made.append((article, figures))
    return made
