"""Readers' pages of the digital edition: the latest edition, an edition, a page.

Plain views, each a handful of fixed queries whatever the edition holds, served through the
site's page cache (articles.pagecache.cached_page) like every public page; page pictures are renditions
with content-hashed names, cached for good by the CDN or nginx. A story is shown by title and
link only when its article is public (Article.objects.published(), the one definition, asked in
SQL; the title of any other never leaves the database): any other gets a shape with no name,
link or text, so nothing of a draft reaches a reader or a shared cache, and an embargo lifts on
the page within the minute the page is kept.
"""

import calendar
from dataclasses import dataclass, field

from django.db.models import Case, Exists, F, OuterRef, Prefetch, Q, Subquery, Value, When
from django.http import Http404
from django.shortcuts import render
from django.utils.dateformat import format as format_date

from articles.links import link
from articles.models import Article

from .models import Edition, Page, PageRendition, Publication, Region

WEEKDAYS = "一二三四五六日"
THUMBNAIL_SPECS = ("webp-480", "jpeg-1200")
# Never loaded for readers: the page file and its picture are private originals, and Django
# opens an ImageField's file on load to measure it when width/height are empty (a page stored
# before they were recorded): a storage GET per page per request, a 500 if the file is gone.
PRIVATE_PAGE_FIELDS = ("text_lines", "file", "image", "width", "height")


def shown_paper():
    """The paper /epaper/ shows, as a subquery: the first in the admin's order that has a
    public edition, so a new paper (or a typo's) with nothing public hides nothing."""
    return Publication.objects.shown().values("pk")[:1]


def public_editions():
    """Editions readers may open, in one query (the shown paper as a subquery)."""
    return Edition.objects.filter(is_public=True, publication=shown_paper()).select_related(
        "publication"
    )


@dataclass
class Story:
    """A public story on a page: its title, link and boxes (0..1), in reading order."""

    title: str
    kicker: str
    url: str
    position: int
    boxes: list = field(default_factory=list)


@dataclass
class PageView:
    page: Page
    stories: list
    pending: list  # boxes of stories not public: shown as shapes, nothing else


def page_contents(page, regions):
    """Stories in reading order and the boxes of unpublished ones, from confirmed regions."""
    stories, pending = {}, []
    for region in regions:
        box = None
        if region["x"] is not None:
            box = (region["x"], region["y"], region["width"], region["height"])
        if not region["public"]:
            if box:
                pending.append(box)
            continue
        story = stories.get(region["article_id"])
        if story is None:
            story = stories[region["article_id"]] = Story(
                region["title"],
                region["kicker"],
                link("articles:detail", pk=region["article_id"], slug=region["slug"]),
                region["position"],
            )
        story.position = min(story.position, region["position"])
        if box:
            story.boxes.append(box)
    ordered = sorted(
        stories.values(), key=lambda s: (s.position, min(s.boxes)[1] if s.boxes else 2)
    )
    return PageView(page, ordered, pending)


def confirmed_regions(**filters):
    """The confirmed regions as plain rows. Whether each article is public is asked of the
    database through Article.objects.published(), the site's one definition; the title, kicker
    and address of any other never leave the database."""
    public = Exists(Article.objects.published().filter(pk=OuterRef("article_id")))

    def if_public(field):
        return Case(When(public=True, then=F(field)), default=Value(""))

    return (
        Region.objects.filter(status=Region.Status.CONFIRMED, **filters)
        .annotate(
            public=public,
            title=if_public("article__title"),
            kicker=if_public("article__kicker"),
            slug=if_public("article__slug"),
        )
        .values(
            "page_id",
            "position",
            "x",
            "y",
            "width",
            "height",
            "article_id",
            "public",
            "title",
            "kicker",
            "slug",
        )
        .order_by("position", "id")
    )


def renditions(specs=None):
    queryset = PageRendition.objects.order_by("width")
    if specs:
        queryset = queryset.filter(spec__in=specs)
    return Prefetch("renditions", queryset=queryset, to_attr="renditions_loaded")


def month_calendar(day, current=None):
    """The month of `day` as weeks of (date, edition URL or None), with the months around."""
    first = day.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    editions = public_editions().order_by()
    # One query: the month's dates, and the nearest dates before and after it.
    before = editions.filter(date__lt=first).order_by("-date").values("date")[:1]
    after = editions.filter(date__gt=last).order_by("date").values("date")[:1]
    found = set(
        editions.filter(
            Q(date__range=(first, last)) | Q(date=Subquery(before)) | Q(date=Subquery(after))
        ).values_list("date", flat=True)
    )
    dates = {d for d in found if first <= d <= last}
    before = [d for d in found if d < first]
    after = [d for d in found if d > last]
    weeks = [
        [
            (d, Edition(date=d).get_absolute_url() if d in dates else None)
            if d.month == first.month
            else (None, None)
            for d in week
        ]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    ]
    return {
        "caption": format_date(first, "Y年n月"),
        "weekdays": WEEKDAYS,
        "weeks": weeks,
        "current": current,
        "previous": _month_link(before),
        "next": _month_link(after),
    }


def _month_link(dates):
    dates = list(dates)
    if not dates:
        return None
    return {
        "url": Edition(date=dates[0]).get_absolute_url(),
        "label": format_date(dates[0], "Y年n月"),
    }


def latest(request):
    edition = public_editions().order_by("-date").first()
    if edition is None:
        return render(request, "epaper/empty.html", status=404)
    return edition_page(request, edition, latest=True)


def edition(request, date):
    edition = public_editions().filter(date=date).first()
    if edition is None:
        raise Http404("这一天没有数字报。")
    return edition_page(request, edition)


def edition_page(request, edition, latest=False):
    # Thumbnails: the smallest WebP and the JPEG fallback are all the cards show.
    pages = list(
        edition.pages.defer(*PRIVATE_PAGE_FIELDS).prefetch_related(renditions(THUMBNAIL_SPECS))
    )
    regions = {}
    for region in confirmed_regions(page__edition=edition):
        regions.setdefault(region["page_id"], []).append(region)
    views = [page_contents(page, regions.get(page.pk, [])) for page in pages]
    return render(
        request,
        "epaper/edition.html",
        {
            "edition": edition,
            "pages": views,
            "latest": latest,
            "calendar": month_calendar(edition.date, edition.date),
        },
    )


def page(request, date, code):
    edition = public_editions().filter(date=date).first()
    if edition is None:
        raise Http404("这一天没有数字报。")
    pages = list(edition.pages.only("pk", "edition_id", "position", "code", "name"))
    index = next((i for i, p in enumerate(pages) if p.code == code), None)
    if index is None:
        raise Http404("这一期没有这个版面。")
    current = (
        Page.objects.filter(pk=pages[index].pk)
        .prefetch_related(renditions())
        .defer(*PRIVATE_PAGE_FIELDS)
        .get()
    )
    current.edition = edition
    view = page_contents(current, confirmed_regions(page=current))
    return render(
        request,
        "epaper/page.html",
        {
            "edition": edition,
            "view": view,
            "page": current,
            "pages": pages,
            "previous": pages[index - 1] if index > 0 else None,
            "next": pages[index + 1] if index + 1 < len(pages) else None,
            "calendar": month_calendar(edition.date, edition.date),
        },
    )


def seen_in_print(article):
    """Where an article was printed in the public digital edition: a dict, or None.

    Read from the article's first confirmed region on a public edition, never from the
    article's own provenance fields (linking a region does not write them). Asked only for
    articles that have some print provenance or were imported from a page (the ones an
    edition holds), so other article pages cost no query for it; remembered on the article:
    the article page asks twice (its 原载于 line gives way to this one, article_detail.html).
    """
    if article.pk is None or not (
        article.print_source_id or article.print_date or article.print_publication
    ):
        return None
    if "_seen_in_print" in article.__dict__:
        return article.__dict__["_seen_in_print"]
    article.__dict__["_seen_in_print"] = seen = _seen_in_print(article)
    return seen


def _seen_in_print(article):
    region = (
        Region.objects.filter(
            article_id=article.pk,
            status=Region.Status.CONFIRMED,
            page__edition__is_public=True,
            page__edition__publication=shown_paper(),
        )
        .select_related("page__edition__publication")
        .defer(*(f"page__{name}" for name in PRIVATE_PAGE_FIELDS))
        .order_by("page__edition__date", "page__position")
        .first()
    )
    if region is None:
        return None
    page = region.page
    edition = page.edition
    return {
        "demo": edition.publication.is_demo,
        "paper": edition.publication.name,
        "date": format_date(edition.date, "Y年n月j日"),
        "page": page.label,
        "name": page.name,
        "url": page.get_absolute_url(),
    }
