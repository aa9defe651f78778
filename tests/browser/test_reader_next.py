"""The reader's second pass (issue 19) in a real Chromium, on a phone (390x844) and a laptop
(1280x800): where headings break, how tall photos stand, the 栏目 row and 上一篇/下一篇, the QR
code and the copy-link button, the 大/中/小 switch with and without script, and the printed
article's page count.
"""

import io

import pypdfium2
import pytest
import zxingcpp
from PIL import Image

from articles.models import Figure

from ..factories import jpeg_upload, make_article, make_column, make_figure
from .conftest import DESKTOP, PHONE, screenshot, watch_console

pytestmark = pytest.mark.browser

SCREENS = {"phone": PHONE, "desktop": DESKTOP}

# Every line of an element's text, and for each phrase (templating.phrased: span.ph) the lines
# its characters fall on and whether it would fit on one line by itself. Measured character by
# character with Range.getClientRects(): a new line starts where a character sits lower than
# the one before by more than half its height.
LINES = """(el) => {
    const chars = [];
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (node.parentElement.closest('.anchor')) continue;
        for (let i = 0; i < node.data.length; i++) {
            if (/\\s/.test(node.data[i])) continue;
            const range = document.createRange();
            range.setStart(node, i);
            range.setEnd(node, i + 1);
            const box = range.getClientRects()[0];
            chars.push({ch: node.data[i], box, phrase: node.parentElement.closest('.ph')});
        }
    }
    const lines = [];
    const phrases = new Map();
    let top = null;
    for (const c of chars) {
        if (top === null || c.box.top - top > c.box.height / 2) {
            lines.push('');
            top = c.box.top;
        }
        lines[lines.length - 1] += c.ch;
        if (c.phrase) {
            const p = phrases.get(c.phrase) || {lines: new Set(), width: 0};
            p.lines.add(lines.length - 1);
            p.width += c.box.width;
            phrases.set(c.phrase, p);
        }
    }
    const style = getComputedStyle(el);
    const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return {
        lines,
        phrases: [...phrases].map(([span, p]) => ({
            text: span.textContent, lines: p.lines.size, fits: p.width <= room - 1,
        })),
    };
}"""

HEADINGS = [
    "h1.headline",
    ".article__header .kicker",
    ".article__section h2",
    ".toc a",
    ".pager__title",
    ".related li > a",
]


def measure_headings(page, url, selectors, name):
    page.goto(url)
    screenshot(page, name)
    found = {}
    for selector in selectors:
        found[selector] = [el.evaluate(LINES) for el in page.locator(selector).all()]
    return found


@pytest.fixture
def neighbours(first_article):
    """An older and a newer article in the first article's column, one in another column."""
    column = first_article.column
    older = make_article(
        "钱塘江畔新添一座城市书房 市民家门口就能借书",
        column=column,
        published_at=first_article.published_at.replace(year=first_article.published_at.year - 1),
    )
    # Published at the same moment, with a later id: it comes after the first article.
    newer = make_article(
        "夜经济点亮钱塘 新开街区人气旺 带动周边消费增长",
        column=column,
        published_at=first_article.published_at,
    )
    elsewhere = make_article(
        "产业园区加速转型 数字经济成为新引擎", column=make_column("经济观察"), kicker="今年前十个月"
    )
    return older, newer, elsewhere


@pytest.mark.parametrize("screen", SCREENS)
def test_headings_break_at_print_spaces_and_never_inside_a_phrase(
    chromium, live_server, first_article, neighbours, screen
):
    url = live_server.url + first_article.get_absolute_url()
    found = chromium.run(
        measure_headings, url, HEADINGS, f"headings-{screen}", device=SCREENS[screen]
    )

    # The headline breaks where print broke it, on a phone and on a laptop alike.
    (headline,) = found["h1.headline"]
    assert headline["lines"] == ["杭州钱塘智慧城：聚焦三大赛道", "向都市高新产业园迈进攀升"]
    assert len(found[".article__section h2"]) == 3
    assert found[".pager__title"] and found[".related li > a"]
    broken = [
        (selector, phrase["text"], measured["lines"])
        for selector, elements in found.items()
        for measured in elements
        for phrase in measured["phrases"]
        if phrase["fits"] and phrase["lines"] > 1
    ]
    assert broken == [], "a line breaks inside a phrase that fits on one line"


def test_list_titles_break_between_phrases_too(chromium, live_server, first_article, neighbours):
    found = chromium.run(
        measure_headings, live_server.url + "/", [".item__title"], "home-titles", device=PHONE
    )
    assert len(found[".item__title"]) == 4
    for measured in found[".item__title"]:
        assert all(p["lines"] == 1 for p in measured["phrases"] if p["fits"]), measured


# --- Photos fit the screen --------------------------------------------------------------------

PHOTO_BOX = """(figure) => {
    figure.scrollIntoView({block: 'start'});
    const img = figure.querySelector('img').getBoundingClientRect();
    const box = figure.getBoundingClientRect();
    const caption = figure.querySelector('figcaption').getBoundingClientRect();
    return {
        img: [img.left - box.left, box.right - img.right, img.width, img.height, img.top],
        caption: [caption.top, caption.bottom], screen: window.innerHeight,
    };
}"""


def photo_boxes(page, url, name):
    page.goto(url)
    for img in page.locator("figure.figure img").all():
        img.scroll_into_view_if_needed()
        img.evaluate("img => img.decode()")
    boxes = [f.evaluate(PHOTO_BOX) for f in page.locator("figure.figure").all()]
    page.locator("figure.figure").first.evaluate(PHOTO_BOX)
    page.screenshot(path=str(screenshot_path(name)))
    return boxes


def screenshot_path(name):
    from .conftest import RESULTS

    RESULTS.mkdir(parents=True, exist_ok=True)
    return RESULTS / f"{name}.png"


@pytest.mark.parametrize("screen", SCREENS)
def test_a_portrait_photo_and_its_caption_are_seen_together(chromium, live_server, screen):
    article = make_article("竖幅照片")
    make_figure(
        article, caption="园区里的新厂房", credit="王强", credit_role="记者", size=(1200, 1800)
    )
    make_figure(article, caption="横幅照片", size=(1600, 1067))
    boxes = chromium.run(
        photo_boxes,
        live_server.url + article.get_absolute_url(),
        f"photo-{screen}",
        device=SCREENS[screen],
    )
    portrait, landscape = boxes
    left, right, width, height, top = portrait["img"]
    screen_height = portrait["screen"]
    assert height <= 0.8 * screen_height + 1, "taller than 80% of the screen"
    assert width / height == pytest.approx(2 / 3, abs=0.01), "the photo's shape is kept"
    assert left == pytest.approx(right, abs=1), "not centred"
    # Scrolled to the figure's top: the picture and its whole caption are on the screen.
    assert top > -1 and portrait["caption"][1] <= screen_height, "caption not seen with it"
    # A landscape photo still takes the column's width.
    left, right, width, height, _ = landscape["img"]
    assert left == pytest.approx(0, abs=1) and right == pytest.approx(0, abs=1)
    assert width / height == pytest.approx(1600 / 1067, abs=0.01)


# --- Where to go next ---------------------------------------------------------------------------


def follow_navigation(page, base_url, article_url, column_name):
    errors = watch_console(page)
    page.goto(base_url + article_url)
    seen = {
        "sideways": page.evaluate(
            "document.documentElement.scrollWidth > document.documentElement.clientWidth"
        ),
        "channels": page.locator("nav.channels a").all_inner_texts(),
        "breadcrumb": page.locator(".breadcrumb a").all_inner_texts(),
    }
    # Every column in the row can be reached (the row scrolls sideways on a phone).
    reachable = []
    for link in page.locator("nav.channels a").all():
        link.scroll_into_view_if_needed()
        reachable.append(link.is_visible())
    seen["reachable"] = reachable
    page.get_by_role("link", name="下一篇").click()
    seen["next"] = page.locator("h1").inner_text()
    page.get_by_role("link", name="上一篇").click()
    seen["back"] = page.url
    page.locator("nav.channels").get_by_role("link", name=column_name).click()
    seen["column_page"] = page.locator("h1").inner_text()
    seen["current"] = page.locator("nav.channels a[aria-current=page]").inner_text()
    page.goto(base_url + article_url)
    page.locator(".related li > a").first.click()
    seen["more"] = page.locator("h1").inner_text()
    seen["errors"] = errors
    screenshot(page, f"navigation-{page.viewport_size['width']}")
    return seen


@pytest.mark.parametrize("screen", SCREENS)
def test_a_reader_goes_on_from_the_article_by_column_pager_and_more(
    chromium, live_server, first_article, neighbours, screen
):
    older, newer, elsewhere = neighbours
    for n in range(8):  # enough columns to overflow a phone's row
        make_article(f"栏目文章{n}", column=make_column(f"第{n}个栏目"))
    url = first_article.get_absolute_url()
    seen = chromium.run(follow_navigation, live_server.url, url, "经济观察", device=SCREENS[screen])
    assert seen["sideways"] is False
    assert len(seen["channels"]) == 10 and all(seen["reachable"])
    assert seen["breadcrumb"] == ["首页", first_article.column.name]
    assert seen["next"] == newer.title
    assert seen["back"] == live_server.url + url
    assert seen["column_page"] == seen["current"] == "经济观察"
    # 更多报道: the column has nothing beyond 上一篇 and 下一篇, so the newest of other columns.
    assert seen["more"] == "栏目文章7"
    assert seen["errors"] == []


# --- Read it on your phone: QR code and copy link -------------------------------------------


def read_share_block(page, url):
    page.goto(url)
    qr = page.locator(".share__qr svg")
    seen = {
        "qr_visible": qr.is_visible(),
        "label_visible": page.get_by_text("手机扫码阅读").is_visible(),
        "copy_visible": page.get_by_role("link", name="复制链接").is_visible(),
        "canonical": page.locator("link[rel=canonical]").get_attribute("href"),
    }
    if seen["qr_visible"]:
        box = qr.bounding_box()
        seen["qr_in_first_view"] = box["y"] + box["height"] <= page.viewport_size["height"]
        seen["qr_png"] = qr.screenshot()
    return seen


@pytest.mark.parametrize("screen", SCREENS)
def test_the_desktop_page_shows_a_qr_code_of_its_address_and_a_phone_does_not(
    chromium, live_server, first_article, screen
):
    url = live_server.url + first_article.get_absolute_url()
    seen = chromium.run(read_share_block, url, device=SCREENS[screen])
    assert seen["copy_visible"] is True
    if screen == "phone":
        assert seen["qr_visible"] is False and seen["label_visible"] is False
        return
    assert seen["qr_visible"] and seen["label_visible"] and seen["qr_in_first_view"]
    # What the screen shows decodes, as a phone's camera would, to the article's address.
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(seen["qr_png"])))
    assert [code.text for code in decoded] == [seen["canonical"]] == [url]


def copy_the_link(page, url, script):
    page.goto(url)
    page.get_by_role("link", name="复制链接").click()
    copied = {}
    if script:
        page.locator(".share__copied").filter(has_text="已复制").wait_for()
        copied["clipboard"] = page.evaluate("navigator.clipboard.readText()")
    else:
        page.wait_for_url(url.split("#")[0])
    copied["url_after"] = page.url
    return copied


def test_copy_link_puts_the_address_on_the_clipboard(chromium, live_server, first_article):
    url = live_server.url + first_article.get_absolute_url()
    copied = chromium.run(
        copy_the_link,
        url,
        True,
        device=DESKTOP,
        permissions=["clipboard-read", "clipboard-write"],
    )
    assert copied["clipboard"] == url
    assert copied["url_after"] == url


def test_without_script_copy_link_is_a_plain_link_to_the_article(
    chromium, live_server, first_article
):
    url = live_server.url + first_article.get_absolute_url()
    copied = chromium.run(
        copy_the_link, url + "#section-2", False, device=PHONE, java_script_enabled=False
    )
    assert copied["url_after"] == url  # followed like any link: the article's own address


# --- 大/中/小 -----------------------------------------------------------------------------------

BODY_SIZE = "parseFloat(getComputedStyle(document.querySelector('.article__section p')).fontSize)"


def switch_text_size(page, url, other_url, name):
    page.goto(url)
    sizes = {"medium": page.evaluate(BODY_SIZE)}
    page.locator("label[for=text-size-large]").click()
    sizes["large"] = page.evaluate(BODY_SIZE)
    page.reload()
    sizes["large_after_reload"] = page.evaluate(BODY_SIZE)
    sizes["checked_after_reload"] = page.locator("input[name=text-size]:checked").get_attribute(
        "value"
    )
    page.goto(other_url)
    sizes["other_article"] = page.evaluate(BODY_SIZE)
    page.locator("label[for=text-size-small]").click()
    sizes["small"] = page.evaluate(BODY_SIZE)
    headline = "parseFloat(getComputedStyle(document.querySelector('h1')).fontSize)"
    sizes["headline_small"] = page.evaluate(headline)
    page.locator("label[for=text-size-medium]").click()
    sizes["headline_medium"] = page.evaluate(headline)
    page.locator("label[for=text-size-large]").click()
    screenshot(page, name)
    return sizes


@pytest.mark.parametrize("script", [True, False], ids=["with-script", "without-script"])
def test_text_size_switch_with_and_without_script(
    chromium, live_server, first_article, neighbours, script
):
    url = live_server.url + first_article.get_absolute_url()
    other = live_server.url + neighbours[0].get_absolute_url()
    name = f"text-size-large-{'with' if script else 'without'}-script"
    sizes = chromium.run(
        switch_text_size, url, other, name, device=PHONE, java_script_enabled=script
    )
    assert sizes["large"] == pytest.approx(sizes["medium"] * 1.25, rel=0.01)
    assert sizes["small"] == pytest.approx(sizes["medium"] * 0.9, rel=0.01)
    assert sizes["headline_small"] == sizes["headline_medium"]  # headings keep their size
    if script:  # remembered on this device, for every article
        assert sizes["large_after_reload"] == sizes["large"]
        assert sizes["checked_after_reload"] == "large"
        assert sizes["other_article"] == sizes["large"]
    else:  # the buttons work for the page in hand; the page reads at its usual size
        assert sizes["large_after_reload"] == sizes["medium"]
        assert sizes["checked_after_reload"] == "medium"
        assert sizes["other_article"] == sizes["medium"]


# --- Print -----------------------------------------------------------------------------------------


def print_article(page, url):
    page.goto(url)
    for img in page.locator("figure.figure img").all():
        img.scroll_into_view_if_needed()
        img.evaluate("img => img.decode()")
    page.emulate_media(media="print")
    column = page.locator(".article").bounding_box()["width"]
    widths = [f.bounding_box()["width"] / column for f in page.locator("figure.figure").all()]
    hidden = {
        selector: page.locator(selector).first.is_visible()
        for selector in ("nav.channels", ".pager", ".related", ".text-size", ".site-nav")
    }
    qr_visible = page.locator(".share__qr svg").is_visible()
    pdf = page.pdf(format="A4")
    return pdf, widths, hidden, qr_visible


def test_the_first_article_prints_on_at_most_four_a4_pages(
    chromium, live_server, first_article, neighbours
):
    # With its real photos: landscape ones and a portrait, as a photographer would send them.
    for n, figure in enumerate(Figure.objects.filter(article=first_article).order_by("position")):
        size = (1067, 1600) if n == 1 else (1600, 1067)
        figure.image.save(f"real-{n}.jpg", jpeg_upload(width=size[0], height=size[1]), save=False)
        figure.is_placeholder = False
        figure.save()
    url = live_server.url + first_article.get_absolute_url()

    pdf, widths, shown, qr_visible = chromium.run(print_article, url, device=DESKTOP)
    screenshot_path("first-article-print").with_suffix(".pdf").write_bytes(pdf)

    document = pypdfium2.PdfDocument(pdf)
    pages = len(document)
    assert pages <= 4, f"the first article prints on {pages} A4 pages"
    assert len(widths) == 6 and all(w == pytest.approx(0.6, abs=0.02) for w in widths), widths
    assert shown == dict.fromkeys(shown, False), "navigation printed"
    assert qr_visible
    text = [document[n].get_textpage().get_text_bounded() for n in range(pages)]
    everything = "".join(text)
    assert "更多报道" not in everything and "上一篇" not in everything
    # The last page ends with the address (in PDF text a line break is \r\n, and \x02 a
    # hyphen where a line broke; 手 comes out as the Kangxi radical ⼿).
    last = text[-1].replace("\r\n", "").replace("\x02", "-")
    assert url in last and last.endswith("机扫码阅读")
