"""Renditions as plain Pillow and bytes: orientation, sRGB, crops and encoding. No Django models:
bench/renditions.py and the e-paper's pages use it as it is."""

import io
import logging
from dataclasses import dataclass
from enum import StrEnum

from PIL import Image, ImageCms, ImageOps

logger = logging.getLogger(__name__)

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
WEBP_QUALITY = 80
JPEG_QUALITY = 82

# EXIF orientations 5 to 8 store the picture on its side.
SIDEWAYS_ORIENTATIONS = {5, 6, 7, 8}
EXIF_ORIENTATION = 0x0112

SRGB_PROFILE = ImageCms.createProfile("sRGB")


class Kind(StrEnum):
    """What a rendition is for: stored with it (models.Rendition.kind), so nothing reads it
    back out of the spec's name."""

    WEBP = "webp"  # one width of the <picture>
    JPEG = "jpeg"  # the <picture>'s fallback
    SOCIAL = "social"  # the share card (Open Graph, Twitter)
    CROP = "crop"  # a structured-data shape (16:9, 4:3, 1:1)


# Renditions that show a part of the original (a box around the focal point), not all of it.
CROP_KINDS = {Kind.SOCIAL, Kind.CROP}


@dataclass(frozen=True)
class Spec:
    """One rendition a figure gets: `name` and `kind` are stored in Rendition.spec and .kind."""

    name: str
    kind: Kind
    width: int
    height: int
    ratio: float | None = None  # width / height of the crop, for "social" and "crop"

    @property
    def extension(self):
        return "webp" if self.kind == Kind.WEBP else "jpg"


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
        specs.append(Spec(f"webp-{target}", Kind.WEBP, w, h))
    specs.append(Spec(f"jpeg-{FALLBACK_WIDTH}", Kind.JPEG, *scaled(FALLBACK_WIDTH)))
    crop = social_crop_box(width, height, focal_x, focal_y)
    crop_w = crop[2] - crop[0]
    social_w = min(SOCIAL_SIZE[0], crop_w)
    social_h = max(1, round(social_w * SOCIAL_SIZE[1] / SOCIAL_SIZE[0]))
    # The focal point is part of the name, so moving it in the admin remakes only this file.
    name = f"social-{SOCIAL_SIZE[0]}x{SOCIAL_SIZE[1]}-{round(focal_x * 100)}-{round(focal_y * 100)}"
    specs.append(Spec(name, Kind.SOCIAL, social_w, social_h, SOCIAL_SIZE[0] / SOCIAL_SIZE[1]))
    focus = f"{round(focal_x * 100)}-{round(focal_y * 100)}"
    for label, (rw, rh) in STRUCTURED_CROPS.items():
        # The widest box of this shape the original holds; int() so it never exceeds it.
        crop_w = min(STRUCTURED_WIDTH, int(min(width, height * rw / rh)))
        crop_h = max(1, round(crop_w * rh / rw))
        if crop_w * crop_h >= MIN_STRUCTURED_PIXELS:
            specs.append(Spec(f"crop-{label}-{focus}", Kind.CROP, crop_w, crop_h, rw / rh))
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
    if kind == Kind.WEBP:
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
