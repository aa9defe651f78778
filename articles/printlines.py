"""What each line of a print page is: a role, with the evidence for it.

``read_roles`` gives every non-blank line of a page one role (the codes of ``ROLES``) and a short
reason in Chinese, for editors. It works in three steps:

1. Page-level lines with unmistakable markers are set aside: the page header (paper, date,
   weekday, page number, page name), the editors' line, jump lines (（下转A06版）) and the page's
   photo credit (本版图片由…提供). They belong to no story.
2. Every other line gets a score per role, the sum of weighted features: its shape (length,
   punctuation, a leading dash, an indent), markers (问：, 图①, ■●◆, 文/摄, 本报讯, 新华社…电,
   …摄, 供图), and what stands around it (a byline or a dateline below a headline-like line, a
   cut paragraph on both sides of a caption, the end of the text). No single feature decides.
3. A sequence pass picks the best roles for the whole page at once (Viterbi over the lines): the
   score of a reading is the lines' role scores plus a score for each pair of neighbouring roles,
   so that a headline comes after a badge or kicker and before a byline or the text, a credit
   after a caption, a badge never straight before the text, and so on. The pass runs twice: the
   second time each line also knows the roles the first pass gave its neighbours (is the text
   paragraph above it cut, and does the text go on below it?).

The margin between the best reading and the best reading with a line in another role says how
sure the reader is of that line; close calls become warnings for the editor.

No Django in here: the whole reader is pure Python (``articles.printpage`` builds the stories).
"""

import datetime
import re
import unicodedata
from operator import add

from .chinese import IDEOGRAPHS

# Role code -> the label editors see. The order is the order of the preview's role menu.
ROLES = {
    "furniture": "版面信息",
    "badge": "栏目标识",
    "kicker": "引题",
    "title": "主题",
    "subtitle": "副题",
    "byline": "署名",
    "body": "正文",
    "heading": "小标题",
    "caption": "图片说明",
    "credit": "图片来源",
    "jump": "转版提示",
    "editor": "责任编辑",
    "other": "其他",
}
# Roles of lines that belong to the page, not to a story (a credit may be either).
PAGE_ROLES = ("furniture", "editor", "jump", "other")
HEADER_ROLES = ("badge", "kicker", "title")
# The roles the sequence pass chooses among.
_CHAIN = (
    "badge",
    "kicker",
    "title",
    "subtitle",
    "byline",
    "body",
    "heading",
    "caption",
    "credit",
    "other",
)

_CJK = IDEOGRAPHS
WHITESPACE = " \t\u3000\u00a0\r\n"

# ---------------------------------------------------------------------------------------------
# Punctuation

# A paragraph ends with one of these; a line ending otherwise was cut at a print column end.
_END = set("。！？!?…—：:；;")
# Closing quotes and brackets end a paragraph only after an ending mark: "…项目。”" ends,
# "…打造“直播电商第一城”" was cut mid-sentence.
_CLOSERS = set("”’」』）)》〉】\"'")
_BRACKETS = {
    "（": "）",
    "(": ")",
    "“": "”",
    "「": "」",
    "『": "』",
    "《": "》",
    "【": "】",
    "〈": "〉",
}
_STOP = re.compile(r"[。！？!?]")
_SENTENCE = re.compile(r"[，。；,;]")
_DASHES = ("——", "—", "--", "－－")
_BULLETS = "■●◆▲★☆□○◇◎►▶•"


def open_brackets(text):
    """How many brackets and quotes of text are opened and not closed (never negative)."""
    depth = 0
    for opener, closer in _BRACKETS.items():
        depth += max(0, text.count(opener) - text.count(closer))
    return depth


def ends_paragraph(text, open_count=None):
    """Whether text can be the end of a paragraph: it ends with a sentence-ending mark (before
    any closing quotes), it is not a number, address or word cut at a dot, and no bracket or
    quote is left open. open_count: the brackets left open in the whole paragraph when text is
    only its end (a long paragraph is not counted again for every line joined to it)."""
    text = text.rstrip(WHITESPACE)
    if not text:
        return True
    if open_brackets(text) if open_count is None else open_count:
        return False
    last = text[-1]
    if last in "）)":
        # "…。（作者系浙江大学教授）", "…。（完）": a note in brackets after the last sentence.
        start = text.rfind("（" if last == "）" else "(")
        if start > 0 and text[start - 1] in _END:
            return True
        if start == 0:
            # "（本文由本报驻京记者站供稿）": a whole line of note.
            return True
    while last in _CLOSERS and len(text) > 1:
        text = text[:-1]
        last = text[-1]
        if last in _END:
            return True
        if last not in _CLOSERS:
            return False
    if last == ".":
        # "达到了92." + "4%", "www.yuzhi-ai." + "cn": a decimal point or a dot of an address.
        return not (
            len(text) > 1 and (text[-2].isascii() and (text[-2].isalnum() or text[-2] in "-_"))
        )
    return last in _END


def cut_mid_clause(text, open_count=None):
    """A line that visibly stops mid-sentence: after a comma, an open bracket, a number or
    address cut at a dot, or a Latin word. open_count as for ends_paragraph."""
    text = text.rstrip(WHITESPACE)
    if not text:
        return False
    last = text[-1]
    if open_count is None:
        open_count = open_brackets(text)
    comma = max(text.rfind("，"), text.rfind(","))
    return (
        last in "，、,"
        or bool(open_count)
        or (last == "." and not ends_paragraph(text, open_count))
        or (last.isascii() and last.isalnum())
        # "…现有10余" / "家直播电商…": a number cut before its measure word.
        or bool(re.search(r"\d[余多万亿千百]?$", text[-3:]))
        # "…一声钟响，浙" / "江双元科技…": a clause of a character or two after a comma.
        or (comma >= 0 and len(text) - comma - 1 <= 2 and last not in _END)
    )


def bracket_balance(text):
    """{opener: opened minus closed} for text; added up over a paragraph's lines, the brackets
    the paragraph leaves open (open_count) without reading it all again."""
    return {opener: text.count(opener) - text.count(closer) for opener, closer in _BRACKETS.items()}


# ---------------------------------------------------------------------------------------------
# Page-level lines

_DATE = re.compile(
    r"(?P<y>(?:19|20)\d\d)\s*(?:年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"
    r"|[.\-/](?P<m2>\d{1,2})[.\-/](?P<d2>\d{1,2})(?!\d))"
)
_WEEKDAY = re.compile(r"^(?:星期|礼拜|周)[一二三四五六日天]$")
_PAGE_NO = re.compile(
    r"^(?:(?P<p>[A-Z]\d{1,2})|第\s*(?:(?P<r>[A-Z]\d{1,2})|(?P<q>\d{1,3}|[一二三四五六七八九十]{1,3}))"
    r"\s*版)(?:版)?$"
)
_NUMERALS = dict(zip("一二三四五六七八九", range(1, 10), strict=True))


def chinese_number(text):
    """1 to 99 written in Chinese numerals (五, 十二, 二十, 二十三) as digits; text unchanged
    when it is digits already."""
    if text.isdigit():
        return str(int(text))
    tens, _, units = text.rpartition("十")
    if "十" not in text:
        return str(_NUMERALS.get(text, 0)) if len(text) == 1 else text
    value = (_NUMERALS.get(tens, 0) if tens else 1) * 10 + (_NUMERALS.get(units, 0) if units else 0)
    return str(value)


_PAPER = re.compile(rf"^[{_CJK}]{{1,8}}报$")
_HEADER_SPLIT = re.compile(r"[\s|｜│¦┃·•・/:：]+")


# Dates as some papers print them: 二〇二六年十一月二十七日; and 农历十月初八 beside the date.
_CHINESE_DATE = re.compile(
    r"(?P<y>[〇零一二三四五六七八九]{4})年(?P<m>[一二三四五六七八九十]{1,3})月"
    r"(?P<d>[一二三四五六七八九十]{1,3})日"
)
_CHINESE_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
_LUNAR = re.compile(rf"^农历[{_CJK}]{{2,8}}$")
_MONTH_DAY = re.compile(r"^\d{1,2}月\d{1,2}日$")
_WEEKDAYS = "一二三四五六日"


def print_header(text):
    """{"paper", "date", "page", "page_name"} read from a page header line such as
    "钱塘日报 2026年6月2日 星期二 A05 要闻", or None if the line is not one. Full-width digits
    and letters (２０２６年, Ａ０５) read as their ASCII forms; 第五版 as page 5; 二〇二六年十一月
    二十七日 as a date; words need no spaces between them (钱塘日报2026年11月27日星期五A03要闻).
    A date that does not exist (2月30日) is left out and reported as "bad_date", a weekday
    that is not the date's as "bad_weekday", for the editor to be told."""
    text = unicodedata.normalize("NFKC", text).strip(WHITESPACE)
    if not text or len(text) > 60 or re.search(r"[，。；！？]", text):
        return None
    found, names, kinds = {}, [], set()
    rest = text
    dates = [
        (match.group(0), match.group("y"), match.group("m") or match.group("m2"),
         match.group("d") or match.group("d2"))
        for match in _DATE.finditer(text)
    ] + [
        (match.group(0), match.group("y").translate(_CHINESE_DIGITS),
         chinese_number(match.group("m")), chinese_number(match.group("d")))
        for match in _CHINESE_DATE.finditer(text)
    ]  # fmt: skip
    for printed, year, month, day in dates:
        if not (
            month.isdigit() and day.isdigit() and 1 <= int(month) <= 12 and 1 <= int(day) <= 31
        ):
            continue
        kinds.add("date")
        rest = rest.replace(printed, " ")
        try:
            date = datetime.date(int(year), int(month), int(day))
        except ValueError:
            found.setdefault("bad_date", printed)
            continue
        found.setdefault("date", date.isoformat())
    # Words run together: a space around the weekday and the page number.
    rest = re.sub(
        r"(星期[一二三四五六日天]|第\s*[A-Z]?\d{1,3}\s*版|(?<![A-Za-z])[A-Z]\d{1,2}(?!\d))",
        r" \1 ",
        rest,
    )
    weekday = None
    for token in _HEADER_SPLIT.split(rest):
        if not token:
            continue
        if _WEEKDAY.match(token):
            kinds.add("weekday")
            weekday = token[-1]
        elif page := _PAGE_NO.match(token):
            found.setdefault(
                "page", page.group("p") or page.group("r") or chinese_number(page.group("q"))
            )
            kinds.add("page")
        elif _LUNAR.match(token) or _MONTH_DAY.match(token):
            kinds.add("date")
        elif _PAPER.match(token) and len(token) >= 3:
            found.setdefault("paper", token)
            kinds.add("paper")
        elif re.fullmatch(rf"[{_CJK}]{{2,6}}", token):
            names.append(token)
        else:
            return None
    # A header names the day or the page, and something else besides; one name at most is left
    # (the page's name: 要闻, 文化).
    alone = len(_HEADER_SPLIT.split(text)) == 1
    # "A03 要闻" names the page too.
    if not kinds & {"date", "page"} or (len(kinds) < 2 and not alone and kinds != {"page"}):
        return None
    if len(names) > 2:
        return None
    if names:
        # "要闻·城事": a page name of two parts.
        found["page_name"] = "·".join(names)
    if weekday and "date" in found:
        date = datetime.date.fromisoformat(found["date"])
        if weekday in _WEEKDAYS and _WEEKDAYS.index(weekday) != date.weekday() and weekday != "天":
            found["bad_weekday"] = f"星期{weekday}"
        elif weekday == "天" and date.weekday() != 6:
            found["bad_weekday"] = "星期天"
    return found


def header_fragment(text):
    """{"paper", "page_name"} for a line holding only a paper's name and perhaps the page's
    name ("钱塘日报", "钱塘日报·城事", "要闻"), the rest of a header printed on two lines; None
    otherwise."""
    text = unicodedata.normalize("NFKC", text).strip(WHITESPACE)
    if not text or len(text) > 14 or re.search(r"[，。；！？：:]", text):
        return None
    found, names = {}, []
    for token in _HEADER_SPLIT.split(text):
        if not token:
            continue
        if _PAPER.match(token) and 3 <= len(token) <= 8 and "paper" not in found:
            found["paper"] = token
        elif _WEEKDAY.match(token):
            continue
        elif re.fullmatch(rf"[{_CJK}]{{2,4}}", token):
            names.append(token)
        else:
            return None
    if len(names) > 1 or (not found and not names):
        return None
    if names:
        found["page_name"] = names[0]
    return found


_SPACED_JOB = re.compile(
    r"责[\s\u3000]*任[\s\u3000]*编[\s\u3000]*辑|美[\s\u3000]*术[\s\u3000]*编[\s\u3000]*辑"
    r"|校[\s\u3000]*对|责[\s\u3000]*编|美[\s\u3000]*编|版[\s\u3000]*式|编[\s\u3000]*辑"
)
_EDITOR_LINE = re.compile(
    r"^(?:本版)?(?:责任编辑|责编|美术编辑|美编|校对|版式设计|版面设计|版式|编辑)\s*[:：\s]"
)
# The jobs an editors' line names, each followed by its people: with or without a colon
# ("责任编辑：李 岚 美术编辑：周涛", "责任编辑 方晓 美术编辑 黄丹 校对 许然").
_PAGE_JOBS = (
    r"(?:本版)?(?:责任编辑|责编|本版编辑|值班编辑|美术编辑|美编|校对|版式设计|版面设计|版式|"
    r"制图|排版|组版|审读|编辑)"
)
_NEXT_JOB = rf"(?=\s*{_PAGE_JOBS}\s*[:：\s]|[{_CJK}]{{1,4}}\s*[:：]|[|｜│]|$)"
_EDITORS = re.compile(rf"(?:责任编辑|责编|本版编辑)\s*[:：]?\s*(?P<names>.*?)\s*{_NEXT_JOB}")
# A page with no 责任编辑 may name its editor plainly: "编辑：王敏 校对：李华".
_PLAIN_EDITOR = re.compile(rf"^编辑\s*[:：]?\s*(?P<names>.*?)\s*{_NEXT_JOB}")


def editor_names(text):
    """The 责任编辑 names of an editors' line ("责任编辑：李 岚 美术编辑：…" gives ["李岚"]), or
    None if the line is not one. A job's name may be spaced out (校　　对)."""
    text = _SPACED_JOB.sub(lambda m: re.sub(r"[\s\u3000]+", "", m.group(0)), text.strip(WHITESPACE))
    if not _EDITOR_LINE.match(text) or _STOP.search(text) or len(text) > 80:
        return None
    match = _EDITORS.search(text) or _PLAIN_EDITOR.search(text)
    if not match:
        return []
    tokens = [t for t in re.split(r"[\s、，,/／]+", match.group("names")) if t]
    return _pair_single_characters(tokens)[0]


_JUMP = re.compile(
    r"^[（(【\[]?\s*(?:下转|上接|转自|接上|紧接|续上|转|接|续)\s*(?:第\s*)?"
    r"(?:[A-Z]?\d{1,3}|[一二三四五六七八九十]{1,3})\s*[版页]?\s*[）)】\]]?$"
)


def is_jump(text):
    return bool(_JUMP.match(unicodedata.normalize("NFKC", text).strip(WHITESPACE)))


# Credits. A page credit names where all the page's photos come from; a figure's credit stands in
# brackets after its caption or on the line below it.
_PAGE_CREDIT = re.compile(
    r"^[（(]?\s*(?:本版|本文|本组|本期|本页)[^，。；]{0,40}?(?:图片|照片|摄影|图|摄)"
)
_CREDIT_LINE = re.compile(
    r"^[（(]\s*(?P<a>[^（）()]*(?:图片|照片|摄影|供图|图).*?)\s*[）)]$"
    r"|^(?P<b>(?:本版|本文)?(?:摄影|图片来源|图片提供|图片|照片|供图|图)\s*[:：／/]\s*\S.*)$"
)
_CREDIT_WORDS = re.compile(r"本版|图片由|照片由|摄影|图片来源|供图|^图\s*[:：／/]|提供|拍摄")
_PHOTO_CREDIT = re.compile(
    rf"^[（(]\s*(?P<a>[^（）()，。；]{{0,40}}?(?:摄|摄影|供图|提供|拍摄|资料图片|资料图|发))\s*[）)]$"
    rf"|^(?P<b>[{_CJK}]{{0,6}}(?:记者|通讯员|摄影师|摄影)\s*[{_CJK}·]{{1,4}}(?:\s+[{_CJK}·]{{1,4}})*\s*[/／]?\s*摄)$"
    rf"|^(?P<c>[{_CJK}·]{{1,4}}(?:\s+[{_CJK}·]{{1,3}})?\s+摄)$"
    rf"|^(?P<d>[{_CJK}]{{2,12}}供图|(?:新华社|中新社)发(?:\s*[（(][^（）()]{{2,20}}[）)])?"
    r"|资料图片|资料图)$"
)
_INLINE_CREDIT = re.compile(
    r"^(?P<caption>.+?)\s*[（(]\s*(?P<credit>[^（）()，。]{0,40}?"
    r"(?:摄|摄影|供图|提供|拍摄|发|资料图片|资料图))\s*[）)]$"
)


def page_credit(text):
    """The page's photo credit in a line, without brackets ("本版图片由…提供"); None otherwise."""
    text = text.strip(WHITESPACE)
    if _PAGE_CREDIT.match(text) and not _SENTENCE.search(text.rstrip("。")) and len(text) <= 60:
        return _unbracket(text)
    return None


# "本报记者 孙逸 文/摄": the words and the pictures by one hand — a byline, not a photo's credit.
_WORDS_AND_PICTURES = re.compile(r"文\s*[/／]\s*[摄图]|文\s+图$|图文\s*[/／]")


_SOURCE_CREDIT = re.compile(r"^[（(]?\s*(?:摄影|图片来源|图片提供|供图)\s*[:：]")


# "图①② 记者 王强 摄", "（图③ 通讯员 何朵 摄）": a credit pointing at numbered photos.
_GROUP_POINTER = re.compile(r"^[（(]?\s*图\s*(?P<marks>[\u2460-\u2473]+)\s*[:：]?\s*")


def group_credit(text):
    """(the photo numbers, the credit) of a credit line that points at numbered photos
    ("图①② 记者 王强 摄" gives ("①②", "记者 王强 摄")); None for any other line."""
    text = text.strip(WHITESPACE)
    match = _GROUP_POINTER.match(text)
    if not match:
        return None
    rest = text[match.end() :]
    if text[:1] in "（(" and rest[-1:] in "）)":
        rest = rest[:-1]
    rest = rest.strip(WHITESPACE)
    if not rest or not credit_line(rest):
        return None
    return match.group("marks"), rest


def credit_line(text):
    """The credit in a line that is only a credit: a photographer (（记者 王小明 摄）), a source
    (受访者供图, 图片来源：…, 摄影：…), photos pointed at (图①② 记者 王强 摄); None for any
    other line."""
    text = text.strip(WHITESPACE)
    if _GROUP_POINTER.match(text) and (found := group_credit(text)):
        return found[1]
    if re.match(r"^图\s*[/／]", text) and (byline := parse_byline(text)) and byline.strong:
        # "图/ 郑 凯" under "文/ 孔 岚": the pictures' author in the byline.
        return None
    if len(text) > 60 or _WORDS_AND_PICTURES.search(text):
        return None
    if found := page_credit(text):
        return found
    match = _PHOTO_CREDIT.match(text)
    if match:
        return next(g for g in match.groups() if g).strip(WHITESPACE)
    match = _CREDIT_LINE.match(text)
    if match:
        inner = (match.group("a") or match.group("b")).strip(WHITESPACE)
        # A credit names a source and nothing else; a bracketed sentence is text.
        if _CREDIT_WORDS.search(inner) and not _SENTENCE.search(inner.rstrip("。")):
            return inner
    return None


# "市民在滨江公园骑行。本报记者 林 峰 摄": a photographer after the caption's full stop, with no
# brackets.
_TRAILING_CREDIT = re.compile(
    rf"^(?P<caption>.+?[。！])\s*(?P<credit>(?:[{_CJK}]{{0,8}}(?:记者|通讯员|摄影师|摄影))?\s*"
    rf"[{_CJK}·]{{1,4}}(?:\s+[{_CJK}·]{{1,4}}){{0,3}}\s*摄)$"
    # "庭审现场　通讯员 林法轩 摄": a photographer with a role after a wide space.
    rf"|^(?P<caption2>.+?)(?:\u3000|\s{{2,}})(?P<credit2>[{_CJK}]{{0,8}}(?:记者|通讯员|摄影师|摄影)\s*"
    rf"[{_CJK}·]{{1,4}}(?:\s+[{_CJK}·]{{1,4}}){{0,3}}\s*摄)$"
    # "选手们在滩涂上比赛受访者供图": the usual source words stuck to the caption.
    r"|^(?P<caption3>.+?)\s*(?P<credit3>受访者供图|资料图片|新华社发)$"
)


def split_caption_credit(text):
    """A caption and the credit printed at its end: "鸭鸭直播电商（张三 摄）", "市民在公园骑行。
    本报记者 林 峰 摄"."""
    match = _INLINE_CREDIT.match(text)
    if match:
        caption, credit = match.group("caption"), match.group("credit")
    elif match := _TRAILING_CREDIT.match(text):
        found = [g for g in match.groups() if g is not None]
        caption, credit = found[0], found[1]
        if caption.strip(WHITESPACE) == "" or credit_line(text):
            return text, ""
    else:
        return text, ""
    if not _credit_names_someone(credit):
        return text, ""
    return caption.strip(WHITESPACE), credit.strip(WHITESPACE)


def _credit_names_someone(credit):
    # "（张三 摄）", "（受访者供图）", "（新华社发）" — but not "（拍摄）" or a bracketed clause.
    return len(credit.replace(" ", "")) >= 3


def _unbracket(text):
    text = text.strip(WHITESPACE)
    if text[:1] in "（(" and text[-1:] in "）)":
        return text[1:-1].strip(WHITESPACE)
    return text


# ---------------------------------------------------------------------------------------------
# Bylines and datelines

# Roles printed before names. A role is a trade (记者, 通讯员, 评论员, 实习生, 摄影, 撰稿) with
# what print puts before it: the paper or agency (本报, 新华社), a posting (驻京, 驻浙江), a rank
# or kind (首席, 特约, 见习, 融媒体): 本报驻京记者, 融媒体记者, 新华社特约记者, 本报评论员.
BYLINE_ROLE = re.compile(
    rf"^(?:本报|新华社|中新社|人民日报|本刊)?(?:驻[{_CJK}]{{1,4}}?)?"
    r"(?:首席|特约|见习|实习|融媒体?|全媒体|视觉|摄影|资深|主任)?"
    r"(?:摄影记者|记者|评论员|通讯员|实习生|撰稿人?|摄影师|摄影)"
)
# The compound surnames print pads like two-character names (司马 南, 欧阳 晓).
_COMPOUND_SURNAMES = {
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文",
    "司徒", "令狐", "夏侯", "端木", "独孤", "南宫", "西门", "呼延", "澹台", "申屠", "太史",
}  # fmt: skip
# Marks of who did what: "文/张三 图/李四", "本报记者 孙逸 文/摄", "曹颖 蒋欣 文 图".
_LEAD_MARK = re.compile(r"(?:^|(?<=\s))(?P<mark>文|图|摄影|摄|图文)\s*[/／|｜:：]\s*")
_TRAIL_MARKS = {
    "摄",
    "摄影报道",
    "文",
    "图",
    "摄影",
    "报道",
    "整理",
    "文图",
    "图文",
    "文/图",
    "文/摄",
    "文／摄",
}
_NAME = re.compile(rf"^[{_CJK}·•]{{1,4}}$|^[{_CJK}]{{1,6}}·[{_CJK}·]{{1,10}}$")


class Byline:
    """A parsed byline: ``names`` as [(name, role)], ``strong`` when roles, marks or a bullet
    say it is one (bare names could be something else), ``padded`` when print padded a
    two-character name ("李 岚"), and warnings for staff."""

    def __init__(self, names, strong, padded, warnings):
        self.names, self.strong, self.padded, self.warnings = names, strong, padded, warnings


def parse_byline(text):
    """A Byline from a line of names, or None if the line is not one."""
    line = text.strip(WHITESPACE)
    strong = bullet = False
    if line[:1] in _BULLETS:
        line, bullet = line.lstrip(_BULLETS + WHITESPACE), True
    if bullet:
        # "■通讯员 王 珺 陈 堃 ■本报记者 吴 喆": each group of names under its own bullet.
        line = re.sub(f"[{_BULLETS}]", " ", line)
    if line[:1] in "（(" and line[-1:] in "）)":
        # "（记者 王小明 通讯员 李华）" under a headline.
        line = line[1:-1].strip(WHITESPACE)
    if (
        not line
        or len(line) > 60
        or _SENTENCE.search(line.replace("、", " "))
        or _STOP.search(line)
    ):
        return None
    tokens = []
    for part in _split_marks(line):
        if isinstance(part, tuple):
            tokens.append(part)
            strong = True
        else:
            tokens.extend(t for t in re.split(r"[\s、/／|｜]+", part) if t)
    while tokens and isinstance(tokens[-1], str) and tokens[-1] in _TRAIL_MARKS and len(tokens) > 1:
        tokens.pop()
        strong = True
    role = ""
    names = []  # [(token, role)] before padded names are paired
    for token in tokens:
        if isinstance(token, tuple):
            # 文/ resets the role; 图/ and 摄影/ mean the pictures' author.
            role = "摄影" if token[1] in ("图", "摄影", "摄") else ""
            continue
        found = BYLINE_ROLE.match(token)
        if found:
            role, token, strong = found.group(0), token[found.end() :], True
        if not token:
            continue
        if token in _TRAIL_MARKS:
            strong = True
            continue
        if not _NAME.match(token) or _LABEL_WORDS.fullmatch(token):
            # Not a name: "记者手记" is a box's label.
            return None
        names.append((token, role))
    if not names:
        if role:
            # "本报评论员": a role with no name.
            return Byline([("", role)], True, False, [])
        return None
    paired, padded, warnings = [], False, []
    i = 0
    while i < len(names):
        token, token_role = names[i]
        if (
            token in _COMPOUND_SURNAMES
            and i + 1 < len(names)
            and len(names[i + 1][0]) == 1
            and names[i + 1][1] == token_role
        ):
            # "司马 南": a compound surname and a one-character name, padded like two.
            paired.append((token + names[i + 1][0], token_role))
            padded = True
            i += 2
            continue
        if len(token) == 1:
            following = [name for name, role in names[i + 1 : i + 3] if role == token_role]
            if (
                len(following) == 2
                and token + following[0] in _COMPOUND_SURNAMES
                and all(len(name) == 1 for name in following)
            ):
                # "司 马 南": a compound surname and its name, every character spaced.
                paired.append((token + "".join(following), token_role))
                padded = True
                i += 3
                continue
            if i + 1 < len(names) and len(names[i + 1][0]) == 1 and names[i + 1][1] == token_role:
                paired.append((token + names[i + 1][0], token_role))
                padded = True
                i += 2
                continue
            if not strong:
                return None
            warnings.append(
                f"署名“{text.strip()}”中的“{token}”是单独一个字，已当作一个名字，请核对。"
            )
        paired.append((token, token_role))
        i += 1
    # Names of four characters are rare (欧阳明月) but two-part headlines are not (夏季采茶 谨防
    # 中暑): with no role or mark to say so, such a line is not a byline.
    if not strong and _LABEL_WORDS.search(line):
        # "小贴士", "对话": a box's or column's label, not a name.
        return None
    if not strong and any(
        len(name) >= 4 and "·" not in name and name[:2] not in _COMPOUND_SURNAMES
        for name, _ in paired
    ):
        return None
    # A bullet marks a byline (◆王 沁) but also a sub-heading or a box's label (■相关链接):
    # with no role, it counts only before names of the usual length.
    if bullet and not strong:
        strong = padded or all(2 <= len(name) <= 3 for name, _ in paired)
    return Byline(paired, strong, padded, warnings)


def _split_marks(line):
    """The line in pieces: text, and ("mark", 文/图/摄影) for each leading mark."""
    pieces, at = [], 0
    for match in _LEAD_MARK.finditer(line):
        pieces.append(line[at : match.start()])
        pieces.append(("mark", match.group("mark")))
        at = match.end()
    pieces.append(line[at:])
    return [p for p in pieces if p]


def _pair_single_characters(tokens):
    """Names with print's padding undone: ["李", "岚", "王敏"] -> ["李岚", "王敏"]."""
    names, padded = [], False
    i = 0
    while i < len(tokens):
        if len(tokens[i]) == 1 and i + 1 < len(tokens) and len(tokens[i + 1]) == 1:
            names.append(tokens[i] + tokens[i + 1])
            padded = True
            i += 2
        else:
            names.append(tokens[i])
            i += 1
    return names, padded


_DATELINE = re.compile(
    rf"^[{_BULLETS}]?\s*(?P<head>本报讯|(?:本报|新华社|中新社|人民日报|央视新闻|光明日报)"
    rf"[{_CJK}]{{0,10}}?(?:\d{{1,2}}月\d{{1,2}}日)?电|据新华社[{_CJK}]{{0,10}}?电)"
    r"\s*(?:[（(](?P<who>[^（）()]{1,60})[）)])?"
)


def dateline(text):
    """(head, Byline or None) for a paragraph opening with a dateline, 本报讯（记者 王小明）… or
    新华社杭州6月2日电（记者 …）…; None for any other text."""
    match = _DATELINE.match(text.strip(WHITESPACE))
    if not match:
        return None
    who = match.group("who")
    return match.group("head"), (parse_byline(who) if who else None)


# 问：/答：/记者：/沈立群： at the head of a sentence: an interview's turn, always text.
_INTERVIEW = re.compile(rf"^[{_BULLETS}]?\s*(?:问|答|[{_CJK}]{{1,4}})\s*[:：]\s*\S")
_FIGURE_MARK = re.compile(
    r"^(?:图\s*[①-⑳\d一二三四五六七八九十]|[上下左右中]图|图为|组图|[▲△]\s*\S)"
)
_LABEL_WORDS = re.compile(
    "简讯|快讯|速递|链接|贴士|提示|社论|评论|时评|短评|快评|观察|访谈|专访|对话|手记|延伸阅读|背景|声音|相关新闻|"
    "数读|调查|关注|聚焦|特稿|深读|视点|热点|动态|资讯|新闻眼|一线"
)
_CAPTION_SCENE = re.compile(r"^.{1,12}?(?:在|正在)")
# Who stands where in a photo: "茅威涛（右）", "左起", "前排左二".
_POSITION = re.compile(
    r"[（(](?:[左右中前后上下]|前排|后排)[一二三四五六七八九]?[）)]|左起|右起|从左至右|从右至左"
)
_CAPTION_DATE = re.compile(r"^\d{1,2}月\d{1,2}日(?:晚|上午|下午|清晨|凌晨|中午|傍晚)?，")


def interview_turn(text):
    # A sentence after the colon: "杭州：春雨来了" is a headline, "问：…怎么看？" a question.
    return bool(_INTERVIEW.match(text)) and bool(_STOP.search(text))


# ---------------------------------------------------------------------------------------------
# Lines and their shapes


class Line:
    """One non-blank line of the page: where it stands and what it looks like."""

    def __init__(self, n, raw, block, indented):
        self.n = n  # 1-based number in the normalized text
        self.raw = raw
        self.text = raw.strip(WHITESPACE)
        self.block = block  # lines with no blank line between them share a block
        self.indented = indented
        self.after_jump = False  # a jump line (上接第1版) right below it
        self.below_jump = False  # a jump line (（上接A01版）) right above it
        self.badge_block = False  # one of a block of stacked short words (打赢 / 翻身仗)
        t = self.text
        self.length = len(t)
        self.stop = bool(_STOP.search(t))
        self.full_stop = "。" in t
        self.punct = bool(_SENTENCE.search(t))
        self.closed = ends_paragraph(t)
        self.cut = cut_mid_clause(t)
        self.dash = t.startswith(_DASHES) and len(t.lstrip("—-－")) > 0
        self.header = print_header(t)
        self.editors = editor_names(t)
        self.jump = is_jump(t)
        self.page_credit = page_credit(t)
        self.credit = credit_line(t)
        self.caption_credit = split_caption_credit(t)[1]
        self.byline = parse_byline(t)
        self.dateline = dateline(t)
        self.interview = interview_turn(t)
        self.figure_mark = bool(_FIGURE_MARK.match(t)) and not group_credit(t)
        self.label_word = bool(_LABEL_WORDS.search(t))
        self.scene = (
            bool(_CAPTION_SCENE.match(t) or re.search(r"[，,][^，,]{1,8}?正在", t))
            and not self.stop
        )
        self.dated = bool(_CAPTION_DATE.match(t))
        # One sentence describing a picture, ended with a full stop as some papers print
        # captions: "茅威涛（右）在排练厅指导青年演员。", "市民在奥体中心网球场打球。".
        self.picture_sentence = (
            t.endswith("。")
            and len(_STOP.findall(t)) == 1
            and self.length <= 60
            and (bool(_POSITION.search(t)) or bool(_CAPTION_SCENE.match(t)) or self.dated)
        )
        self.question = t.endswith(("？", "?"))
        parts = t.split()
        self.two_part = len(parts) == 2 and all(len(p) >= 2 for p in parts)
        self.letters = bool(re.search(rf"[{_CJK}A-Za-z0-9]", t))
        # Reads like running text rather than a label: a sentence, or a long line.
        self.textual = self.stop or self.length > 45 or bool(self.dateline) or self.interview


def page_lines(text):
    """The non-blank lines of normalized text, each with its block and indent."""
    lines, block, blank = [], 0, False
    for n, raw in enumerate(text.split("\n"), start=1):
        if not raw.strip(WHITESPACE):
            blank = True
            continue
        if blank and lines:
            block += 1
        blank = False
        indented = raw[:1] in WHITESPACE
        lines.append(Line(n, raw, block, indented))
    return lines


# ---------------------------------------------------------------------------------------------
# Scores


class Evidence:
    """A score per role for one line, and the reasons that raised each."""

    def __init__(self):
        self.score = dict.fromkeys(_CHAIN, 0.0)
        self.reasons = {role: [] for role in _CHAIN}

    def add(self, role, weight, why=""):
        self.score[role] += weight
        if why and weight > 0:
            self.reasons[role].append((weight, why))

    def why(self, role, most=2):
        reasons = sorted(self.reasons.get(role, []), key=lambda r: -r[0])
        return "；".join(why for _, why in reasons[:most])


def set_aside(line):
    """(role, why, extra) for a page-level line, or None. extra: the header's print fields, the
    editors' names or the page credit."""
    if line.header is not None:
        return "furniture", "报头：报名、日期、版次", line.header
    if line.editors is not None:
        return "editor", "责任编辑、美术编辑、校对行", line.editors
    if line.jump:
        return "jump", "转版提示（上接/下转）", None
    if line.page_credit is not None:
        return "credit", "本版图片来源", line.page_credit
    if not line.letters and not re.search(r"[。，、；：！？%％）)”’》」』…]", line.text):
        # Stars, rules, bullets alone; "%。" is the end of a sentence print cut ("16." / "%。").
        return "other", "只有符号，没有文字", None
    return None


def _caption_shape(line):
    return not line.stop and line.length <= 90 and not line.textual and not line.byline


def _headline_shape(line):
    return (
        line.length <= 40
        and not line.full_stop
        and not line.dateline
        and not line.interview
        and not (line.byline and line.byline.strong)
        and not line.credit
    )


# "梅山港区的自动化码头", "改造前的纺织厂房": what a photo shows, named.
_THING_SHOWN = re.compile(rf"的[{_CJK}]{{2,7}}$")
# "“村BA”揭幕战现场，观众把球场围得水泄不通": a picture's place named, then what happens.
_PHOTO_CLAUSE = re.compile(r"^[^，。；]{2,20}(?:全景|现场|一角|远眺|俯瞰|夜景|场景|外景|内景)[，,]")
_PHOTO_NOUN = re.compile(
    r"(?:全景|现场|一角|远眺|俯瞰|航拍图?|合影|留影|效果图|示意图|资料图|夜景|场景|掠影|外景|内景)$"
)


class _Page:
    """What scoring a line may look up about the page: the chain of lines the sequence pass
    reads, how the page marks paragraphs and print elements, and facts worked out once for all
    lines (so that reading a page takes time in proportion to its length)."""

    def __init__(self, chain, uses_indents, uses_blanks, photos, page_wide, narrow=False):
        self.chain, self.uses_indents, self.uses_blanks = chain, uses_indents, uses_blanks
        # Set in narrow columns: most lines a few characters long, wrapped like the text.
        self.narrow = narrow
        self.photos, self.page_wide = photos, page_wide
        n = len(chain)
        # A block of stacked headline-shaped lines only (no byline, subtitle or text) may be one
        # print element over two lines; its length is the element's.
        self.block_length, stacked = {}, {}
        for line in chain:
            self.block_length[line.block] = self.block_length.get(line.block, 0) + line.length
            stacked[line.block] = stacked.get(line.block, True) and (
                _headline_shape(line) and not line.dash and not (line.byline and line.byline.strong)
            )
        for block, only_headlines in stacked.items():
            if not only_headlines:
                self.block_length[block] = 0
        # The first line at or after i that is not a caption or a credit.
        self.after_captions = [n] * (n + 1)
        for i in range(n - 1, -1, -1):
            line = chain[i]
            pictured = line.credit or line.caption_credit or _caption_shape(line)
            self.after_captions[i] = self.after_captions[i + 1] if pictured else i
        self.titled = [self._title_evidence(i) for i in range(n)]
        self.header_end = self._first_header_end()
        self.at_text_end = self._at_text_end()

    def _title_evidence(self, i):
        """(weight, why) for chain[i] being a headline, judged by the lines around it (and the
        page-level lines right below it): a byline, subtitle or dateline under it, a jump line
        (上接第1版), a badge above it."""
        chain = self.chain
        line = chain[i]
        nxt = chain[i + 1] if i + 1 < len(chain) else None
        prev = chain[i - 1] if i else None
        if line.full_stop:
            # A headline has no full stop: a sentence over a byline-like credit is a caption.
            return 0, ""
        if (
            prev is not None
            and (prev.block != line.block or prev.label_word)
            and prev.length <= 6
            and not prev.punct
            and (prev.label_word or prev.badge_block)
            and _headline_shape(line)
        ):
            return 2.5, "上方是栏目标识"
        if line.after_jump:
            return 3, "下接转版提示"
        if line.below_jump and _headline_shape(line):
            return 4, "上方是转版提示（上接）：续完的稿件"
        if nxt is None:
            return 0, ""
        if nxt.dash:
            return 3, "下接副题"
        if nxt.byline and (nxt.byline.strong or len(nxt.byline.names) > 1 or nxt.byline.padded):
            return 3, "下接署名"
        if nxt.dateline:
            return 3, "下接电头（本报讯/…电）"
        # Captions between the headline and a dateline (photos printed above the text).
        j = self.after_captions[i + 1]
        if j > i + 1 and j < len(chain) and chain[j].dateline:
            return 2.5, "图片说明之后是电头"
        if (
            nxt.byline
            and max(len(name) for name, _ in nxt.byline.names) <= 3
            and (nxt.block != line.block or not self.uses_blanks)
        ):
            return 1.5, "下接人名"
        return 0, ""

    def _first_header_end(self):
        """Where the header of the page's first story ends: at its byline (a strong one, or the
        names under a line whose byline makes it a headline) or at the first running text."""
        for i, line in enumerate(self.chain):
            if line.textual or (line.byline and line.byline.strong):
                return i
            if self.titled[i][1] in ("下接署名", "下接人名"):
                return i + 1
        return len(self.chain)

    def _at_text_end(self):
        """For each line: running text stands before it, and none after it before the next
        story's header (a line with strong headline evidence) or the page's end."""
        chain = self.chain
        out = [False] * len(chain)
        after = True
        for i in range(len(chain) - 1, -1, -1):
            out[i] = after
            if chain[i].textual:
                after = False
            elif self.titled[i][0] >= 3:
                after = True
        seen = False
        for i, line in enumerate(chain):
            out[i] = out[i] and seen
            seen = seen or line.textual
        return out


class _FirstReading:
    """What the first pass's roles say about each line's neighbours and story, worked out once
    for the whole chain."""

    _SKIP_IN_TEXT = ("caption", "credit", "heading", "other")

    def __init__(self, chain, roles):
        n = len(roles)
        self.roles = roles
        # The stories as the first reading has them: a header after anything else starts one.
        stories, story = [], 0
        for i, role in enumerate(roles):
            if role in HEADER_ROLES and i and roles[i - 1] not in HEADER_ROLES:
                story += 1
            stories.append(story)
        credited = [
            roles[j] == "caption"
            and bool(chain[j].caption_credit or (j + 1 < n and roles[j + 1] == "credit"))
            for j in range(n)
        ]
        headings, credits = {}, {}
        for i in range(n):
            headings[stories[i]] = headings.get(stories[i], 0) + (roles[i] == "heading")
            credits[stories[i]] = credits.get(stories[i], 0) + credited[i]
        self.peers = [headings[stories[i]] - (roles[i] == "heading") > 0 for i in range(n)]
        self.credited_others = [credits[stories[i]] - credited[i] > 0 for i in range(n)]
        # Text of the line's story before it; the nearest lines around it that are not
        # captions, credits or sub-headings (for cut paragraphs), or not captions and credits.
        self.text_started, started = [], False
        for role in roles:
            self.text_started.append(started)
            if role == "body":
                started = True
            elif role in HEADER_ROLES:
                started = False
        self.before = self._nearest(range(n), self._SKIP_IN_TEXT)
        self.after = self._nearest(range(n - 1, -1, -1), self._SKIP_IN_TEXT)
        self.before_figures = self._nearest(range(n), ("caption", "credit", "other"))

    def _nearest(self, order, skipped):
        out = [None] * len(self.roles)
        last = None
        for i in order:
            out[i] = last
            if self.roles[i] not in skipped:
                last = i
        return out


def score_lines(chain, page, first=None):
    """An Evidence for each line of the chain; first, when given, is the first pass's
    _FirstReading, which the features about neighbouring roles use."""
    out = []
    for i, line in enumerate(chain):
        ev = Evidence()
        c = _Around(chain, i, page)
        _body(ev, line, c)
        _heading(ev, line, c)
        _caption(ev, line, c)
        _header(ev, line, c, page)
        _names_and_credits(ev, line)
        if first is not None:
            _neighbours(ev, line, c, first, page)
        out.append(ev)
    return out


class _Around:
    """The facts about a line's place that several roles' features use."""

    def __init__(self, chain, i, page):
        self.i = i
        line = chain[i]
        self.prev = prev = chain[i - 1] if i else None
        self.next = nxt = chain[i + 1] if i + 1 < len(chain) else None
        self.next2 = chain[i + 2] if i + 2 < len(chain) else None
        t = line.text
        # A line of a paragraph wrapped at a narrow column: no blank line, no indent.
        self.wrapped = (
            prev is not None
            and prev.block == line.block
            and page.uses_indents
            and not line.indented
            and not prev.closed
            and not prev.dash
            and not prev.credit
            # A column's full line, not a label standing over the next line (小贴士).
            and (prev.length > 8 or prev.punct)
        )
        self.paragraph_start = page.uses_indents and line.indented
        # A block of its own: blank lines above and below.
        self.alone = (
            page.uses_blanks
            and (prev is None or prev.block != line.block)
            and (nxt is None or nxt.block != line.block)
        )
        # On a page that indents its paragraphs, a line with no indent that carries on no open
        # paragraph: a caption, a heading or a label, not the start of a paragraph.
        self.unindented = (
            page.uses_indents
            and not page.narrow
            and not line.indented
            and not self.wrapped
            and not line.cut
            and (prev is None or prev.closed or prev.block != line.block)
            and not (prev is not None and prev.textual and not prev.closed)
        )
        self.next_indented = bool(nxt is not None and page.uses_indents and nxt.indented)
        self.page_photos = page.photos
        self.title_weight, self.title_why = page.titled[i]
        self.next_titled = page.titled[i + 1][0] if nxt is not None else 0
        self.before_text = i <= page.header_end
        self.at_text_end = page.at_text_end[i]
        self.quoted = "“" in t and "”" in t
        self.styled = line.two_part or self.quoted or line.question or "！" in t
        self.comma = "，" in t or "," in t
        # A whole line in brackets that names no photographer: "（作者系浙江大学教授）", "（完）".
        self.note = t[:1] in "（(" and t[-1:] in "）)" and not line.credit and not (line.byline)
        self.unfinished = self.comma and not line.stop and not line.closed
        # A photographer's line below; one that could be a byline too ("本报记者 张三 摄" under
        # a headline is the story's byline) counts for less.
        self.credited_below = bool(nxt is not None and nxt.credit and not nxt.page_credit)
        self.byline_below = bool(
            self.credited_below
            and nxt.byline
            and nxt.byline.strong
            and (self.title_weight >= 2.5 or i <= page.header_end)
            and nxt.text[:1] not in "（("
        )
        # A kicker or headline may take two lines of one block ("杭州产业平台发力" / "拼经济").
        block_length = page.block_length[line.block]
        if page.uses_blanks and block_length and line.length < block_length <= 40:
            self.element = block_length
        else:
            self.element = line.length


def _body(ev, line, c):
    t, length = line.text, line.length
    if line.stop and line.question and length <= 30 and len(_STOP.findall(t)) == 1:
        ev.add("body", 1, "问句")
    elif line.stop:
        ev.add("body", 3, "含句号等句末标点")
    if length > 45:
        ev.add("body", 2 if line.stop else 0.5, "长行")
    if re.search(r"[，；,;]", t):
        ev.add("body", 1, "含逗号等句内标点")
    if c.unfinished:
        ev.add("body", 1, "有逗号没有句号：句子没写完")
        if c.next is not None and c.next.textual and 0 < _first_sentence(c.next) <= 15:
            ev.add("body", 1, "下一行开头像被截断的半句")
    if line.dateline:
        ev.add("body", 6, f"电头（{line.dateline[0]}）")
    elif c.unindented and not line.interview and not c.note:
        ev.add("body", -2)
    if c.note:
        ev.add("body", 3, "括号里的附注（作者简介、完）")
    if line.interview:
        ev.add("body", 6, "问答体（问：/答：/人名：）")
    if c.paragraph_start:
        ev.add("body", 3, "段首缩进")
    if c.wrapped:
        ev.add("body", 4, "与上一行同段续排")
    if line.cut:
        ev.add("body", 1.5, "行尾被截断（逗号、括号、数字或英文处）")
        if length < 24 and line.punct:
            ev.add("body", 1, "短句在逗号之后截断")
    loose = not c.wrapped and not c.paragraph_start and not c.note
    if not line.stop and not line.punct and length <= 20 and loose:
        ev.add("body", -2)
    if not line.stop and not c.comma and length >= 24 and loose:
        ev.add("body", -1.5)
    if line.dash or line.credit or line.caption_credit:
        ev.add("body", -4)
    elif line.figure_mark and line.length <= 90:
        # "图①：初冬时节，…。": a numbered photo's caption, sentence or not.
        ev.add("body", -3)
    if line.byline and line.byline.strong and not line.stop:
        ev.add("body", -4)


def _heading(ev, line, c):
    t, length, nxt = line.text, line.length, c.next
    short_alone = (
        c.alone
        and c.comma
        and length <= 20
        and not line.stop
        and not line.scene
        and (c.prev is None or c.prev.closed)
        and nxt is not None
        and nxt.textual
    )
    if length <= 24 and not line.full_stop:
        ev.add("heading", 1, "短行，无句号")
    if length <= 30:
        if line.two_part:
            ev.add("heading", 1.5, "两段式短语，中间空一格")
        if c.quoted:
            ev.add("heading", 1, "带引号的短语")
        if line.question:
            ev.add("heading", 1, "问句式小标题")
    if nxt is not None and (nxt.textual or c.next_indented):
        ev.add("heading", 1, "下接正文")
    if c.prev is not None and c.prev.closed and c.prev.textual:
        ev.add("heading", 0.5, "上一段已结束")
    if short_alone:
        # "人员转移，一户一户落实到位": a sub-heading may have a comma.
        ev.add("heading", 1.5, "上文已结束，本行短且自成一块")
    if line.interview or line.dateline:
        ev.add("heading", -8)
    if line.full_stop or "！" in t:
        ev.add("heading", -4)
    if length > 30:
        ev.add("heading", -3)
    if c.comma and not (line.question or "！" in t or short_alone):
        ev.add("heading", -1.5)
    if c.paragraph_start:
        ev.add("heading", -2)
    if re.search(r"[；;]", t) or t.count("，") >= 2:
        ev.add("heading", -2)
    if line.scene:
        ev.add("heading", -1)
    if length >= 12 and not c.styled and _THING_SHOWN.search(t) and not line.stop:
        # "柯桥一家纺织企业的智能化生产车间": a long plain noun phrase names what a photo shows.
        ev.add("heading", -1)
    if line.figure_mark or line.caption_credit:
        ev.add("heading", -4)
    if c.credited_below and not c.byline_below:
        ev.add("heading", -3)
    if line.cut:
        ev.add("heading", -2)
    if nxt is not None and (nxt.dateline or (nxt.byline and nxt.byline.strong) or nxt.dash):
        ev.add("heading", -3)
    if c.wrapped:
        ev.add("heading", -3)


def _caption(ev, line, c):
    t, length = line.text, line.length
    if not line.stop and length <= 80:
        ev.add("caption", 0.5, "无句末标点")
    if line.figure_mark:
        ev.add("caption", 5, "图片标记（图①、上图、图为、▲）")
    if line.caption_credit:
        ev.add("caption", 5, "行尾带摄影署名")
    if c.credited_below:
        ev.add("caption", 2 if c.byline_below else 4, "下一行是图片署名")
        if (
            not c.byline_below
            and c.next.text.rstrip("）)").endswith("摄")
            and t.endswith("。")
            and len(_STOP.findall(t)) == 1
            and length <= 60
        ):
            ev.add("caption", 3, "一句话，下一行是摄影署名")
    if line.scene:
        ev.add("caption", 1.5, "“某某在……”的画面描述")
    if line.dated:
        ev.add("caption", 1, "以日期开头的画面描述")
    if not line.stop and not line.cut and length >= 24:
        ev.add("caption", 0.5 if c.comma else 1.5, "整行没有句末标点的描述句")
    if c.at_text_end:
        ev.add("caption", 1, "位于正文之后")
    if _THING_SHOWN.search(t) and not line.stop and not c.styled:
        ev.add("caption", 1, "“……的……”名词短语")
    if _PHOTO_NOUN.search(t) and not line.stop:
        ev.add("caption", 2.5, "以“全景、现场、效果图”等结尾")
    elif _PHOTO_CLAUSE.match(t) and not line.stop and length <= 80:
        ev.add("caption", 2.5, "“某地现场，……”式的画面描述")
    if not c.styled and not line.punct and 11 <= length <= 40:
        ev.add("caption", 1, "平铺的描述句，没有小标题的样式")
    if c.page_photos and not line.stop and not line.cut:
        ev.add("caption", 1, "本版有图片来源，版上有照片")
    if line.stop and not line.question and not (line.caption_credit or line.figure_mark):
        ev.add("caption", -5)
    if line.picture_sentence and not c.paragraph_start:
        ev.add("caption", 5 if c.unindented else 3, "一句话的画面描述（谁在做什么、谁在哪边）")
        if _POSITION.search(t):
            ev.add("caption", 5, "标出照片中人物的位置（左、右）")
            ev.add("body", -2)
    if line.question:
        ev.add("caption", -3)
    if line.two_part:
        ev.add("caption", -1)
    if c.paragraph_start:
        ev.add("caption", -2)
    if length > 90:
        ev.add("caption", -3)
    if line.interview or line.dateline:
        ev.add("caption", -6)
    if line.cut or c.wrapped:
        ev.add("caption", -3)
    if c.note:
        ev.add("caption", -2)
    if line.dash:
        ev.add("caption", -4)
    if line.credit:
        # The whole line is a credit (图①② 记者 王强 摄, 受访者供图): it describes no picture.
        ev.add("caption", -3)


def _header(ev, line, c, page):
    """Title, kicker and badge: the header of a story."""
    length, nxt = line.length, c.next
    headline = _headline_shape(line)
    if headline:
        ev.add("title", 1, "短行，无句号")
    else:
        ev.add("title", -5)
    if c.title_weight:
        ev.add("title", c.title_weight, c.title_why)
    if c.before_text:
        ev.add("title", 1.5, "位于版面开头的标题区")
    elif not c.title_weight:
        ev.add("title", -3)
    if line.dash or line.figure_mark or line.caption_credit or c.paragraph_start:
        ev.add("title", -3)

    next_is_titled = (
        nxt is not None
        and _headline_shape(nxt)
        and (c.next_titled > 0 or (c.next2 is not None and c.next2.textual))
    )
    # A kicker may be a long sentence with commas (受今年第9号台风影响，我省沿海……), printed right
    # above the headline in its block.
    above_title = (
        nxt is not None
        and nxt.block == line.block
        and c.next_titled >= 2.5
        and not line.full_stop
        and length <= 80
        and not (line.dateline or line.dash or line.credit or line.caption_credit)
        and not (line.byline and line.byline.strong)
    )
    if headline and 5 <= c.element <= 40:
        ev.add("kicker", 1, "标题上方的短句")
    elif above_title and length > 40:
        ev.add("kicker", 1, "紧贴在主题上方的长句")
    else:
        ev.add("kicker", -5)
    if above_title and length > 24:
        ev.add("kicker", 2, "紧贴在主题上方，没有句号")
        ev.add("caption", -1.5)
        ev.add("body", -1.5)
    if c.element >= 7:
        ev.add("kicker", 1.5, "比栏目名长")
    if c.title_why == "上方是栏目标识":
        ev.add("kicker", c.title_weight, c.title_why)
    if c.before_text:
        ev.add("kicker", 1, "位于版面开头的标题区")
    elif next_is_titled:
        ev.add("kicker", 1, "下一行像主题")
    else:
        ev.add("kicker", -3)
    if line.badge_block:
        ev.add("kicker", -3)
    if line.dash or c.title_weight >= 3:
        ev.add("kicker", -3)

    if line.badge_block:
        ev.add("badge", 4, "叠排的短词块")
    elif length <= 6 and not line.punct and line.letters:
        ev.add("badge", 1.5, "独立成行的短词")
    if line.label_word and length <= 6:
        ev.add("badge", 2, "栏目常用词（简讯、链接、观察……）")
        if nxt is not None and nxt.textual and (c.prev is None or c.prev.closed or c.alone):
            # "小贴士" straight over its text: the box's only headline.
            ev.add("title", 5, "方框的标签下面直接是正文：用作标题")
            ev.add("heading", -2.5)
    if c.before_text:
        ev.add("badge", 1, "位于版面开头的标题区")
    elif next_is_titled or (nxt is not None and nxt.block != line.block and nxt.badge_block):
        ev.add("badge", 1, "下一行像主题")
    else:
        ev.add("badge", -3)
    if length > 8 or line.punct or line.stop:
        ev.add("badge", -5)
    if line.byline and line.byline.strong:
        ev.add("badge", -4)
    if c.title_weight >= 3:
        ev.add("badge", -3)
    if line.byline and (len(line.byline.names) > 1 or line.byline.padded):
        for role in ("kicker", "title", "badge"):
            ev.add(role, -2)
    if c.note:
        for role in ("kicker", "title", "badge"):
            ev.add(role, -3)


def _names_and_credits(ev, line):
    """Subtitle, byline, credit and other."""
    if line.dash:
        ev.add("subtitle", 7, "以破折号开头")
    else:
        ev.add("subtitle", -8)
    byline = line.byline
    if byline and byline.strong:
        ev.add("byline", 6, "署名：身份、人名或署名标记")
    elif byline:
        # Chinese names are mostly of two or three characters; four are rarer (欧阳明月).
        usual = sum(2 <= len(name) <= 3 for name, _ in byline.names)
        if usual > 1:
            ev.add("byline", 2, "几个人名并列")
        elif usual == 1 and len(byline.names) == 1:
            ev.add("byline", 1.5, "单独一行的人名")
        else:
            ev.add("byline", 0.5, "像人名")
        if byline.padded:
            ev.add("byline", 1, "两字名中间补空格")
    else:
        ev.add("byline", -8)
    if line.credit:
        ev.add("byline", -3)
    if line.credit and not line.page_credit:
        ev.add("credit", 6, "图片署名（……摄、供图、图片来源）")
    else:
        ev.add("credit", -8)
    ev.add("other", -6)


def _neighbours(ev, line, c, first, page):
    """What the first reading says of the line's neighbours and story."""
    i, roles, chain = c.i, first.roles, page.chain
    # Between a text paragraph left open and the next text line, which carries it on (no
    # indent, no dateline): a caption printed inside a cut paragraph.
    before, after = first.before[i], first.after[i]
    if (
        (roles[i] != "body" or line.picture_sentence)
        and not line.cut
        and before is not None
        and roles[before] == "body"
        and not chain[before].closed
        and after is not None
        and roles[after] == "body"
        and not chain[after].dateline
        and not (page.uses_indents and chain[after].indented)
    ):
        ev.add("caption", 3, "夹在被截断段落的两半之间")
        ev.add("heading", -2)
        ev.add("title", -2)
        if roles[i] == "body":
            # A whole sentence of its own between the halves: the paragraph goes on after it.
            ev.add("body", -2)
    nxt = c.next
    if (
        i
        and roles[i - 1] == "heading"
        and not line.stop
        and not line.cut
        and line.length >= 24
        and nxt is not None
        and nxt.textual
        and nxt.closed
    ):
        ev.add("caption", 1.5, "小标题下一行没有句号，后面的段落自成一段")
    open_before = first.before_figures[i]
    if (
        roles[i] == "body"
        and open_before is not None
        and roles[open_before] == "body"
        and not chain[open_before].closed
        and not (page.uses_indents and line.indented)
    ):
        ev.add("body", 1.5, "接续上文被截断的段落")
    pictured = c.credited_below or line.caption_credit or line.figure_mark
    if not pictured and not page.page_wide and first.credited_others[i]:
        # The story's photos carry their photographers; this line carries none.
        ev.add("caption", -1)
    if not first.text_started[i]:
        ev.add("heading", -0.5 if c.styled else -1.5)
    if first.peers[i]:
        ev.add("heading", 1, "与本文其他小标题并列")
    elif not c.styled:
        ev.add("heading", -1.5)


def _first_sentence(line):
    """How long the first sentence of a line is (0 when it has no sentence end)."""
    match = _STOP.search(line.text)
    return match.start() if match else 0


def mark_blocks(chain):
    """Give each line of the chain the lines of its block and whether they stack as a badge
    graphic: a few short words, each on its line (打赢 / 翻身仗)."""
    blocks = {}
    for line in chain:
        blocks.setdefault(line.block, []).append(line)
    for block in blocks.values():
        badge = 1 < len(block) <= 4 and all(
            line.length <= 4 and not line.punct and not line.stop for line in block
        )
        for line in block:
            line.badge_block = badge


# ---------------------------------------------------------------------------------------------
# The sequence pass

_NO = -6
_H = ("badge", "kicker", "title")


def _pairs():
    table = {}

    def put(prev, roles, inside, across=None):
        for role in roles:
            table[(prev, role)] = (inside, inside if across is None else across)

    everything = [r for r in _CHAIN if r != "other"]
    # The header runs badge -> kicker -> title -> subtitle -> byline; stacked lines of one
    # print element (a two-line kicker) stay in one block, a new element starts after a blank.
    put("badge", everything, _NO)
    put("badge", ["badge"], 1, 0)
    put("badge", ["kicker", "title"], 0.5, 1)
    put("kicker", everything, _NO)
    put("kicker", ["kicker"], 1, -3)
    put("kicker", ["title"], 1, 2)
    # A headline straight before the next story's header: a story of a headline alone, which
    # only an editor's correction makes (a title printed after its text, set by hand).
    put("title", ["badge", "kicker"], _NO, -1.5)
    put("title", ["title"], -2, -3)
    put("title", ["subtitle", "byline"], 1)
    put("title", ["heading", "credit"], -2)
    put("subtitle", ["badge", "kicker", "title"], _NO)
    put("subtitle", ["subtitle"], 0.5, -2)
    put("subtitle", ["byline"], 1)
    put("subtitle", ["heading", "credit"], -2)
    put("byline", ["badge", "kicker", "title", "credit"], -3)
    put("byline", ["subtitle"], _NO)
    put("byline", ["body"], 0.5)
    put("byline", ["byline"], -0.5)
    put("byline", ["heading"], -1)
    # In the text: a new story's header may follow, better after a blank line.
    put("body", _H, -2, -0.5)
    put("body", ["byline"], -4)
    put("body", ["credit"], -1)
    put("body", ["subtitle"], _NO)
    put("heading", ["caption"], -0.5)
    put("heading", ["heading", *_H, "credit"], -3)
    put("heading", ["byline", "subtitle"], _NO)
    put("caption", ["caption"], 1)
    put("caption", ["heading"], -0.5)
    put("caption", ["credit"], 1)
    put("caption", _H, -0.5)
    put("caption", ["byline"], -3)
    put("caption", ["subtitle"], _NO)
    put("credit", ["credit"], -2)
    put("credit", _H, -0.5)
    put("credit", ["byline"], -3)
    put("credit", ["subtitle"], _NO)
    return table


# (previous role, role) -> (score within one block, score across a blank line); unlisted pairs
# score 0. A block is a run of lines with no blank line between them.
_PAIRS_SCORE = _pairs()
_START = {"badge": 0, "kicker": 0, "title": 0, "body": -2, "caption": -1, "heading": -3}
_START_DEFAULT = -6
# A story does not end in its header.
_END_SCORE = {"badge": _NO, "kicker": _NO, "title": -3, "subtitle": -3, "byline": -3}


# On a page set in narrow columns (every line a few characters), a headline wraps like the
# text: two lines of one block may be one headline ("拱墅运河沿岸" / "老厂房变身文创街区").
# Elsewhere a headline is one line, and a line above it in its block is a kicker or a badge.
_NARROW_PAIRS = {("title", "title"): (1.5, -3)}


def _pair(prev, role, same_block, narrow=False):
    inside, across = (_NARROW_PAIRS if narrow else {}).get(
        (prev, role), _PAIRS_SCORE.get((prev, role), (0, 0))
    )
    if prev == "other" or role == "other":
        return 0
    if same_block is None:
        return max(inside, across)
    return inside if same_block else across


def _pair_columns(same_block, narrow):
    """For each role, the pair scores of every previous role before it (lists by _CHAIN)."""
    return [[_pair(p, r, same_block, narrow) for p in _CHAIN] for r in _CHAIN]


_COLUMNS = {
    (key, narrow): _pair_columns(key, narrow)
    for key in (True, False, None)
    for narrow in (True, False)
}
# For each role, the pair scores of every next role after it.
_ROWS = {
    key: [list(row) for row in zip(*columns, strict=True)] for key, columns in _COLUMNS.items()
}


def decode_roles(chain, evidence, forced, uses_blanks, narrow=False):
    """The best roles for the chain (Viterbi), and for each line the margin by which its role
    beats the best reading that gives the line another role, with that other role."""
    n = len(chain)
    if not n:
        return [], []
    roles = _CHAIN
    size = len(roles)
    impossible = float("-inf")
    emissions = []
    for i in range(n):
        if i in forced:
            emissions.append([0.0 if forced[i] == r else impossible for r in roles])
        else:
            emissions.append([evidence[i].score[r] for r in roles])
    # Whether each line shares its block with the line before (None: the page has no blank
    # lines to tell).
    key_of = [
        ((chain[i - 1].block == chain[i].block) if uses_blanks else None) if i else None
        for i in range(n)
    ]
    links = [_COLUMNS[key, narrow] for key in key_of]
    # alpha[i][r]: the best score of lines 0..i with line i in role r; back: the role before.
    alpha = [[_START.get(r, _START_DEFAULT) + e for r, e in zip(roles, emissions[0], strict=True)]]
    back = [None]
    for i in range(1, n):
        previous, columns, emission = alpha[-1], links[i], emissions[i]
        row, pointers = [0.0] * size, [0] * size
        for r in range(size):
            scores = list(map(add, previous, columns[r]))
            best = max(scores)
            row[r], pointers[r] = best + emission[r], scores.index(best)
        alpha.append(row)
        back.append(pointers)
    # beta[i][r]: the best score of lines i+1.. given line i in role r.
    beta = [None] * n
    beta[n - 1] = [_END_SCORE.get(r, 0) for r in roles]
    for i in range(n - 2, -1, -1):
        following = list(map(add, emissions[i + 1], beta[i + 1]))
        rows = _ROWS[key_of[i + 1], narrow]
        beta[i] = [max(map(add, rows[r], following)) for r in range(size)]
    ends = [a + _END_SCORE.get(r, 0) for r, a in zip(roles, alpha[n - 1], strict=True)]
    path = [ends.index(max(ends))]
    for i in range(n - 1, 0, -1):
        path.append(back[i][path[-1]])
    path.reverse()
    margins = []
    for i, r in enumerate(path):
        totals = [a + b for a, b in zip(alpha[i], beta[i], strict=True)]
        others = [q for q in range(size) if q != r]
        runner_up = max(others, key=totals.__getitem__)
        margins.append((totals[r] - totals[runner_up], roles[runner_up]))
    return [roles[r] for r in path], margins


def read_roles(lines, overrides=None, trace=None):
    """[(role, why, margin, runner_up, extra)] for the page's lines (see the module docstring),
    and whether the page marks paragraphs with indents.

    overrides maps a line's index in lines to a role the editor chose for it. trace, a dict,
    receives the chain of lines, the first reading and the final evidence (for debugging).
    """
    overrides = overrides or {}
    result = [None] * len(lines)
    chain_at = []
    for index, line in enumerate(lines):
        forced = overrides.get(index)
        aside = set_aside(line)
        if forced is not None and forced not in _CHAIN_OR_PAGE:
            forced = None
        if forced in PAGE_ROLES or (forced is None and aside is not None and aside[0] != "credit"):
            role = forced or aside[0]
            why = "编辑指定" if forced else aside[1]
            result[index] = (role, why, None, None, aside[2] if aside else None)
        elif forced is None and aside is not None:
            # The page credit (本版图片由…提供): never part of a story's sequence.
            result[index] = ("credit", aside[1], None, None, aside[2])
        else:
            chain_at.append(index)
    # Part of a page header on a line of its own, in the header's block: "钱塘日报·城事" over
    # "2026年6月2日 星期二 A05".
    for index in chain_at:
        line = lines[index]
        fragment = header_fragment(line.text)
        if (
            fragment
            and overrides.get(index) is None
            and any(
                0 <= j < len(lines)
                and lines[j].block == line.block
                and result[j] is not None
                and result[j][0] == "furniture"
                for j in (index - 1, index + 1)
            )
        ):
            result[index] = ("furniture", "报头的一部分，与报头同在一块", None, None, fragment)
    chain_at = [index for index in chain_at if result[index] is None]
    chain = [lines[i] for i in chain_at]
    for position, index in enumerate(chain_at):
        following = lines[index + 1] if index + 1 < len(lines) else None
        chain[position].after_jump = bool(
            following is not None
            and following.jump
            and re.search(r"上接|接上|续上|紧接|转自", following.text)
            and result[index + 1] is not None
        )
    for position, index in enumerate(chain_at):
        above = lines[index - 1] if index else None
        chain[position].below_jump = bool(
            above is not None
            and above.jump
            and re.search(r"上接|接上|续上|紧接|转自", above.text)
            and result[index - 1] is not None
        )
    forced = {
        position: overrides[index]
        for position, index in enumerate(chain_at)
        if overrides.get(index) in _CHAIN
    }
    mark_blocks(chain)
    indents = {line.indented for line in chain}
    uses_indents = indents == {True, False}
    uses_blanks = len({line.block for line in lines}) > 1
    photos = any(line.credit or line.caption_credit or line.figure_mark for line in lines)
    page_wide = any(line.page_credit or _SOURCE_CREDIT.match(line.text) for line in lines)
    lengths = sorted(line.length for line in chain)
    # Narrow columns: even the longer lines (the 90th percentile) are short.
    narrow = len(lengths) >= 8 and lengths[len(lengths) * 9 // 10] <= 16
    page = _Page(chain, uses_indents, uses_blanks, photos, page_wide, narrow)
    evidence = score_lines(chain, page)
    first, _ = decode_roles(chain, evidence, forced, uses_blanks, narrow)
    evidence = score_lines(chain, page, _FirstReading(chain, first))
    roles, margins = decode_roles(chain, evidence, forced, uses_blanks, narrow)
    if trace is not None:
        trace.update(chain=chain, first=first, evidence=evidence)
    for position, index in enumerate(chain_at):
        role = roles[position]
        if position in forced:
            why = "编辑指定"
        else:
            why = evidence[position].why(role) or _fallback_why(role)
        margin, runner_up = margins[position]
        result[index] = (role, why, margin, runner_up, None)
    return result, uses_indents


_CHAIN_OR_PAGE = set(_CHAIN) | set(PAGE_ROLES) | {"credit"}


def _fallback_why(role):
    return {
        "body": "其余的行都按正文处理",
        "heading": "短行，后接正文",
        "caption": "短行，无句末标点",
        "title": "标题区的一行",
        "kicker": "主题上方的一行",
        "badge": "主题上方的短词",
        "byline": "人名",
        "credit": "图片署名",
        "other": "无法归类",
    }.get(role, ROLES.get(role, role))
