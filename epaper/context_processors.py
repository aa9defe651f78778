from .views import seen_in_print as _seen_in_print


def seen_in_print(request):
    """seen_in_print(article) for the article page's 见报 line (epaper/seen_in_print.html)."""
    return {"seen_in_print": _seen_in_print}
