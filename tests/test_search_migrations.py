"""Migrations 0021 (PostgreSQL) and 0022 (SQLite): the title's own index, made for a site whose
search index is already there, and taken away going back. Runs on either engine."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from articles import search

from .factories import make_article

BEFORE = ("articles", "0020_search_index")


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate([target] if target else executor.loader.graph.leaf_nodes())


def title_index_exists():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE name = 'articles_search_title'"
            )
        else:
            cursor.execute(
                "SELECT count(*) FROM pg_proc WHERE proname = 'articles_search_match_title'"
            )
        return cursor.fetchone()[0] == 1


@pytest.mark.django_db(transaction=True)
def test_the_title_index_is_made_for_articles_already_indexed_and_goes_back(settings):
    settings.SEARCH_RANKED_MAX = 1
    make_article("观潮在标题里，较早")  # both in the index before the title's own index
    make_article("较新", sections=[("", "观潮。")])
    try:
        migrate(BEFORE)
        assert not title_index_exists()
        if connection.vendor == "sqlite":
            # What a site at 0020 had: the main table only, its titles in it.
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM articles_search")
                assert cursor.fetchone()[0] == 2
        migrate(None)
        assert title_index_exists()
        # More matches than are ranked: the title window, read through the new index, finds
        # the older title match and ranks it first.
        found = search.search_articles(search.Query("观潮"))
        assert [a.title for a in found[0:1]] == ["观潮在标题里，较早"] and found.capped
    finally:
        migrate(None)
