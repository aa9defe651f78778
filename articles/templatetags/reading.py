import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import mark_safe

from articles import metadata

register = template.Library()

# The same escapes as Django's json_script: inside <script>, "</script>" or "<!--" in an
# editor's text must not end the element. json_script itself only writes application/json.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def ld_json(data):
    """A dict as a <script type="application/ld+json"> element, safe to embed."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)
    # Escaped above for the inside of a <script> element.
    return mark_safe(
        f'<script type="application/ld+json">{text.translate(_SCRIPT_ESCAPES)}</script>'
    )


@register.filter
def elided_pages(page):
    """Page numbers around the current page, with … where numbers are left out."""
    return page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)


@register.filter
def iso8601(moment):
    """2026-11-27T08:00:00+08:00: whole seconds, the newsroom's offset."""
    return metadata.iso(moment) if moment else ""
