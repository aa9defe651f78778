"""The Jinja2 environment of the public pages (articles, lists, search, errors, robots.txt).

Readers' pages are rendered by Jinja2 through Django's own backend; the admin keeps Django's
template language. Jinja2 compiles a template to Python once, and rendered the article page
in about half the time Django's engine took (bench/pages.py).

What Django's engine did by itself is done here explicitly: times are shown in the
newsroom's zone (`local` filter), and `static`, `url` (articles.links) and `querystring`
are functions.
Autoescaping is on (Django's backend default); Django's SafeString passes through unescaped.
"""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.template.defaultfilters import truncatechars
from django.templatetags.static import static
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.safestring import mark_safe
from jinja2 import Environment
from markupsafe import escape

from . import metadata
from .links import link
from .qr import qr_svg
from .text import phrases, unpadded

# How the site writes a moment: 2026年11月27日 08:00.
DATETIME_FORMAT = "Y年n月j日 H:i"

# The same escapes as Django's json_script: inside <script>, "</script>" or "<!--" in an
# editor's text must not end the element. json_script itself only writes application/json.
# (Three str.replace calls: str.translate with a table took a tenth of a millisecond a page.)
_SCRIPT_ESCAPES = [(">", "\\u003E"), ("<", "\\u003C"), ("&", "\\u0026")]


def ld_json(data):
    """A dict as a <script type="application/ld+json"> element, safe to embed."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)
    for character, escaped in _SCRIPT_ESCAPES:
        text = text.replace(character, escaped)
    # Escaped above for the inside of a <script> element.
    return mark_safe(f'<script type="application/ld+json">{text}</script>')


def elided_pages(page):
    """Page numbers around the current page, with … where numbers are left out."""
    return page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)


def iso8601(moment):
    """2026-11-27T08:00:00+08:00: whole seconds, the newsroom's offset."""
    return metadata.iso(moment) if moment else ""


def local_date(moment):
    """2026-11-27: the newsroom's date of a moment, as sitemaps write lastmod (a tenth of the
    cost of `local` with a format, for the 50,000 of a sitemap file)."""
    return timezone.localtime(moment).date().isoformat() if moment else ""


def local(moment, fmt=DATETIME_FORMAT):
    """A moment in the newsroom's time zone, written as the site writes dates."""
    return format_date(timezone.localtime(moment), fmt) if moment else ""


def querystring(request, **changes):
    """This page's query string with some parameters changed, like Django's tag of that name."""
    params = request.GET.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + params.urlencode()


def phrased(text):
    """A headline with each phrase in a span a line never breaks inside (site.css: .ph), the
    parts print spaces apart joined by their space: a line breaks at print's spaces first,
    then between phrases (text.phrases), and inside a phrase only if it is wider than a line."""
    return mark_safe(
        " ".join(
            "".join(f'<span class="ph">{escape(phrase)}</span>' for phrase in part)
            for part in phrases(text or "")
        )
    )


def environment(**options):
    env = Environment(**options)
    env.globals.update({"static": static, "url": link, "querystring": querystring})
    env.filters.update(
        {
            "ld_json": ld_json,
            "elided_pages": elided_pages,
            "iso8601": iso8601,
            "local": local,
            "local_date": local_date,
            "truncatechars": truncatechars,
            "phrased": phrased,
            "unpadded": unpadded,
            "qr_svg": qr_svg,
        }
    )
    return env
