"""The article page as the template reads it, and where figures stand among paragraphs.

load_article_page() loads an article and everything its page shows in a fixed number of
queries, whatever the article holds (ordinary querysets: select_related, Prefetch), into an
ArticlePage: a plain object the template, the structured data (metadata.py) and the share
preview read, with no query of their own.

lay_out() places figures among paragraphs. It is the one place that decides it: the public
page, the share preview and the print-import preview (admin_import.py), which shows the
editor the draft as readers will see it.
"""

from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from . import metadata
from .models import (
    PICTURE_RENDITIONS,
    Article,
    ArticleAuthor,
    Correction,
    Figure,
    Rendition,
    Section,
    byline_groups,
    first_paragraph,
    with_renditions,
)
from .text import reading_minutes

RELATED_COUNT = 4


@dataclass(slots=True)
class Item:
    """One thing in a section, in reading order: a paragraph (with its number in the
    section, from 1) or a figure."""

    kind: str  # "paragraph" or "figure"
    paragraph: str = ""
    number: int = 0
    figure: object = None


@dataclass(slots=True)
class Block:
    """A section and its items. section is whatever the caller laid out (a Section, a
    preview's section dict), or None for the figures of an article without sections."""

    section: object
    items: list = field(default_factory=list)


def lay_out(sections, figures):
    """Sections with their paragraphs and figures in reading order.

    sections: [(section, [paragraph, ...])] in order. figures: [(section index or None,
    after_paragraph or None, figure)] in their order. A figure stands after that many
    paragraphs of its section (0: before the first; more than there are: after the last),
    or at the section's end when after_paragraph is None; figures at the same place keep
    their order. Figures of no section (or of one not laid out) close the last section.
    """
    before = [{} for _ in sections]  # per section: paragraph index -> figures before it
    at_end = [[] for _ in sections]
    loose = []
    for index, after, figure in figures:
        if index is None or not 0 <= index < len(sections):
            loose.append(figure)
        elif after is None:
            at_end[index].append(figure)
        else:
            count = len(sections[index][1])
            before[index].setdefault(min(after, count), []).append(figure)
    blocks = []
    for index, (section, paragraphs) in enumerate(sections):
        items = []
        placed = before[index]
        for number, text in enumerate(paragraphs):
            items.extend(Item("figure", figure=f) for f in placed.get(number, ()))
            items.append(Item("paragraph", paragraph=text, number=number + 1))
        items.extend(Item("figure", figure=f) for f in placed.get(len(paragraphs), ()))
        items.extend(Item("figure", figure=f) for f in at_end[index])
        blocks.append(Block(section, items))
    if loose:
        if not blocks:
            blocks.append(Block(None))
        blocks[-1].items.extend(Item("figure", figure=f) for f in loose)
    return blocks


@dataclass
class ArticlePage:
    """An article and everything its page shows, loaded (load_article_page)."""

    article: Article
    bylines: list  # ArticleAuthor rows in order, each with its author
    sections: list
    figures: list  # each with its renditions (figure.loaded_renditions())
    corrections: list
    related: list  # the newest other public articles of the same column

    @cached_property
    def blocks(self):
        index = {section.pk: n for n, section in enumerate(self.sections)}
        return lay_out(
            [(section, section.paragraphs) for section in self.sections],
            [(index.get(f.section_id), f.after_paragraph, f) for f in self.figures],
        )

    @cached_property
    def authors(self):
        return [byline.author for byline in self.bylines]

    @cached_property
    def byline_groups(self):
        return byline_groups(self.bylines)

    @cached_property
    def description(self):
        """The summary, else the first paragraph: meta description, share text, JSON-LD."""
        return self.article.summary or first_paragraph(self.sections)

    @property
    def toc(self):
        return [section for section in self.sections if section.heading]

    @cached_property
    def reading_minutes(self):
        texts = [self.article.title]
        for section in self.sections:
            texts += [section.heading, *section.paragraphs]
        return reading_minutes(texts)

    @cached_property
    def lead_figure(self):
        """The figure that shares and describes the article: its first one with a photo."""
        return next((f for f in self.figures if f.has_photo), None)

    @cached_property
    def first_figure(self):
        """The first photo a reader meets: fetched at once, the others lazily."""
        return next(
            (
                item.figure
                for block in self.blocks
                for item in block.items
                if item.kind == "figure" and item.figure.has_photo
            ),
            None,
        )

    @cached_property
    def last_correction(self):
        return max(self.corrections, key=lambda c: c.corrected_at, default=None)

    @property
    def date_modified(self):
        """The publication time, or the latest correction's time when there is one."""
        correction = self.last_correction
        published = self.article.published_at
        if correction and published and correction.corrected_at > published:
            return correction.corrected_at
        return published


def load_article_page(pk):
    """The article with everything its page shows, or None. Public or not: the caller decides
    who may see it. Six queries at most (the article and its column, bylines with authors,
    sections, figures, their renditions, the related list), a seventh for an article that has
    corrections; fewer without a column or figures."""
    article = (
        Article.objects.filter(pk=pk)
        .select_related("column")
        # Few articles are ever corrected: asked here, the corrections query is then skipped.
        .annotate(has_corrections=Exists(Correction.objects.filter(article_id=OuterRef("pk"))))
        .first()
    )
    if article is None:
        return None
    figures = Figure.objects.filter(article_id=pk).prefetch_related(
        # Every figure's WebP sizes and JPEG fallback (its <picture>), and the social card and
        # the structured-data crops of the lead figure only: metadata.py shares and describes
        # no other.
        with_renditions(
            Rendition.objects.filter(
                PICTURE_RENDITIONS | Q(figure_id=Subquery(metadata.lead_figure_id(pk)))
            )
        )
    )
    return ArticlePage(
        article=article,
        bylines=list(ArticleAuthor.objects.filter(article_id=pk).select_related("author")),
        sections=list(Section.objects.filter(article_id=pk)),
        figures=list(figures),
        corrections=list(Correction.objects.filter(article_id=pk))
        if article.has_corrections
        else [],
        related=related_articles(article),
    )


def related_articles(article):
    if article.column_id is None:
        return []
    return list(
        Article.objects.published(timezone.now())
        .filter(column_id=article.column_id)
        .exclude(pk=article.pk)
        .only("pk", "slug", "kicker", "title", "published_at")[:RELATED_COUNT]
    )
