"""Media on the local disk (the embedded default): Django's FileSystemStorage, one change.

A file's URL is worked out once per process. FileSystemStorage.url() quotes the name and
joins it to MEDIA_URL with urllib's urljoin; an article page asks for some thirty rendition
URLs, and that came to a tenth of an uncached page's CPU (bench/pages.py). The answer only
depends on the name and MEDIA_URL, so it is kept, and forgotten when MEDIA_URL changes.
(On S3, qiantang_site/storage.py builds rendition URLs without urljoin instead.)
"""

import functools

from django.core.files.storage import FileSystemStorage

URLS_KEPT = 16384  # a rendition's URL is some 60 bytes: about a megabyte at most


class LocalMediaStorage(FileSystemStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._url = functools.lru_cache(maxsize=URLS_KEPT)(super().url)

    def url(self, name):
        return self._url(name)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "MEDIA_URL":
            self._url.cache_clear()
