from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import Article, Author, Column, Section
from articles.text import ascii_slug

from .factories import make_article, make_author, make_column

pytestmark = pytest.mark.django_db


def test_chinese_names_get_ascii_pinyin_slugs():
    assert ascii_slug("杭州钱塘智慧城") == "hang-zhou-qian-tang-zhi-hui-cheng"
    assert make_author("李岚").slug == "li-lan"
    assert (
        make_column("打赢翻身仗 冲刺半年红").slug == "da-ying-fan-shen-zhang-chong-ci-ban-nian-hong"
    )
    assert make_article("钱塘A股上市2023").slug == "qian-tang-a-gu-shang-shi-2023"


def test_two_authors_with_the_same_name_get_different_slugs():
    assert make_author("王伟").slug == "wang-wei"
    assert make_author("王伟").slug == "wang-wei-2"


def test_a_column_and_an_author_of_the_same_name_each_get_a_slug_and_a_page(client):
    # Columns and authors share their naming and their page (models.NamedPage); a slug is
    # unique among columns, or among authors, not across both.
    column, author = make_column("王伟"), make_author("王伟")
    assert column.slug == author.slug == "wang-wei"
    assert column.get_absolute_url() != author.get_absolute_url()
    for named in (column, author):
        response = client.get(named.get_absolute_url())
        assert response.status_code == 200 and "王伟" in response.content.decode()
    make_author("李岚")
    assert [a.name for a in Author.objects.all()] == ["李岚", "王伟"]  # by name


def test_slugs_are_unique_in_the_database():
    make_column("经济", slug="jing-ji")
    with pytest.raises(IntegrityError), transaction.atomic():
        Column.objects.create(name="经济二", slug="jing-ji")
    make_author("甲", slug="a")
    with pytest.raises(IntegrityError), transaction.atomic():
        Author.objects.create(name="乙", slug="a")


def test_section_positions_are_unique_within_an_article_in_the_database():
    article = make_article(sections=[("", "导语。")])
    with pytest.raises(IntegrityError), transaction.atomic():
        Section.objects.create(article=article, position=1, heading="重复", body="正文。")
    # The same position in another article is fine.
    Section.objects.create(article=make_article(), position=2, body="正文。")


def test_a_published_article_needs_a_time_in_the_database_and_in_validation():
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.create(title="无时间", status=Article.Status.PUBLISHED)
    article = Article(title="无时间", status=Article.Status.PUBLISHED)
    with pytest.raises(ValidationError) as error:
        article.full_clean()
    assert "published_at" in error.value.message_dict


def test_published_is_the_boundary_between_draft_future_and_past():
    now = timezone.now()
    past = make_article("已发布", published_at=now - timedelta(seconds=1))
    make_article("定时", published_at=now + timedelta(minutes=5))
    make_article("草稿", published=False)
    make_article("草稿但有时间", published=False, published_at=now - timedelta(days=1))
    assert list(Article.objects.published()) == [past]


def test_paragraphs_are_split_on_blank_lines_and_keep_their_text():
    section = Section(body="第一段，有“引号”。\r\n\r\n  第二段 A股 0.615。\n\n\n第三段")
    assert section.paragraphs == ["第一段，有“引号”。", "第二段 A股 0.615。", "第三段"]


def test_authors_keep_their_byline_order():
    first, second = make_author("乙"), make_author("甲")
    article = make_article(authors=[first, second])
    assert [a.name for a in article.ordered_authors] == ["乙", "甲"]
