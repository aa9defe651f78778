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


# XML 1.0 has no place for control characters other than tab and line ends; a text pasted from
# a PDF export may carry some (form feeds), and a feed holding one would not be XML at all.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text):
    """text without the characters XML 1.0 cannot hold."""
    return _XML_ILLEGAL.sub("", text) if text else text
