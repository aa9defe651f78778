"""Checks an article must pass before it is published, and Chinese text warnings that don't block.

`publish_problems` is the one gate: the admin shows its result on the change page, refuses to
save an article as published (or scheduled) while it returns anything, and the publish action
skips articles that fail it. `photo_notes` (photos still being processed) and `text_warnings`
only advise.

Both take the article and, optionally, its sections and figures as unsaved objects: the admin
checks what the editor typed in the inlines before anything is written.
"""

import re

from .chinese import IDEOGRAPHS

# Longer than this, a headline no longer fits a print page's main headline (about 15 characters
# a line across a broadsheet at headline size, two lines at most), and search results and share
# cards cut it: both show roughly 30 Chinese characters.
HEADLINE_MAX_CHARS = 30

CJK = rf"[{IDEOGRAPHS}]"
HALF_WIDTH_BETWEEN_CJK = re.compile(rf"{CJK}\s*[,.]\s*{CJK}")

# Function words that are never doubled in good writing, with the real words and common
# sequences that contain the pair (常常, 天天, 人人 are words and are simply not listed).
DOUBLED_FUNCTION_WORDS = {
    "的的": "的的确 目的的",
    "了了": "不了了之 了了分明 小时了了 了了解 了了却 了了结",
    "是是": "是是非 是是否",
    "在在": "现在在 实在在 正在在",
    "和和": "和和美美 和和气气 和和睦睦 温和和 平和和 缓和和 柔和和 饱和和 总和和 共和和 "
    "暖和和 随和和 调和和 谦和和 祥和和 附和和",
    "与与": "",
    "及及": "",
    "被被": "",
}


def publish_problems(article, sections=None, figures=None, *, allow_placeholders=None):
    """What stops this article from being published, as sentences for an editor; [] if nothing.

    allow_placeholders: whether stand-in pictures may stay; by default only when the article
    is public already.
    """
    sections = _sections(article, sections)
    figures = _figures(article, figures)
    problems = []
    if not (article.title or "").strip():
        problems.append("缺少主题（标题）。")
    if not any((section.body or "").strip() for section in sections):
        problems.append("至少要有一节写了正文。")
    for number, section in enumerate(sections, start=1):
        if number > 1 and not (section.heading or "").strip():
            problems.append(f"第 {number} 节没有小标题：只有第一节（导语）可以不写小标题。")
    # A stand-in picture is not a photo: an article is not published with one. One that is
    # public already (the first article, shipped with its photos pending) can still be saved.
    if allow_placeholders is None:
        allow_placeholders = not any(f.is_placeholder for f in figures) or is_public_now(article)
    for number, figure in enumerate(figures, start=1):
        name = f"第 {number} 张图片"
        if not figure.image:
            problems.append(f"{name}还没有上传图片文件。")
        elif figure.is_placeholder and not allow_placeholders:
            problems.append(f"{name}还是占位图：请上传真正的照片（读者只会看到“图片待补”）。")
        elif figure.rendition_failed and not is_public_now(article):
            # Unlike a photo still being processed (photo_notes), this does not mend itself:
            # readers would see an empty box for good. An article already public can still be
            # saved (a correction must not wait for a photo).
            problems.append(
                f"{name}处理失败（{figure.rendition_error or '原因不明'}）：原图已保留，"
                "请在文章列表用“重新处理照片”再试，或重新上传照片。"
            )
        problem = figure_caption_problem(figure, name)
        if problem:
            problems.append(problem)
    return problems


def is_public_now(article):
    """Whether the article is public as stored, before the change being checked."""
    if article.pk is None:
        return False
    return type(article).objects.published().filter(pk=article.pk).exists()


def placeholder_count(figures):
    return sum(1 for figure in figures if figure.image and figure.is_placeholder)


def figure_caption_problem(figure, name="这张图片"):
    """A news photo without a caption is an error on the page; the alt text falls back to it."""
    if (figure.caption or "").strip():
        return None
    if (figure.alt_text or "").strip():
        return f"{name}缺少图片说明。"
    return f"{name}缺少图片说明和替代文字（读屏软件要靠它们描述图片）。"


def photo_notes(article, figures=None):
    """Photos the task worker has not processed yet (articles/tasks.py). Not a reason to wait:
    it takes seconds, and readers meanwhile see a box of the photo's size with its caption, so
    an editor who uploads and signs off in one save is not sent back. A photo whose processing
    failed is a problem instead (publish_problems)."""
    figures = _figures(article, figures)
    pending = [n for n, f in enumerate(figures, start=1) if f.pk and f.processing]
    if not pending:
        return []
    which = "、".join(f"第 {n} 张" for n in pending)
    return [
        f"照片还在处理中（{which}）：通常几秒钟就好，刷新本页可看到预览；"
        "处理完之前，读者看到与照片同样大小的空白框和图片说明。"
    ]


def text_warnings(article, sections=None, figures=None):
    """Likely slips in Chinese text. Advice only: the editor decides."""
    sections = _sections(article, sections)
    figures = _figures(article, figures)
    warnings = []
    title = (article.title or "").strip()
    length = len(re.sub(r"\s", "", title))
    if length > HEADLINE_MAX_CHARS:
        warnings.append(
            f"主题有 {length} 个字，超过 {HEADLINE_MAX_CHARS} 字：见报时一行约 15 字、最多两行，"
            "搜索结果和分享卡片也只显示约 30 字，建议压缩或把部分内容移到引题、副题。"
        )
    texts = [
        ("引题", article.kicker),
        ("主题", article.title),
        ("副题", article.subtitle),
        ("摘要", article.summary),
    ]
    for number, section in enumerate(sections, start=1):
        texts.append((f"第 {number} 节小标题", section.heading))
        texts.append((f"第 {number} 节正文", section.body))
    for number, figure in enumerate(figures, start=1):
        texts.append((f"第 {number} 张图片的说明", figure.caption))
    for where, text in texts:
        if not text:
            continue
        for match in HALF_WIDTH_BETWEEN_CJK.finditer(text):
            mark = "逗号" if "," in match.group() else "句号"
            full = "，" if "," in match.group() else "。"
            warnings.append(
                f"{where}：“{_context(text, match.start(), match.end())}”里有半角{mark}，"
                f"中文之间应使用全角“{full}”。"
            )
        for start, pair in _doubled_function_words(text):
            warnings.append(
                f"{where}：“{_context(text, start, start + 2)}”里“{pair}”重复，可能是笔误。"
            )
    return warnings


def _doubled_function_words(text):
    for pair, legitimate in DOUBLED_FUNCTION_WORDS.items():
        start = text.find(pair)
        while start != -1:
            if not any(_covers(text, start, word, pair) for word in legitimate.split()):
                yield start, pair
            start = text.find(pair, start + 1)


def _covers(text, start, word, pair):
    """Whether `word` appears in `text` over the pair found at `start`."""
    offset = word.find(pair)
    while offset != -1:
        begin = start - offset
        if begin >= 0 and text[begin : begin + len(word)] == word:
            return True
        offset = word.find(pair, offset + 1)
    return False


def _context(text, start, end, around=6):
    return text[max(0, start - around) : end + around].replace("\n", " ")


def _sections(article, sections):
    if sections is None:
        sections = list(article.sections.all()) if article.pk else []
    return sorted(sections, key=lambda s: (s.position, s.pk or 0))


def _figures(article, figures):
    if figures is None:
        figures = list(article.figures.all()) if article.pk else []
    return sorted(figures, key=lambda f: (f.position, f.pk or 0))
