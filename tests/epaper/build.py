"""Page files for the digital edition's tests, made in the test: PDFs with real text (written
by epaper.pdfwrite), PDFs and pictures made by Pillow, and the pages' texts."""

import io
import zlib
from datetime import date

from PIL import Image, ImageDraw

from epaper.pdfwrite import PdfPage, Story, layout_page, write_pdf

DAY = date(2026, 6, 3)  # an edition's date: data, not the clock

STORIES = [
    Story(
        "钱塘江边新开一座图书馆",
        [
            "新馆位于钱塘江南岸，建筑面积三万平方米，藏书二十万册，周末开放到晚上十点。" * 3,
            "馆内设有少儿阅览区、古籍修复室和一个可以眺望江景的露台，市民凭身份证即可免费办理借书证。"
            * 3,
        ],
        byline="本报记者 王强",
        caption="新馆的阅览大厅（本报记者 王强 摄）",
    ),
    Story(
        "地铁七号线南延段开通",
        ["地铁七号线南延段今天上午开通运营，新增车站五座，全程运行时间约二十分钟。" * 4],
        byline="本报记者 李明",
    ),
    Story(
        "老旧小区加装电梯提速",
        ["今年全市计划为老旧小区加装电梯三百台，目前已经完成一百二十台，居民出行更加方便。" * 4],
        byline="通讯员 陈晓琳",
    ),
]
# The lead story across the top, two stories side by side below it.
BLOCKS = [(0, 36, 50, 728, 560), (1, 36, 620, 356, 540), (2, 408, 620, 356, 540)]


def header(code, name, paper="杭州日报", day=DAY):
    weekday = "一二三四五六日"[day.weekday()]
    return f"{paper} {day.year}年{day.month}月{day.day}日 星期{weekday} {code} {name}"


def page_text(stories, head):
    lines = [head, ""]
    for story in stories:
        lines += [story.title, "", story.byline, ""]
        for paragraph in story.paragraphs:
            lines += [paragraph, ""]
        if story.caption:
            lines += [story.caption, ""]
    return "\n".join(lines)


def text_pdf(stories=STORIES, blocks=BLOCKS, head=None):
    """A one-page PDF with the stories' text laid out in blocks; and where each story is."""
    page = PdfPage()
    truth = layout_page(page, stories, blocks, header=head)
    return write_pdf([page]), truth


def pillow_pdf(pages=1, size=(1240, 1754)):
    """A PDF of pictures only, as Pillow writes it (a scanned page: no text)."""
    images = []
    for n in range(pages):
        image = Image.new("RGB", size, "white")
        draw = ImageDraw.Draw(image)
        draw.rectangle([80, 80 + n * 10, size[0] - 80, 400], fill=(40, 40, 40))
        draw.rectangle([80, 480, size[0] // 2, 1200], fill=(180, 180, 180))
        images.append(image)
    out = io.BytesIO()
    images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=150)
    return out.getvalue()


def picture(format, size=(1200, 1800), colour=(240, 240, 235)):
    image = Image.new("RGB", size, colour)
    ImageDraw.Draw(image).rectangle([60, 60, size[0] - 60, 300], fill=(30, 30, 30))
    out = io.BytesIO()
    image.save(out, format)
    return out.getvalue()


def edition_files(folder):
    """A small edition on disk, as a desk's export gives it: A01 a PDF with text and its .txt,
    A02 a scanned PDF (Pillow), A03 a JPEG, A04 a PNG and A05 a WebP. Returns the paths."""
    pdf, _truth = text_pdf(head=header("A01", "要闻"))
    files = {
        "A01-要闻.pdf": pdf,
        "A02-城市.pdf": pillow_pdf(),
        "A03-体育.jpg": picture("JPEG"),
        "A04-文体.png": picture("PNG"),
        "A05-副刊.webp": picture("WEBP"),
    }
    paths = []
    for name, data in files.items():
        path = folder / name
        path.write_bytes(data)
        paths.append(path)
    (folder / "A01-要闻.txt").write_text(page_text(STORIES, header("A01", "要闻")), "utf-8")
    return paths


def pdf_bomb(inflated_mb=2048):
    """A PDF whose one page's drawing, 2 MB on disk, inflates to `inflated_mb` of (blank)
    instructions: a "PDF bomb". The deflate stream repeats one compressed block of 16 MB of
    zeros (NUL is white space in a PDF), so it is built in milliseconds, not compressed."""
    chunk = bytes(16 << 20)
    raw = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = raw.compress(chunk) + raw.flush(zlib.Z_FULL_FLUSH)
    end = raw.flush()
    count = inflated_mb // 16
    adler = 1
    for _ in range(count):
        adler = zlib.adler32(chunk, adler)
    stream = b"\x78\xda" + block * count + end + adler.to_bytes(4, "big")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 800 1200] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    return _pdf(objects)


def pdf_with_page_size(width, height):
    """A well-formed PDF whose one page claims `width` x `height` points."""
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] >>" % (width, height),
        ]
    )


def _pdf(objects):
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
