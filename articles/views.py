from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from . import frontpage, metadata, paging, search
from . import preview as preview_links
from .feeds import FEED_LENGTH
from .models import Article, Author, Column, Section
from .pagecache import cached_page, not_stored, page_number
from .pages import load_article_page
from .permissions import can_see_drafts
from .search import filters as search_filters

PAGE_SIZE = paging.PAGE_SIZE
SEARCH_PAGE_SIZE = 10
# The query parameter list pages read: the keyset cursor (articles/paging.py). An old ?page=N
# is answered with a redirect, never stored.
LIST_QUERY = {"before": paging.is_cursor}


class NoSuchPage(Exception):
    """A list address that names no page: answered with list_gone (404)."""


class LegacyPage(Exception):  # noqa: N818 - not an error: an old address to send elsewhere
    """An old ?page=N address: the response is a redirect, or None for the 404 page."""

    def __init__(self, response):
        super().__init__()
        self.response = response


def paginate(request, public, size=PAGE_SIZE):
    """The keyset page (articles/paging.py) this list's address names; public(now) is the
    list's queryset of the articles public at `now`.

    Raises NoSuchPage for a cursor that is not one or has nothing older than it, and
    LegacyPage for an old ?page=N address (the view answers it with a redirect or a 404).
    """
    if "page" in request.GET:
        raise LegacyPage(paging_legacy_target(request, public, size))
    raw = request.GET.get("before")
    cursor = None
    if raw is not None:
        cursor = paging.Cursor.parse(raw)
        if cursor is None:
            raise NoSuchPage
    page = paging.keyset_page(public, cursor, size)
    if cursor is not None and not page.articles:
        raise NoSuchPage
    return page


def paging_legacy_target(request, public, size):
    value = request.GET.get("page", "")
    if not (value.isascii() and value.isdigit()) or not value.strip("0"):
        return redirect(request.path)  # ?page=abc, -1, 0: the first page, as before
    if len(value) > 9:
        return None  # far past any page there was
    number = int(value)
    if number == 1:
        return redirect(request.path, permanent=True)
    cursor = paging.legacy_cursor(public, number, size)
    if cursor is None:
        return None
    return redirect(f"{request.path}?before={cursor}")


def list_gone(request, name):
    """A list page that does not exist (any more): a 404 that says where the articles are."""
    return render(
        request,
        "articles/list_gone.html",
        {"name": name, "first_page": request.path},
        status=404,
    )


def list_response(request, template, context, *, name, first_page=None):
    """A list page: its keyset page, or the redirect or 404 page its address calls for.

    A page whose cursor is not an article of the list (one taken down since the link was
    written, or a made-up one) is answered but kept out of the page cache: such addresses
    are endless; the ones the site writes are each an article's."""
    public = context.pop("public")
    if first_page is not None and not request.GET:
        # The first page shows what first_page() gives: only whether older pages exist is
        # read here, with no list item's rows.
        listed = public

        def public(now):
            found = listed(now).prefetch_related(None).select_related(None)
            return found.only("pk", "published_at")

    try:
        page = paginate(request, public)
    except LegacyPage as legacy:
        return legacy.response or list_gone(request, name)
    except NoSuchPage:
        return list_gone(request, name)
    context["page"] = page
    if first_page is not None and page.is_first:
        context.update(first_page(page))
    response = render(request, template, context)
    if page.cursor is not None and not page.cursor_is_real:
        not_stored(response)
    return response


@cached_page(query=LIST_QUERY)
def home(request):
    def first_page(page):
        # The first page as editors arranged it (头条, 推荐), the newest filling the rest; the
        # older pages go on from the last of those newest.
        front = frontpage.arrange(PAGE_SIZE)
        if front.newest and page.older is not None:
            page.older = paging.Cursor.of(front.newest[-1])
        return {"front": front}

    return list_response(
        request,
        "articles/home.html",
        {"public": lambda now: Article.objects.published(now).for_listing(), "front": None},
        name="首页",
        first_page=first_page,
    )


def listing(request, public, *, label, name, about, empty, hide_column=False):
    """A column's or an author's page (articles/listing.html): a header, then the articles;
    public(now): its articles public at `now`."""
    context = {"label": label, "name": name, "about": about, "empty": empty}
    context.update(public=public, hide_column=hide_column)
    return list_response(request, "articles/listing.html", context, name=name)


@cached_page(query=LIST_QUERY)
def column_detail(request, slug):
    column = get_object_or_404(Column, slug=slug)
    return listing(
        request,
        lambda now: column.articles.published(now).for_listing(),
        label="栏目",
        name=column.name,
        about=column.description,
        empty="这个栏目还没有发布的文章。",
        hide_column=True,
    )


@cached_page(query=LIST_QUERY)
def author_detail(request, slug):
    author = get_object_or_404(Author, slug=slug)
    return listing(
        request,
        lambda now: Article.objects.published(now).filter(authors=author).for_listing(),
        label="作者",
        name=author.name,
        about=author.bio,
        empty="这位作者还没有发布的文章。",
    )


@cached_page(stale=True)
def article_detail(request, pk, slug=None):
    page = load_article_page(pk)
    if page is None:
        raise Http404("没有找到这篇文章。")
    article = page.article
    preview = False
    if not article.is_public:
        # Staff who may change articles read drafts and scheduled pieces at their real URL.
        if not can_see_drafts(request.user):
            raise Http404("没有找到这篇文章。")
        preview = True
    if slug != article.slug:
        return redirect(article, permanent=True)
    response = render_article(request, page, preview=preview)
    if preview:
        # A draft shown to staff: never stored by a browser or a shared cache (issue 7's page
        # caching must leave these responses alone; never_cache marks them private, no-store).
        add_never_cache_headers(response)
    return response


def preview_article(request, token):
    """A share-preview link: the article as readers will see it, for someone without an account.

    NEVER CACHE THIS VIEW. The response depends on a secret token and shows unpublished text;
    it must not be stored by page caching, a CDN or a browser (add_never_cache_headers below
    sets Cache-Control: private, no-store), and it carries noindex so a leaked link is not
    indexed. Keep any cache middleware or decorator off this path.
    """
    try:
        page = load_article_page(preview_links.find_link(token).article_id)
        if page is None:
            raise Http404("没有找到这篇文章。")
    except preview_links.PreviewLinkExpired:
        response = preview_refused(request, 403, "这个预览链接已经过期")
    except preview_links.PreviewLinkRevoked:
        response = preview_refused(
            request, 410, "这个预览链接已被撤销", "编辑已经收回了这个链接（或文章已经撤下）。"
        )
    except preview_links.PreviewLinkInvalid:
        response = preview_refused(request, 404, "这个预览链接无效")
    else:
        if page.article.is_public:
            # Published since the link was shared: send the reader to the real page.
            return redirect(page.article)
        response = render_article(request, page, preview=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    add_never_cache_headers(response)
    return response


def preview_refused(request, status, title, detail=""):
    hours = int(preview_links.max_age().total_seconds() // 3600)
    return render(
        request,
        "articles/preview_invalid.html",
        {"title": title, "detail": detail, "hours": hours},
        status=status,
    )


def render_article(request, page, *, preview):
    share_figure, share_image = metadata.share_image(page)
    return render(
        request,
        "articles/article_detail.html",
        {
            "page": page,
            "article": page.article,
            "preview": preview,
            "updated_at": page.date_modified if page.last_correction else None,
            "print_edition": metadata.print_edition(page.article),
            "structured_data": metadata.news_article(page, request),
            "share_image": share_image,
            "share_image_url": request.build_absolute_uri(share_image.file.url)
            if share_image
            else "",
            "share_image_alt": share_figure.alt if share_figure else "",
        },
    )


@cached_page(
    query={
        "q": search.is_canonical,
        "page": page_number,
        "column": search_filters.is_canonical_slug,
        "start": search_filters.is_canonical_date,
        "end": search_filters.is_canonical_date,
    },
    bounded=True,
)
def search_view(request):
    query = search.Query(request.GET.get("q", ""))
    filters = search_filters.SearchFilters(request.GET)
    page = None
    if query:
        column, start, end = filters.bounds()
        articles = Article.objects.for_listing().prefetch_related(
            Prefetch("sections", queryset=Section.objects.order_by("position")),
            # Captions, for the snippet (search.snippet); their renditions are not needed.
            "figures",
        )
        asked = request.GET.get("page", "1")
        # What is not a page number, 0 included, is the first page; past the last, the last.
        asked = asked if page_number(asked) else "1"
        found = search.search_articles(
            query,
            column=column,
            start=start,
            end=end,
            articles=articles,
        )
        page = Paginator(found, SEARCH_PAGE_SIZE).get_page(asked)
        for article in page:
            article.search_title = search.highlight(article.title, query.pieces)
            article.search_kicker = search.highlight(article.kicker, query.pieces)
            article.search_snippet = search.snippet(article, query.pieces)
    response = render(
        request,
        "articles/search.html",
        {
            "query": query,
            "page": page,
            "max_query_chars": search.MAX_QUERY_CHARS,
            "filters": filters,
            # What the reader chose, as typed, so that nothing is lost on a page that says
            # a value could not be used.
            "chosen": {
                name: search_filters.printable(request.GET.get(name, ""))
                for name in ("column", "start", "end")
            },
        },
    )
    asked = request.GET.get("page")
    if (asked is not None and (page is None or asked != str(page.number))) or filters.errors:
        not_stored(response)
    return response


@cached_page
def feeds_page(request):
    """The feeds explained for a person, with their addresses to copy into a feed reader."""
    return render(
        request,
        "articles/feeds.html",
        {
            "feed_length": FEED_LENGTH,
            "rss_url": request.build_absolute_uri(reverse("articles:feed-rss")),
            "atom_url": request.build_absolute_uri(reverse("articles:feed-atom")),
        },
    )


@cached_page
def robots_txt(request):
    # The sitemap index: it lists every sitemap file, the news sitemap's too.
    sitemaps = [request.build_absolute_uri(reverse("articles:sitemap"))]
    # Search result pages are endless combinations of the same articles: not for crawlers.
    # The admin is not listed: this file is public, and its path is kept out of sight
    # (qiantang_site/admin_robots.py tells crawlers to stay out of it instead).
    disallow = [reverse("articles:search")]
    return render(
        request,
        "robots.txt",
        {"sitemaps": sitemaps, "disallow": disallow},
        content_type="text/plain; charset=utf-8",
    )
