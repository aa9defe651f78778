"""Read the text of a newspaper print page into stories, and say what each line of it is.

A page-layout or PDF export gives the page top to bottom: the page header, column badges,
kickers, headlines, subtitles, bylines, paragraphs broken at print column ends, sub-headings,
photo captions and credits, jump lines, the editors' line; often several stories on one page (a
lead story, a second one, briefs under one label, a sidebar, a commentary).

``read_page`` gives every line one role (``ROLES``) with the evidence for it
(``articles.printlines`` decides the roles), then builds the stories from the roles: it joins
paragraphs that print cut, places the figures, gives photographers' credits to their figures and
the page's credit to every story with figures, and reads bylines (also from datelines, 本报讯
（记者 王小明）…). What it had to guess is said in ``warnings``, in Chinese, for the editor, who
can correct any line's role in the preview (``overrides``) and get the page read again around it.

``parse`` is the older entry point: the lead story alone. No Django in here: the command, the
admin view and the seed loader all call it, and tests call it directly.

The one promise: no character of the page is lost. Every line is in a story or kept, exactly as
printed, in the page's furniture.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from typing import NamedTuple

from .chinese import IDEOGRAPHS
from .printlines import (
    HEADER_ROLES,
    PAGE_ROLES,
    ROLES,
    WHITESPACE,
    bracket_balance,
    cut_mid_clause,
    dateline,
    ends_paragraph,
    group_credit,
    page_lines,
    parse_byline,
    read_roles,
    split_caption_credit,
)

__all__ = [
    "DRAFT_LIMITS",
    "MAX_BYTES",
    "ROLES",
    "LineReading",
    "PageReading",
    "PrintPage",
    "PrintPageError",
    "decode",
    "normalize",
    "parse",
    "pasted_too_big",
    "read_page",
    "readable_size",
    "too_big",
]

MAX_BYTES = 1_000_000
# The largest draft one page may make. A real page holds a few sections and a dozen photos; a
# gallery 200 photos. Past these, the text is not one page (a whole book pasted, a log file)
# and the draft would be too big to edit: 200 figures and 100 sections is what the admin's
# change page opens in about two seconds (bench/large_article.py).
DRAFT_LIMITS = {"sections": 100, "figures": 200, "paragraphs": 2000}
# The most stories one page may make: a crowded page holds a dozen (lead, seconds, briefs,
# boxes, a commentary). More means the text is not one page.
MAX_STORIES = 30
# The most non-blank lines one page may have: a crowded page has a few hundred; twenty thousand
# are read in about four seconds, and more is not one page (nor a preview a browser can show).
MAX_LINES = 20_000


class PrintPageError(ValueError):
    """Input that can't be read as a print page; the message is for staff, in Chinese."""


class LineReading(NamedTuple):
    """One non-blank line of the page and what the reader made of it.

    n is the line's 1-based number in the normalized text, text the line as printed, role a
    code of ROLES, story an index into the reading's stories (None for the page's own lines:
    header, editors, jump lines, the page's photo credit), why the evidence, for editors.
    """

    n: int
    text: str
    role: str
    story: int | None
    why: str

    @property
    def label(self):
        return ROLES[self.role]

    def as_json(self):
        return {
            "n": self.n,
            "text": self.text,
            "role": self.role,
            "label": self.label,
            "story": self.story,
            "why": self.why,
        }


@dataclass
class PrintPage:
    """One story of a page."""

    badge: list = field(default_factory=list)
    kicker: str = ""
    title: str = ""
    subtitle: str = ""
    # The byline lines as printed (roles and marks included), so nothing of them is lost;
    # bylines are [{"name", "role"}] (role "" when none is printed, name "" for a bare
    # 本报评论员), authors the names alone.
    byline: str = ""
    authors: list = field(default_factory=list)
    bylines: list = field(default_factory=list)
    # [{"heading": str, "paragraphs": [str]}]; the opening section has heading "".
    sections: list = field(default_factory=list)
    # [{"caption": str, "credit": str, "section": int, "after_paragraph": int | None}]: where
    # print had each photo; section is an index into sections, after_paragraph counts the
    # paragraphs before it in that section (None: at the section's end). credit is that
    # photo's own credit (（记者 王小明 摄）, 受访者供图), "" when none is printed.
    figures: list = field(default_factory=list)
    photo_credit: str = ""
    # Print's pointers at numbered photos taken off a credit given to each of them ("图①②" of
    # "图①② 记者 王强 摄"): the web page shows each photo with its credit, so they are not
    # shown, and are kept here (with the page text stored with the draft).
    pointers: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    # The page's: {"paper", "date" (yyyy-mm-dd), "page" (A05; 第6版 gives "6"), "page_name"},
    # any of them, and the 责任编辑 names.
    print: dict = field(default_factory=dict)
    editors: list = field(default_factory=list)
    # The LineReadings of the lines this story was read from, with the page's own lines.
    lines: list = field(default_factory=list)

    @property
    def captions(self):
        return [figure["caption"] for figure in self.figures]

    @property
    def paragraph_count(self):
        return sum(len(section["paragraphs"]) for section in self.sections)

    def too_big_for_a_draft(self):
        """Why this page would make an absurd draft, in Chinese; "" when it is fine."""
        counts = {
            "sections": len(self.sections),
            "figures": len(self.figures),
            "paragraphs": self.paragraph_count,
        }
        names = {"sections": "小节", "figures": "图片", "paragraphs": "段正文"}
        over = [
            f"{counts[key]} 个{names[key]}（上限 {limit}）"
            if key != "paragraphs"
            else f"{counts[key]} {names[key]}（上限 {limit}）"
            for key, limit in DRAFT_LIMITS.items()
            if counts[key] > limit
        ]
        if not over:
            return ""
        return (
            f"这份文字会生成一篇过大的稿件：{'、'.join(over)}。一个版面的稿件不会这么长，"
            "可能粘贴了多个版面或其他文件。请一次导入一个版面（或把它分成几篇）。"
        )

    def _common(self):
        return {
            "badge": list(self.badge),
            "kicker": self.kicker,
            "title": self.title,
            "subtitle": self.subtitle,
            "authors": list(self.authors),
            "sections": [
                {"heading": s["heading"], "paragraphs": list(s["paragraphs"])}
                for s in self.sections
            ],
            "photo_credit": self.photo_credit,
        }

    def as_json(self):
        """The structure other tools read (``import_print_page --dry-run --json``)."""
        return {
            **self._common(),
            "captions": self.captions,
            "warnings": list(self.warnings),
            "bylines": [dict(b) for b in self.bylines],
            "print": dict(self.print),
            "editors": list(self.editors),
            "lines": [line.as_json() for line in self.lines],
        }

    def as_article_data(self):
        """The dict ``articles.build.create_article`` takes."""
        return {**self._common(), "figures": [dict(f) for f in self.figures]}


@dataclass
class PageReading:
    """A whole page: every line with its role, the stories built from them, and the page's own
    facts (print provenance, editors, furniture: the lines kept out of every story, as printed).
    warnings holds every warning once: the page's, then each story's."""

    lines: list
    stories: list
    print: dict
    editors: list
    furniture: list
    warnings: list

    def as_json(self):
        if len(self.stories) == 1:
            return self.stories[0].as_json()
        return {
            "stories": [story.as_json() for story in self.stories],
            "furniture": list(self.furniture),
            "warnings": list(self.warnings),
        }


# ---------------------------------------------------------------------------------------------
# Bytes to text


def decode(data, *, limit=MAX_BYTES, size=None):
    """Uploaded bytes as text: UTF-8 (with or without BOM), UTF-16 (with or without BOM), or
    GB18030/GBK.

    size is the length of the whole input when data is only its start (callers read one byte
    past the limit, not all of a 5 MB file), so that a refusal names the real size.
    Raises PrintPageError with a message staff can act on for empty, oversized, binary or
    undecodable input.
    """
    size = len(data) if size is None else max(size, len(data))
    if size > limit:
        raise PrintPageError(too_big(size, limit))
    if not data.strip():
        raise PrintPageError("文件是空的：没有任何文字。")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Windows "Unicode" text: UTF-16 announces itself with a BOM.
        text = _try(data, "utf-16")
    elif b"\x00" in data:
        text = _utf16_without_bom(data)
        if text is None:
            raise PrintPageError(
                "这不是文本文件（含有二进制内容），请导出为纯文本（.txt）后再导入。"
            )
    else:
        # UTF-8 first: a UTF-8 file is almost never valid GB18030 and vice versa, but
        # plain ASCII is both, and reads the same either way.
        text = _try(data, "utf-8-sig") or _try(data, "gb18030")
    if text is None:
        raise PrintPageError(
            "无法识别文件的编码：既不是 UTF-8，也不是 GB18030/GBK。请在导出时选择 UTF-8 编码。"
        )
    if _PRIVATE_USE.search(text) and (big5 := _try(data, "big5")) and not _PRIVATE_USE.search(big5):
        # Big5 (traditional script) bytes read as GBK give private-use characters.
        text = big5
    # A page break (form feed, as pdftotext puts between pages) or vertical tab is a line
    # break; a few other control characters are dropped; many mean a binary file.
    controls = len(_CONTROL.findall(text.translate(_BREAKS)))
    if controls > max(2, len(text) // 1000):
        raise PrintPageError("这不是文本文件（含有控制字符），请导出为纯文本（.txt）后再导入。")
    return normalize(text)


def too_big(size, limit=MAX_BYTES, *, at_least=False):
    """The refusal of a file of size bytes (at_least: more were not counted), with the limit."""
    shown, most = _sizes(size, limit)
    if at_least:
        shown = "超过 " + shown
    return f"文件太大：{shown}，上限是 {most}。请只导入一个版面的文字。"


def pasted_too_big(size, limit=MAX_BYTES):
    """The refusal of pasted text of size bytes (in UTF-8), with the limit."""
    shown, most = _sizes(size, limit)
    return f"粘贴的文字太长：{shown}，上限是 {most}。请只导入一个版面的文字。"


def _sizes(size, limit):
    shown, most = f"{size / 1_000_000:.1f} MB", readable_size(limit)
    if round(size / 1_000_000, 1) <= limit / 1_000_000:
        # "1.0 MB, the limit is 1 MB" would read as a mistake: bytes tell the two apart.
        shown, most = f"{size:,} 字节", f"{limit:,} 字节"
    return shown, most


def _try(data, encoding):
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _utf16_without_bom(data):
    """Text written as UTF-16 with no byte-order mark, or None for anything else with NULs.

    Every ASCII character of such text (line ends, digits, spaces) carries a NUL byte, and so
    do CJK characters such as 一 (U+4E00). Both byte orders are tried; read in the wrong one, or
    from binary data, most characters fall outside the scripts a page is written in (about
    two in three), unassigned or private-use ones appear, and line ends are rare (one pair of
    bytes in 65,536). A page has lines, and nearly all its characters are of those scripts.
    """
    if len(data) % 2:
        return None
    readings = [t for t in (_try(data, "utf-16-le"), _try(data, "utf-16-be")) if t]
    if not readings:
        return None
    text = max(readings, key=_written_share)
    unknown = sum(unicodedata.category(c) in ("Cn", "Co") for c in text)
    # A few characters newer than this Python's Unicode tables are no reason to refuse a page.
    if "\n" not in text or unknown > len(text) // 100 or _written_share(text) < 0.9:
        return None
    return text


# Where the characters of a Chinese page come from: ASCII and Latin-1, general punctuation,
# CJK symbols and punctuation, kana, CJK ideographs (chinese.py), full-width forms.
_WRITTEN = re.compile(
    rf"[\t\n\r\x20-\x7e\xa0-\xff\u2000-\u206f\u3000-\u30ff{IDEOGRAPHS}\uff00-\uffef]"
)


def _written_share(text):
    return len(_WRITTEN.findall(text)) / len(text)


def readable_size(n):
    """A size limit as an editor reads it: 1 MB, 300 KB."""
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f} MB".replace(".0 MB", " MB")
    return f"{n / 1000:.0f} KB"


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x9f]")
# Page breaks and vertical tabs: line breaks.
_BREAKS = str.maketrans({"\f": "\n\n", "\v": "\n"})
# Characters that take no room on the page: byte-order marks, zero-width spaces, and the
# direction controls a paste may carry (a right-to-left override would turn a title round).
_INVISIBLE = re.compile(r"[\ufeff\u200b\u200c\u200d\u2060\u202a-\u202e\u2066-\u2069]")
_PRIVATE_USE = re.compile(r"[\ue000-\uf8ff]")


def normalize(text):
    """LF line ends; page breaks as blank lines; no control characters (they would break the
    site's feeds and mean nothing on a page), byte-order mark, zero-width or direction
    characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_BREAKS)
    return _CONTROL.sub("", _INVISIBLE.sub("", text))


# ---------------------------------------------------------------------------------------------
# The page

# How sure the sequence pass must be of a line (the score margin over its best other reading)
# for the reader not to ask the editor to check it.
SURE = 0.75
# Close calls worth a word to the editor: pairs of roles a line can be mistaken between.
_CONFUSABLE = {
    frozenset(pair)
    for pair in [
        ("caption", "heading"),
        ("caption", "body"),
        ("heading", "body"),
        ("badge", "kicker"),
        ("kicker", "title"),
        ("title", "heading"),
        ("byline", "heading"),
        ("byline", "caption"),
    ]
}


def read_page(text, overrides=None):
    """A PageReading of the text of one print page.

    overrides, {line number: (role, story index)}, are an editor's corrections: those lines
    take that role (a code of ROLES; None keeps the reader's) and, for a line of a story, that
    story (None: the story the reader finds for it); the rest of the page is read again
    around them.
    """
    text = normalize(text)
    lines = page_lines(text)
    if not lines:
        raise PrintPageError("没有任何文字：请粘贴或上传一个版面的文字。")
    if len(lines) > MAX_LINES:
        raise PrintPageError(
            f"这段文字有 {len(lines)} 行，一个版面不会超过 {MAX_LINES} 行："
            "请一次导入一个版面的文字。"
        )
    page_warnings = []
    by_number = {line.n: index for index, line in enumerate(lines)}
    forced_roles, forced_stories = {}, {}
    for n, (role, story) in sorted((overrides or {}).items()):
        if role is not None and role not in ROLES:
            raise PrintPageError(f"未知的行角色“{role}”：可选的是 {'、'.join(ROLES)}。")
        if n not in by_number:
            page_warnings.append(f"第 {n} 行是空行或不存在，这条更正没有用上。")
            continue
        if role is not None:
            forced_roles[by_number[n]] = role
        if story is not None:
            forced_stories[by_number[n]] = story
        if story is not None and story < 0:
            page_warnings.append(f"第 {n} 行的稿件号不是正整数，已忽略。")
            forced_stories.pop(by_number[n])
    readings, uses_indents = read_roles(lines, forced_roles)
    roles = [reading[0] for reading in readings]
    for index in sorted(forced_stories):
        if roles[index] in PAGE_ROLES:
            page_warnings.append(
                f"第 {lines[index].n} 行是{ROLES[roles[index]]}，不属于任何稿件，它的稿件号没有用上。"
            )
    stories_of, page_credit_at = _assign_stories(lines, readings, forced_stories)

    furniture, editors, print_info, credits = [], [], {}, []
    for index, line in enumerate(lines):
        role, _, _, _, extra = readings[index]
        if role == "furniture" and extra:
            extra = dict(extra)
            if bad := extra.pop("bad_date", None):
                page_warnings.append(f"报头上的日期“{bad}”不存在，见报日期留空，请核对。")
            if bad := extra.pop("bad_weekday", None):
                page_warnings.append(
                    f"报头上的“{bad}”与日期 {extra.get('date')} 不符，请核对报头的日期。"
                )
            for key, value in extra.items():
                print_info.setdefault(key, value)
            if "page" in extra and "page_name" in extra:
                # The name printed beside the page number (A04 综合) is the page's, over a name
                # found with the paper's (钱塘日报·城事).
                print_info["page_name"] = extra["page_name"]
        elif role == "editor" and extra:
            editors.extend(name for name in extra if name not in editors)
        if role in PAGE_ROLES:
            furniture.append(line.raw)
        elif index in page_credit_at:
            credits.append(extra or _unbracket(line.text))

    # A story that goes on on another page (（下转A04版）): the web page would end where this
    # page does.
    jumps_on = {}
    for index, line in enumerate(lines):
        if roles[index] == "jump" and re.search(r"下转|转第|转[A-Z]?\d", line.text):
            before = next(
                (stories_of[j] for j in range(index - 1, -1, -1) if stories_of[j] is not None),
                None,
            )
            if before is not None:
                jumps_on.setdefault(before, line.text.strip(WHITESPACE))
    count = max((s for s in stories_of if s is not None), default=-1) + 1
    items = [[] for _ in range(count)]
    for index, story in enumerate(stories_of):
        if story is not None:
            items[story].append((lines[index], roles[index]))
    hand_set = {lines[index].n for index in forced_roles}
    stories = [_build_story(story_items, uses_indents, hand_set) for story_items in items]
    for number, jump in jumps_on.items():
        stories[number].warnings.append(
            f"这篇稿件{jump}，本版只有它的前一部分：发布前请把续完的部分补进来。"
        )
    _share_brief_labels(stories)
    if stories and not stories[0].bylines and stories[0].title:
        stories[0].warnings.append("没有找到署名（作者）：导入后请在后台补上作者。")

    if credits:
        credit = credits[0]
        for extra in credits[1:]:
            page_warnings.append(f"有不止一行图片来源，“{extra}”已并入图片来源。")
            credit += "；" + extra
        with_figures = [story for story in stories if story.figures] or stories[:1]
        for story in with_figures:
            story.photo_credit = f"{story.photo_credit}；{credit}" if story.photo_credit else credit
        if not stories:
            # Nothing to credit: the lines stay with the page.
            furniture.extend(lines[i].raw for i in sorted(page_credit_at))

    line_readings = []
    for index, line in enumerate(lines):
        role, why, margin, runner_up, _ = readings[index]
        story = stories_of[index]
        line_readings.append(LineReading(line.n, line.raw, role, story, why))
        if (
            margin is not None
            and margin < SURE
            and frozenset((role, runner_up)) in _CONFUSABLE
            and index not in forced_roles
        ):
            warning = (
                f"第 {line.n} 行“{_clip(line.text, 20)}”读作{ROLES[role]}，"
                f"也可能是{ROLES[runner_up]}，请在预览中核对。"
            )
            (stories[story].warnings if story is not None else page_warnings).append(warning)
    if stories and len(lines) > 2 and len({line.block for line in lines}) == 1:
        page_warnings.append("标题部分没有空行分隔，已按行识别，请核对栏目、引题和主题。")

    all_warnings = list(page_warnings)
    page_level = [line for line in line_readings if line.story is None]
    own = [[] for _ in stories]
    for line in line_readings:
        if line.story is not None:
            own[line.story].append(line)
    for number, story in enumerate(stories):
        all_warnings.extend(story.warnings)
        story.warnings = page_warnings + story.warnings
        story.print = dict(print_info)
        story.editors = list(editors)
        story.lines = sorted(own[number] + page_level, key=lambda line: line.n)
    return PageReading(
        lines=line_readings,
        stories=stories,
        print=print_info,
        editors=editors,
        furniture=furniture,
        warnings=all_warnings,
    )


def parse(text):
    """The lead story of one print page (the first story of ``read_page``), with the page's
    print provenance and editors. A page without any story gives an empty PrintPage whose
    warnings say so."""
    reading = read_page(text)
    if not reading.stories:
        return PrintPage(
            warnings=[
                *reading.warnings,
                "没有找到主题（标题）：请在导入前补上，或检查粘贴的文字是否完整。",
                "没有找到正文段落。",
            ],
            print=dict(reading.print),
            editors=list(reading.editors),
            lines=list(reading.lines),
        )
    lead = reading.stories[0]
    if len(reading.stories) > 1:
        titles = "、".join(f"《{s.title or '无题'}》" for s in reading.stories[1:])
        lead.warnings.append(
            f"这个版面有 {len(reading.stories)} 篇稿件，这里只读了第一篇《{lead.title or '无题'}》；"
            f"其余的（{titles}）请分别导入。"
        )
    return lead


def _assign_stories(lines, readings, forced_stories):
    """The story index of each line (None for the page's own lines), and the indexes of the
    page credit lines.

    A story starts at a badge, kicker or headline that follows a story with a headline or any
    text; a credit belongs to the figure whose caption it follows, otherwise to the page.
    """
    stories_of = [None] * len(lines)
    page_credit_at = set()
    story, has_title, has_text = -1, False, False
    previous = None  # the previous role in the story's sequence
    moved = {}
    for index, reading in enumerate(readings):
        role, extra = reading[0], reading[4]
        if role in PAGE_ROLES:
            continue
        if role == "credit" and (extra is not None or previous not in ("caption", "credit")):
            page_credit_at.add(index)
            continue
        if index in forced_stories and role not in HEADER_ROLES:
            # Put in a story by the editor: it neither starts nor ends the story around it.
            moved[index] = forced_stories[index]
            continue
        if role in HEADER_ROLES:
            starts = (
                story < 0
                or has_text
                or (role != "title" and has_title)
                or (role == "title" and has_title and previous != "title")
            )
            if starts:
                story, has_title, has_text = story + 1, False, False
            if role == "title":
                has_title = True
        elif story < 0:
            story = 0
        if role in ("subtitle", "byline", "body", "heading"):
            has_text = True
        stories_of[index] = story
        previous = role
    # An editor's move of a header line to a story takes the lines that follow it in its story
    # along (a line made 主题 of a new story is that story's start, text and all).
    count = max((s for s in stories_of if s is not None), default=-1) + 1
    for index, target in sorted(forced_stories.items()):
        if readings[index][0] in HEADER_ROLES and stories_of[index] is not None:
            natural = stories_of[index]
            for later in range(index, len(lines)):
                if stories_of[later] == natural and later not in moved:
                    moved[later] = target
    # An editor's move of a line to a story: to one the reader found, or to a new one after them.
    for index, story in moved.items():
        stories_of[index] = min(max(0, story), count)
    # Stories left with no line are dropped, and the rest numbered in order.
    used = sorted({s for s in stories_of if s is not None})
    renumber = {old: new for new, old in enumerate(used)}
    stories_of = [None if s is None else renumber[s] for s in stories_of]
    return stories_of, page_credit_at


def _build_story(items, uses_indents, hand_set=frozenset()):
    """A PrintPage from its lines and their roles, in page order. hand_set: the numbers of the
    lines whose role an editor set (no "please check" about those)."""
    page = PrintPage()
    badges = []  # [block, text]
    kicker_lines, title_lines, subtitle_lines, byline_lines = [], [], [], []
    sections = [{"heading": "", "paragraphs": []}]
    pending = []  # figures waiting to know where they stand
    open_paragraph = False
    balance, open_count = dict.fromkeys(bracket_balance(""), 0), 0
    previous = None
    # Captions printed one after another with no credit yet: a credit line under them (图①②
    # 记者 王强 摄, or （本报记者 曹颖 摄） under 图① and 图②) is each one's.
    uncredited_run = []

    def place(section_index, after):
        for figure in pending:
            figure["section"], figure["after_paragraph"] = section_index, after
        pending.clear()

    for position, (line, role) in enumerate(items):
        text = line.text
        if role == "badge":
            if badges and previous == "badge" and badges[-1][0] == line.block:
                badges[-1][1] += text
            else:
                badges.append([line.block, text])
        elif role == "kicker":
            kicker_lines.append(text)
        elif role == "title":
            title_lines.append(text)
        elif role == "subtitle":
            subtitle_lines.append(text)
        elif role == "byline":
            byline_lines.append(text)
            found = parse_byline(text)
            if found:
                page.bylines.extend({"name": name, "role": r} for name, r in found.names)
                page.warnings.extend(found.warnings)
            else:
                page.warnings.append(f"“{text}”当作署名，但没有认出人名，请核对。")
        elif role == "heading":
            uncredited_run = []
            place(len(sections) - 1, None)
            if open_paragraph:
                last = _end(sections[-1]["paragraphs"][-1])
                page.warnings.append(
                    f"段落“…{last[-12:]}”没有以句号结束，但后面的“{text}”是小标题，"
                    "所以没有把下一行接到这段后面，请核对。"
                )
            sections.append({"heading": text, "paragraphs": []})
            open_paragraph = False
        elif role == "caption":
            if line.n not in hand_set and _lone_caption(items, position):
                page.warnings.append(
                    f"“{text}”单独夹在两段完整的正文之间，已当作图片说明；"
                    "如果它是小标题，请在预览中改为小标题。"
                )
            caption, credit = split_caption_credit(text)
            figure = {"caption": caption, "credit": credit, "section": 0, "after_paragraph": None}
            page.figures.append(figure)
            pending.append(figure)
            uncredited_run = [] if credit else [*uncredited_run, figure]
        elif role == "credit":
            credit = _credit_text(text)
            pointed = group_credit(text)
            numbered = pointed and [
                next((f for f in page.figures if f["caption"].startswith("图" + mark)), None)
                for mark in pointed[0]
            ]
            if numbered and all(numbered):
                # "图①② 记者 王强 摄": the credit of each photo it points at, without the pointer.
                for figure in numbered:
                    figure["credit"] = pointed[1]
                page.pointers.append(_unbracket(text)[: -len(pointed[1])].strip(WHITESPACE))
            elif len(uncredited_run) > 1:
                for figure in uncredited_run:
                    figure["credit"] = credit
            elif page.figures and page.figures[-1]["credit"]:
                page.figures[-1]["credit"] += "；" + credit
            elif page.figures:
                page.figures[-1]["credit"] = credit
            else:
                # Put here by an editor's correction, with no photo to go with: the story's.
                page.photo_credit = (
                    f"{page.photo_credit}；{credit}" if page.photo_credit else credit
                )
            uncredited_run = []
        elif role == "body":
            uncredited_run = []
            section = sections[-1]
            place(len(sections) - 1, len(section["paragraphs"]))
            starts = uses_indents and line.indented
            # While the story is read, a paragraph is the list of its lines' texts, and only
            # its end and its open brackets are looked at (a paragraph of thousands of wrapped
            # lines is not read again for each): time in proportion to the page.
            current = section["paragraphs"][-1] if section["paragraphs"] else None
            cut = open_paragraph and current and cut_mid_clause(_end(current), open_count)
            if open_paragraph and current and (not starts or cut):
                if starts:
                    page.warnings.append(
                        f"段落“…{_end(current)[-12:]}”停在句子中间，"
                        f"下一行“{text.strip()[:12]}…”虽有缩进，已接在这段后面，请核对。"
                    )
                current.append(_separator(page, _end(current), text) + text)
            else:
                if open_paragraph and current:
                    page.warnings.append(
                        f"段落“…{_end(current)[-12:]}”没有以句号结束，"
                        "但下一行有缩进，已当作新的一段，请核对。"
                    )
                current = [text]
                section["paragraphs"].append(current)
                balance = dict.fromkeys(balance, 0)
            for opener, change in bracket_balance(text).items():
                balance[opener] += change
            open_count = sum(max(0, count) for count in balance.values())
            open_paragraph = not ends_paragraph(_end(current), open_count)
        previous = role
    place(len(sections) - 1, None)
    for section in sections:
        section["paragraphs"] = ["".join(pieces) for pieces in section["paragraphs"]]
    if open_paragraph:
        last = sections[-1]["paragraphs"][-1]
        page.warnings.append(f"最后一段“…{last[-12:]}”没有以句号结束，请核对是否缺了文字。")
    if (
        not sections[0]["paragraphs"]
        and len(sections) > 1
        and not any(f["section"] == 0 for f in page.figures)
    ):
        # The story opens with a sub-heading: there is no heading-less opening section.
        sections.pop(0)
        for figure in page.figures:
            figure["section"] -= 1
    page.sections = sections
    page.badge = [text for _, text in badges]
    page.kicker = "".join(kicker_lines)
    page.title = "".join(title_lines)
    page.subtitle = "".join(subtitle_lines)
    if len(title_lines) > 1:
        page.warnings.append(
            f"主题由 {len(title_lines)} 行拼成“{page.title}”（行间不加空格），请核对。"
        )
    header = [(line, role) for line, role in items if role in ("badge", "kicker")]
    if (
        len(header) == 1
        and len(header[0][0].text) <= 6
        and page.title
        and header[0][0].n not in hand_set
    ):
        line, role = header[0]
        other = "引题" if role == "badge" else "栏目标识"
        page.warnings.append(
            f"主题上方的“{line.text}”已当作{ROLES[role]}；如果它是{other}，请在预览中改为{other}。"
        )
    page.byline = " ".join(" ".join(line.split()) for line in byline_lines)
    page.has_byline_line = bool(byline_lines)
    _dateline_bylines(page)
    page.authors = [b["name"] for b in page.bylines if b["name"]]
    if not page.title:
        page.warnings.append("没有找到主题（标题）：请在导入前补上，或检查粘贴的文字是否完整。")
    if not page.paragraph_count:
        page.warnings.append("没有找到正文段落。")
    return page


def _lone_caption(items, position):
    """A caption standing alone between two finished paragraphs, with no credit, number or
    photographer of its own to show it is one: it could as well be a sub-heading."""
    line = items[position][0]
    if line.figure_mark or line.caption_credit:
        return False
    before = items[position - 1] if position else None
    after = items[position + 1] if position + 1 < len(items) else None
    return (
        before is not None
        and after is not None
        and before[1] == "body"
        and after[1] == "body"
        and ends_paragraph(before[0].text)
    )


def _dateline_bylines(page):
    """Names in the lead's dateline (本报讯（记者 王小明 通讯员 李华）…) become bylines; the
    paragraph keeps its full text."""
    page.dateline = ""
    first = next((s["paragraphs"][0] for s in page.sections if s["paragraphs"]), "")
    found = dateline(first)
    if not found:
        return
    page.dateline, byline = found
    if not byline:
        return
    known = {b["name"] for b in page.bylines}
    for name, role in byline.names:
        if name and name not in known:
            page.bylines.append({"name": name, "role": role})
            known.add(name)


def _share_brief_labels(stories):
    """A brief that opens with its dateline right under its headline, with no label of its own,
    stands under the label of the brief before it (本地简讯 over two briefs)."""

    def brief(story):
        return story.dateline and not story.has_byline_line and not story.kicker

    for before, story in zip(stories, stories[1:], strict=False):
        if brief(story) and not story.badge and brief(before) and before.badge:
            story.badge = list(before.badge)
            story.warnings.append(
                f"《{story.title}》没有自己的栏目标识，沿用了上一条的“{' '.join(before.badge)}”，请核对。"
            )


def _credit_text(text):
    # As printed, spaces included: "新华社记者 徐 昱 摄".
    return _unbracket(text)


def _unbracket(text):
    text = text.strip(WHITESPACE)
    if text[:1] in "（(" and text[-1:] in "）)":
        return text[1:-1].strip(WHITESPACE)
    return text


def _clip(text, n):
    return text if len(text) <= n else text[:n] + "…"


def _separator(page, first, second):
    """What goes between the two halves of a paragraph print cut (first: the end of the first
    half, a few dozen characters). Chinese has no spaces between words, so they
    join with nothing; where two Latin words meet, a capital on the second half starts a new
    word (Smart / Elevator), capitals on both sides are one acronym (eVT / OL), and a small
    letter goes on the word the first half cut (Transfor / mer)."""
    if re.search(r"[A-Za-z]$", first) and re.match(r"[A-Za-z]", second):
        head = re.match(r"[A-Za-z0-9]+", second).group(0)
        if first[-1].isupper() and head.isupper():
            # Capitals on both sides: an acronym cut in two (eVT / OL).
            page.warnings.append(
                f"段落在英文缩写中间断开：“…{first[-10:]}” + “{second[:10]}…”，已直接连接，请核对。"
            )
            return ""
        if second[0].isupper():
            page.warnings.append(
                f"段落在英文单词处断开：“…{first[-10:]}” + “{second[:10]}…”，已加空格连接，请核对。"
            )
            return " "
        page.warnings.append(
            f"段落在英文单词中间断开：“…{first[-10:]}” + “{second[:10]}…”，已直接连接，请核对。"
        )
    return ""


def _end(pieces):
    """The last characters (some forty) of a paragraph being built from its lines' texts."""
    tail, i = pieces[-1], len(pieces) - 1
    while len(tail) < 40 and i > 0:
        i -= 1
        tail = pieces[i] + tail
    return tail
