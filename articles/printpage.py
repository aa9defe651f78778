"""Read the text of a newspaper print page into a plain structure.

A page-layout or PDF export gives the page top to bottom: column badge blocks, kicker, headline,
subtitle, byline, then paragraphs broken at print column ends, sub-headings, photo captions and a
photo credit line. ``parse`` tells these apart by the shape of each line (length, punctuation,
what stands around it) and reports what it had to guess in ``warnings``. No Django in here: the
command, the admin view and the seed loader all call it, and tests call it directly.

The one promise: no character of the page is lost. A line no rule can place stays in the body as
a paragraph, with a warning, rather than being dropped.
"""

import re
import unicodedata
from dataclasses import dataclass, field

MAX_BYTES = 1_000_000
# The largest draft one page may make. A real page holds a few sections and a dozen photos; a
# gallery 200 photos. Past these, the text is not one page (a whole book pasted, a log file)
# and the draft would be too big to edit: 200 figures and 100 sections is what the admin's
# change page opens in about two seconds (bench/large_article.py).
DRAFT_LIMITS = {"sections": 100, "figures": 200, "paragraphs": 2000}


class PrintPageError(ValueError):
    """Input that can't be read as a print page; the message is for staff, in Chinese."""


@dataclass
class PrintPage:
    badge: list = field(default_factory=list)
    kicker: str = ""
    title: str = ""
    subtitle: str = ""
    # The byline as printed (roles included), so nothing of it is lost; authors are the names.
    byline: str = ""
    authors: list = field(default_factory=list)
    # [{"heading": str, "paragraphs": [str]}]; the opening section has heading "".
    sections: list = field(default_factory=list)
    # [{"caption": str, "section": int, "after_paragraph": int | None}]: where print had each
    # photo; section is an index into sections, after_paragraph counts the paragraphs before
    # it in that section (None: at the section's end).
    figures: list = field(default_factory=list)
    photo_credit: str = ""
    warnings: list = field(default_factory=list)

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
        return {**self._common(), "captions": self.captions, "warnings": list(self.warnings)}

    def as_article_data(self):
        """The dict ``articles.build.create_article`` takes."""
        return {**self._common(), "figures": [dict(f) for f in self.figures]}


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
    if _CONTROL.search(text):
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
    shown, most = f"{size / 1_000_000:.1f} MB", _size(limit)
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
# CJK symbols and punctuation, kana, CJK ideographs (and extension A), full-width forms.
_WRITTEN = re.compile(
    r"[\t\n\r\x20-\x7e\xa0-\xff\u2000-\u206f\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]"
)


def _written_share(text):
    return len(_WRITTEN.findall(text)) / len(text)


def _size(n):
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f} MB".replace(".0 MB", " MB")
    return f"{n / 1000:.0f} KB"


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# Characters that take no room on the page: byte-order marks and zero-width spaces.
_INVISIBLE = re.compile(r"[\ufeff\u200b\u200c\u200d\u2060]")


def normalize(text):
    """LF line ends, no byte-order mark or zero-width characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _INVISIBLE.sub("", text)


# ---------------------------------------------------------------------------------------------
# Line shapes

# A paragraph ends with one of these; a line ending otherwise was cut at a print column end.
_END = set("。！？!?…—：:；;")
# Closing quotes and brackets end a paragraph only after an ending mark: "…项目。”" ends,
# "…打造“直播电商第一城”" was cut mid-sentence.
_CLOSERS = set("”’」』）)》〉】\"'")
# Punctuation inside a sentence. Captions and sub-headings carry none of it.
_SENTENCE = re.compile(r"[，。；,;]")
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

_SUBTITLE_DASHES = ("——", "—", "--", "－－")
SHORT_LINE = 40  # longest caption or sub-heading, in characters
LONG_LINE = 45  # a header line this long is body text

_CREDIT = re.compile(
    r"^[（(]\s*(?P<a>[^（）()]*(?:图片|照片|摄影|供图|图).*)\s*[）)]$"
    r"|^(?P<b>(?:本版|本文)?(?:摄影|图片来源|图片|照片|供图|图)\s*[:：／/]\s*\S.*)$"
)
_CREDIT_WORDS = re.compile(r"本版图片|图片由|照片由|摄影|图片来源|供图|^图\s*[:：／/]|提供")

ROLES = [
    "本报特约记者",
    "本报见习记者",
    "本报实习生",
    "本报通讯员",
    "本报记者",
    "特约记者",
    "见习记者",
    "实习记者",
    "特约撰稿",
    "通讯员",
    "实习生",
    "撰稿",
    "记者",
]
_NAME = re.compile(rf"^[{_CJK}·•]{{1,6}}$")


class _Line(str):
    """A line without its indent (str.strip() also takes full-width and no-break spaces), and
    whether it had one: in an export that indents paragraphs, an indent starts a paragraph."""

    def __new__(cls, raw):
        line = super().__new__(cls, raw.strip())
        line.indented = bool(line) and raw[:1].isspace()
        return line


def _ends_paragraph(text):
    text = text.rstrip()
    if not text:
        return True
    last = text[-1]
    while last in _CLOSERS and len(text) > 1:
        text = text[:-1]
        last = text[-1]
        if last in _END:
            return True
        if last not in _CLOSERS:
            return False
    if last == ".":
        # "增长了3." followed by "5%": a decimal point, not a full stop.
        return not (len(text) > 1 and text[-2].isdigit())
    return last in _END


def _is_short(text):
    return len(text) <= SHORT_LINE and not _SENTENCE.search(text)


def _credit(text):
    """The photo credit in a credit line, without its brackets; None for any other line."""
    match = _CREDIT.match(text)
    if not match:
        return None
    inner = (match.group("a") or match.group("b")).strip()
    # A credit names a source and nothing else; a bracketed sentence is text.
    if not _CREDIT_WORDS.search(inner) or len(inner) > 60 or _SENTENCE.search(inner.rstrip("。")):
        return None
    return inner


def _looks_like_heading(text):
    # Sub-headings are often two clauses set apart by a space: "城北园区重塑蝶变 打造千亿能源高地".
    parts = text.split()
    return len(parts) == 2 and all(len(p) >= 3 for p in parts)


def _byline_names(line):
    """The author names in a byline, or None if the line is not one.

    Print pads a two-character name to the width of three with a space ("李 岚"), so two single
    characters standing side by side are one name. Roles (记者, 通讯员, ...) are not names.
    """
    if len(line) > 40 or _SENTENCE.search(line.replace("、", " ")):
        return None
    tokens = []
    # "文/张三 图/李四": the marks for words and pictures are roles too.
    plain = re.sub(r"(?:^|(?<=\s))[文图][/／:：]", " ", line)
    has_role = plain != line
    raw_tokens = [t for t in re.split(r"[\s、/／:：]+", plain) if t]
    if len(raw_tokens) > 1 and raw_tokens[-1] == "摄":
        # "本报记者 张三 摄": the photographer's mark, not a name.
        raw_tokens.pop()
        has_role = True
    for token in raw_tokens:
        for role in ROLES:
            if token.startswith(role):
                token, has_role = token[len(role) :], True
                break
        if token:
            if not _NAME.match(token):
                return None
            tokens.append(token)
    if not tokens:
        return None
    names, warnings = [], []
    i = 0
    while i < len(tokens):
        if len(tokens[i]) == 1:
            if i + 1 < len(tokens) and len(tokens[i + 1]) == 1:
                names.append(tokens[i] + tokens[i + 1])
                i += 2
                continue
            if not has_role:
                return None
            warnings.append(f"署名“{line}”中的“{tokens[i]}”是单独一个字，已当作一个名字，请核对。")
        elif len(tokens[i]) > 4 and "·" not in tokens[i]:
            # Chinese names are two to four characters; longer runs are words.
            return None
        names.append(tokens[i])
        i += 1
    return names, has_role, warnings


# ---------------------------------------------------------------------------------------------
# The page


def parse(text):
    """A PrintPage from the text of one print page."""
    text = normalize(text)
    lines = [_Line(line) for line in text.split("\n")]
    if not any(lines):
        raise PrintPageError("没有任何文字：请粘贴或上传一个版面的文字。")
    page = PrintPage()

    # Blocks: runs of non-blank lines. In the header a block is one print element whose lines
    # join (the kicker "杭州产业平台发力" / "拼经济"); in the body every line counts alone.
    blocks, current = [], []
    for line in lines:
        if line:
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)

    # The header ends at the byline; without one, at the first block of running text.
    limit = next(
        (i for i, block in enumerate(blocks) if any(_is_body_text(x) for x in block)), len(blocks)
    )
    if limit == 0 and blocks:
        # No blank lines between headline and text (a PDF copied whole): the lines above the
        # first line of running text are the header, one element each.
        first = blocks[0]
        cut = next(i for i, line in enumerate(first) if _is_body_text(line))
        if cut:
            blocks[:1] = [[line] for line in first[:cut]] + [first[cut:]]
            limit = cut
            page.warnings.append("标题部分没有空行分隔，已按行识别，请核对栏目、引题和主题。")
    byline_at = _find_byline(page, blocks[:limit])
    if byline_at is None:
        header, rest = blocks[:limit], blocks[limit:]
        if limit:
            page.warnings.append("没有找到署名（作者）：导入后请在后台补上作者。")
    else:
        header, rest = blocks[:byline_at], blocks[byline_at + 1 :]
    # Credit lines may stand anywhere; take them out first.
    header = [b for b in header if not (len(b) == 1 and _take_credit(page, b[0]))]

    _read_header(page, header)
    # Each body line with whether a blank line stands before it.
    _read_body(page, [(line, i == 0) for block in rest for i, line in enumerate(block)])
    if not page.title:
        page.warnings.append("没有找到主题（标题）：请在导入前补上，或检查粘贴的文字是否完整。")
    if not page.paragraph_count:
        page.warnings.append("没有找到正文段落。")
    return page


def _find_byline(page, header):
    """Index of the byline block among the header blocks (None if there is none).

    It is the first line of names below the kicker or headline: stacked badge words above
    those look like names too, so they are skipped.
    """
    first = next((i for i, block in enumerate(header) if not _badge_like(block)), len(header))
    for index in range(first + 1, len(header)):
        block = header[index]
        if len(block) != 1:
            continue
        found = _byline_names(block[0])
        if not found:
            continue
        names, has_role, warnings = found
        title_before = any(len(line) >= 6 for b in header[:index] for line in b)
        if has_role or title_before or len(names) > 1:
            page.byline = " ".join(block[0].split())
            page.authors = names
            page.warnings.extend(warnings)
            return index
    return None


def _is_body_text(line):
    if line.startswith(_SUBTITLE_DASHES):
        return False
    return (
        "。" in line or len(line) > LONG_LINE or (_SENTENCE.search(line) and len(line) > SHORT_LINE)
    )


def _take_credit(page, line):
    credit = _credit(line)
    if credit is None:
        return False
    _add_credit(page, credit)
    return True


def _add_credit(page, credit):
    if page.photo_credit:
        page.warnings.append(f"有不止一行图片来源，“{credit}”已并入图片来源。")
        page.photo_credit += "；" + credit
    else:
        page.photo_credit = credit


def _read_header(page, header):
    """Fill badge, kicker, title and subtitle from the blocks above the byline."""
    # Subtitle lines begin with a dash (——); they sit under the headline.
    rest = []
    for block in header:
        plain = []
        for line in block:
            if line.startswith(_SUBTITLE_DASHES) and len(line) > 2:
                page.subtitle = (page.subtitle + line) if page.subtitle else line
            else:
                plain.append(line)
        if plain:
            rest.append(plain)
    if not rest:
        return

    title_block = rest[-1]
    page.title = "".join(title_block)
    if len(title_block) > 1:
        page.warnings.append(
            f"主题由 {len(title_block)} 行拼成“{page.title}”（行间不加空格），请核对。"
        )
    above = rest[:-1]
    if above:
        if _badge_like(above[-1]):
            # Stacked short words right above the headline: a badge, and no kicker.
            badge_blocks = above
        else:
            page.kicker = "".join(above[-1])
            badge_blocks = above[:-1]
            if len(above) == 1 and len(page.kicker) <= 5:
                page.warnings.append(
                    f"“{page.kicker}”已当作引题；如果它是栏目标识，请导入后改为栏目。"
                )
        for block in badge_blocks:
            page.badge.append("".join(block))
            if not _badge_like(block):
                page.warnings.append(f"标题上方的“{''.join(block)}”已当作栏目名称，请核对。")


def _badge_like(block):
    # A badge is a graphic of stacked short words; exported, each word is a line of its own.
    return len(block) > 1 and all(len(line) <= 4 for line in block)


def _read_body(page, body):
    # Indents tell where paragraphs start only if some lines have one and some don't.
    indents = {line.indented for line, _ in body}
    use_indents = indents == {True, False}
    sections = [{"heading": "", "paragraphs": []}]
    open_paragraph = False  # the last paragraph was cut at a column end
    pending = []  # short lines whose part (caption or sub-heading) depends on what follows

    def place_captions(captions, section_index, after):
        for caption in captions:
            page.figures.append(
                {
                    "caption": str(caption),
                    "credit": caption.credit,
                    "section": section_index,
                    "after_paragraph": after,
                }
            )

    def settle(next_line):
        """Decide the pending short lines now that the next body line (or the end) is known."""
        nonlocal open_paragraph
        section = sections[-1]
        index = len(sections) - 1
        if not pending:
            return
        shorts = list(pending)
        pending.clear()
        if next_line is None:
            # Short lines at the end of the page: captions of the photos printed there.
            place_captions(shorts, index, None)
            return
        if not section["paragraphs"] and index == 0 and not _looks_like_heading(shorts[-1]):
            # Before the first paragraph: photos printed above the text.
            place_captions(shorts, 0, 0)
            return
        if open_paragraph:
            heading_at = next(
                (i for i, s in enumerate(shorts) if _looks_like_heading(s) and not s.credit), None
            )
            if heading_at is None:
                # Between the two halves of a cut paragraph: captions. The text goes on.
                place_captions(shorts, index, len(section["paragraphs"]))
                return
            page.warnings.append(
                f"段落“…{section['paragraphs'][-1][-12:]}”没有以句号结束，但后面的"
                f"“{shorts[heading_at]}”像小标题，所以没有把下一行接到这段后面，请核对。"
            )
            open_paragraph = False
        else:
            # A line with its own photographer ("（张三 摄）") is a caption, never a heading.
            plain = [i for i, s in enumerate(shorts) if not s.credit]
            if not plain:
                place_captions(shorts, index, len(section["paragraphs"]))
                return
            heading_at = plain[-1]
            styled = [i for i in plain if _looks_like_heading(shorts[i])]
            if len(styled) == 1:
                heading_at = styled[0]
            elif len(shorts) > 1:
                page.warnings.append(
                    f"连续 {len(shorts)} 个短行，已把“{shorts[heading_at]}”当作小标题，"
                    "其余当作图片说明，请核对。"
                )
            else:
                page.warnings.append(
                    f"“{shorts[0]}”已当作小标题；如果它是图片说明，请导入后改为图片。"
                )
        place_captions(shorts[:heading_at], index, None)
        sections.append({"heading": str(shorts[heading_at]), "paragraphs": []})
        place_captions(shorts[heading_at + 1 :], len(sections) - 1, 0)

    for line, after_blank in body:
        starts_paragraph = use_indents and line.indented
        photographer = _photographer(line)
        if photographer:
            if pending and not pending[-1].credit:
                # "（张三 摄）" under a caption: that photo's own credit.
                pending[-1].credit = photographer
            else:
                _add_credit(page, photographer)
            continue
        if _take_credit(page, line):
            continue
        # A line wrapped straight on (no blank line, no indent) continues a cut paragraph,
        # however short: narrow print columns export as lines of a dozen characters.
        wrapped = open_paragraph and not pending and not after_blank and not starts_paragraph
        tail = open_paragraph and not pending and _continues(line)
        if _is_short(line) and not (wrapped or tail or starts_paragraph):
            caption, photographer = _split_photographer(line)
            pending.append(_Short(caption, photographer))
            continue
        settle(line)
        section = sections[-1]
        if open_paragraph and section["paragraphs"] and not starts_paragraph:
            previous = section["paragraphs"][-1]
            section["paragraphs"][-1] = _join(page, previous, line)
        else:
            if open_paragraph and section["paragraphs"]:
                page.warnings.append(
                    f"段落“…{section['paragraphs'][-1][-12:]}”没有以句号结束，但下一行有缩进，"
                    "已当作新的一段，请核对。"
                )
            section["paragraphs"].append(line)
        open_paragraph = not _ends_paragraph(section["paragraphs"][-1])
    settle(None)
    if open_paragraph:
        last = sections[-1]["paragraphs"][-1]
        page.warnings.append(f"最后一段“…{last[-12:]}”没有以句号结束，请核对是否缺了文字。")

    if (
        not sections[0]["paragraphs"]
        and len(sections) > 1
        and not any(f["section"] == 0 for f in page.figures)
    ):
        # The page opens with a sub-heading: there is no heading-less opening section.
        sections.pop(0)
        for figure in page.figures:
            figure["section"] -= 1
    page.sections = sections


class _Short(str):
    """A short line waiting to be read as a caption or a sub-heading, with any photographer."""

    def __new__(cls, text, credit=""):
        short = super().__new__(cls, text)
        short.credit = credit
        return short


# "（张三 摄）", "本报记者 张三 摄", "新华社记者 李四 摄": a photo's own credit.
_PHOTOGRAPHER = re.compile(
    rf"(?P<credit>(?:[{_CJK}]{{0,6}}(?:记者|通讯员)\s*)?[{_CJK}·]{{2,6}}(?:\s+[{_CJK}·]{{1,6}})*\s*摄)"
)
_PHOTOGRAPHER_LINE = re.compile(rf"^[（(]?\s*{_PHOTOGRAPHER.pattern}\s*[）)]?$")
_PHOTOGRAPHER_TAIL = re.compile(rf"^(?P<caption>.+?)\s*[（(]\s*{_PHOTOGRAPHER.pattern}\s*[）)]$")


def _photographer(line):
    match = _PHOTOGRAPHER_LINE.match(line)
    return " ".join(match.group("credit").split()) if match else ""


def _split_photographer(line):
    """A caption and the photographer printed at its end: "鸭鸭直播电商（张三 摄）"."""
    match = _PHOTOGRAPHER_TAIL.match(line)
    if not match:
        return line, ""
    return match.group("caption"), " ".join(match.group("credit").split())


def _continues(line):
    # A short line right after a cut paragraph is its tail, not a caption, when it finishes
    # the sentence: "…随着一声钟响，浙" / "江双元科技上市！".
    return _ends_paragraph(line)


def _join(page, first, second):
    # Chinese has no spaces between words, so the halves join with nothing; two Latin words
    # meeting at the cut are the exception.
    if re.search(r"[A-Za-z]$", first) and re.match(r"[A-Za-z]", second):
        page.warnings.append(
            f"段落在英文单词处断开：“…{first[-10:]}” + “{second[:10]}…”，已加空格连接，请核对。"
        )
        return first + " " + second
    return first + second
