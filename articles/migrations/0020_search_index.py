# The full-text search index (articles/search): an FTS5 table on SQLite, a table of tsvectors
# with GIN indexes on PostgreSQL, filled with the articles already there. It is no Django
# model: the engines' tables differ, and the rows are written by articles.search.index.

from django.db import migrations


def create_index(apps, schema_editor):
    from articles.search.backends import backend
    from articles.search.index import rebuild

    alias = schema_editor.connection.alias
    for statement in backend(alias).create_sql:
        schema_editor.execute(statement)
    models = tuple(apps.get_model("articles", name) for name in ("Article", "Section", "Figure"))
    for _ in rebuild(using=alias, models=models):
        pass


def drop_index(apps, schema_editor):
    from articles.search.backends import backend

    for statement in backend(schema_editor.connection.alias).drop_sql:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0019_figure_rendition_error"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index),
    ]
