from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers

from .models import Article, ArticleAuthor, Author, Column, Figure, Section

PAGE_SIZE = 20


def paginate(request, queryset):
    # get_page turns "abc", "-1" or a page past the end into a real page instead of an error.
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def home(request):
    page = paginate(request, Article.objects.published().for_listing())
    return render(request, "articles/home.html", {"page": page})


def column_detail(request, slug):
    column = get_object_or_404(Column, slug=slug)
    page = paginate(request, column.articles.published().for_listing())
    return render(request, "articles/column.html", {"column": column, "page": page})


def author_detail(request, slug):
    author = get_object_or_404(Author, slug=slug)
    page = paginate(request, Article.objects.published().filter(authors=author).for_listing())
    return render(request, "articles/author.html", {"author": author, "page": page})


def article_detail(request, pk, slug=None):
    queryset = Article.objects.select_related("column").prefetch_related(
        Prefetch("bylines", queryset=ArticleAuthor.objects.select_related("author")),
        Prefetch("sections", queryset=Section.objects.order_by("position", "id")),
        Prefetch("figures", queryset=Figure.objects.prefetch_related("renditions")),
        "corrections",
    )
    article = get_object_or_404(queryset, pk=pk)
    preview = False
    if not article.is_public:
        # Staff who may change articles read drafts and scheduled pieces at their real URL.
        if not request.user.has_perm("articles.change_article"):
            raise Http404("没有找到这篇文章。")
        preview = True
    if slug != article.slug:
        return redirect(article, permanent=True)
    response = render(
        request,
        "articles/article_detail.html",
        {"article": article, "blocks": article_blocks(article), "preview": preview},
    )
    if preview:
        add_never_cache_headers(response)
    return response


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
