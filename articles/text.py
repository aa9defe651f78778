"""Small text helpers for Chinese content."""

import math
import re

from django.utils.text import slugify
from pypinyin import Style, lazy_pinyin

from .chinese import IDEOGRAPHS


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


# --- Headlines as print breaks them ---------------------------------------------------------

# A space in a print headline is where its line breaks ("聚焦三大赛道 向都市高新产业园迈进攀升");
# U+3000 is print's own space.
_SPACES = re.compile(r"[ \u3000]+")
# Inside a spaced part, a line may also break after this punctuation ("杭州钱塘智慧城：" +
# "聚焦三大赛道"), never between the characters of a phrase.
_PHRASE_END = re.compile(r"(?<=[：:；;，,、！!？?])(?=.)")


def phrases(text):
    """A headline in the parts print sets apart with a space, each part in the phrases a line
    may break between: [["杭州钱塘智慧城：", "聚焦三大赛道"], ["向都市高新产业园迈进攀升"]]."""
    return [_PHRASE_END.split(part) for part in _SPACES.split(text.strip()) if part]


# --- Credits as print writes them -----------------------------------------------------------

_HAN = "\u3400-\u4dbf\u4e00-\u9fff"
# Print pads a two-character name to the width of a three-character one: "李 岚", "（摄影：李 明）".
# Two single characters standing alone between spaces or punctuation are one name; a final 摄
# after a name is the verb ("林 峰 摄" is 林峰 摄), never a name's second character.
_PADDED_NAME = re.compile(rf"(?<![{_HAN}])([{_HAN}]) ([{_HAN}])(?![{_HAN}])(?<!摄)")
# A credit that already says what the photo is: taken (摄), provided (供图, 提供), sent by an
# agency (发), or a source named with a colon (图片来源：…, 摄影：…).
_CREDIT_COMPLETE = re.compile(r"(?:摄|摄影|供图|提供|发|图)$|[：:]")


def unpadded(text):
    """Text with print's padding of two-character names undone: "记者 林 峰 摄" -> "记者 林峰 摄"."""
    return _PADDED_NAME.sub(r"\1\2", text) if text else text


def photo_credit(credit, role=""):
    """A photo's credit as print writes it, from the figure's credit and its photographer's role.

    A name gets its role and the verb: ("王强", "记者") -> "记者 王强 摄". A credit that already
    says how the photo came ("受访者供图", "新华社发", "图片来源：视觉中国", an imported
    "本报记者 许静 摄") is kept as written, without print's name padding.
    """
    credit = unpadded(" ".join(credit.split()))
    if not credit:
        return ""
    role = role.strip()
    if role and not credit.startswith(role):
        credit = f"{role} {credit}"
    if _CREDIT_COMPLETE.search(credit):
        return credit
    return f"{credit} 摄"


def person_name(user):
    """A staff account's name as the desk writes it: a Chinese name family name first and
    unspaced (李娜, not Django's "娜 李"), other names as Django gives them, else the login."""
    if user is None:
        return ""
    first, last = (user.first_name or "").strip(), (user.last_name or "").strip()
    if re.search(rf"[{IDEOGRAPHS}]", first + last):
        return last + first
    return user.get_full_name() or user.get_username()
