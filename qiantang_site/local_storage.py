"""Media on the local disk (the embedded default): Django's FileSystemStorage, one change.

A file's URL is worked out once per process. FileSystemStorage.url() quotes the name and
joins it to MEDIA_URL with urllib's urljoin; an article page asks for some thirty rendition
URLs, and that came to a tenth of an uncached page's CPU (bench/pages.py). The answer only
depends on the name and the storage's base URL (MEDIA_URL), so it is kept under both: a
change of MEDIA_URL gives new answers by itself.
(On S3, qiantang_site/storage.py builds rendition URLs without urljoin instead.)
"""

import functools

from django.core.files.storage import FileSystemStorage

URLS_KEPT = 16384  # a rendition's URL is some 60 bytes: about a megabyte at most


@functools.lru_cache(maxsize=URLS_KEPT)
def _url(storage, base_url, name):
    return FileSystemStorage.url(storage, name)


class LocalMediaStorage(FileSystemStorage):
    def url(self, name):
        return _url(self, self.base_url, name)
