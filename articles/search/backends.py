"""One backend per database engine, behind one interface: where the index lives, how a row is
written, how the articles matching a query are counted and ranked. Everything else (tokens,
what is indexed, the ranking's rule, filters, public or not) is shared.

The index holds one row per article (any status: the admin searches drafts too), keyed by the
article's id, with five fields: title, headings, summary (kicker, subtitle, summary), captions
and body. Which articles readers may see is decided when they search, never here.

Both engines rank alike (articles/search/matching.py has the rule): each term scores by the
short fields it is found in, the body counts for matching only, then newest first.

- SQLite: an FTS5 table. Each field is a column holding the tokens separated by spaces (the
  `ascii` tokenizer splits them there and changes nothing else: they are already normalised).
  prefix='1' keeps an index of one-character prefixes, so a one-character query (技*) reads
  one list instead of merging every pair that starts with it. A term is in a field when an
  FTS5 column filter finds it there (`title : "钱塘"`); each such lookup is one subquery.
- PostgreSQL: a table with the whole article as one tsvector (`document`, GIN-indexed) and the
  four short fields again as small tsvectors for ranking, all written as tsvector literals
  with explicit positions (no text search configuration or parser is involved: the tokens are
  the lexemes). Matching goes through articles_search_match(), a SQL function that plans its
  query with sequential scans off: the planner does not count the cost of reading every
  article's document out of TOAST, and otherwise prefers a scan of the whole table for a
  query most articles match, twenty times slower than the GIN index. Ranking tests the short
  fields of each matching row, which are stored inline. PostgreSQL keeps at most 256
  positions of a lexeme in a tsvector and none past 16,383: a phrase of three or more
  characters is found only within those (about 16,000 characters into an article; a single
  pair or word anywhere).
"""

from django.db import connections
from django.db.models.expressions import RawSQL

from .tokens import GAP

TABLE = "articles_search"
FIELDS = ("title", "headings", "summary", "captions", "body")
# SQLite scores ids spread further apart than this on average row by row (SQLiteBackend.scores).
SPREAD = 8
# What a term scores in each short field (matching.py says why; the body scores nothing).
WEIGHTS = {"title": 8, "headings": 4, "summary": 2, "captions": 1}


# The interface, as both classes below implement it:
#   write(cursor, rows), update(cursor, pk, fields) -> bool, delete(cursor, pks),
#   prune(cursor) -> int, size(cursor) -> int: the index's rows;
#   matching(phrases) -> (sql, params): the ids of articles (any status) holding every phrase;
#   newest_matches(public, phrases, limit) -> [(id, published_at)]: the newest `limit` of a
#     queryset's articles that the *loose* match has: each phrase loosened to its tokens
#     anywhere (a superset, which the engines answer from their index alone, without
#     positions); for a query with few matches;
#   exact(pks, phrases) -> set: those of these ids holding every phrase as a phrase;
#   (newest_matches and exact take field="title": the same in the title alone)
#   scores(pks, phrases) -> {id: score}: the ranking's score (WEIGHTS) of each of these ids.
# matching.py puts them together; the body of an article is read only through the index.


class SQLiteBackend:
    vendor = "sqlite"
    partial_updates = True

    # The titles again, in an FTS5 table of their own (migration 0022): a title's lists hold
    # titles only, where the main table's hold every column's positions, so the title alone is
    # searched in the titles' size, not the articles' (the ranking's title window).
    TITLES = f"{TABLE}_title"
    create_sql = [
        f"CREATE VIRTUAL TABLE {TABLE} USING fts5({', '.join(FIELDS)}, "
        "tokenize='ascii', prefix='1')",
        f"CREATE VIRTUAL TABLE {TITLES} USING fts5(title, tokenize='ascii', prefix='1')",
    ]
    drop_sql = [f"DROP TABLE IF EXISTS {TITLES}", f"DROP TABLE IF EXISTS {TABLE}"]

    @staticmethod
    def value(tokens):
        return " ".join(tokens)

    def write(self, cursor, rows):
        """rows: [(article id, {field: tokens})] with every field; replaces what was there."""
        columns = ", ".join(FIELDS)
        marks = ", ".join(["%s"] * (len(FIELDS) + 1))
        values = [(pk, *(self.value(fields[f]) for f in FIELDS)) for pk, fields in rows]
        cursor.executemany(
            f"INSERT OR REPLACE INTO {TABLE} (rowid, {columns}) VALUES ({marks})", values
        )
        cursor.executemany(
            f"INSERT OR REPLACE INTO {self.TITLES} (rowid, title) VALUES (%s, %s)",
            [(pk, title) for pk, title, *_ in values],
        )

    def update(self, cursor, pk, fields):
        """Some fields of one row; False when the row is not there."""
        assignments = ", ".join(f"{f} = %s" for f in fields)
        cursor.execute(
            f"UPDATE {TABLE} SET {assignments} WHERE rowid = %s",
            [*(self.value(t) for t in fields.values()), pk],
        )
        found = cursor.rowcount > 0
        if found and "title" in fields:
            cursor.execute(
                f"INSERT OR REPLACE INTO {self.TITLES} (rowid, title) VALUES (%s, %s)",
                [pk, self.value(fields["title"])],
            )
        return found

    def delete(self, cursor, pks):
        for table in (TABLE, self.TITLES):
            cursor.execute(
                f"DELETE FROM {table} WHERE rowid IN ({', '.join(['%s'] * len(pks))})", list(pks)
            )

    def prune(self, cursor):
        """Rows whose article is gone; returns how many."""
        gone = "rowid NOT IN (SELECT id FROM articles_article)"
        cursor.execute(f"DELETE FROM {self.TITLES} WHERE {gone}")
        cursor.execute(f"DELETE FROM {TABLE} WHERE {gone}")
        return cursor.rowcount

    def size(self, cursor):
        cursor.execute(f"SELECT count(*) FROM {TABLE}")
        return cursor.fetchone()[0]

    @staticmethod
    def _phrase(tokens, prefix):
        # Tokens are letters, digits and CJK characters only: nothing to escape in a string.
        return '"' + " ".join(tokens) + '"' + ("*" if prefix else "")

    def _loosened(self, tokens, prefix):
        last = len(tokens) - 1
        return " AND ".join(self._phrase([t], prefix and n == last) for n, t in enumerate(tokens))

    def matching(self, phrases):
        """SQL selecting the ids of articles holding every phrase."""
        expression = " AND ".join(self._phrase(*p) for p in phrases)
        return f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s", [expression]

    def _table(self, field):
        if field not in (None, "title"):
            raise ValueError(f"no index of its own for {field}")
        return TABLE if field is None else self.TITLES

    def newest_matches(self, public, phrases, limit, field=None):
        """Driven from the index's matches (CROSS JOIN keeps them the outer loop): given an
        ORDER BY its index can answer, SQLite would rather walk every public article and
        look each up in the matches, which costs the archive's size for a rare word."""
        inner, params = public.order_by().values_list("pk", "published_at").query.sql_with_params()
        table = self._table(field)
        expression = " AND ".join(self._loosened(*p) for p in phrases)
        with connections[public.db].cursor() as cursor:
            cursor.execute(
                f"SELECT a.pk, a.published_at FROM {table} s CROSS JOIN ({inner}) a "
                f"ON a.pk = s.rowid WHERE s.{table} MATCH %s "
                "ORDER BY a.published_at DESC, a.pk DESC LIMIT %s",
                [*params, expression, limit],
            )
            return cursor.fetchall()  # times as text: matching.utc() reads the one it needs

    def _within(self, expression, pks, table=TABLE):
        """SQL for the rows that match among ids from min(pks) to max(pks): FTS5 reads its
        lists only over that range (a window of recent articles is a narrow range of ids)."""
        return (
            f"SELECT rowid FROM {table} WHERE {table} MATCH %s AND rowid BETWEEN %s AND %s",
            [expression, min(pks), max(pks)],
        )

    def exact(self, pks, phrases, using="default", field=None):
        if not pks:
            return set()
        wanted = set(pks)
        expression = " AND ".join(self._phrase(*p) for p in phrases)
        with connections[using].cursor() as cursor:
            cursor.execute(*self._within(expression, pks, self._table(field)))
            return {pk for (pk,) in cursor.fetchall() if pk in wanted}

    def scores(self, pks, phrases, using="default"):
        """Ids close together (a window of recent articles): one FTS5 column filter per (term,
        field) over their range of ids, all in one query (UNION ALL), each row naming the
        weight it earns. Ids spread over the archive (old title matches): each row's stored
        tokens tested with instr(), which reads those rows only; FTS5 would read the whole
        lists of the query's tokens."""
        found = dict.fromkeys(pks, 0)
        if not pks:
            return found
        if max(pks) - min(pks) >= SPREAD * len(pks):
            return self._scores_of_rows(pks, phrases, using)
        parts, params = [], []
        for phrase in phrases:
            for field, weight in WEIGHTS.items():
                sql, part_params = self._within(f"{field} : ({self._phrase(*phrase)})", pks)
                parts.append(sql.replace("SELECT rowid", f"SELECT rowid, {weight}", 1))
                params.extend(part_params)
        with connections[using].cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            for pk, weight in cursor.fetchall():
                if pk in found:
                    found[pk] += weight
        return found

    @staticmethod
    def _pattern(tokens, prefix):
        """What instr() looks for in ' ' + a field's stored tokens + ' ': the phrase's tokens
        in a row, whole (or the last one begun, for a prefix), as FTS5 matches them."""
        return " " + " ".join(tokens) + ("" if prefix else " ")

    def _scores_of_rows(self, pks, phrases, using):
        tests, params = [], []
        for phrase in phrases:
            for field, weight in WEIGHTS.items():
                tests.append(f"(instr(' ' || {field} || ' ', %s) > 0) * {weight}")
                params.append(self._pattern(*phrase))
        found = dict.fromkeys(pks, 0)
        with connections[using].cursor() as cursor:
            for start in range(0, len(pks), 500):
                chunk = pks[start : start + 500]
                cursor.execute(
                    f"SELECT rowid, {' + '.join(tests)} FROM {TABLE} "
                    f"WHERE rowid IN ({', '.join(['%s'] * len(chunk))})",
                    [*params, *chunk],
                )
                found.update(cursor.fetchall())
        return found


class PostgreSQLBackend:
    vendor = "postgresql"
    partial_updates = False  # the document holds every field: a row is written whole
    SHORT = FIELDS[:-1]

    create_sql = [
        f"CREATE TABLE {TABLE} (rowid bigint PRIMARY KEY, "
        "document tsvector NOT NULL DEFAULT '', "
        + ", ".join(f"{f} tsvector NOT NULL DEFAULT ''" for f in FIELDS[:-1])
        + ")",
        f"CREATE INDEX {TABLE}_document ON {TABLE} USING gin (document)",
        f"CREATE FUNCTION {TABLE}_match(query tsquery) RETURNS SETOF bigint "
        "LANGUAGE sql STABLE PARALLEL SAFE ROWS 1000 SET enable_seqscan = off "
        f"AS $$ SELECT rowid FROM {TABLE} WHERE document @@ query $$",
    ]
    drop_sql = [
        f"DROP FUNCTION IF EXISTS {TABLE}_match_title(tsquery)",  # from migration 0021
        f"DROP FUNCTION IF EXISTS {TABLE}_match(tsquery)",
        f"DROP TABLE IF EXISTS {TABLE}",
    ]

    @staticmethod
    def value(tokens):
        """A tsvector literal. Positions start at 2 and GAP skips one, so that no phrase
        spans two texts or two fields. PostgreSQL keeps 256 positions of a lexeme, up to
        16,383: the same limits are applied here, so the literal is never refused."""
        positions = {}
        for at, token in enumerate(tokens, start=2):
            if token != GAP:
                positions.setdefault(token, []).append(at)
        parts = []
        for token, found in positions.items():
            if len(found) > 256:
                found = found[:256]
            if found[-1] > 16383:
                found = sorted({min(at, 16383) for at in found})
            if "'" in token or "\\" in token:
                token = token.replace("\\", "\\\\").replace("'", "''")
            parts.append(f"'{token}':{','.join(map(str, found))}")
        return " ".join(parts)

    def document(self, fields):
        whole = []
        for field in FIELDS:
            whole.extend([GAP, *fields[field]])
        return self.value(whole)

    def write(self, cursor, rows):
        columns = ", ".join(self.SHORT)
        marks = ", ".join(["%s::tsvector"] * len(self.SHORT))
        updates = ", ".join(f"{f} = EXCLUDED.{f}" for f in ("document", *self.SHORT))
        cursor.executemany(
            f"INSERT INTO {TABLE} (rowid, document, {columns}) VALUES (%s, %s::tsvector, {marks}) "
            f"ON CONFLICT (rowid) DO UPDATE SET {updates}",
            [
                (pk, self.document(fields), *(self.value(fields[f]) for f in self.SHORT))
                for pk, fields in rows
            ],
        )

    def update(self, cursor, pk, fields):
        return False

    def delete(self, cursor, pks):
        cursor.execute(f"DELETE FROM {TABLE} WHERE rowid = ANY(%s)", [list(pks)])

    def prune(self, cursor):
        cursor.execute(
            f"DELETE FROM {TABLE} s WHERE NOT EXISTS "
            "(SELECT 1 FROM articles_article a WHERE a.id = s.rowid)"
        )
        return cursor.rowcount

    def size(self, cursor):
        cursor.execute(f"SELECT count(*) FROM {TABLE}")
        return cursor.fetchone()[0]

    @staticmethod
    def _quoted(tokens, prefix):
        quoted = ["'" + t.replace("\\", "\\\\").replace("'", "''") + "'" for t in tokens]
        if prefix:
            quoted[-1] += ":*"
        return quoted

    def _phrase(self, tokens, prefix):
        return "(" + " <-> ".join(self._quoted(tokens, prefix)) + ")"

    def matching(self, phrases):
        query = " & ".join(self._phrase(*p) for p in phrases)
        return f"SELECT * FROM {TABLE}_match(%s::tsquery)", [query]

    def loose(self, phrases, field=None):
        # Without <-> the GIN index answers alone: no document is read for its positions.
        # A field: the title, which has a GIN index of its own (migration 0021).
        query = " & ".join(" & ".join(self._quoted(*p)) for p in phrases)
        function = f"{TABLE}_match" if field is None else f"{TABLE}_match_{field}"
        return f"SELECT * FROM {function}(%s::tsquery)", [query]

    def newest_matches(self, public, phrases, limit, field=None):
        return list(
            public.filter(pk__in=RawSQL(*self.loose(phrases, field)))
            .order_by("-published_at", "-pk")
            .values_list("pk", "published_at")[:limit]
        )

    def exact(self, pks, phrases, using="default", field=None):
        if not pks:
            return set()
        query = " & ".join(self._phrase(*p) for p in phrases)
        column = "document" if field is None else field  # the short fields are inline
        with connections[using].cursor() as cursor:
            cursor.execute(
                f"SELECT rowid FROM {TABLE} WHERE rowid = ANY(%s) AND {column} @@ %s::tsquery",
                [list(pks), query],
            )
            return {pk for (pk,) in cursor.fetchall()}

    def scores(self, pks, phrases, using="default"):
        """The short fields of the window's rows, stored inline, tested in one query."""
        found = dict.fromkeys(pks, 0)
        if not pks:
            return found
        score, params = [], []
        for phrase in phrases:
            for field, weight in WEIGHTS.items():
                score.append(f"(s.{field} @@ %s::tsquery)::int * {weight}")
                params.append(self._phrase(*phrase))
        with connections[using].cursor() as cursor:
            cursor.execute(
                f"SELECT s.rowid, {' + '.join(score)} FROM {TABLE} s WHERE s.rowid = ANY(%s)",
                [*params, list(pks)],
            )
            found.update(cursor.fetchall())
        return found


BACKENDS = {b.vendor: b for b in (SQLiteBackend(), PostgreSQLBackend())}


def backend(using="default"):
    vendor = connections[using].vendor
    try:
        return BACKENDS[vendor]
    except KeyError:
        raise NotImplementedError(f"No search backend for {vendor}") from None
