"""Share-preview links: a signed, expiring, read-only link to one article.

The token is the article's id signed with a timestamp (django.core.signing.TimestampSigner),
so no table is needed and nothing can be changed through it. It expires after
settings.PREVIEW_LINK_HOURS (48 by default); rotating SECRET_KEY revokes every link at once.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

SALT = "articles.preview"


class PreviewLinkExpired(Exception):
    pass


class PreviewLinkInvalid(Exception):
    pass


def max_age():
    return timedelta(hours=getattr(settings, "PREVIEW_LINK_HOURS", 48))


def make_token(article_id):
    return signing.TimestampSigner(salt=SALT).sign(str(article_id))


def preview_url(article):
    return reverse("articles:preview", kwargs={"token": make_token(article.pk)})


def expires_at():
    """When a link made now stops working."""
    return timezone.now() + max_age()


def article_id(token):
    """The article id in a token, or PreviewLinkExpired / PreviewLinkInvalid."""
    signer = signing.TimestampSigner(salt=SALT)
    try:
        value = signer.unsign(token, max_age=max_age())
    except signing.SignatureExpired as error:
        raise PreviewLinkExpired from error
    except signing.BadSignature as error:
        raise PreviewLinkInvalid from error
    if not value.isdigit():
        raise PreviewLinkInvalid
    return int(value)
