from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from . import frontpage, metadata, search
from . import preview as preview_links
from .feeds import FEED_LENGTH
from .models import Article, Author, Column, Section
from .pagecache import cached_page, not_stored, page_number
from .pages import load_article_page
from .permissions import can_see_drafts
from .search import filters as search_filters

PAGE_SIZE = 20
SEARCH_PAGE_SIZE = 10
# The query parameters list pages read: the page number.
LIST_QUERY = {"page": page_number}


def paginate(request, queryset, size=PAGE_SIZE):
    # get_page turns "abc", "-1" or a page past the end into a real page instead of an error.
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def list_response(request, template, context):
    """A list page; kept out of the page cache when it is not the page its address names
    (?page=abc is page 1, ?page=99999 the last one): those addresses are endless."""
    response = render(request, template, context)
    asked = request.GET.get("page")
    if asked is not None and asked != str(context["page"].number):
        not_stored(response)
    return response


@cached_page(query=LIST_QUERY)
def home(request):
    page = paginate(request, Article.objects.published().for_listing())
    context = {"page": page, "front": None}
    if page.number == 1:
        # The first page as editors arranged it (头条, 推荐), the newest filling the rest.
        context["front"] = frontpage.arrange(PAGE_SIZE)
    return list_response(request, "articles/home.html", context)


def listing(request, queryset, *, label, name, about, empty, hide_column=False):
    """A column's or an author's page (articles/listing.html): a header, then the articles."""
    context = {"label": label, "name": name, "about": about, "empty": empty}
    context.update(page=paginate(request, queryset), hide_column=hide_column)
    return list_response(request, "articles/listing.html", context)


@cached_page(query=LIST_QUERY)
def column_detail(request, slug):
    column = get_object_or_404(Column, slug=slug)
    articles = column.articles.published().for_listing()
    return listing(
        request,
        articles,
        label="栏目",
        name=column.name,
        about=column.description,
        empty="这个栏目还没有发布的文章。",
        hide_column=True,
    )


@cached_page(query=LIST_QUERY)
def author_detail(request, slug):
    author = get_object_or_404(Author, slug=slug)
    articles = Article.objects.published().filter(authors=author).for_listing()
    return listing(
        request,
        articles,
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
        number = int(asked) if page_number(asked) else 1
        found = search.search_articles(
            query,
            column=column,
            start=start,
            end=end,
            articles=articles,
            window=((number - 1) * SEARCH_PAGE_SIZE, number * SEARCH_PAGE_SIZE),
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
            "chosen": {name: request.GET.get(name, "") for name in ("column", "start", "end")},
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
    sitemaps = [
        request.build_absolute_uri(reverse("articles:sitemap")),
        request.build_absolute_uri(reverse("articles:sitemap-news")),
    ]
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
