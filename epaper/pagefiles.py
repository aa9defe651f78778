"""Page files: judge an upload (PDF or picture), render a PDF, make a page's renditions.

- check_page_file() decides whether a file is a page we accept, from its content, never its
  name: a PDF (read by pypdfium2 in a limited child process, epaper.pdfworker) or a JPEG, PNG
  or WebP judged by the photo pipeline's own check (articles.images.fields.check_photo).
- read_pdf() renders every page of a PDF to a picture and reads its text with positions.
- sync_page_renditions() writes the WebP sizes and the JPEG fallback readers get, under
  renditions/epaper/<page id>/ with a content hash in the name, like figures' renditions.
"""

import hashlib
import io
import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image

from articles.images.fields import check_photo
from articles.images.render import JPEG_QUALITY, WEBP_QUALITY, open_upright
from articles.images.renditions import delete_file_on_commit

# A rendered PDF page is this many pixels wide: 140 dpi across a broadsheet, enough to read
# the small print when a reader zooms in; the largest rendition readers get.
RENDER_WIDTH = 1800
# What readers are sent: a phone at 2x takes 800, a laptop 1200, zooming in 1800.
WEBP_WIDTHS = (480, 800, 1200, 1800)
FALLBACK_WIDTH = 1200

# Wall time for one PDF in the child (its CPU is limited there too).
PDF_SECONDS = 300


# The limits are settings (EPAPER_MAX_UPLOAD_MB, EPAPER_MAX_PDF_PAGES), with their defaults in
# qiantang_site/settings.py only.
def max_upload_bytes():
    return settings.EPAPER_MAX_UPLOAD_MB * 1024 * 1024


def max_pdf_pages():
    return settings.EPAPER_MAX_PDF_PAGES


MESSAGES = {
    "too_large": "文件“{name}”太大（{size:.1f} MB），版面文件上限是 {limit:.0f} MB。",
    "empty": "文件“{name}”是空的。",
    "not_pdf": "文件“{name}”的扩展名是 .pdf，内容却不是 PDF（{what}）。请检查是否传错了文件。",
    "broken": "文件“{name}”不是完好的 PDF：无法读取（可能损坏或下载不完整）。请重新导出后再上传。",
    "encrypted": "文件“{name}”是加密的 PDF，需要密码才能打开。请导出不加密的 PDF 后再上传。",
    "no_pages": "文件“{name}”里没有任何页面。",
    "too_many_pages": "文件“{name}”有 {pages} 页，一个 PDF 最多 {limit} 页。请按版面拆开后再上传。",
    "page_size": (
        "文件“{name}”第 {page} 页的尺寸不像报纸版面（{width}×{height} 点），"
        "可能是恶意构造的文件，已拒绝。"
    ),
    "bomb": (
        "文件“{name}”读取时用掉的内存或时间超出上限，可能是恶意构造的 PDF（“PDF 炸弹”），已拒绝。"
    ),
    "too_slow": (
        "文件“{name}”的渲染超过了网页上传的 {seconds} 秒限制，这次上传的版面都没有保存。"
        "网页上传要在服务器的 30 秒内完成：请少传几个版面再试，"
        "或者请技术人员在服务器上用 manage.py import_edition 导入整期（没有这个限制）。"
    ),
    "not_a_page": "文件“{name}”不是 PDF，也不是 JPEG、PNG 或 WebP 图片：{reason}",
}

WHAT = {
    "jpeg": "其实是 JPEG 图片",
    "png": "其实是 PNG 图片",
    "webp": "其实是 WebP 图片",
    "html": "其实是网页（HTML）或文字",
    "zip": "其实是压缩包或 Word/Excel 文档",
    "text": "其实是文字",
    "unknown": "无法识别的内容",
}


class PageFileError(ValidationError):
    pass


def refuse(code, **params):
    return PageFileError(MESSAGES[code].format(**params), code=code)


def what_is(head):
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype", b"<html", b"<?xml", b"<")):
        return "html"
    try:
        head.decode("utf-8")
        return "text"
    except UnicodeDecodeError:
        return "unknown"


def is_pdf(head):
    # Readers accept up to 1 KB of junk before the header; so do we.
    return b"%PDF-" in head[:1024]


@dataclass
class PageFile:
    """What check_page_file found: a PDF with its page count, or a picture's format."""

    kind: str  # "pdf" or "image"
    pages: int = 1
    format: str = ""
    extension: str = ""


def _read_head(upload):
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    return head


def check_page_file(upload, name=None):
    """A PageFile if `upload` is a page we accept; else PageFileError with a Chinese message."""
    name = name or Path(getattr(upload, "name", "") or "版面").name
    size = getattr(upload, "size", None)
    if size == 0:
        raise refuse("empty", name=name)
    if size is not None and size > max_upload_bytes():
        raise refuse(
            "too_large", name=name, size=size / 1024 / 1024, limit=max_upload_bytes() / 1024**2
        )
    head = _read_head(upload)
    if is_pdf(head):
        with _as_path(upload) as path:
            result = _run_worker(path, None, name)
        return PageFile("pdf", pages=len(result["pages"]), format="PDF", extension="pdf")
    if name.lower().endswith(".pdf"):
        raise refuse("not_pdf", name=name, what=WHAT[what_is(head)])
    try:
        info = check_photo(upload)
    except ValidationError as error:
        raise refuse("not_a_page", name=name, reason=" ".join(error.messages)) from None
    return PageFile("image", format=info.format, extension=info.extension)


class _as_path:
    """A path to the upload's bytes: its own when on disk, else a temporary copy."""

    def __init__(self, upload):
        self.upload = upload
        self.temporary = None

    def __enter__(self):
        path = getattr(self.upload, "temporary_file_path", None)
        if path:
            return path()
        self.temporary = tempfile.NamedTemporaryFile(suffix=".pdf")
        self.upload.seek(0)
        for chunk in iter(lambda: self.upload.read(1 << 20), b""):
            self.temporary.write(chunk)
        self.temporary.flush()
        self.upload.seek(0)
        return self.temporary.name

    def __exit__(self, *exc):
        if self.temporary is not None:
            self.temporary.close()


def _run_worker(path, outdir, name, seconds=None):
    command = [
        sys.executable,
        "-m",
        "epaper.pdfworker",
        str(path),
        outdir or "-",
        str(RENDER_WIDTH),
        str(max_pdf_pages()),
    ]
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            timeout=seconds or PDF_SECONDS,
            cwd=Path(__file__).resolve().parent.parent,
        )
    except subprocess.TimeoutExpired:
        if seconds:
            # A time budget of the caller's (the admin's request): slow, not necessarily a bomb.
            raise refuse("too_slow", name=name, seconds=round(seconds)) from None
        raise refuse("bomb", name=name) from None
    if done.returncode != 0:
        # Killed by its limits (SIGKILL, SIGXCPU), or a MemoryError on the way: a bomb.
        raise refuse("bomb", name=name)
    try:
        result = json.loads(done.stdout)
    except ValueError:
        raise refuse("broken", name=name) from None
    if "error" in result:
        code = result.pop("error")
        raise refuse(code, name=name, **result)
    return result


@dataclass
class RenderedPage:
    image: Image.Image
    lines: list = field(default_factory=list)


def read_pdf(upload, name=None, seconds=None):
    """Every page of a PDF as a picture RENDER_WIDTH wide, with its text lines and boxes.

    `seconds` bounds the rendering's wall time (the child is killed past it), for a caller
    inside a web request; without it the child's own limits apply."""
    name = name or Path(getattr(upload, "name", "") or "版面").name
    with _as_path(upload) as path, tempfile.TemporaryDirectory() as outdir:
        result = _run_worker(path, outdir, name, seconds)
        pages = []
        for info in result["pages"]:
            with Image.open(Path(outdir) / info["image"]) as image:
                image.load()
                pages.append(RenderedPage(image, info.get("lines", [])))
    return pages


def jpeg_bytes(image, quality=90):
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=quality, optimize=True, progressive=True)
    return out.getvalue()


def render_page_renditions(fp):
    """The WebP sizes and the JPEG fallback of a page picture: [(spec, bytes, width, height)]."""
    with Image.open(fp) as probe:
        width = probe.width
    fp.seek(0)
    base, (width, height) = open_upright(fp, largest_width=max(WEBP_WIDTHS))
    if base.mode == "RGBA":
        flat = Image.new("RGB", base.size, (255, 255, 255))
        flat.paste(base, mask=base.getchannel("A"))
        base = flat
    # One file per width: a page narrower than a target is covered by its own width once.
    sizes, seen = [], set()
    for target in sorted(WEBP_WIDTHS):
        w = min(target, base.width)
        if w not in seen:
            seen.add(w)
            sizes.append((target, w))
    out = []
    for target, w in reversed(sizes):
        h = max(1, round(base.height * w / base.width))
        resized = base if (w, h) == base.size else base.resize((w, h), Image.Resampling.LANCZOS)
        data = io.BytesIO()
        resized.save(data, "WEBP", quality=WEBP_QUALITY, method=4)
        out.append((f"webp-{target}", data.getvalue(), w, h))
    w = min(FALLBACK_WIDTH, base.width)
    h = max(1, round(base.height * w / base.width))
    fallback = base.resize((w, h), Image.Resampling.LANCZOS)
    data = io.BytesIO()
    fallback.save(data, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    out.append((f"jpeg-{FALLBACK_WIDTH}", data.getvalue(), w, h))
    return out


def sync_page_renditions(page):
    """Remake the page's renditions from its picture; the old files go after the commit."""
    for rendition in page.renditions.all():
        rendition.delete()  # epaper.signals removes the file once the transaction commits
    if not page.image:
        return 0
    with page.image.open("rb") as picture:
        made = render_page_renditions(picture)
    for spec, data, width, height in made:
        digest = hashlib.sha256(data).hexdigest()[:10]
        extension = "webp" if spec.startswith("webp") else "jpg"
        rendition = page.renditions.model(
            page=page, spec=spec, width=width, height=height, size=len(data)
        )
        rendition.file.save(f"{page.pk}/{spec}-{digest}.{extension}", ContentFile(data), save=False)
        rendition.save()
    page.__dict__.pop("renditions_loaded", None)
    return len(made)


def delete_on_commit(field_file):
    if field_file:
        delete_file_on_commit(field_file.storage, field_file.name)
