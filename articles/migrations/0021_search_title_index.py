# Search ranks a broad query's matches in the title across the whole archive, not only among
# its newest matches (articles/search/matching.py). On PostgreSQL that needs the title's
# tsvector indexed: a GIN index and a match function like articles_search_match's, which
# plans with sequential scans off (the table's other columns make a scan of it slow). SQLite's
# FTS5 table filters by column with the index it has. Written out here, not read from
# articles.search.backends, so that this migration stays what it was when applied.

from django.db import migrations

CREATE = [
    "CREATE INDEX articles_search_title ON articles_search USING gin (title)",
    "CREATE FUNCTION articles_search_match_title(query tsquery) RETURNS SETOF bigint "
    "LANGUAGE sql STABLE PARALLEL SAFE ROWS 1000 SET enable_seqscan = off "
    "AS $$ SELECT rowid FROM articles_search WHERE title @@ query $$",
]
DROP = [
    "DROP FUNCTION IF EXISTS articles_search_match_title(tsquery)",
    "DROP INDEX IF EXISTS articles_search_title",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0020_search_index"),
    ]

    operations = [
        migrations.RunPython(run(CREATE), run(DROP)),
    ]
