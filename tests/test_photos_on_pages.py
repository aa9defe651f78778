"""Readers get renditions, never originals; editors upload through the admin's own form."""

import importlib
import re

import pytest
from bs4 import BeautifulSoup
from django.urls import clear_url_caches, reverse

from articles.models import Article, Figure, Rendition

from .admin_forms import add_inline_rows, form_data, form_errors
from .factories import (
    HTML,
    SVG,
    animated_gif,
    jpeg_bytes,
    make_article,
    make_figure,
    media_files,
    png_header_only,
    truncated_jpeg,
    upload,
)

pytestmark = pytest.mark.django_db

ARTICLE_SIZES = "(min-width: 760px) 688px, calc(100vw - 2rem)"


def page_of(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def candidates(srcset):
    """[(url, width)] from a srcset of width descriptors."""
    out = []
    for part in srcset.split(","):
        url, descriptor = part.split()
        out.append((url, int(descriptor.removesuffix("w"))))
    return out


def slot_width(sizes, viewport):
    """The CSS width `sizes` gives at `viewport` px, for the forms our templates use."""
    for entry in (e.strip() for e in sizes.split(",")):
        match = re.fullmatch(r"\(min-width: (\d+)px\) (.+)", entry)
        if match:
            if viewport >= int(match[1]):
                return length(match[2], viewport)
            continue
        return length(entry, viewport)
    raise AssertionError(f"no default size in {sizes!r}")


def length(value, viewport):
    if value.endswith("vw") and not value.startswith("calc"):
        return viewport * float(value[:-2]) / 100
    if value.endswith("px"):
        return float(value[:-2])
    match = re.fullmatch(r"calc\(100vw - (\d+)rem\)", value)
    assert match, value
    return viewport - 16 * int(match[1])


def chosen(srcset, sizes, viewport, dpr):
    """The candidate a browser takes: the narrowest that covers the slot at this density."""
    need = slot_width(sizes, viewport) * dpr
    ordered = sorted(candidates(srcset), key=lambda c: c[1])
    return next((c for c in ordered if c[1] >= need), ordered[-1])[1]


@pytest.fixture
def article_with_two_figures():
    article = make_article(sections=[("", "第一段。\n\n第二段。"), ("第二节", "正文。")])
    first = make_figure(article, caption="江边的新楼", credit="本报记者 摄")
    first.image.save("first.jpg", upload(jpeg_bytes(1600, 1067)))
    make_figure(article, caption="第二张的说明", alt_text="夜色中的大桥")
    return article


def test_article_page_offers_only_renditions_that_exist(
    client, article_with_two_figures, media_root
):
    html = client.get(article_with_two_figures.get_absolute_url()).content.decode()
    assert "originals/" not in html
    page = BeautifulSoup(html, "html.parser")
    pictures = page.select("article figure picture")
    assert len(pictures) == 2
    urls = {r.file.url for r in Rendition.objects.all()}
    for picture in pictures:
        source = picture.find("source")
        assert source["type"] == "image/webp"
        for url, width in candidates(source["srcset"]):
            assert url in urls
            assert (media_root / url.removeprefix("/media/")).is_file()
            assert Rendition.objects.get(file=url.removeprefix("/media/")).width == width
        img = picture.find("img")
        fallback = Rendition.objects.get(file=img["src"].removeprefix("/media/"))
        assert fallback.kind == "jpeg"
        assert (img["width"], img["height"]) == (str(fallback.width), str(fallback.height))


def test_a_small_original_offers_no_candidate_wider_than_itself(client):
    article = make_article()
    figure = make_figure(article, image=False)
    figure.image.save("small.jpg", upload(jpeg_bytes(700, 500)))
    source = page_of(client, article.get_absolute_url()).select_one("figure source")
    assert [w for _, w in candidates(source["srcset"])] == [480, 700]


def test_first_figure_loads_at_once_and_the_others_lazily(client, article_with_two_figures):
    imgs = page_of(client, article_with_two_figures.get_absolute_url()).select("figure img")
    assert imgs[0].get("fetchpriority") == "high" and not imgs[0].has_attr("loading")
    assert [img.get("loading") for img in imgs[1:]] == ["lazy"]
    assert not imgs[1].has_attr("fetchpriority")


def test_caption_and_credit_in_figcaption_and_alt_falls_back_to_caption(
    client, article_with_two_figures
):
    figures = page_of(client, article_with_two_figures.get_absolute_url()).select("figure")
    first, second = figures
    assert first.img["alt"] == "江边的新楼"  # no alt text: the caption stands in
    assert second.img["alt"] == "夜色中的大桥"
    caption = first.figcaption.get_text(" ", strip=True)
    assert "江边的新楼" in caption and first.figcaption.select_one(
        ".figure__credit"
    ).get_text() == ("本报记者 摄")


@pytest.mark.parametrize(
    ("viewport", "dpr", "widest"),
    [(390, 3, 1200), (390, 2, 800), (1280, 1, 800), (1280, 2, 1600), (2560, 3, 1600)],
    ids=["phone-3x", "phone-2x", "desktop-1x", "desktop-2x", "desktop-3x"],
)
def test_phone_gets_at_most_1200_and_desktop_at_most_1600(
    client, article_with_two_figures, viewport, dpr, widest
):
    source = page_of(client, article_with_two_figures.get_absolute_url()).select_one(
        "figure source"
    )
    assert source["sizes"] == ARTICLE_SIZES
    assert chosen(source["srcset"], source["sizes"], viewport, dpr) == widest


def test_a_figure_whose_renditions_are_missing_shows_its_caption_and_no_broken_image(client):
    article = make_article()
    figure = make_figure(article, caption="说明仍在")
    figure.renditions.all().delete()
    page = page_of(client, article.get_absolute_url())
    assert page.select("article figure img") == []
    assert "说明仍在" in page.select_one("article figure figcaption").get_text()


def test_list_thumbnails_use_small_renditions(client):
    for n in range(3):
        article = make_article(f"文章{n}")
        figure = make_figure(article, image=False)
        figure.image.save(f"p{n}.jpg", upload(jpeg_bytes(1600, 1067)))
    page = page_of(client, reverse("articles:home"))
    sources = page.select(".item picture source")
    assert len(sources) == 3
    lead, *others = sources
    for source in others:
        assert max(w for _, w in candidates(source["srcset"])) <= 800
        assert chosen(source["srcset"], source["sizes"], 390, 3) <= 480
    assert "originals/" not in str(page)


def test_originals_are_never_served_but_renditions_are(client, settings):
    import qiantang_site.urls

    article = make_article()
    figure = make_figure(article)
    rendition = figure.renditions.first()
    settings.SERVE_MEDIA = True
    try:
        importlib.reload(qiantang_site.urls)
        clear_url_caches()
        assert client.get(rendition.file.url).status_code == 200
        assert client.get(figure.image.url).status_code == 404
    finally:
        settings.SERVE_MEDIA = False
        importlib.reload(qiantang_site.urls)
        clear_url_caches()


# --- The admin's own form --------------------------------------------------------------------


def add_url():
    return reverse("admin:articles_article_add")


def article_post(client, image):
    data = form_data(client, add_url())
    data.update({"kicker": "引题", "title": "有图的稿件", "status": "draft"})
    add_inline_rows(data, "sections", [{"position": "1", "heading": "", "body": "正文。"}])
    add_inline_rows(
        data,
        "figures",
        [
            {
                "position": "1",
                "caption": "编辑写好的图片说明",
                "credit": "本报记者 摄",
                "alt_text": "",
                "focal_x": "0.5",
                "focal_y": "0.5",
            }
        ],
    )
    data["figures-0-image"] = image
    return data


ADMIN_BAD_FILES = {
    "text named .jpg": (HTML, "photo.jpg", "网页（HTML）"),
    "svg": (SVG, "logo.svg", "SVG"),
    "truncated jpeg": (truncated_jpeg(), "cut.jpg", "不完整或已损坏"),
    "animated gif": (animated_gif(), "funny.gif", "GIF"),
    "header-only 100000x100000 bomb": (png_header_only(100_000, 100_000), "bomb.png", "恶意构造"),
}


@pytest.mark.parametrize("kind", ADMIN_BAD_FILES)
def test_admin_refuses_a_bad_upload_with_its_message_and_keeps_what_was_typed(
    client, editor, media_root, kind
):
    data, name, words = ADMIN_BAD_FILES[kind]
    response = client.post(add_url(), article_post(client, upload(data, name)))
    assert response.status_code == 200
    assert words in form_errors(response)
    assert not Article.objects.exists() and not Figure.objects.exists()
    assert not media_root.exists() or media_files(media_root) == []
    html = response.content.decode()
    assert "有图的稿件" in html and "编辑写好的图片说明" in html


def test_admin_upload_makes_renditions_and_shows_a_small_one_as_preview(
    client, editor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(add_url(), article_post(client, upload(jpeg_bytes(1600, 1067))))
    assert response.status_code == 302, form_errors(response)
    figure = Figure.objects.get()
    assert figure.renditions.count() == 9
    smallest = figure.renditions.get(spec="webp-480")
    change = reverse("admin:articles_article_change", args=[figure.article_id])
    inline = page_of(client, change).select_one(".field-thumbnail img, .readonly img")
    assert inline["src"] == smallest.file.url
    changelist = page_of(client, reverse("admin:articles_article_changelist"))
    assert changelist.select_one(".field-lead_thumbnail img")["src"] == smallest.file.url
    assert "originals/" not in str(changelist)


def test_admin_replacing_a_photo_leaves_no_orphan_files(
    client, editor, media_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(add_url(), article_post(client, upload(jpeg_bytes(1600, 1067), "old.jpg")))
    figure = Figure.objects.get()
    old_files = set(media_files(media_root))
    change = reverse("admin:articles_article_change", args=[figure.article_id])
    data = form_data(client, change)
    data["figures-0-image"] = upload(jpeg_bytes(1200, 900, colour=(200, 30, 30)), "new.jpg")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(change, data)
    assert response.status_code == 302, form_errors(response)
    figure.refresh_from_db()
    assert figure.image.name not in old_files
    assert (figure.width, figure.height) == (1200, 900)
    expected = {figure.image.name} | {r.file.name for r in figure.renditions.all()}
    assert set(media_files(media_root)) == expected
    assert not old_files & expected
