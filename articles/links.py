"""reverse(), kept: the public pages ask the same URL questions on every request.

The header's links, every byline, column badge and related article each reverse a URL name;
on an uncached article page that came to a twentieth of its CPU (bench/pages.py). The answer
depends only on the URLconf, the script prefix (both part of the key) and the arguments.
"""

import functools

from django.urls import get_script_prefix, get_urlconf, reverse

LINKS_KEPT = 16384  # a few megabytes at most, for an archive's worth of slugs


@functools.lru_cache(maxsize=LINKS_KEPT)
def _reverse(urlconf, prefix, name, kwargs):
    return reverse(name, urlconf=urlconf, kwargs=dict(kwargs) or None)


def link(name, **kwargs):
    """reverse(name, kwargs=kwargs), worked out once per process."""
    return _reverse(get_urlconf(), get_script_prefix(), name, tuple(sorted(kwargs.items())))
