"""What an article tells search engines and share previews: JSON-LD, Open Graph, dates.

Built from the article page as pages.load_article_page() loads it (column, bylines, sections,
figures with renditions, corrections), so it costs no query of its own.
"""

from django.conf import settings
from django.utils import timezone
from django.utils.dateformat import format as format_date

from .images.render import MIN_STRUCTURED_PIXELS, STRUCTURED_CROPS
from .links import link

# Google asks for 16:9, 4:3 and 1:1 images of a news article, each at least 50,000 pixels:
# the photo pipeline makes those crops (images/render.py), and these are the shapes looked for.
STRUCTURED_RATIOS = list(STRUCTURED_CROPS.values())
RATIO_TOLERANCE = 0.02


def iso(moment):
    """ISO 8601 in the newsroom's time zone: 2026-11-27T08:00:00+08:00."""
    return timezone.localtime(moment).isoformat(timespec="seconds")


def print_edition(article):
    """《钱塘日报》2026年11月27日, or the parts of it that are known."""
    parts = []
    if article.print_publication:
        parts.append(f"《{article.print_publication}》")
    if article.print_date:
        parts.append(format_date(article.print_date, "Y年n月j日"))
    return "".join(parts)


def _renditions(page):
    figure = page.lead_figure
    if figure is None:
        return []
    return [r for r in figure.loaded_renditions() if r.width and r.height]


def _close(rendition, ratio):
    return abs(rendition.width / rendition.height - ratio) <= ratio * RATIO_TOLERANCE


def structured_images(page):
    """The lead figure's renditions in 16:9, 4:3 and 1:1, largest of each, where they exist."""
    renditions = _renditions(page)
    chosen = []
    for w, h in STRUCTURED_RATIOS:
        fitting = [
            r
            for r in renditions
            if _close(r, w / h) and r.width * r.height >= MIN_STRUCTURED_PIXELS
        ]
        if fitting:
            chosen.append(max(fitting, key=lambda r: r.width))
    return chosen


def share_image(page):
    """The figure and rendition for Open Graph and Twitter: the social crop, else the JPEG."""
    figure = page.lead_figure
    if figure is None:
        return None, None
    rendition = figure.social_rendition or figure.fallback_rendition
    return (figure, rendition) if rendition else (None, None)


def news_article(page, request):
    """The schema.org NewsArticle for an article page, as a dict ready for JSON."""
    article = page.article
    absolute = request.build_absolute_uri
    url = absolute(article.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": article.title,
        "inLanguage": "zh-CN",
        "isAccessibleForFree": True,
    }
    if article.subtitle:
        data["alternativeHeadline"] = article.subtitle
    description = page.description
    if description:
        data["description"] = description
    images = structured_images(page)
    if images:
        data["image"] = [absolute(r.file.url) for r in images]
    if article.published_at:
        data["datePublished"] = iso(article.published_at)
        data["dateModified"] = iso(page.date_modified)
    authors = page.authors
    if authors:
        data["author"] = [
            {"@type": "Person", "name": a.name, "url": absolute(a.get_absolute_url())}
            for a in authors
        ]
    data["publisher"] = {
        "@type": "NewsMediaOrganization",
        "name": settings.SITE_NAME,
        "url": absolute(link("articles:home")),
    }
    if article.column:
        data["articleSection"] = article.column.name
    edition = print_edition(article)
    if edition:
        data["printEdition"] = edition
    if article.print_page:
        data["printPage"] = article.print_page
    if page.corrections:
        data["correction"] = [
            {"@type": "CorrectionComment", "text": c.note, "datePublished": iso(c.corrected_at)}
            for c in page.corrections
        ]
    return data
