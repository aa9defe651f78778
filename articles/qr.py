"""A QR code of an article's address, drawn on the server as SVG (segno): the desktop page's
手机扫码阅读 and the printed page's foot. No script, nothing from a third party."""

import functools
import io

import segno
from django.utils.safestring import mark_safe


@functools.lru_cache(maxsize=4096)
def qr_svg(url):
    """An inline <svg> of the QR code of url, dark on light whatever the page's colours.

    Kept per process: segno takes a few milliseconds per code, more than the rest of an
    article page, and an article's address does not change.
    """
    code = segno.make(url, micro=False)
    out = io.BytesIO()
    code.save(
        out,
        kind="svg",
        xmldecl=False,
        svgns=False,  # inline in HTML, no namespace needed
        nl=False,
        omitsize=True,  # sized by site.css, from its viewBox
        border=2,
        dark="#000",
        light="#fff",
        svgclass="qr__code",
        lineclass=None,
        title=None,
    )
    svg = out.getvalue().decode()
    # A picture to assistive technology, with its purpose as its name.
    svg = svg.replace("<svg ", '<svg role="img" aria-label="本文网址的二维码" ', 1)
    return mark_safe(svg)  # segno's own markup; the URL is encoded in the picture, not written
