"""The photo pipeline with real files made by Pillow: what is refused, and what readers get."""

import io
import re
from pathlib import PurePosixPath

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import transaction
from django.forms import modelform_factory
from PIL import Image, features

from articles.images.fields import check_photo
from articles.models import Figure, Rendition
from articles.publishing import publish_problems

from .factories import (
    HEIC,
    HTML,
    PDF,
    SVG,
    animated_gif,
    cmyk_jpeg,
    image_bytes,
    jpeg_bytes,
    make_article,
    make_figure,
    media_files,
    png_16bit_grey,
    png_header_only,
    red_jpeg_with_swapped_profile,
    rotated_phone_jpeg,
    transparent_png,
    truncated_jpeg,
    upload,
)

pytestmark = pytest.mark.django_db


def figure_with(data, name="photo.jpg", **fields):
    article = make_article()
    figure = make_figure(article, image=False, **fields)
    figure.image.save(name, ContentFile(data))  # saves the figure: renditions follow
    figure.refresh_from_db()
    return figure


def rendition(figure, spec):
    return figure.renditions.get(spec=spec)


def read_back(rendition):
    with rendition.file.open("rb") as f:
        data = f.read()
    image = Image.open(io.BytesIO(data))
    image.load()
    return image, data


# --- What is refused -------------------------------------------------------------------------


BAD_FILES = {
    "text named .jpg": (HTML, "网页（HTML）"),
    "svg": (SVG, "SVG"),
    "pdf": (PDF, "PDF"),
    "truncated jpeg": (truncated_jpeg(), "不完整或已损坏"),
    "animated gif": (animated_gif(), "GIF"),
    "still gif": (image_bytes(Image.new("P", (300, 200)), "GIF"), "GIF"),
    "header-only 100000x100000 bomb": (png_header_only(100_000, 100_000), "恶意构造"),
    "64-megapixel header": (png_header_only(8000, 8000), "像素太多"),
    "iphone heic": (HEIC, "HEIC"),
    "tiff": (image_bytes(Image.new("RGB", (300, 200)), "TIFF"), "TIFF"),
    "animated webp": (
        image_bytes(
            Image.new("RGB", (300, 200)),
            "WEBP",
            save_all=True,
            append_images=[Image.new("RGB", (300, 200), "red")],
        ),
        "动图",
    ),
}


@pytest.mark.parametrize("kind", BAD_FILES)
def test_bad_file_is_refused_with_a_message_naming_the_problem(kind):
    data, words = BAD_FILES[kind]
    with pytest.raises(ValidationError) as refused:
        check_photo(upload(data))
    assert words in refused.value.messages[0]


@pytest.mark.parametrize("kind", BAD_FILES)
def test_any_model_form_for_figures_refuses_a_bad_file_and_saves_nothing(kind, media_root):
    data, words = BAD_FILES[kind]
    article = make_article()
    FigureForm = modelform_factory(Figure, fields=["image", "caption", "position"])
    form = FigureForm(
        {"caption": "说明", "position": 1},
        {"image": upload(data)},
        instance=Figure(article=article),
    )
    assert not form.is_valid()
    assert words in " ".join(form.errors["image"])
    assert form["caption"].value() == "说明"
    assert not Figure.objects.exists()
    assert not media_root.exists() or media_files(media_root) == []


def test_full_clean_refuses_a_text_file_named_jpg_outside_any_form():
    figure = Figure(article=make_article(), position=1, caption="说明")
    figure.image = upload(HTML)
    with pytest.raises(ValidationError) as refused:
        figure.full_clean()
    assert "网页（HTML）" in " ".join(refused.value.message_dict["image"])


def test_a_file_over_the_size_limit_is_refused_before_it_is_opened(settings):
    settings.PHOTO_MAX_UPLOAD_BYTES = 10_000
    with pytest.raises(ValidationError) as refused:
        check_photo(upload(jpeg_bytes(2000, 1500) + b"\0" * 20_000))
    assert "文件太大" in refused.value.messages[0]


def test_the_pixel_limit_follows_the_setting(settings):
    settings.PHOTO_MAX_PIXELS = 1_000_000
    with pytest.raises(ValidationError) as refused:
        check_photo(upload(jpeg_bytes(1600, 1000)))
    assert "1600×1000" in refused.value.messages[0]


@pytest.mark.parametrize(
    "data",
    [
        jpeg_bytes(1600, 1000),
        image_bytes(Image.new("RGB", (900, 600), "white"), "PNG"),
        image_bytes(Image.new("RGB", (900, 600), "white"), "WEBP"),
        cmyk_jpeg(),
        png_16bit_grey(),
        transparent_png(),
        rotated_phone_jpeg(),
    ],
    ids=["jpeg", "png", "webp", "cmyk-jpeg", "16-bit-png", "transparent-png", "rotated-jpeg"],
)
def test_jpeg_png_and_webp_are_accepted(data):
    info = check_photo(upload(data))
    assert info.format in {"JPEG", "PNG", "WEBP"}


@pytest.mark.skipif(not features.check("avif"), reason="this Pillow was built without AVIF")
def test_an_avif_photo_from_a_phone_is_accepted_and_rendered():
    data = image_bytes(Image.new("RGB", (1000, 700), (20, 120, 60)), "AVIF")
    assert check_photo(upload(data, "phone.avif")).format == "AVIF"
    figure = figure_with(data, name="phone.avif")
    assert sorted(r.width for r in figure.webp_renditions) == [480, 800, 1000]


# --- Renditions ------------------------------------------------------------------------------


def test_saving_a_figure_makes_webp_widths_a_jpeg_fallback_a_social_crop_and_ratio_crops():
    figure = figure_with(jpeg_bytes(1600, 1067))
    got = {r.spec: (r.width, r.height) for r in figure.renditions.all()}
    assert got == {
        "webp-480": (480, 320),
        "webp-800": (800, 534),
        "webp-1200": (1200, 800),
        "webp-1600": (1600, 1067),
        "jpeg-1200": (1200, 800),
        "social-1200x630-50-50": (1200, 630),
        # The shapes search engines ask for, as large as the original allows.
        "crop-16x9-50-50": (1200, 675),
        "crop-4x3-50-50": (1200, 900),
        "crop-1x1-50-50": (1067, 1067),
    }
    for r in figure.renditions.all():
        image, data = read_back(r)
        assert image.size == (r.width, r.height)
        assert r.size == len(data) == r.file.size
        assert image.format == ("WEBP" if r.kind == "webp" else "JPEG")
        assert r.file.name.startswith("renditions/")


def test_a_small_original_is_never_enlarged():
    figure = figure_with(jpeg_bytes(1000, 500))
    widths = sorted(r.width for r in figure.webp_renditions)
    assert widths == [480, 800, 1000]
    assert max(r.width for r in figure.renditions.all()) == 1000


def test_an_exif_rotated_phone_photo_comes_out_upright():
    figure = figure_with(rotated_phone_jpeg())
    for spec in ("webp-480", "jpeg-1200"):
        image, _ = read_back(rendition(figure, spec))
        width, height = image.size
        assert height > width  # portrait, as the phone held it
        right = image.convert("RGB").getpixel((width - 5, height // 2))
        left = image.convert("RGB").getpixel((5, height // 2))
        assert right[0] > 150 and right[2] < 80, right  # the red half
        assert left[2] > 150 and left[0] < 80, left  # the blue half


def test_no_rendition_carries_exif_gps_or_xmp():
    figure = figure_with(rotated_phone_jpeg())
    # Upright it is 1000 wide: 480, 800 and 1000 in WebP, the JPEG, the social and three ratio crops.
    assert figure.renditions.count() == 8
    for r in figure.renditions.all():
        image, data = read_back(r)
        assert len(image.getexif()) == 0
        assert not {"exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "photoshop"} & set(
            image.info
        )
        for marker in (b"Exif", b"PhoneMaker", b"secret-xmp-location", b"Photoshop 3.0"):
            assert marker not in data


def test_the_original_keeps_what_the_photographer_uploaded():
    data = rotated_phone_jpeg()
    figure = figure_with(data)
    with figure.image.open("rb") as f:
        assert f.read() == data


def test_cmyk_photo_comes_out_as_rgb_with_the_right_colour():
    figure = figure_with(cmyk_jpeg(colour=(0, 255, 255, 0)))  # red, in print inks
    for spec in ("webp-480", "jpeg-1200"):
        image, _ = read_back(rendition(figure, spec))
        assert image.mode == "RGB"
        r, g, b = image.getpixel((10, 10))
        assert r > 200 and g < 60 and b < 60, (r, g, b)


def test_an_embedded_colour_profile_is_applied_and_not_passed_on():
    # Pixel values (255, 0, 0) that the embedded profile says are green.
    figure = figure_with(red_jpeg_with_swapped_profile())
    for spec in ("webp-480", "jpeg-1200"):
        image, _ = read_back(rendition(figure, spec))
        r, g, b = image.convert("RGB").getpixel((10, 10))
        assert g > 200 and r < 60 and b < 60, (r, g, b)
        assert "icc_profile" not in image.info  # plain sRGB, as browsers assume


def test_16_bit_png_keeps_its_tones_instead_of_turning_white():
    figure = figure_with(png_16bit_grey(value=32768), name="scan.png")
    image, _ = read_back(rendition(figure, "webp-480"))
    r, g, b = image.convert("RGB").getpixel((10, 10))
    assert 110 < r < 145 and r == g == b


def test_transparency_is_kept_in_webp_and_flattened_on_white_in_jpeg():
    figure = figure_with(transparent_png(), name="logo.png")
    webp, _ = read_back(rendition(figure, "webp-480"))
    assert webp.mode == "RGBA"
    assert webp.getpixel((5, 5))[3] == 0
    assert webp.getpixel((webp.width - 5, 5))[3] == 255
    jpeg, _ = read_back(rendition(figure, "jpeg-1200"))
    assert jpeg.mode == "RGB"
    assert min(jpeg.getpixel((5, 5))) > 245  # white, not black
    r, g, b = jpeg.getpixel((jpeg.width - 5, 5))
    assert g > 130 and r < 40 and b < 40


def test_the_social_crop_is_centred_on_the_focal_point():
    # A tall picture, grey, with a red band at 80 % of its height.
    image = Image.new("RGB", (1200, 2400), (128, 128, 128))
    image.paste((230, 0, 0), (0, 1850, 1200, 1990))
    figure = figure_with(image_bytes(image, "JPEG", quality=90), focal_y=0.8)
    social, _ = read_back(figure.social_rendition)
    assert social.size == (1200, 630)
    r, g, b = social.getpixel((600, 315))
    assert r > 200 and g < 40, (r, g, b)

    # Moved back to the middle, the crop no longer shows the band; only this file is remade.
    # The ratio crops follow the focal point too; the resized renditions stay as they were.
    def resized():
        return {
            r.spec: r.file.name for r in figure.renditions.all() if r.kind not in ("social", "crop")
        }

    others = resized()
    figure.focal_y = 0.5
    figure.save()
    assert resized() == others
    social, _ = read_back(figure.social_rendition)
    assert social.getpixel((600, 315))[0] < 160


# --- Where originals are stored ---------------------------------------------------------------

# originals/<year>/<month>/<a random token>.<the extension of the format Pillow found>
STORED_ORIGINAL = re.compile(r"^originals/\d{4}/\d{2}/[A-Za-z0-9_-]{22,}\.(jpg|png|webp|avif)$")


@pytest.mark.parametrize(
    ("uploaded_as", "data", "extension"),
    [
        ("leak.jpg\0.html", jpeg_bytes(), "jpg"),
        ("page.html", jpeg_bytes(), "jpg"),
        ("photo.jpg", transparent_png(), "png"),
        ("photo.svg", image_bytes(Image.new("RGB", (300, 200)), "WEBP"), "webp"),
        ("IMG_0001.JPEG", jpeg_bytes(), "jpg"),
        ("no-extension", jpeg_bytes(), "jpg"),
    ],
)
def test_an_original_is_stored_under_a_random_name_with_the_extension_of_its_real_format(
    uploaded_as, data, extension
):
    figure = figure_with(data, name=uploaded_as)
    assert STORED_ORIGINAL.match(figure.image.name), figure.image.name
    assert figure.image.name.endswith("." + extension)
    assert uploaded_as.split(".")[0] not in figure.image.name
    with figure.image.open("rb") as f:
        assert f.read() == data


def test_two_uploads_with_the_same_name_get_unrelated_names_and_renditions_do_not_tell_them():
    first = figure_with(jpeg_bytes(), name="photo.jpg")
    second = figure_with(jpeg_bytes(), name="photo.jpg")
    tokens = [PurePosixPath(f.image.name).stem for f in (first, second)]
    assert tokens[0] != tokens[1]
    # A rendition's public URL must not lead back to the private original's name.
    for figure, token in zip((first, second), tokens, strict=True):
        for r in figure.renditions.all():
            assert token not in r.file.name


def test_an_original_stored_under_an_old_style_name_keeps_it(media_root):
    # Rows from before random names: their files stay where they are and still render.
    name = "originals/2026/11/钱塘江边.jpg"
    path = media_root / name
    path.parent.mkdir(parents=True)
    path.write_bytes(jpeg_bytes(1600, 1067))
    figure = Figure.objects.create(article=make_article(), position=1, caption="说明", image=name)
    assert figure.renditions.count() == 9
    figure.caption = "改过的说明"
    figure.save()
    figure.refresh_from_db()
    assert figure.image.name == name
    assert (figure.width, figure.height) == (1600, 1067)


# --- No orphans ------------------------------------------------------------------------------


def test_replacing_the_image_deletes_the_old_original_and_its_renditions(
    media_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        figure = figure_with(jpeg_bytes(1600, 1067), name="first.jpg")
    before = media_files(media_root)
    assert len(before) == 10
    with django_capture_on_commit_callbacks(execute=True):
        figure.image.save("second.jpg", ContentFile(jpeg_bytes(1200, 800, colour=(200, 0, 0))))
    after = media_files(media_root)
    assert not set(before) & set(after)
    # The new original; three widths up to 1200, jpeg, social, three ratio crops.
    assert len(after) == 1 + 8
    stored = {r.file.name for r in Rendition.objects.all()} | {figure.image.name}
    assert set(after) == stored


def test_deleting_a_figure_or_its_article_leaves_no_files(
    media_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        one = figure_with(jpeg_bytes(1600, 1067))
        article = make_article()
        make_figure(article)
        make_figure(article)
    # The original and its nine renditions, then the factory's small photos with six each.
    assert len(media_files(media_root)) == 10 + 2 * 7
    with django_capture_on_commit_callbacks(execute=True):
        one.delete()
    assert len(media_files(media_root)) == 2 * 7
    with django_capture_on_commit_callbacks(execute=True):
        article.delete()
    assert media_files(media_root) == []


@pytest.mark.django_db(transaction=True)
def test_files_are_not_deleted_when_the_transaction_rolls_back(media_root):
    # Real transactions, committed and rolled back: inside a test's own transaction nothing
    # ever commits, so files would stay whatever the code did.
    figure = figure_with(jpeg_bytes(1600, 1067))
    before = media_files(media_root)
    assert len(before) == 10  # the original and its nine renditions
    with pytest.raises(RuntimeError), transaction.atomic():
        Figure.objects.get(pk=figure.pk).delete()
        raise RuntimeError("the rest of the save failed")
    # Rolled back: the rows are back, and so must their files be.
    assert Rendition.objects.filter(figure_id=figure.pk).count() == 9
    assert media_files(media_root) == before
    # The same deletion committed takes every file with it.
    Figure.objects.get(pk=figure.pk).delete()
    assert media_files(media_root) == []


def test_regenerate_renditions_remakes_every_file_with_progress_and_no_orphans(
    media_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = figure_with(jpeg_bytes(1600, 1067))
        figure_with(jpeg_bytes(900, 600))
    old = {r.file.name for r in Rendition.objects.all()}
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("regenerate_renditions", stdout=out)
    assert "[1/2]" in out.getvalue() and "[2/2]" in out.getvalue()
    new = {r.file.name for r in Rendition.objects.all()}
    assert len(new) == len(old) and not new & old
    assert set(media_files(media_root)) == new | {f.image.name for f in Figure.objects.all()}
    assert first.renditions.count() == 9


def test_the_seed_article_gets_renditions_for_every_figure(first_article):
    figures = Figure.objects.all()
    assert figures.count() == 6
    for figure in figures:
        assert sorted(r.spec for r in figure.renditions.all()) == [
            "crop-16x9-50-50",
            "crop-1x1-50-50",
            "crop-4x3-50-50",
            "jpeg-1200",
            "social-1200x630-50-50",
            "webp-1200",
            "webp-1600",
            "webp-480",
            "webp-800",
        ]


# --- Publishing needs captions ---------------------------------------------------------------


def test_a_figure_without_a_caption_is_a_problem_before_publishing():
    article = make_article(published=False)
    make_figure(article, caption="有说明")
    make_figure(article, caption="  ", alt_text="江边的新楼")
    problems = publish_problems(article)
    assert problems == ["第 2 张图片缺少图片说明。"]


def test_regenerate_missing_only_fills_gaps_and_lists_only_the_figures_it_touched():
    complete = figure_with(jpeg_bytes(1600, 1067))
    gappy = figure_with(jpeg_bytes(1600, 1067))
    kept = {r.file.name for r in complete.renditions.all()}
    full = gappy.renditions.count()
    gappy.renditions.filter(spec__in=["webp-800", "jpeg-1200"]).delete()
    out = io.StringIO()
    call_command("regenerate_renditions", "--missing", stdout=out)
    assert f"figure {gappy.pk} " in out.getvalue() and "2 renditions made" in out.getvalue()
    assert f"figure {complete.pk} " not in out.getvalue()
    assert {r.file.name for r in complete.renditions.all()} == kept
    assert gappy.renditions.count() == full
