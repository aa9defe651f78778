"""What the reader typed, cleaned and bounded; and how matches are shown (highlight, snippet)."""

import re

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from . import tokens

MAX_QUERY_CHARS = 50
MAX_TERMS = 5
SNIPPET_BEFORE = 30
SNIPPET_LENGTH = 120


class Query:
    """What the reader typed, cleaned and bounded.

    terms: the words between spaces (at most MAX_TERMS, each once); every one must match.
    phrases: each term as index tokens (tokens.phrase), leaving out the terms with nothing
    to search (punctuation only). pieces: what the page highlights.
    """

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
        self.phrases = []
        for term in self.terms:
            found = tokens.phrase(term)
            if found[0] and found not in self.phrases:
                self.phrases.append(found)
        self.pieces = [piece for term in self.terms for piece in tokens.pieces(term)]

    def __bool__(self):
        return bool(self.terms)

    @property
    def searched(self):
        """The words searched for, as the page names them (without those left out)."""
        return " ".join(self.terms)

    @property
    def searchable(self):
        """Whether anything in it can be looked up (not only punctuation and symbols)."""
        return bool(self.phrases)


def is_canonical(text):
    """Whether a query is written as the search page writes it back (its normalised form):
    the page cache keeps one results page per normalised query, not one per spelling."""
    return bool(text) and Query(text).text == text


_LATIN_EDGE = re.compile(rf"[^\W_{tokens.CJK}]")


def _pattern(pieces):
    # Longest first, so 钱塘智慧城 wins over 钱塘 where both match. A Latin word or number is
    # marked only where it stands whole (AI, not the "ai" inside "SAIC"), as it was matched.
    alternatives = []
    for piece in sorted(set(pieces), key=len, reverse=True):
        pattern = re.escape(piece)
        if _LATIN_EDGE.match(piece[0]):
            pattern = rf"(?<![^\W_{tokens.CJK}]){pattern}"
        if _LATIN_EDGE.match(piece[-1]):
            pattern = rf"{pattern}(?![^\W_{tokens.CJK}])"
        alternatives.append(pattern)
    return re.compile("|".join(alternatives), re.IGNORECASE)


def highlight(text, pieces):
    """Escaped text with every match of the pieces wrapped in <mark>."""
    if not pieces or not text:
        return escape(text)
    parts, position = [], 0
    for match in _pattern(pieces).finditer(text):
        parts.append(escape(text[position : match.start()]))
        parts.append(format_html("<mark>{}</mark>", match.group()))
        position = match.end()
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))


def snippet(article, pieces):
    """A short passage around a match outside the headline, highlighted.

    The passage that holds the most of the pieces wins; among equals, the earliest.
    Expects the article's sections and figures to be prefetched.
    """
    texts = [article.summary, article.subtitle]
    for section in article.sections.all():
        texts.append(section.heading)
        texts.extend(section.paragraphs)
    texts.extend(figure.caption for figure in article.figures.all())
    wanted = {p.casefold() for p in pieces}
    pattern = _pattern(pieces) if pieces else None
    best, best_found = None, 0
    for text in texts:
        if pattern is None:
            break
        found = {m.group().casefold() for m in pattern.finditer(text or "")}
        if len(found) > best_found:
            best, best_found = text, len(found)
            if best_found == len(wanted):
                break
    if best is None:
        return highlight(_window(article.description(), 0), pieces)
    return highlight(_window(best, pattern.search(best).start()), pieces)


def _window(text, at):
    start = max(0, at - SNIPPET_BEFORE)
    end = min(len(text), start + SNIPPET_LENGTH)
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
