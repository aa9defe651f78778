"""Plain factory functions: data built in the test that needs it, not loaded from fixtures."""

import io
from datetime import timedelta
from itertools import count

from django.contrib.auth.models import Group, Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from articles.models import Article, ArticleAuthor, Author, Column, Correction, Figure, Section

_seq = count(1)


def make_column(name=None, **fields):
    return Column.objects.create(name=name or f"栏目{next(_seq)}", **fields)


def make_author(name=None, **fields):
    return Author.objects.create(name=name or f"作者{next(_seq)}", **fields)


def make_article(
    title=None,
    *,
    published=True,
    published_at=None,
    authors=(),
    sections=(("", "第一段。\n\n第二段。"),),
    **fields,
):
    """An article with sections given as (heading, body) pairs; published an hour ago by default."""
    if published and published_at is None:
        published_at = timezone.now() - timedelta(hours=1)
    article = Article.objects.create(
        title=title or f"测试文章{next(_seq)}",
        status=Article.Status.PUBLISHED if published else Article.Status.DRAFT,
        published_at=published_at,
        **fields,
    )
    for position, author in enumerate(authors, start=1):
        ArticleAuthor.objects.create(article=article, author=author, position=position)
    for position, (heading, body) in enumerate(sections, start=1):
        Section.objects.create(article=article, position=position, heading=heading, body=body)
    return article


def make_figure(article, *, caption="图片说明", image=True, section=None, **fields):
    position = fields.pop("position", article.figures.count() + 1)
    figure = Figure(article=article, section=section, position=position, caption=caption, **fields)
    if image:
        figure.image.save(f"figure-{next(_seq)}.jpg", jpeg_upload(), save=False)
    figure.save()
    return figure


def jpeg_bytes(width=1200, height=800, colour=(30, 90, 150), **save_options):
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, format="JPEG", quality=85, **save_options)
    return out.getvalue()


def jpeg_upload(name="photo.jpg", **kwargs):
    return SimpleUploadedFile(name, jpeg_bytes(**kwargs), content_type="image/jpeg")


def make_staff(username="editor", *, superuser=False, perms=("change_article",)):
    user = User.objects.create_user(username, password="pw-for-tests-only", is_staff=True)
    if superuser:
        user.is_superuser = True
        user.save()
    for codename in perms:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return user


def make_member(username, group):
    """A staff account in one of the desk's groups (记者 or 编辑), made by the migrations."""
    user = User.objects.create_user(username, password="pw-for-tests-only", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def make_reporter(username="reporter"):
    return make_member(username, "记者")


def make_editor(username="desk-editor"):
    return make_member(username, "编辑")


def make_correction(article, note="更正：原文中的数字有误，已改正。", corrected_at=None):
    return Correction.objects.create(
        article=article, note=note, corrected_at=corrected_at or timezone.now()
    )
