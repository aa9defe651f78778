"""A small PDF writer for pages with real Chinese text: the demonstration edition, tests, bench.

Pillow writes PDFs of pictures only; a layout system's PDF carries text with positions, which is
what region proposals read. This writes such a PDF by hand, in the plain PDF 1.7 syntax: text in
Adobe's standard Chinese font STSong-Light with the predefined UniGB-UCS2-H encoding (no font
embedded: PDF readers, pdfium included, bring their own CJK font and know the characters'
Unicode), grey boxes for photos and rules. No dependency, and nothing here is used to read PDFs.

layout_page() flows stories' text into blocks of columns, newspaper-style, and returns where
each story ended up: the ground truth that docs/epaper.md measures proposals against.
"""

from dataclasses import dataclass, field

# A broadsheet-like page in points (1/72 inch): 800 x 1200 keeps the 2:3 of a real page.
PAGE_SIZE = (800, 1200)
MARGIN = 36


def _escape_hex(text):
    return text.encode("utf-16-be").hex().upper()


@dataclass
class PdfPage:
    width: float = PAGE_SIZE[0]
    height: float = PAGE_SIZE[1]
    ops: list = field(default_factory=list)

    def text(self, x, top, size, text, grey=0.0):
        """Text with its top-left corner at (x, top), top measured from the page's top."""
        if not text:
            return
        baseline = self.height - top - size * 0.88
        self.ops.append(
            f"{grey:.2f} g BT /F1 {size:.2f} Tf {x:.2f} {baseline:.2f} Td "
            f"<{_escape_hex(text)}> Tj ET 0 g"
        )

    def box(self, x, top, width, height, grey=0.8):
        y = self.height - top - height
        self.ops.append(f"{grey:.2f} g {x:.2f} {y:.2f} {width:.2f} {height:.2f} re f 0 g")

    def rule(self, x0, top, x1, weight=0.8):
        y = self.height - top
        self.ops.append(f"{weight:.2f} w {x0:.2f} {y:.2f} m {x1:.2f} {y:.2f} l S")


def write_pdf(pages):
    """The bytes of a PDF holding `pages` (PdfPage), one font shared by all."""
    objects = []

    def add(body):
        objects.append(body)
        return len(objects)

    descriptor = add(
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880]"
        b" /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>"
    )
    cid_font = add(
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light"
        b" /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >>"
        b" /FontDescriptor %d 0 R /DW 1000 >>" % descriptor
    )
    font = add(
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light-UniGB-UCS2-H"
        b" /Encoding /UniGB-UCS2-H /DescendantFonts [%d 0 R] >>" % cid_font
    )
    pages_id = len(objects) + 2 * len(pages) + 1
    kids = []
    for page in pages:
        stream = "\n".join(page.ops).encode("ascii")
        contents = add(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        kids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d]"
                b" /Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>"
                % (pages_id, round(page.width), round(page.height), font, contents)
            )
        )
    assert (
        add(
            b"<< /Type /Pages /Kids [%s] /Count %d >>"
            % (b" ".join(b"%d 0 R" % kid for kid in kids), len(kids))
        )
        == pages_id
    )
    catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        catalog,
        xref,
    )
    return bytes(out)


@dataclass
class Story:
    """What layout_page() prints of a story: title, byline, paragraphs, a photo's caption."""

    title: str
    paragraphs: list
    byline: str = ""
    kicker: str = ""
    caption: str = ""


def _wrap(text, per_line, indent=2):
    """Chinese text cut into lines of `per_line` characters (the first indented)."""
    text = "\u3000" * indent + text
    return [text[i : i + per_line] for i in range(0, len(text), per_line)]


def layout_page(page, stories, blocks, *, header=None, body_size=10.5):
    """Print `stories` into `blocks` [(story index, x, top, width, height), ...] of `page`.

    A story's title, kicker and byline open its first block; its text then runs down the
    block's columns and on into its next block (a story that wraps round another, or jumps).
    Returns each story's printed boxes, [(story index, (x0, y0, x1, y1)) in 0..1], the truth
    that proposals are measured against.
    """
    if header:
        page.text(MARGIN, 18, 11, header)
        page.rule(MARGIN, 34, page.width - MARGIN)
    line_height = body_size * 1.55
    gutter = 12
    streams = {}
    for index, story in enumerate(stories):
        lines = []
        for paragraph in story.paragraphs:
            lines.append(paragraph)
        if story.caption:
            lines.append(("caption", story.caption))
        streams[index] = lines
    truth = []
    opened = set()
    pending = {index: [] for index in streams}
    for story_index, x, top, width, height in blocks:
        story = stories[story_index]
        cursor = top
        used_bottom = top
        header_right = x
        if story_index not in opened:
            opened.add(story_index)
            if story.kicker:
                page.text(x, cursor, 13, story.kicker)
                cursor += 20
            title_size = min(26, max(16, width / max(len(story.title), 1) * 0.95))
            title = story.title[: int(width // title_size)]
            page.text(x, cursor, title_size, title)
            header_right = x + len(title) * title_size
            cursor += title_size * 1.5
            if story.byline:
                page.text(x, cursor, 10, story.byline)
                cursor += 18
            used_bottom = cursor
        columns = max(1, int(width // 170))
        column_width = (width - gutter * (columns - 1)) / columns
        per_line = max(4, int(column_width // body_size))
        queue = pending[story_index]
        if not queue:
            for item in streams[story_index]:
                if isinstance(item, tuple):
                    queue.append(("photo", item[1]))
                else:
                    queue.extend(("text", line) for line in _wrap(item, per_line))
            streams[story_index] = []
        column = last_column = 0
        y = cursor
        bottom = top + height
        while queue and column < columns:
            kind, content = queue[0]
            cx = x + column * (column_width + gutter)
            need = line_height if kind == "text" else column_width * 0.6 + 28
            if y + need > bottom:
                column += 1
                y = cursor
                continue
            queue.pop(0)
            last_column = column
            if kind == "text":
                page.text(cx, y, body_size, content)
                y += line_height
            else:
                page.box(cx, y, column_width, column_width * 0.6)
                y += column_width * 0.6 + 4
                for caption_line in _wrap(content, per_line + 1, indent=0)[:2]:
                    page.text(cx, y, 9, caption_line)
                    y += 12
                y += 8
            used_bottom = max(used_bottom, y)
        used_right = x + (last_column + 1) * column_width + last_column * gutter
        used_right = max(used_right, header_right)
        truth.append(
            (
                story_index,
                (
                    x / page.width,
                    top / page.height,
                    min(used_right, x + width) / page.width,
                    used_bottom / page.height,
                ),
            )
        )
    return truth
