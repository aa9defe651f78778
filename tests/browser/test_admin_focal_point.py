"""A figure's preview in the admin, and its focal point picked by a click on it, in Chromium.

The preview is the smallest rendition with the stored file's name as text: the old 目前:
originals/… link led staff to a 404 (originals are never served). A click on the preview sets
焦点横坐标/纵坐标, a dot marks the point, and saving remakes the crops around it.
"""

import io

import pytest
from PIL import Image

from articles.models import Figure
from tests.factories import make_article, make_editor, upload

from .conftest import DESKTOP, screenshot, watch_console
from .test_editor import log_in

pytestmark = pytest.mark.browser

TALL = {**DESKTOP, "viewport": {"width": 1280, "height": 3000}}
RED, BLUE = (220, 20, 20), (20, 60, 200)
CLICK = (0.25, 0.75)


@pytest.fixture
def figure(live_server):
    """A 1600x1000 photo, red along its top 120 rows, blue below: the share card (1200:630,
    cut from the full width) shows the red band only while the focal point is high enough."""
    image = Image.new("RGB", (1600, 1000), BLUE)
    image.paste(RED, (0, 0, 1600, 120))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    article = make_article("江边", published=False)
    figure = Figure(article=article, section=article.sections.get(), caption="江边", position=1)
    figure.image.save("river.jpg", upload(out.getvalue(), "river.jpg"), save=False)
    figure.save()
    return figure


def social_card(figure):
    rendition = figure.renditions.get(spec__startswith="social-")
    with rendition.file.open("rb") as f:
        card = Image.open(f)
        card.load()
    return rendition.spec, card.convert("RGB").getpixel((card.width // 2, 4))


def pick_the_focal_point(page, base_url, change_url):
    errors = watch_console(page)
    log_in(page, base_url, "editor")
    page.goto(base_url + change_url)
    picture = page.locator("#figures-0 .focal-picker img")
    picture.scroll_into_view_if_needed()
    seen = {
        "src": picture.get_attribute("src"),
        "loaded": picture.evaluate("img => img.decode().then(() => img.naturalWidth, () => 0)"),
        "file_text": page.locator("#figures-0 .figure-file").inner_text(),
        "links_to_originals": page.locator("a[href*='originals/']").count(),
        "currently": page.locator("#figures-0").get_by_text("目前").count(),
        "marker_at_start": page.locator("#figures-0 .focal-marker").is_visible(),
    }
    box = picture.bounding_box()
    picture.click(position={"x": box["width"] * CLICK[0], "y": box["height"] * CLICK[1]})
    marker = page.locator("#figures-0 .focal-marker").bounding_box()
    seen["marker_offset"] = (
        marker["x"] + marker["width"] / 2 - (box["x"] + box["width"] * CLICK[0]),
        marker["y"] + marker["height"] / 2 - (box["y"] + box["height"] * CLICK[1]),
    )
    seen["fields"] = (
        page.input_value("#id_figures-0-focal_x"),
        page.input_value("#id_figures-0-focal_y"),
    )
    screenshot(page, "admin-focal-point-picked")
    page.click("input[name=_continue]")
    page.locator(".messagelist .success").wait_for()
    # Typed by hand, the numbers move the dot.
    page.fill("#id_figures-0-focal_x", "0.9")
    marker = page.locator("#figures-0 .focal-marker").bounding_box()
    box = page.locator("#figures-0 .focal-picker img").bounding_box()
    seen["typed_marker_x"] = (marker["x"] + marker["width"] / 2 - box["x"]) / box["width"]
    return seen, errors


def test_a_click_on_the_preview_sets_the_focal_point_and_the_crops_follow(
    chromium, live_server, figure
):
    make_editor("editor")
    before = {r.spec: r.file.name for r in figure.renditions.all()}
    spec_before, pixel_before = social_card(figure)
    assert spec_before.endswith("-50-50")
    assert pixel_before[0] > 150 > pixel_before[2]  # the red band is in the share card

    seen, errors = chromium.run(
        pick_the_focal_point,
        live_server.url,
        f"/admin/articles/article/{figure.article_id}/change/",
        device=TALL,
    )

    smallest = figure.renditions.get(spec="webp-480")
    assert seen["src"] == smallest.file.url
    assert seen["loaded"] == 480
    assert seen["file_text"] == f"{figure.image.name.rsplit('/', 1)[-1]}（1600×1000）"
    assert seen["links_to_originals"] == 0
    assert seen["currently"] == 0
    assert seen["marker_at_start"]  # at the stored 0.5, 0.5
    assert all(abs(d) <= 2 for d in seen["marker_offset"]), seen["marker_offset"]
    x, y = (float(v) for v in seen["fields"])
    assert abs(x - CLICK[0]) < 0.01 and abs(y - CLICK[1]) < 0.01

    figure.refresh_from_db()
    assert abs(figure.focal_x - CLICK[0]) < 0.01
    assert abs(figure.focal_y - CLICK[1]) < 0.01
    after = {r.spec: r.file.name for r in figure.renditions.all()}
    # The crops were made again around the new point; the plain sizes were kept as they were.
    spec_after, pixel_after = social_card(figure)
    assert spec_after.endswith("-25-75")
    assert pixel_after[2] > 150 > pixel_after[0]  # the share card now starts below the band
    assert [s for s in after if s.startswith("crop-")] and all(
        s.endswith("-25-75") for s in after if s.startswith("crop-")
    )
    assert {s: n for s, n in after.items() if s.startswith("webp-")} == {
        s: n for s, n in before.items() if s.startswith("webp-")
    }
    assert abs(seen["typed_marker_x"] - 0.9) < 0.02
    assert errors == []
