"""The index kept in step with the articles: what is indexed, when it is written, and rebuilds.

Kept in step by the save path (Django's post_save and post_delete signals of Article, Section
and Figure), not by database triggers. Why:

- The tokens are made in Python (tokens.py) and must be exactly the tokens a query is cut
  into. Triggers would need the tokeniser twice more, in PL/pgSQL for PostgreSQL and, for
  SQLite, as an application function every connection registers (SQLite triggers cannot run a
  CTE, nor any tokeniser of their own), so a write from the sqlite3 shell would fail.
- A signal handler runs inside the transaction of the save that sent it: the admin's change
  page (one atomic block for the article, its sections, figures and bylines), the print-page
  importer, the seed loader, a revision being restored, `loaddata`. If the save rolls back,
  so does the index row; if the index write fails, the save fails with it.
- What signals miss, and how it is covered: QuerySet.update() and bulk_create() send none.
  No code changes searchable text that way (reordering sections with update() moves
  positions only); the archive import (`loaddata`) defers indexing to the end of its
  transaction (deferred()); the benchmarks' bulk-made corpora and a database edited by hand
  call index_articles() or `manage.py rebuild_search_index`.

Each save rewrites only the fields it can change: an article's title and summary fields, a
section's headings and body (all of the article's sections, re-read in one query), a figure's
captions; on PostgreSQL, whose row holds the whole article in one tsvector, the whole row
(three queries). A new article's row is written whole. Deleting an article deletes its row (sections
and figures deleted along with their article are not re-read). Status, publication time and
column are not in the index at all: they are read from the article when a reader searches, so
an embargo passing, an article taken down or moved to another column needs no index write.
"""

import contextlib
import threading

from django.db import connections, transaction

from ..models import PARAGRAPH_BREAK, Article, Figure, Section
from . import tokens
from .backends import FIELDS, backend

MODELS = (Article, Section, Figure)

# The article fields each index field is made of (the title field: the title).
SUMMARY_FIELDS = ("kicker", "subtitle", "summary")
ARTICLE_TEXT = {"title", *SUMMARY_FIELDS}
SECTION_TEXT = {"heading", "body", "position", "article"}
FIGURE_TEXT = {"caption", "position", "article"}
CHUNK = 500

_state = threading.local()


def paragraphs(body):
    return [p for p in PARAGRAPH_BREAK.split((body or "").replace("\r\n", "\n")) if p.strip()]


def article_fields(title, kicker, subtitle, summary):
    return {
        "title": tokens.field_tokens([title]),
        "summary": tokens.field_tokens([kicker, subtitle, summary]),
    }


def section_fields(sections):
    """sections: (heading, body) pairs in reading order."""
    sections = list(sections)
    return {
        "headings": tokens.field_tokens(heading for heading, _ in sections),
        "body": tokens.field_tokens(p for _, body in sections for p in paragraphs(body)),
    }


def caption_fields(captions):
    return {"captions": tokens.field_tokens(captions)}


def documents(pks, using="default", models=None):
    """[(article id, {field: tokens})] for the articles with these ids: three queries.

    models: (Article, Section, Figure), for a migration's historical models."""
    Article, Section, Figure = models or MODELS
    pks = list(pks)
    sections, captions = {}, {}
    for article_id, heading, body in (
        Section._default_manager.using(using)
        .filter(article_id__in=pks)
        .order_by("article_id", "position", "id")
        .values_list("article_id", "heading", "body")
    ):
        sections.setdefault(article_id, []).append((heading, body))
    for article_id, caption in (
        Figure._default_manager.using(using)
        .filter(article_id__in=pks)
        .order_by("article_id", "position", "id")
        .values_list("article_id", "caption")
    ):
        captions.setdefault(article_id, []).append(caption)
    rows = []
    for pk, *texts in (
        Article._default_manager.using(using)
        .filter(pk__in=pks)
        .order_by("pk")
        .values_list("pk", "title", *SUMMARY_FIELDS)
    ):
        fields = article_fields(*texts)
        fields.update(section_fields(sections.get(pk, [])))
        fields.update(caption_fields(captions.get(pk, [])))
        rows.append((pk, fields))
    return rows


def index_articles(pks, using="default", models=None):
    """Write the whole rows of these articles (any that no longer exist are removed).
    Returns how many were written."""
    pks = list(pks)
    if not pks:
        return 0
    engine = backend(using)
    Article = (models or MODELS)[0]
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        # Nothing may change these articles between reading them and writing their rows. On
        # PostgreSQL their rows are locked first (as the admin's change page locks the article
        # it saves, so neither waits on a lock the other holds); on SQLite the delete, coming
        # first, takes the one write lock.
        if engine.vendor != "sqlite":
            list(
                Article._default_manager.using(using)
                .select_for_update()
                .filter(pk__in=pks)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
        engine.delete(cursor, pks)
        rows = documents(pks, using, models)
        engine.write(cursor, rows)
    return len(rows)


def remove_articles(pks, using="default"):
    pks = list(pks)
    if pks:
        with connections[using].cursor() as cursor:
            backend(using).delete(cursor, pks)


def rewrite_fields(pk, fields, using="default"):
    """Rewrite some fields of an article's row (on PostgreSQL, whose row holds the whole
    article in one tsvector, the whole row); the whole row if it has none yet."""
    engine = backend(using)
    with connections[using].cursor() as cursor:
        if engine.partial_updates and engine.update(cursor, pk, fields):
            return
        engine.write(cursor, documents([pk], using))


# --- keeping in step (the handlers articles/signals.py connects) ---------------------------


@contextlib.contextmanager
def deferred(using="default"):
    """Index once at the end instead of on every save: for bulk loads (the archive import).

    Inside, saves and deletes only note which articles changed; at the end of the block
    (still inside the caller's transaction, if any) each of them is indexed once, in chunks.
    Nothing is written if the block raises.
    """
    if getattr(_state, "pending", None) is not None:
        yield
        return
    _state.pending = set()
    try:
        yield
        pending = sorted(_state.pending)
    finally:
        _state.pending = None
    for start in range(0, len(pending), CHUNK):
        index_articles(pending[start : start + CHUNK], using)


def _later(pk):
    """True (and noted) when indexing is deferred."""
    pending = getattr(_state, "pending", None)
    if pending is None:
        return False
    pending.add(pk)
    return True


def _touches(update_fields, text_fields):
    return update_fields is None or bool(text_fields & set(update_fields))


def _deleting_article(origin):
    # Sections and figures deleted with their article: its row goes with it.
    return isinstance(origin, Article) or getattr(origin, "model", None) is Article


def article_saved(sender, instance, created, update_fields=None, using="default", **kwargs):
    if _later(instance.pk) or not _touches(update_fields, ARTICLE_TEXT):
        return
    if created:
        index_articles([instance.pk], using)
        return
    texts = (instance.title, instance.kicker, instance.subtitle, instance.summary)
    rewrite_fields(instance.pk, article_fields(*texts), using)


def article_deleted(sender, instance, using="default", **kwargs):
    if not _later(instance.pk):
        remove_articles([instance.pk], using)


def _part_changed(instance, origin, update_fields, text_fields, model, columns, fields, using):
    """A section or a figure saved or deleted: its article's fields made from that kind of
    part (`fields` of the rows' `columns`) are rewritten, unless the article goes too."""
    if _deleting_article(origin) or not _touches(update_fields, text_fields):
        return
    if _later(instance.article_id):
        return
    rows = (
        model.objects.using(using)
        .filter(article_id=instance.article_id)
        .order_by("position", "id")
        .values_list(*columns, flat=len(columns) == 1)
    )
    rewrite_fields(instance.article_id, fields(rows), using)


def section_changed(sender, instance, update_fields=None, origin=None, using="default", **kw):
    columns = ("heading", "body")
    _part_changed(
        instance, origin, update_fields, SECTION_TEXT, Section, columns, section_fields, using
    )


def figure_changed(sender, instance, update_fields=None, origin=None, using="default", **kw):
    columns = ("caption",)
    _part_changed(
        instance, origin, update_fields, FIGURE_TEXT, Figure, columns, caption_fields, using
    )


# --- rebuilding ----------------------------------------------------------------------------


def rebuild(chunk=CHUNK, using="default", models=None):
    """Index every article again, a chunk at a time (each its own transaction, so the index
    stays usable and memory stays flat), then remove rows whose article is gone.

    Yields the number of articles written after each chunk.
    """
    Article = (models or MODELS)[0]
    last = 0
    while True:
        pks = list(
            Article._default_manager.using(using)
            .filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:chunk]
        )
        if not pks:
            break
        yield index_articles(pks, using, models)
        last = pks[-1]
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        backend(using).prune(cursor)


def indexed_count(using="default"):
    """How many rows the index holds."""
    with connections[using].cursor() as cursor:
        return backend(using).size(cursor)


__all__ = [
    "FIELDS",
    "deferred",
    "documents",
    "index_articles",
    "indexed_count",
    "rebuild",
    "remove_articles",
]
