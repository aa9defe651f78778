"""Search through a full-text index, on SQLite (FTS5) and PostgreSQL (tsvector + GIN) alike.

- tokens.py    text and queries to tokens: CJK character pairs, Latin words and numbers
- backends.py  one backend per engine: the index table, writing rows, matching phrases
- index.py     what is indexed, kept in step with saves (signals), rebuilds
- matching.py  which public articles match, ranking, column and date filters
- query.py     the reader's query, cleaned and bounded; highlight and snippet
- filters.py   the search page's column and date-range form

The reader's search page (articles.views.search_view) and the admin's article list
(ArticleAdmin.get_search_results) both search through here. README.md, Search, has the
operator's view: what is indexed, the ranking, `manage.py rebuild_search_index`.
"""

from .index import deferred, index_articles, indexed_count, rebuild, remove_articles
from .matching import SearchResults, filter_articles, search_articles
from .query import MAX_QUERY_CHARS, MAX_TERMS, Query, highlight, is_canonical, snippet

__all__ = [
    "MAX_QUERY_CHARS",
    "MAX_TERMS",
    "Query",
    "SearchResults",
    "deferred",
    "filter_articles",
    "highlight",
    "index_articles",
    "indexed_count",
    "is_canonical",
    "rebuild",
    "remove_articles",
    "search_articles",
    "snippet",
]
