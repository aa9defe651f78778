"""Share-preview links: a read-only link to one unpublished article, each one revocable.

A link is a random token; only its SHA-256 digest is stored (PreviewLink), so a copy of the
database or a site export gives no working link. A link works until it expires
(settings.PREVIEW_LINK_HOURS, 48 by default), is revoked in the admin (撤销), or the article is
taken down (revoke_links): a link shared for a draft never serves the article again after it
was public and withdrawn, whatever was edited since.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone


class PreviewLinkExpired(Exception):
    pass


class PreviewLinkInvalid(Exception):
    pass


class PreviewLinkRevoked(Exception):
    pass


def max_age():
    return timedelta(hours=settings.PREVIEW_LINK_HOURS)  # its default: qiantang_site/settings.py


def digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


def create_link(article, user=None):
    """A new link for the article: (the PreviewLink, its URL path). The token is not kept."""
    from .models import PreviewLink

    token = secrets.token_urlsafe(24)
    now = timezone.now()
    link = PreviewLink.objects.create(
        article=article,
        digest=digest(token),
        created_by=user if user is not None and user.pk else None,
        created_at=now,
        expires_at=now + max_age(),
    )
    return link, reverse("articles:preview", kwargs={"token": token})


def find_link(token):
    """The live PreviewLink a token names, or PreviewLinkInvalid / Expired / Revoked."""
    from .models import PreviewLink

    if not token or len(token) > 100:
        raise PreviewLinkInvalid
    link = PreviewLink.objects.filter(digest=digest(token)).first()
    now = timezone.now()
    # A link dated in the future is no link we made: refused like a forged one.
    if link is None or link.created_at > now:
        raise PreviewLinkInvalid
    if link.revoked_at is not None:
        raise PreviewLinkRevoked
    if link.expires_at <= now:
        raise PreviewLinkExpired
    return link


def live_links(article):
    from .models import PreviewLink

    now = timezone.now()
    return PreviewLink.objects.filter(
        article=article, revoked_at__isnull=True, expires_at__gt=now, created_at__lte=now
    ).select_related("created_by")


def revoke_links(article, links=None):
    """Revoke the article's live links (or the given ones among them); how many were live."""
    queryset = live_links(article)
    if links is not None:
        queryset = queryset.filter(pk__in=[link.pk for link in links])
    return queryset.update(revoked_at=timezone.now())
