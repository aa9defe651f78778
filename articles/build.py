"""Create an article, with its sections and figures, from a plain data structure.

The structure is what the print-page reader produces: a dict with badge (list of str), kicker,
title, subtitle, authors (list of names), sections (list of {heading, paragraphs}), figures
(list of {caption, section, after_paragraph}) and photo_credit.
"""

from django.db import transaction

from .models import Article, ArticleAuthor, Author, Column, Figure, Section


@transaction.atomic
def create_article(
    data, *, column=None, status=Article.Status.DRAFT, published_at=None, external_id=None
):
    if column is None and data.get("badge"):
        column, _ = Column.objects.get_or_create(name=" ".join(data["badge"]))
    article = Article.objects.create(
        kicker=data.get("kicker", ""),
        title=data["title"],
        subtitle=data.get("subtitle", ""),
        column=column,
        photo_credit=data.get("photo_credit", ""),
        status=status,
        published_at=published_at,
        external_id=external_id,
    )
    for position, name in enumerate(data.get("authors", []), start=1):
        author = Author.objects.filter(name=name).order_by("id").first()
        if author is None:
            author = Author.objects.create(name=name)
        ArticleAuthor.objects.create(article=article, author=author, position=position)
    sections = [
        Section.objects.create(
            article=article,
            position=position,
            heading=section.get("heading") or "",
            body="\n\n".join(section["paragraphs"]),
        )
        for position, section in enumerate(data["sections"], start=1)
    ]
    figures = []
    for position, figure in enumerate(data.get("figures", []), start=1):
        index = figure.get("section")
        figures.append(
            Figure.objects.create(
                article=article,
                section=sections[index] if index is not None else None,
                after_paragraph=figure.get("after_paragraph"),
                position=position,
                caption=figure["caption"],
            )
        )
    return article, figures
