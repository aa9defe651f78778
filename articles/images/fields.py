"""Judging an uploaded photo: what a form field, the model field's validator and the storing of
a file all ask (articles/models.py imports this module; it imports no model)."""

import warnings
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image, UnidentifiedImageError, features

# Pillow's format name -> how editors know it.
ACCEPTED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}
if features.check("avif"):
    # Recent Android phones save AVIF, and Pillow reads it with its own plugin, no extra
    # package. HEIC (iPhones) would need pillow-heif's binary build: it is refused by name.
    ACCEPTED_FORMATS["AVIF"] = "AVIF"
# The extension an original is stored under: the format Pillow found, never the upload's name
# (an upload named "x.jpg\0.html" would otherwise be kept as "x.jpg.html").
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "AVIF": "avif"}


# The limits are settings (PHOTO_MAX_UPLOAD_MB, PHOTO_MAX_MEGAPIXELS in the environment), with
# their defaults in qiantang_site/settings.py only.
def max_upload_bytes():
    return settings.PHOTO_MAX_UPLOAD_BYTES


def max_pixels():
    return settings.PHOTO_MAX_PIXELS


def limits_text():
    """What editors are told before they upload, from the limits in force."""
    megabytes = max_upload_bytes() / 1024 / 1024
    return f"JPEG、PNG 或 WebP，最大 {megabytes:g} MB、{max_pixels() / 10_000:g} 万像素。"


MESSAGES = {
    "too_large": "文件太大（{size:.1f} MB），上限是 {limit:.0f} MB。请压缩或缩小后再上传。",
    "too_many_pixels": (
        "图片像素太多（{width}×{height}，约 {megapixels:.0f} 百万像素），"
        "上限是 {limit:.0f} 百万像素。请缩小后再上传。"
    ),
    "bomb": (
        "图片声称的尺寸大得离谱（超过 {limit:.0f} 百万像素的上限很多倍），"
        "可能是恶意构造的文件，已拒绝。"
    ),
    "svg": "这是 SVG 矢量图，不是照片文件。请导出为 JPEG 或 PNG 后再上传。",
    "pdf": "这是 PDF 文档，不是图片。请把需要的页面导出为 JPEG 或 PNG 后再上传。",
    "heic": (
        "这是 iPhone 的 HEIC 照片，网站无法处理。请在手机“设置 → 相机 → 格式”选“兼容性最佳”，"
        "或把照片导出为 JPEG 后再上传。"
    ),
    "html": "这个文件其实是网页（HTML）或文字，只是扩展名写成了图片，不能上传。",
    "not_an_image": "无法识别这个文件：它不是 JPEG、PNG 或 WebP 图片（可能只是改了扩展名）。",
    "gif": (
        "不接受 GIF 图片（包括动图）：GIF 只有 256 色，不适合新闻照片。"
        "请另存为 JPEG、PNG 或 WebP 后再上传。"
    ),
    "format": "不接受 {format} 格式的图片。请另存为 JPEG、PNG 或 WebP 后再上传。",
    "animated": "不接受动图。请上传一张静态的 JPEG、PNG 或 WebP 图片。",
    "broken": "图片文件不完整或已损坏（可能上传或导出时中断了），请重新导出后再上传。",
}


def _refuse(code, **params):
    return ValidationError(MESSAGES[code].format(**params), code=code)


def _sniff_non_image(head):
    """Name what a file that Pillow cannot read really is, for a clearer message."""
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"hevc", b"heim", b"mif1"):
        return "heic"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"%pdf"):
        return "pdf"
    if b"<svg" in text:
        return "svg"
    if text.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<?xml", b"<")):
        return "html"
    return "not_an_image"


@dataclass(frozen=True)
class PhotoInfo:
    format: str
    width: int
    height: int

    @property
    def content_type(self):
        return Image.MIME[self.format]

    @property
    def extension(self):
        return EXTENSIONS[self.format]


def check_photo(file):
    """Return a PhotoInfo if `file` is a JPEG, PNG or WebP we can render; else ValidationError.

    Cheap checks come first and decoding last, so a decompression bomb or a huge upload is
    refused from its size or its header, before Pillow allocates memory for its pixels.
    """
    size = getattr(file, "size", None)
    if size is not None and size > max_upload_bytes():
        raise _refuse("too_large", size=size / 1024 / 1024, limit=max_upload_bytes() / 1024 / 1024)
    file.seek(0)
    head = file.read(1024)
    file.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow warns between 1x and 2x its MAX_IMAGE_PIXELS; our own limit is lower anyway.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(file)
    except Image.DecompressionBombError:
        raise _refuse("bomb", limit=max_pixels() / 1e6) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _refuse(_sniff_non_image(head)) from None
    with image:
        info = PhotoInfo(image.format, image.width, image.height)
        if image.format == "GIF":
            raise _refuse("gif")
        if image.format not in ACCEPTED_FORMATS:
            raise _refuse("format", format=image.format)
        if getattr(image, "is_animated", False):
            raise _refuse("animated")
        if image.width * image.height > max_pixels():
            raise _refuse(
                "too_many_pixels",
                width=image.width,
                height=image.height,
                megapixels=image.width * image.height / 1e6,
                limit=max_pixels() / 1e6,
            )
        try:
            image.verify()
        except Exception:  # verify() raises whatever the plugin meets; all mean "broken".
            raise _refuse("broken") from None
    # verify() leaves the image unusable and misses a truncated JPEG: decode it for real, as
    # small as the format allows (JPEG draft mode), so a broken file never reaches renditions.
    file.seek(0)
    try:
        with Image.open(file) as image:
            image.draft("RGB", (image.width // 8 or 1, image.height // 8 or 1))
            image.load()
    except Exception:
        raise _refuse("broken") from None
    finally:
        file.seek(0)
    return info


def validate_photo(value):
    """Model-field validator: every way in (admin, forms, full_clean) gets the same checks."""
    if not value or getattr(value, "_committed", True):
        # Only a new upload is judged; re-validating stored originals on every save would
        # decode every photo of an article each time an editor saves it.
        return
    judged_photo(getattr(value, "file", value))


def judged_photo(upload):
    """check_photo() of an upload, judged once: the answer is kept on the upload, so the form
    field, the model validator and the storing of the file (models.PhotoFieldFile) share it."""
    info = getattr(upload, "photo_info", None)
    if info is None:
        info = check_photo(upload)
        upload.photo_info = info
    return info


class PhotoFormField(forms.ImageField):
    """An image form field that lets check_photo() judge the upload and name the problem.

    Django's own ImageField only says "not an image or a corrupted image" and does not know
    our limits; this one keeps the typed data of the rest of the form and explains why.
    """

    default_validators = []

    def __init__(self, *, help_text="", **kwargs):
        # The limits in force, before what the model field says (models.Figure.image).
        super().__init__(help_text=limits_text() + help_text, **kwargs)

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        info = judged_photo(upload)
        upload.content_type = info.content_type
        return upload
