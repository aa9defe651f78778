from datetime import datetime

from django.core.paginator import Paginator
from django.db.models import Exists, F, OuterRef, Prefetch, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from . import metadata, search
from . import preview as preview_links
from .caching import cached_article_page, public_page
from .compiled import CompiledQuery, attach, joined, take_joined
from .models import (
    PICTURE_RENDITIONS,
    Article,
    ArticleAuthor,
    Author,
    Column,
    Correction,
    Figure,
    Rendition,
    Section,
)
from .text import reading_minutes

PAGE_SIZE = 20
SEARCH_PAGE_SIZE = 10
RELATED_COUNT = 4


def paginate(request, queryset):
    # get_page turns "abc", "-1" or a page past the end into a real page instead of an error.
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


@public_page
def home(request):
    page = paginate(request, Article.objects.published().for_listing())
    return render(request, "articles/home.html", {"page": page})


def listing(request, queryset, *, label, name, about, empty, hide_column=False):
    """A column's or an author's page (articles/listing.html): a header, then the articles."""
    context = {"label": label, "name": name, "about": about, "empty": empty}
    context.update(page=paginate(request, queryset), hide_column=hide_column)
    return render(request, "articles/listing.html", context)


@public_page
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


@public_page
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


# The article page's queries, compiled once (articles/compiled.py says why): each a plain ORM
# query by the article's id, so the page costs the same few queries whatever the article holds.
ARTICLE = CompiledQuery(
    lambda pk: Article.objects.filter(pk=pk).annotate(
        **joined("column", Column),
        # Few articles are ever corrected: asked here, the corrections query is then skipped.
        has_corrections=Exists(Correction.objects.filter(article_id=OuterRef("pk"))),
    ),
    pk=int,
)
# Authors in byline order, each with its byline row's id and position: bylines and authors in
# one query.
AUTHORS = CompiledQuery(
    lambda article: (
        Author.objects.filter(bylines__article_id=article)
        .annotate(
            byline_id=F("bylines__id"),
            byline_position=F("bylines__position"),
            byline_role=F("bylines__role"),
        )
        .order_by("bylines__position", "bylines__id")
    ),
    article=int,
)
SECTIONS = CompiledQuery(lambda article: Section.objects.filter(article_id=article), article=int)
FIGURES = CompiledQuery(lambda article: Figure.objects.filter(article_id=article), article=int)
# Every figure's WebP sizes and JPEG fallback (its <picture>), and the social card and the
# structured-data crops of the lead figure only: metadata.py shares and describes no other.
RENDITIONS = CompiledQuery(
    lambda article: Rendition.objects.filter(figure__article_id=article).filter(
        PICTURE_RENDITIONS | Q(figure_id=Subquery(metadata.lead_figure_id(article)))
    ),
    article=int,
)
CORRECTIONS = CompiledQuery(
    lambda article: Correction.objects.filter(article_id=article), article=int
)
# The newest other public articles of the same column, for a short list under the text.
RELATED = CompiledQuery(
    lambda column, article, now: (
        Article.objects.published(now)
        .filter(column_id=column)
        .exclude(pk=article)
        .only("pk", "slug", "kicker", "title", "published_at")[:RELATED_COUNT]
    ),
    column=int,
    article=int,
    now=datetime,
)


def load_article_page(pk):
    """The article with everything its page shows (column, bylines, sections, figures with
    their renditions, corrections), or None. Public or not: the caller decides who may see it.
    """
    found = ARTICLE(pk=pk)
    if not found:
        return None
    article = found[0]
    article.column = take_joined(article, "column", Column)
    bylines = []
    for author in AUTHORS(article=pk):
        byline = ArticleAuthor.from_db(
            article._state.db,
            ["id", "article_id", "author_id", "role", "position"],
            [author.byline_id, pk, author.pk, author.byline_role, author.byline_position],
        )
        byline.author = author
        bylines.append(byline)
    attach(article, "bylines", bylines)
    attach(article, "sections", SECTIONS(article=pk))
    renditions = {}
    for rendition in RENDITIONS(article=pk):
        renditions.setdefault(rendition.figure_id, []).append(rendition)
    figures = FIGURES(article=pk)
    for figure in figures:
        figure.renditions_loaded = renditions.get(figure.pk, [])
    attach(article, "figures", figures)
    attach(article, "corrections", CORRECTIONS(article=pk) if article.has_corrections else [])
    return article


@cached_article_page
def article_detail(request, pk, slug=None):
    article = load_article_page(pk)
    if article is None:
        raise Http404("没有找到这篇文章。")
    preview = False
    if not article.is_public:
        # Staff who may change articles read drafts and scheduled pieces at their real URL.
        if not request.user.has_perm("articles.change_article"):
            raise Http404("没有找到这篇文章。")
        preview = True
    if slug != article.slug:
        return redirect(article, permanent=True)
    response = render_article(request, article, preview=preview)
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
        article = load_article_page(preview_links.find_link(token).article_id)
        if article is None:
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
        if article.is_public:
            # Published since the link was shared: send the reader to the real page.
            return redirect(article)
        response = render_article(request, article, preview=True)
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


def render_article(request, article, *, preview):
    blocks = article_blocks(article)
    sections = list(article.sections.all())
    # The first picture a reader meets is fetched at once; the others load lazily.
    first_figure = next(
        (
            item
            for block in blocks
            for kind, item in block["items"]
            if kind == "figure" and item.has_photo
        ),
        None,
    )
    share_figure, share_image = metadata.share_image(article)
    return render(
        request,
        "articles/article_detail.html",
        {
            "article": article,
            "blocks": blocks,
            "preview": preview,
            "first_figure": first_figure,
            "toc": [s for s in sections if s.heading],
            "corrections": article.corrections.all(),
            "reading_minutes": reading_minutes(
                [article.title] + [p for s in sections for p in [s.heading, *s.paragraphs]]
            ),
            "related": related_articles(article),
            "updated_at": metadata.date_modified(article)
            if metadata.last_correction(article)
            else None,
            "print_edition": metadata.print_edition(article),
            "structured_data": metadata.news_article(article, request),
            "share_image": share_image,
            "share_image_url": request.build_absolute_uri(share_image.file.url)
            if share_image
            else "",
            "share_image_alt": share_figure.alt if share_figure else "",
        },
    )


def related_articles(article):
    if article.column_id is None:
        return []
    return RELATED(column=article.column_id, article=article.pk, now=timezone.now())


@public_page
def search_view(request):
    query = search.Query(request.GET.get("q", ""))
    page = None
    if query:
        queryset = (
            search.search_articles(query.terms)
            .for_listing()
            .prefetch_related(
                Prefetch("sections", queryset=Section.objects.order_by("position")),
                # Captions, for the snippet (search.snippet); their renditions are not needed.
                "figures",
            )
        )
        page = Paginator(queryset, SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
        for article in page:
            article.search_title = search.highlight(article.title, query.terms)
            article.search_kicker = search.highlight(article.kicker, query.terms)
            article.search_snippet = search.snippet(article, query.terms)
    return render(
        request,
        "articles/search.html",
        {"query": query, "page": page, "max_query_chars": search.MAX_QUERY_CHARS},
    )


@public_page
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


def article_blocks(article):
    """The article as sections, each a list of paragraphs and figures in reading order."""
    figures_by_section = {}
    loose = []
    for figure in article.figures.all():
        if figure.section_id is None:
            loose.append(figure)
        else:
            figures_by_section.setdefault(figure.section_id, []).append(figure)
    blocks = []
    for section in article.sections.all():
        paragraphs = section.paragraphs
        figures = figures_by_section.get(section.pk, [])
        items = []
        for index in range(len(paragraphs) + 1):
            items.extend(
                ("figure", f)
                for f in figures
                if f.after_paragraph is not None
                and min(f.after_paragraph, len(paragraphs)) == index
            )
            if index < len(paragraphs):
                items.append(("paragraph", paragraphs[index]))
        items.extend(("figure", f) for f in figures if f.after_paragraph is None)
        blocks.append({"section": section, "items": items})
    if loose:
        if blocks:
            blocks[-1]["items"].extend(("figure", f) for f in loose)
        else:
            blocks.append({"section": None, "items": [("figure", f) for f in loose]})
    return blocks
