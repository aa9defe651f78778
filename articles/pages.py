"""The article page as the template reads it, and where figures stand among paragraphs.

load_article_page() loads an article and everything its page shows in a fixed number of
queries, whatever the article holds (ordinary querysets: select_related, Prefetch), into an
ArticlePage: a plain object the template, the structured data (metadata.py) and the share
preview read, with no query of their own.

lay_out() places figures among paragraphs. It is the one place that decides it: the public
page, the share preview and the print-import preview (admin/print_import.py), which shows the
editor the draft as readers will see it.
"""

import functools
from dataclasses import dataclass, field
from functools import cached_property

from django.db import connection
from django.utils import timezone

from .models import (
    LOADED_RENDITIONS,
    PICTURE_KINDS,
    Article,
    ArticleAuthor,
    Author,
    Column,
    Correction,
    Figure,
    Rendition,
    Section,
    byline_groups,
    first_paragraph,
)
from .text import reading_minutes

# 更多报道 under an article: this many at most (its column's first, then the newest elsewhere).
MORE_COUNT = 4


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
    # Where to go next (load_neighbours): the column's previous (older) and next (newer)
    # public article, or None; 更多报道, the newest others of the column, then of the site.
    previous: Article | None = None
    next: Article | None = None
    more: list = field(default_factory=list)

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


# Article ids are 64-bit integers on SQLite and PostgreSQL: a larger number names no article
# (and neither database would take it as a parameter).
ID_RANGE = range(-(2**63), 2**63)


def _name(identifier):
    # Double quotes: an SQL identifier on SQLite and PostgreSQL alike ("position" included).
    return f'"{identifier}"'


def _joined(model, alias):
    """The columns of a to-one relation brought into a query, named "<alias>__<attname>"."""
    return ", ".join(
        f"{alias}.{_name(f.column)} AS {_name(f'{alias}__{f.attname}')}"
        for f in model._meta.concrete_fields
    )


def _take_joined(row, model, alias):
    """The related object _joined() brought along (values as the database gave them: the
    joined models, Column and Author, hold text and numbers only), or None."""
    names = [f.attname for f in model._meta.concrete_fields]
    values = [getattr(row, f"{alias}__{name}") for name in names]
    if values[names.index(model._meta.pk.attname)] is None:
        return None
    return model.from_db(row._state.db, names, values)


@functools.cache
def _sql():
    """The article page's queries, written once from the models' own tables and columns.

    Plain SQL through Model.objects.raw(): Django turns the rows into model instances (with
    the database's value converters), and nothing is compiled per request; compiling the ORM's
    querysets cost more CPU than the rest of an uncached page (bench/pages.py). Each is the
    query its ORM equivalent would run; tests/test_article_page.py compares their answers.
    """
    table = {m: _name(m._meta.db_table) for m in (Article, Author, ArticleAuthor, Column)}
    table |= {m: _name(m._meta.db_table) for m in (Correction, Figure, Rendition, Section)}
    position = _name("position")

    def by_article(model):
        return f"SELECT * FROM {table[model]} WHERE article_id = %s ORDER BY {position}, id"

    return {
        # The article and its column; whether it has corrections, so that few pages ask.
        "article": (
            f"SELECT a.*, {_joined(Column, 'col')}, EXISTS (SELECT 1 FROM {table[Correction]} c"
            f" WHERE c.article_id = a.id) AS has_corrections FROM {table[Article]} a"
            f" LEFT JOIN {table[Column]} col ON col.id = a.column_id WHERE a.id = %s"
        ),
        # Bylines in order, each with its author.
        "bylines": (
            f"SELECT b.*, {_joined(Author, 'au')} FROM {table[ArticleAuthor]} b"
            f" JOIN {table[Author]} au ON au.id = b.author_id"
            f" WHERE b.article_id = %s ORDER BY b.{position}, b.id"
        ),
        "sections": by_article(Section),
        "figures": by_article(Figure),
        # Every figure's WebP sizes and JPEG fallback (its <picture>: models.PICTURE_KINDS)
        # and the lead figure's social card and structured-data crops: metadata.py shares and
        # describes no other.
        "renditions": (
            f"SELECT r.* FROM {table[Rendition]} r WHERE r.figure_id IN"
            f" (SELECT f.id FROM {table[Figure]} f WHERE f.article_id = %s)"
            " AND (r.kind IN (%s, %s) OR r.figure_id = %s)"
            " ORDER BY r.figure_id, r.width, r.id"
        ),
        "corrections": (
            f"SELECT * FROM {table[Correction]} WHERE article_id = %s ORDER BY corrected_at, id"
        ),
        # Where to go next from the article (load_neighbours), in one query: the column's
        # previous and next public article, its newest others, and the site's newest others
        # from other columns. Each part is an index walk (article_column_newest,
        # article_public_newest) stopped at its LIMIT, whatever the size of the archive.
        "neighbours": " UNION ALL ".join(
            [
                _neighbours_part(
                    "previous",
                    "a.column_id = %s",
                    "(a.published_at < %s OR (a.published_at = %s AND a.id < %s))",
                    "DESC",
                    1,
                ),
                _neighbours_part(
                    "next",
                    "a.column_id = %s",
                    "(a.published_at > %s OR (a.published_at = %s AND a.id > %s))",
                    "ASC",
                    1,
                ),
                _neighbours_part(
                    "column", "a.column_id = %s", "a.id <> %s", "DESC", MORE_COUNT + 2
                ),
                _neighbours_part(
                    "other",
                    "(a.column_id IS NULL OR a.column_id <> %s)",
                    "a.id <> %s",
                    "DESC",
                    MORE_COUNT,
                ),
            ]
        ),
        # The same for an article of no column: only the site's newest others.
        "newest": _neighbours_part("other", "1 = 1", "a.id <> %s", "DESC", MORE_COUNT),
    }


def _neighbours_part(place, where, around, order, limit):
    """One part of the neighbours query: public articles (ArticleQuerySet.published()) with
    their column's name, `place` naming the part."""
    article, column = _name(Article._meta.db_table), _name(Column._meta.db_table)
    return (
        f"SELECT * FROM (SELECT '{place}' AS place, a.id, a.slug, a.kicker, a.title,"
        f" a.published_at, a.column_id, col.name AS column_name FROM {article} a"
        f" LEFT JOIN {column} col ON col.id = a.column_id"
        f" WHERE {where} AND a.status = %s AND a.published_at <= %s AND {around}"
        f" ORDER BY a.published_at {order}, a.id {order} LIMIT {limit}) AS {place}_part"
    )


def load_article_page(pk):
    """The article with everything its page shows, or None. Public or not: the caller decides
    who may see it. Six queries at most (the article and its column, bylines with authors,
    sections, figures, their renditions, where to go next), a seventh for an article that has
    corrections; fewer without figures."""
    if pk not in ID_RANGE:
        return None
    sql = _sql()
    found = list(Article.objects.raw(sql["article"], [pk]))
    if not found:
        return None
    article = found[0]
    article.column = _take_joined(article, Column, "col")
    bylines = list(ArticleAuthor.objects.raw(sql["bylines"], [pk]))
    for byline in bylines:
        byline.author = _take_joined(byline, Author, "au")
    figures = list(Figure.objects.raw(sql["figures"], [pk]))
    if figures:
        lead = next((f.pk for f in figures if f.has_photo), None)
        loaded = {figure.pk: [] for figure in figures}
        for rendition in Rendition.objects.raw(
            sql["renditions"], [pk, *map(str, PICTURE_KINDS), lead if lead is not None else -1]
        ):
            loaded[rendition.figure_id].append(rendition)
        for figure in figures:
            # Where a Prefetch to_attr would put them (Figure.loaded_renditions()).
            setattr(figure, LOADED_RENDITIONS, loaded[figure.pk])
    page = ArticlePage(
        article=article,
        bylines=bylines,
        sections=list(Section.objects.raw(sql["sections"], [pk])),
        figures=figures,
        corrections=list(Correction.objects.raw(sql["corrections"], [pk]))
        if article.has_corrections
        else [],
    )
    page.previous, page.next, page.more = load_neighbours(article)
    return page


def load_neighbours(article, now=None):
    """(previous, next, more) for the end of the article's page, in one query.

    previous and next: the public articles of its column just before and just after it in
    publication order (None at either end, and for an article of no column). more: up to
    MORE_COUNT others, newest first: its column's first (previous and next aside), then the
    newest of other columns, so a reader always has somewhere to go.
    """
    now = now or timezone.now()
    moment = connection.ops.adapt_datetimefield_value(now)
    published = Article.Status.PUBLISHED.value
    if article.column_id is None:
        rows = Article.objects.raw(_sql()["newest"], [published, moment, article.pk])
    else:
        # A draft read in preview has no publication time yet: it stands after every article.
        at = connection.ops.adapt_datetimefield_value(article.published_at or now)
        column, pk = article.column_id, article.pk
        params = [column, published, moment, at, at, pk]  # previous
        params += [column, published, moment, at, at, pk]  # next
        params += [column, published, moment, pk]  # column
        params += [column, published, moment, pk]  # other
        rows = Article.objects.raw(_sql()["neighbours"], params)
    found = {"previous": [], "next": [], "column": [], "other": []}
    for row in rows:
        found[row.place].append(row)
    previous = found["previous"][0] if found["previous"] else None
    following = found["next"][0] if found["next"] else None
    shown = {a.pk for a in (previous, following) if a is not None}
    more = [a for a in found["column"] if a.pk not in shown] + found["other"]
    return previous, following, more[:MORE_COUNT]
