"""Plain factory functions: data built in the test that needs it, not loaded from fixtures."""

import io
import struct
import zlib
from datetime import timedelta
from itertools import count

from django.contrib.auth.models import Group, Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from articles.models import Article, ArticleAuthor, Author, Column, Correction, Figure, Section

_seq = count(1)


def make_column(name=None, **fields):
    return Column.objects.create(name=name or f"栏目{next(_seq)}", **fields)


def make_author(name=None, **fields):
    return Author.objects.create(name=name or f"作者{next(_seq)}", **fields)


def make_article(
    title=None,
    *,
    published=True,
    published_at=None,
    authors=(),
    sections=(("", "第一段。\n\n第二段。"),),
    **fields,
):
    """An article with sections given as (heading, body) pairs; published an hour ago by default."""
    if published and published_at is None:
        published_at = timezone.now() - timedelta(hours=1)
    article = Article.objects.create(
        title=title or f"测试文章{next(_seq)}",
        status=Article.Status.PUBLISHED if published else Article.Status.DRAFT,
        published_at=published_at,
        **fields,
    )
    for position, author in enumerate(authors, start=1):
        ArticleAuthor.objects.create(article=article, author=author, position=position)
    for position, (heading, body) in enumerate(sections, start=1):
        Section.objects.create(article=article, position=position, heading=heading, body=body)
    return article


def make_figure(
    article, *, caption="图片说明", image=True, section=None, size=(480, 320), **fields
):
    """A figure, with a photo of `size` unless image=False.

    Saving it makes the renditions that size calls for, as an upload does. The default, small
    photo gets six, all 480 pixels wide or less (one WebP width, the JPEG, the share card and
    the three crops for structured data): a test that needs the wide renditions (800, 1200,
    1600) asks for a photo that large. Rendering them is most of what a figure costs.
    """
    position = fields.pop("position", article.figures.count() + 1)
    figure = Figure(article=article, section=section, position=position, caption=caption, **fields)
    if image:
        width, height = size
        upload = jpeg_upload(f"figure-{next(_seq)}.jpg", width=width, height=height)
        figure.image.save(upload.name, upload, save=False)
    figure.save()
    return figure


def jpeg_bytes(width=480, height=320, colour=(30, 90, 150), **save_options):
    """A plain JPEG, small unless asked: see make_figure."""
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, format="JPEG", quality=85, **save_options)
    return out.getvalue()


def jpeg_upload(name="photo.jpg", **kwargs):
    return SimpleUploadedFile(name, jpeg_bytes(**kwargs), content_type="image/jpeg")


# --- Photo files for the image pipeline, made with Pillow in memory -----------------------------


def image_bytes(image, format, **save_options):
    out = io.BytesIO()
    image.save(out, format=format, **save_options)
    return out.getvalue()


def upload(data, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def rotated_phone_jpeg(stored=(1600, 1000)):
    """A phone photo stored on its side: top half red, bottom half blue, EXIF orientation 6,
    GPS coordinates and XMP. Upright it is portrait, with red on the right."""
    image = Image.new("RGB", stored, (220, 20, 20))
    image.paste((20, 20, 220), (0, stored[1] // 2, stored[0], stored[1]))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to display
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (30.0, 15.0, 36.0), 3: "E", 4: (120.0, 12.0, 0.0)}
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/>secret-xmp-location</x:xmpmeta>'
    return image_bytes(image, "JPEG", exif=exif, xmp=xmp, quality=90)


def cmyk_jpeg(colour=(0, 255, 255, 0), size=(900, 600)):
    """Pure red as a print shop would send it: CMYK (no cyan, full magenta and yellow)."""
    return image_bytes(Image.new("CMYK", size, colour), "JPEG", quality=95)


def png_16bit_grey(size=(900, 600), value=32768):
    """A 16-bit greyscale PNG, mid-grey: 32768 of 65535."""
    return image_bytes(Image.new("I;16", size, value), "PNG")


def transparent_png(size=(900, 600)):
    """Left half transparent, right half opaque green."""
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    image.paste((0, 160, 0, 255), (size[0] // 2, 0, size[0], size[1]))
    return image_bytes(image, "PNG")


def animated_gif(size=(200, 150)):
    frames = [Image.new("P", size, index) for index in range(3)]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return out.getvalue()


def truncated_jpeg(size=(1200, 800)):
    """A real camera-like JPEG cut off half-way, as an interrupted upload leaves it."""
    data = image_bytes(Image.effect_noise(size, 40).convert("RGB"), "JPEG", quality=90)
    return data[: len(data) // 2]


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">'
    b'<circle cx="50" cy="50" r="40" fill="red"/></svg>'
)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
# How an iPhone's HEIC file begins (an ISO-BMFF ftyp box); Pillow cannot read HEIC at all.
HEIC = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic" + b"\0" * 200
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"


def png_header_only(width, height):
    """A valid PNG header claiming width x height, with almost no pixel data behind it:
    a decompression bomb that would need width * height * 3 bytes to decode."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def _s15(value):
    return struct.pack(">i", round(value * 65536))


def swapped_primaries_profile():
    """An ICC v2 RGB display profile whose red and green primaries are swapped.

    Pillow can only create sRGB, Lab and XYZ profiles, so this one is written byte by byte: a
    matrix/TRC profile with sRGB's D50-adapted primaries, red's and green's exchanged. A pixel
    (255, 0, 0) tagged with it is green; a pipeline that ignores the profile shows it red.
    """
    red, green, blue = (0.4361, 0.2225, 0.0139), (0.3851, 0.7169, 0.0971), (0.1431, 0.0606, 0.7141)

    def xyz(values):
        return b"XYZ \0\0\0\0" + b"".join(_s15(v) for v in values)

    text = b"swapped primaries\0"
    desc = (
        b"desc\0\0\0\0" + struct.pack(">I", len(text)) + text + b"\0" * 8 + b"\0" * 3 + b"\0" * 67
    )
    gamma = b"curv\0\0\0\0" + struct.pack(">IH", 1, 0x0233) + b"\0\0"  # gamma 2.2
    tags = [
        (b"desc", desc),
        (b"wtpt", xyz((0.9642, 1.0, 0.8249))),
        (b"rXYZ", xyz(green)),
        (b"gXYZ", xyz(red)),
        (b"bXYZ", xyz(blue)),
        (b"rTRC", gamma),
        (b"gTRC", gamma),
        (b"bTRC", gamma),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, data = struct.pack(">I", len(tags)), b""
    for signature, body in tags:
        body += b"\0" * (-len(body) % 4)
        table += signature + struct.pack(">II", offset + len(data), len(body))
        data += body
    size = offset + len(data)
    header = (
        struct.pack(">I", size)
        + b"\0" * 4
        + struct.pack(">I", 0x02100000)
        + b"mntrRGB XYZ "
        + b"\0" * 12
        + b"acsp"
        + b"\0" * 24
        + struct.pack(">I", 0)
        + _s15(0.9642)
        + _s15(1.0)
        + _s15(0.8249)
        + b"\0" * 48
    )
    assert len(header) == 128
    return header + table + data


def red_jpeg_with_swapped_profile(size=(900, 600)):
    image = Image.new("RGB", size, (255, 0, 0))
    return image_bytes(image, "JPEG", quality=95, icc_profile=swapped_primaries_profile())


def media_files(root):
    """Every file under the test's MEDIA_ROOT, as paths relative to it."""
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def make_staff(username="editor", *, superuser=False, perms=("change_article",)):
    user = User.objects.create_user(username, password="pw-for-tests-only", is_staff=True)
    if superuser:
        user.is_superuser = True
        user.save()
    for codename in perms:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return user


def make_member(username, group):
    """A staff account in one of the desk's groups (记者 or 编辑), made by the migrations."""
    user = User.objects.create_user(username, password="pw-for-tests-only", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def make_reporter(username="reporter"):
    return make_member(username, "记者")


def make_editor(username="desk-editor"):
    return make_member(username, "编辑")


def make_correction(article, note="更正：原文中的数字有误，已改正。", corrected_at=None):
    return Correction.objects.create(
        article=article, note=note, corrected_at=corrected_at or timezone.now()
    )
