"""Reader search: a bounded substring match over published articles.

Chinese has no spaces between words, so tokenisers that split on spaces or need three
characters (SQLite FTS5's trigram, PostgreSQL's default parser) miss a two-character query
like 杭州. A case-insensitive substring match (``icontains``) finds it on SQLite and
PostgreSQL alike. Its cost is one scan of the published articles per term, and both the
query length and the number of terms are capped, so no reader can make it grow further.
"""

import re

from django.db.models import Exists, OuterRef, Q
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from .models import Article, Figure, Section

MAX_QUERY_CHARS = 50
MAX_TERMS = 5
SNIPPET_BEFORE = 30
SNIPPET_LENGTH = 120


class Query:
    """What the reader typed, cleaned and bounded."""

    def __init__(self, raw):
        # NUL is refused by PostgreSQL; other control characters only get in the way.
        cleaned = "".join(ch for ch in (raw or "") if ch.isprintable() or ch.isspace())
        text = " ".join(cleaned.split())
        self.truncated = len(text) > MAX_QUERY_CHARS
        self.text = text[:MAX_QUERY_CHARS].strip()
        terms = []
        for word in self.text.split():
            if word.casefold() not in (t.casefold() for t in terms):
                terms.append(word)
        self.dropped_terms = len(terms) > MAX_TERMS
        self.terms = terms[:MAX_TERMS]

    def __bool__(self):
        return bool(self.terms)


def is_canonical(text):
    """Whether a query is written as the search page writes it back (its normalised form):
    the page cache keeps one results page per normalised query, not one per spelling."""
    return bool(text) and Query(text).text == text


def search_articles(terms):
    """Published articles containing every term somewhere readers can see it, newest first."""
    queryset = Article.objects.published()
    for term in terms:
        in_sections = Section.objects.filter(article=OuterRef("pk")).filter(
            Q(heading__icontains=term) | Q(body__icontains=term)
        )
        in_captions = Figure.objects.filter(article=OuterRef("pk"), caption__icontains=term)
        # Subqueries rather than joins: a term found in many paragraphs still yields one row.
        queryset = queryset.filter(
            Q(kicker__icontains=term)
            | Q(title__icontains=term)
            | Q(subtitle__icontains=term)
            | Q(summary__icontains=term)
            | Exists(in_sections)
            | Exists(in_captions)
        )
    return queryset


def _pattern(terms):
    # Longest first, so 钱塘智慧城 wins over 钱塘 where both match.
    alternatives = sorted({re.escape(t) for t in terms}, key=len, reverse=True)
    return re.compile("|".join(alternatives), re.IGNORECASE)


def highlight(text, terms):
    """Escaped text with every match of the terms wrapped in <mark>."""
    if not terms or not text:
        return escape(text)
    parts, position = [], 0
    for match in _pattern(terms).finditer(text):
        parts.append(escape(text[position : match.start()]))
        parts.append(format_html("<mark>{}</mark>", match.group()))
        position = match.end()
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))


def snippet(article, terms):
    """A short passage around a match outside the headline, highlighted.

    The passage that holds the most of the terms wins; among equals, the earliest.
    Expects the article's sections and figures to be prefetched.
    """
    texts = [article.summary, article.subtitle]
    for section in article.sections.all():
        texts.append(section.heading)
        texts.extend(section.paragraphs)
    texts.extend(figure.caption for figure in article.figures.all())
    pattern = _pattern(terms)
    best, best_found = None, 0
    for text in texts:
        found = {m.group().casefold() for m in pattern.finditer(text or "")}
        if len(found) > best_found:
            best, best_found = text, len(found)
            if best_found == len(terms):
                break
    if best is None:
        return highlight(_window(article.description(), 0), terms)
    return highlight(_window(best, pattern.search(best).start()), terms)


def _window(text, at):
    start = max(0, at - SNIPPET_BEFORE)
    end = min(len(text), start + SNIPPET_LENGTH)
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
