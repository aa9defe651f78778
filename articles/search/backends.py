"""One backend per database engine, behind one interface: where the index lives, how a row is
written and how a query is matched. Everything above (tokens, documents, ranking, filters,
public or not) is shared; the engines only store the tokens they are given.

The index holds one row per article (any status: the admin searches drafts too), keyed by the
article's id, with five fields: title, headings, summary (kicker, subtitle, summary), captions
and body. Which articles readers may see is decided when they search, not here.

- SQLite: an FTS5 table. Each field is a column holding the tokens separated by spaces (the
  `ascii` tokenizer splits them there and changes nothing else: they are already normalised).
  prefix='1' keeps an index of one-character prefixes, so a one-character query (技*) reads
  one list instead of merging every pair that starts with it.
- PostgreSQL: a table of five tsvector columns, written as tsvector literals with explicit
  positions (no text search configuration or parser is involved: the tokens are the lexemes).
  Matching uses one GIN index over the five fields concatenated; ranking one GIN index over the
  four short ones. PostgreSQL keeps at most 256 positions of a lexeme in a tsvector and none
  past 16,383: a phrase of three or more characters is found only within those (about 16,000
  characters into an article's body; a single pair or word anywhere).
"""

from django.db import connections

from .tokens import GAP

TABLE = "articles_search"
FIELDS = ("title", "headings", "summary", "captions", "body")


class SQLiteBackend:
    vendor = "sqlite"

    create_sql = [
        f"CREATE VIRTUAL TABLE {TABLE} USING fts5({', '.join(FIELDS)}, "
        "tokenize='ascii', prefix='1')"
    ]
    drop_sql = [f"DROP TABLE IF EXISTS {TABLE}"]

    @staticmethod
    def value(tokens):
        return " ".join(tokens)

    def write(self, cursor, rows):
        """rows: [(article id, {field: tokens})] with every field; replaces what was there."""
        columns = ", ".join(FIELDS)
        marks = ", ".join(["%s"] * (len(FIELDS) + 1))
        cursor.executemany(
            f"INSERT OR REPLACE INTO {TABLE} (rowid, {columns}) VALUES ({marks})",
            [(pk, *(self.value(fields[f]) for f in FIELDS)) for pk, fields in rows],
        )

    def update(self, cursor, pk, fields):
        """Some fields of one row; False when the row is not there."""
        assignments = ", ".join(f"{f} = %s" for f in fields)
        cursor.execute(
            f"UPDATE {TABLE} SET {assignments} WHERE rowid = %s",
            [*(self.value(t) for t in fields.values()), pk],
        )
        return cursor.rowcount > 0

    def delete(self, cursor, pks):
        cursor.execute(
            f"DELETE FROM {TABLE} WHERE rowid IN ({', '.join(['%s'] * len(pks))})", list(pks)
        )

    def prune(self, cursor):
        """Rows whose article is gone; returns how many."""
        cursor.execute(f"DELETE FROM {TABLE} WHERE rowid NOT IN (SELECT id FROM articles_article)")
        return cursor.rowcount

    def count(self, cursor):
        cursor.execute(f"SELECT count(*) FROM {TABLE}")
        return cursor.fetchone()[0]

    @staticmethod
    def _phrase(tokens, prefix):
        # Tokens are letters, digits and CJK characters only: nothing to escape in a string.
        return '"' + " ".join(tokens) + '"' + ("*" if prefix else "")

    def match(self, phrases, field=None):
        """SQL selecting the ids of articles holding every phrase (in `field` only, if given)."""
        expression = " AND ".join(self._phrase(*p) for p in phrases)
        if field is not None:
            expression = f"{field} : ({expression})"
        return f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s", [expression]


class PostgreSQLBackend:
    vendor = "postgresql"

    DOCUMENT = "(" + " || ".join(FIELDS) + ")"
    create_sql = [
        f"CREATE TABLE {TABLE} (rowid bigint PRIMARY KEY, "
        + ", ".join(f"{f} tsvector NOT NULL DEFAULT ''" for f in FIELDS)
        + ")",
        f"CREATE INDEX {TABLE}_document ON {TABLE} USING gin ({DOCUMENT})",
        f"CREATE INDEX {TABLE}_fields ON {TABLE} USING gin ({', '.join(FIELDS[:-1])})",
    ]
    drop_sql = [f"DROP TABLE IF EXISTS {TABLE}"]

    @staticmethod
    def value(tokens):
        """A tsvector literal. Positions start at 2 and GAP skips one, so that no phrase
        spans two texts, nor two fields once the fields are concatenated (|| shifts the
        right one's positions past the left one's last)."""
        positions, at = {}, 1
        for token in tokens:
            at += 1
            if token != GAP:
                positions.setdefault(token, []).append(str(min(at, 16383)))
        return " ".join(
            "'" + token.replace("\\", "\\\\").replace("'", "''") + "':" + ",".join(found[:256])
            for token, found in positions.items()
        )

    def write(self, cursor, rows):
        columns = ", ".join(FIELDS)
        marks = ", ".join(["%s::tsvector"] * len(FIELDS))
        updates = ", ".join(f"{f} = EXCLUDED.{f}" for f in FIELDS)
        cursor.executemany(
            f"INSERT INTO {TABLE} (rowid, {columns}) VALUES (%s, {marks}) "
            f"ON CONFLICT (rowid) DO UPDATE SET {updates}",
            [(pk, *(self.value(fields[f]) for f in FIELDS)) for pk, fields in rows],
        )

    def update(self, cursor, pk, fields):
        assignments = ", ".join(f"{f} = %s::tsvector" for f in fields)
        cursor.execute(
            f"UPDATE {TABLE} SET {assignments} WHERE rowid = %s",
            [*(self.value(t) for t in fields.values()), pk],
        )
        return cursor.rowcount > 0

    def delete(self, cursor, pks):
        cursor.execute(f"DELETE FROM {TABLE} WHERE rowid = ANY(%s)", [list(pks)])

    def prune(self, cursor):
        cursor.execute(
            f"DELETE FROM {TABLE} s WHERE NOT EXISTS "
            "(SELECT 1 FROM articles_article a WHERE a.id = s.rowid)"
        )
        return cursor.rowcount

    def count(self, cursor):
        cursor.execute(f"SELECT count(*) FROM {TABLE}")
        return cursor.fetchone()[0]

    @staticmethod
    def _phrase(tokens, prefix):
        quoted = ["'" + t.replace("\\", "\\\\").replace("'", "''") + "'" for t in tokens]
        if prefix:
            quoted[-1] += ":*"
        return "(" + " <-> ".join(quoted) + ")"

    def match(self, phrases, field=None):
        query = " & ".join(self._phrase(*p) for p in phrases)
        target = self.DOCUMENT if field is None else field
        return f"SELECT rowid FROM {TABLE} WHERE {target} @@ %s::tsquery", [query]


BACKENDS = {b.vendor: b for b in (SQLiteBackend(), PostgreSQLBackend())}


def backend(using="default"):
    vendor = connections[using].vendor
    try:
        return BACKENDS[vendor]
    except KeyError:
        raise NotImplementedError(f"No search backend for {vendor}") from None
