"""Small text helpers for Chinese content."""

from django.utils.text import slugify
from pypinyin import Style, lazy_pinyin


def ascii_slug(text, max_length=80):
    """An ASCII slug for Chinese text, through pinyin: 钱塘智慧城 -> qian-tang-zhi-hui-cheng.

    Django's slugify alone drops every Chinese character and returns an empty string.
    """
    words = lazy_pinyin(text, style=Style.NORMAL, errors="default")
    slug = slugify(" ".join(words))
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    return slug.strip("-")
