# The title window of search (articles/search/matching.py) on SQLite: the titles again, in an
# FTS5 table of their own, filled from the main table. A column filter on the main table
# (`title : ...`) still reads every column's positions of the query's tokens, the whole
# articles' size; this table's lists hold titles only. (PostgreSQL: migration 0021.)
# Written out here, not read from articles.search.backends, so that this migration stays what
# it was when applied. On a new database migration 0020 makes the table already (backends'
# create_sql): it is then emptied and filled again, with the same rows.

from django.db import migrations

FORWARDS = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS articles_search_title "
    "USING fts5(title, tokenize='ascii', prefix='1')",
    "DELETE FROM articles_search_title",
    "INSERT INTO articles_search_title (rowid, title) SELECT rowid, title FROM articles_search",
]
BACKWARDS = ["DROP TABLE IF EXISTS articles_search_title"]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0021_search_title_index"),
    ]

    operations = [
        migrations.RunPython(run(FORWARDS), run(BACKWARDS)),
    ]
