"""The Pillow pipeline for figures: judge an upload, then make clean renditions of it.

- check_photo() decides whether an uploaded file is a photo we accept. Pillow decides, never the
  file name, and the size limits are checked from the header before anything is decoded.
- render_renditions() turns an original into the resized, upright, sRGB, metadata-free files
  readers get. It is plain Pillow and bytes, so bench/renditions.py can time it without Django.
- sync_renditions() makes the renditions a figure needs, through Django's storage API, and
  drops the ones it no longer needs. It runs when a figure is saved (articles/signals.py) and
  from `manage.py regenerate_renditions`; a public request never processes an image.
"""

import hashlib
import io
import logging
import warnings
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError, features

logger = logging.getLogger(__name__)

# Pillow's format name -> how editors know it.
ACCEPTED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}
if features.check("avif"):
    # Recent Android phones save AVIF, and Pillow reads it with its own plugin, no extra
    # package. HEIC (iPhones) would need pillow-heif's binary build: it is refused by name.
    ACCEPTED_FORMATS["AVIF"] = "AVIF"
# The extension an original is stored under: the format Pillow found, never the upload's name
# (an upload named "x.jpg\0.html" would otherwise be kept as "x.jpg.html").
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "AVIF": "avif"}
DEFAULT_MAX_UPLOAD_BYTES = 25 * 1024 * 1024
DEFAULT_MAX_PIXELS = 50_000_000

# What readers are sent. Widths are CSS-independent pixel widths; none exceeds the original.
WEBP_WIDTHS = (480, 800, 1200, 1600)
FALLBACK_WIDTH = 1200
SOCIAL_SIZE = (1200, 630)
# Search engines ask for a news article's image in these shapes (Google: 16:9, 4:3 and 1:1, each
# at least 50,000 pixels). Each is a crop like the social card, centred on the focal point, and
# made only where the original has the pixels for it.
STRUCTURED_CROPS = {"16x9": (16, 9), "4x3": (4, 3), "1x1": (1, 1)}
STRUCTURED_WIDTH = 1200
MIN_STRUCTURED_PIXELS = 50_000
CROP_KINDS = {"social", "crop"}
# Where a figure's renditions loaded with it are kept (models.with_renditions, a Prefetch
# to_attr; Figure.loaded_renditions() reads them, sync_renditions forgets them).
LOADED_RENDITIONS = "renditions_loaded"
WEBP_QUALITY = 80
JPEG_QUALITY = 82

# EXIF orientations 5 to 8 store the picture on its side.
SIDEWAYS_ORIENTATIONS = {5, 6, 7, 8}
EXIF_ORIENTATION = 0x0112

SRGB_PROFILE = ImageCms.createProfile("sRGB")


def max_upload_bytes():
    return getattr(settings, "PHOTO_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES)


def max_pixels():
    return getattr(settings, "PHOTO_MAX_PIXELS", DEFAULT_MAX_PIXELS)


# --- Validation ------------------------------------------------------------------------------

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

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        info = judged_photo(upload)
        upload.content_type = info.content_type
        return upload


# --- Rendering (plain Pillow) ----------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    """One rendition a figure gets: `name` is stored in Rendition.spec."""

    name: str
    kind: str  # "webp", "jpeg" (the fallback), "social" or "crop" (a structured-data shape)
    width: int
    height: int
    ratio: float | None = None  # width / height of the crop, for "social" and "crop"

    @property
    def extension(self):
        return "webp" if self.kind == "webp" else "jpg"


def oriented_size(image):
    """The size of `image` as a reader sees it, after its EXIF orientation is applied."""
    orientation = image.getexif().get(EXIF_ORIENTATION)
    if orientation in SIDEWAYS_ORIENTATIONS:
        return image.height, image.width
    return image.width, image.height


def rendition_specs(width, height, focal_x=0.5, focal_y=0.5):
    """The renditions an upright `width` x `height` original gets. Never larger than it."""

    def scaled(target):
        w = min(target, width)
        return w, max(1, round(height * w / width))

    specs, seen = [], set()
    for target in WEBP_WIDTHS:
        w, h = scaled(target)
        if w in seen:
            continue  # a small original: one file at its own width covers the larger targets
        seen.add(w)
        specs.append(Spec(f"webp-{target}", "webp", w, h))
    specs.append(Spec(f"jpeg-{FALLBACK_WIDTH}", "jpeg", *scaled(FALLBACK_WIDTH)))
    crop = social_crop_box(width, height, focal_x, focal_y)
    crop_w = crop[2] - crop[0]
    social_w = min(SOCIAL_SIZE[0], crop_w)
    social_h = max(1, round(social_w * SOCIAL_SIZE[1] / SOCIAL_SIZE[0]))
    # The focal point is part of the name, so moving it in the admin remakes only this file.
    name = f"social-{SOCIAL_SIZE[0]}x{SOCIAL_SIZE[1]}-{round(focal_x * 100)}-{round(focal_y * 100)}"
    specs.append(Spec(name, "social", social_w, social_h, SOCIAL_SIZE[0] / SOCIAL_SIZE[1]))
    focus = f"{round(focal_x * 100)}-{round(focal_y * 100)}"
    for label, (rw, rh) in STRUCTURED_CROPS.items():
        # The widest box of this shape the original holds; int() so it never exceeds it.
        crop_w = min(STRUCTURED_WIDTH, int(min(width, height * rw / rh)))
        crop_h = max(1, round(crop_w * rh / rw))
        if crop_w * crop_h >= MIN_STRUCTURED_PIXELS:
            specs.append(Spec(f"crop-{label}-{focus}", "crop", crop_w, crop_h, rw / rh))
    return specs


def social_crop_box(width, height, focal_x, focal_y):
    """The largest 1200:630 box inside the image, centred on the focal point where it fits."""
    return crop_box(width, height, SOCIAL_SIZE[0] / SOCIAL_SIZE[1], focal_x, focal_y)


def spec_crop_box(spec, width, height, focal_x=0.5, focal_y=0.5):
    """The part of a `width` x `height` original that `spec` shows: a box, or None for all."""
    if spec.kind not in CROP_KINDS:
        return None
    return crop_box(width, height, spec.ratio, focal_x, focal_y)


def crop_box(width, height, ratio, focal_x, focal_y):
    """The largest box of `ratio` (width / height) inside the image, centred on the focal point."""
    crop_w, crop_h = width, width / ratio
    if crop_h > height:
        crop_w, crop_h = height * ratio, height
    left = min(max(focal_x * width - crop_w / 2, 0), width - crop_w)
    top = min(max(focal_y * height - crop_h / 2, 0), height - crop_h)
    return (round(left), round(top), round(left + crop_w), round(top + crop_h))


def to_srgb(image):
    """An RGB or RGBA image in sRGB, 8 bits a channel, whatever the original's mode."""
    icc = image.info.get("icc_profile")
    if image.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        # 16-bit greyscale: scale down rather than clip, or every mid-grey turns white.
        image = image.convert("I").point(lambda v: v / 256).convert("L")
    elif image.mode == "F":
        image = image.point(lambda v: v * 255).convert("L")
    has_alpha = image.mode in ("RGBA", "LA", "PA", "La", "RGBa") or (
        image.mode == "P" and "transparency" in image.info
    )
    alpha = None
    if has_alpha:
        image = image.convert("RGBA")
        alpha = image.getchannel("A")
        image = image.convert("RGB")
    if icc and image.mode in ("RGB", "CMYK", "L"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            image = ImageCms.profileToProfile(
                image, source, SRGB_PROFILE, outputMode="RGB", renderingIntent=0
            )
        except (ImageCms.PyCMSError, OSError, ValueError):
            # A broken profile is the photographer's problem, not the reader's: fall back to
            # Pillow's plain conversion rather than refusing to show the photo.
            logger.warning("Ignoring an unusable ICC profile", exc_info=True)
    if image.mode != "RGB":
        image = image.convert("RGB")
    if alpha is not None:
        image.putalpha(alpha)
    return image


def _flatten_on_white(image):
    if image.mode != "RGBA":
        return image
    background = Image.new("RGB", image.size, (255, 255, 255))
    background.paste(image, mask=image.getchannel("A"))
    return background


def _encode(image, kind):
    out = io.BytesIO()
    # A fresh info dict: nothing of the original's EXIF, GPS, XMP, IPTC or profile goes out.
    image.info = {}
    if kind == "webp":
        image.save(out, "WEBP", quality=WEBP_QUALITY, method=4)
    else:
        image = _flatten_on_white(image)
        image.info = {}
        image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return out.getvalue()


@dataclass(frozen=True)
class Rendered:
    spec: Spec
    data: bytes
    width: int
    height: int


def open_upright(fp, *, largest_width):
    """Open an original, decoded no larger than needed for `largest_width`, upright and sRGB.

    For a JPEG, draft mode lets libjpeg decode at 1/2, 1/4 or 1/8 scale straight from the
    DCT coefficients: a 24-megapixel photo never exists in memory at full size.
    """
    image = Image.open(fp)
    upright_w, upright_h = oriented_size(image)
    scale = min(1.0, largest_width / upright_w)
    wanted = (upright_w * scale, upright_h * scale)
    if (upright_w, upright_h) != image.size:
        wanted = wanted[::-1]
    image.draft("RGB", (max(1, int(wanted[0])), max(1, int(wanted[1]))))
    ImageOps.exif_transpose(image, in_place=True)
    return to_srgb(image), (upright_w, upright_h)


def render_renditions(fp, focal_x=0.5, focal_y=0.5, specs=None):
    """Every rendition of the original in `fp` (or just `specs`), as encoded bytes."""
    with Image.open(fp) as probe:
        upright = oriented_size(probe)
    wanted = rendition_specs(*upright, focal_x, focal_y)
    if specs is not None:
        names = {spec.name for spec in specs}
        wanted = [spec for spec in wanted if spec.name in names]
    if not wanted:
        return []
    # A crop may need more pixels than the widest width when the crop is narrow.
    largest = max(
        spec.width / _crop_share(*upright, spec.ratio) if spec.kind in CROP_KINDS else spec.width
        for spec in wanted
    )
    fp.seek(0)
    base, upright = open_upright(fp, largest_width=largest)
    results = []
    # Widest first, each resized from the one before: every step is a small reduction, much
    # cheaper than resizing the big decoded base again, and Lanczos keeps it sharp.
    source = base
    plain = (s for s in wanted if s.kind not in CROP_KINDS)
    for spec in sorted(plain, key=lambda s: (-s.width, s.kind)):
        if source.width < spec.width:
            source = base
        resized = source.resize((spec.width, spec.height), Image.Resampling.LANCZOS)
        results.append(Rendered(spec, _encode(resized, spec.kind), *resized.size))
        source = resized
    for spec in (s for s in wanted if s.kind in CROP_KINDS):
        sx, sy = base.width / upright[0], base.height / upright[1]
        left, top, right, bottom = spec_crop_box(spec, *upright, focal_x, focal_y)
        box = (left * sx, top * sy, right * sx, bottom * sy)
        cropped = base.resize((spec.width, spec.height), Image.Resampling.LANCZOS, box=box)
        results.append(Rendered(spec, _encode(cropped, spec.kind), *cropped.size))
    return results


def _crop_share(width, height, ratio):
    left, _, right, _ = crop_box(width, height, ratio, 0.5, 0.5)
    return (right - left) / width


# --- Renditions of a figure (storage + database) --------------------------------------------


def sync_renditions(figure, *, force=False):
    """Make the renditions the figure's image and focal point call for; delete the others.

    Renditions already made from the same original with the same spec are kept unless `force`.
    The files of renditions (and of a replaced original) are deleted once the transaction
    commits, so a rolled-back save never loses a file that the database still points to.
    Returns the number of renditions made.
    """
    existing = list(figure.renditions.all())
    current = figure.image.name if figure.image else ""
    made = []
    if current:
        with figure.image.open("rb") as original:
            with Image.open(original) as probe:
                upright = oriented_size(probe)
            wanted = rendition_specs(*upright, figure.focal_x, figure.focal_y)
            keep = set()
            if not force:
                keep = {
                    r.spec
                    for r in existing
                    if r.source == current and r.spec in {s.name for s in wanted}
                }
            missing = [spec for spec in wanted if spec.name not in keep]
            if missing:
                original.seek(0)
                made = render_renditions(original, figure.focal_x, figure.focal_y, missing)
    else:
        keep = set()
    stale = [r for r in existing if r.spec not in keep]
    replaced_originals = {r.source for r in stale if r.source and r.source != current}
    Rendition = figure.renditions.model
    for rendition in stale:
        rendition.delete()  # the post_delete handler removes its file after commit
    for rendered in made:
        rendition = Rendition(
            figure=figure,
            spec=rendered.spec.name,
            source=current,
            width=rendered.width,
            height=rendered.height,
            size=len(rendered.data),
        )
        # The content's hash in the name: a URL never points at different bytes over time, so
        # browsers and the CDN may cache renditions for good. Nothing of the original's name:
        # it is random so that it cannot be guessed, and a public URL must not give it away.
        digest = hashlib.sha256(rendered.data).hexdigest()[:10]
        rendition.file.save(
            f"{figure.pk}/{rendered.spec.name}-{digest}.{rendered.spec.extension}",
            ContentFile(rendered.data),
            save=False,
        )
        rendition.save()
    Figure = type(figure)
    for name in replaced_originals:
        if not Figure.objects.filter(image=name).exists():
            delete_file_on_commit(figure.image.storage, name)
    # The renditions loaded with the figure (Prefetch to_attr, Figure.loaded_renditions())
    # are the old ones: forgotten, so the figure reads the new ones.
    figure.__dict__.pop(LOADED_RENDITIONS, None)
    return len(made)


def delete_file_on_commit(storage, name):
    if name:
        transaction.on_commit(lambda: storage.delete(name))
