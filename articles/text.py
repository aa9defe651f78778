"""Small text helpers for Chinese content."""

import math
import re

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


# Chinese readers take in about 400 characters a minute; letters and digits count alike.
CHARACTERS_PER_MINUTE = 400
# Every character is \w or \W; counting the few \W (punctuation, spaces) is the cheaper way.
_NOT_COUNTED = re.compile(r"\W")


def reading_minutes(texts):
    """Whole minutes to read the texts, at least one."""
    characters = sum(len(text) - len(_NOT_COUNTED.findall(text)) for text in texts)
    return max(1, math.ceil(characters / CHARACTERS_PER_MINUTE))
