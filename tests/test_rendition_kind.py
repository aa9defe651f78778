"""Renditions carry their kind (webp, jpeg, social, crop) in a column, filled for old rows by
migration 0015 from the spec names they were stored under, and kept right by the pipeline."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from articles.models import Rendition

from .factories import make_article, make_figure

BEFORE = ("articles", "0014_rendition_kind")
FILLED = ("articles", "0015_fill_rendition_kind")

# Spec names as the photo pipeline stored them before there was a kind column.
OLD_SPECS = {
    "webp-480": "webp",
    "webp-1600": "webp",
    "jpeg-1200": "jpeg",
    "social-1200x630-50-50": "social",
    "crop-16x9-50-50": "crop",
    "crop-1x1-30-70": "crop",
}


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


@pytest.mark.django_db(transaction=True)
def test_the_data_migration_fills_each_kind_from_the_spec_and_empties_it_going_back():
    try:
        old = migrate(BEFORE)
        OldArticle = old.get_model("articles", "Article")
        OldFigure = old.get_model("articles", "Figure")
        OldRendition = old.get_model("articles", "Rendition")
        figure = OldFigure.objects.create(
            article=OldArticle.objects.create(title="迁移之前的文章"), position=1
        )
        for spec in OLD_SPECS:
            OldRendition.objects.create(
                figure=figure, spec=spec, file=f"renditions/1/{spec}.jpg", width=1, height=1, size=1
            )
        assert set(OldRendition.objects.values_list("kind", flat=True)) == {""}

        filled = migrate(FILLED).get_model("articles", "Rendition")
        assert dict(filled.objects.values_list("spec", "kind")) == OLD_SPECS

        emptied = migrate(BEFORE).get_model("articles", "Rendition")
        assert set(emptied.objects.values_list("kind", flat=True)) == {""}
        assert emptied.objects.count() == len(OLD_SPECS)  # nothing lost either way
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db
def test_every_rendition_the_pipeline_makes_is_stored_with_its_kind():
    figure = make_figure(make_article(), size=(1700, 1000))
    kinds = {}
    for rendition in figure.renditions.all():
        kinds.setdefault(rendition.kind, []).append(rendition.width)
    assert sorted(kinds["webp"]) == [480, 800, 1200, 1600]
    assert kinds["jpeg"] == [1200]
    assert kinds["social"] == [1200]
    assert len(kinds["crop"]) == 3  # 16:9, 4:3 and 1:1
    assert set(kinds) == set(Rendition.Kind)


@pytest.mark.django_db
def test_renditions_that_lost_their_kind_are_labelled_again_without_being_remade(
    client, django_capture_on_commit_callbacks
):
    # An archive written before the kind column loads its renditions with an empty kind; the
    # page then had no picture. `regenerate_renditions --missing` (run by `make serve`) puts
    # the kinds back and keeps every file.
    article = make_article()
    figure = make_figure(article, section=article.sections.first())
    files = dict(figure.renditions.values_list("spec", "file"))
    kinds = dict(figure.renditions.values_list("spec", "kind"))
    Rendition.objects.update(kind="")
    url = article.get_absolute_url()
    assert "<picture" not in client.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):  # the page cache sees the change
        call_command("regenerate_renditions", "--missing", stdout=io.StringIO())

    assert dict(figure.renditions.values_list("spec", "file")) == files
    assert dict(figure.renditions.values_list("spec", "kind")) == kinds
    page = client.get(url).content.decode()
    assert "<picture" in page and files["jpeg-1200"] in page
