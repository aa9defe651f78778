"""RSS 2.0 and Atom feeds of the newest published articles."""

import copy

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Enclosure
from django.utils.html import escape

from .models import Article, Section
from .text import xml_safe

FEED_LENGTH = 20


class LatestArticlesFeed(Feed):
    language = "zh-cn"

    def __call__(self, request, *args, **kwargs):
        # One feed object serves every request; a copy carries this request, for the enclosure
        # URLs, which the framework (unlike item links) does not make absolute.
        feed = copy.copy(self)
        feed.request = request
        return Feed.__call__(feed, request, *args, **kwargs)

    def title(self):
        return settings.SITE_NAME

    def description(self):
        return settings.SITE_DESCRIPTION

    def link(self):
        return reverse("articles:home")

    def feed_url(self):
        return reverse("articles:feed-rss")

    def items(self):
        # Sections are prefetched for the description, which falls back to the first paragraph.
        return (
            Article.objects.published()
            .for_listing()
            .prefetch_related(Prefetch("sections", queryset=Section.objects.order_by("position")))[
                :FEED_LENGTH
            ]
        )

    def item_title(self, item):
        return xml_safe(f"{item.kicker}：{item.title}" if item.kicker else item.title)

    def item_description(self, item):
        # RSS <description> and Atom <summary type="html"> hold HTML once the XML is read; the
        # summary is plain text, so it is escaped here, or a "<" an editor typed would become
        # markup in every feed reader. Titles go in text elements and stay as they are.
        return escape(xml_safe(item.description()))

    # In the newsroom's time zone, so feed readers show the time printed on the page.
    def item_pubdate(self, item):
        return timezone.localtime(item.published_at)

    def item_updateddate(self, item):
        return timezone.localtime(max(item.published_at, item.updated_at))

    def item_author_name(self, item):
        return xml_safe(" ".join(author.name for author in item.ordered_authors)) or None

    def item_enclosures(self, item):
        """The lead photo's JPEG rendition, for readers and aggregators that show a picture."""
        figure = item.lead_figure
        rendition = figure.fallback_rendition if figure and figure.has_photo else None
        if rendition is None:
            return []
        url = self.request.build_absolute_uri(rendition.file.url)
        return [Enclosure(url, str(rendition.size), "image/jpeg")]

    def item_categories(self, item):
        return [xml_safe(item.column.name)] if item.column else []


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed
    subtitle = LatestArticlesFeed.description

    def feed_url(self):
        return reverse("articles:feed-atom")
