"""The archive by date: /archive/, /archive/2026/, /archive/2026/06/, /archive/2026/06/30/.

Every public article is reachable from here, by readers and crawlers (the sitemap index lists
the archive's pages: articles/sitemaps.py): the index lists the years and their months with
how many articles each has, a year page its months, a month page its days, a day page its
articles (keyset pages of DAY_PAGE_SIZE, articles/paging.py). Years, months and days are the
newsroom's (settings.TIME_ZONE, Asia/Shanghai): an article published at 23:30 on 30 June in
Shanghai is in June, one at 00:30 on 1 July in July, whatever UTC says.

Only public articles, at the moment of the request (ArticleQuerySet.published): the page cache
keeps these pages until the next commit or the next embargo (docs/page-cache.md), so a
scheduled article is counted from its second on. A year, month or day with no public article,
or one that does not exist (2026/13, 2026/02/30, 0000), is a 404; the URL converters
(articles/urls.py) take only four-digit years and two-digit months and days.

Every count is a range count on the article_public_newest index (status, published_at): no
date function on each row (SQLite would call Python once per row for one), so the cost is one
index range per month or day shown.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from . import paging
from .links import link
from .models import Article, ArticleAuthor
from .pagecache import cached_page, not_stored

DAY_PAGE_SIZE = 100
WEEKDAYS = "一二三四五六日"
MIN_INSTANT = datetime.min.replace(tzinfo=UTC)
MAX_INSTANT = datetime.max.replace(tzinfo=UTC)


def instant(year, month=1, day=1):
    """The first moment of a newsroom day, as an aware datetime; clamped at the calendar's
    ends (year 1 in Shanghai begins before the first moment Python can write in UTC)."""
    if year > 9999:
        return MAX_INSTANT
    try:
        return datetime(year, month, day, tzinfo=timezone.get_current_timezone()).astimezone(UTC)
    except OverflowError:
        return MIN_INSTANT


def month_after(year, month):
    return (year + 1, 1) if month == 12 else (year, month + 1)


def public():
    return Article.objects.published()


def between(start=None, end=None, now=None):
    """The articles public (at `now`) published from start (included) to end (excluded), read
    from the index between one lower and one upper bound (ArticleQuerySet.published_between)."""
    return Article.objects.published_between(start, end, now=now)


def count_between(start, end):
    return between(start, end).count()


def local_date(moment):
    return timezone.localtime(moment).date() if moment is not None else None


def span():
    """The newsroom dates of the oldest and the newest public article, or None."""
    times = public().order_by("published_at").values_list("published_at", flat=True)
    oldest = times.first()
    if oldest is None:
        return None
    return local_date(oldest), local_date(times.last())


def newest_before(moment):
    return local_date(
        between(end=moment).order_by("-published_at").values_list("published_at", flat=True).first()
    )


def oldest_from(moment):
    return local_date(
        between(start=moment)
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )


def year_label(year):
    return f"{year}年"


def month_label(year, month):
    return f"{year}年{month}月"


def day_label(day):
    return f"{day.year}年{day.month}月{day.day}日 星期{WEEKDAYS[day.weekday()]}"


@dataclass
class Month:
    year: int
    month: int
    count: int

    @property
    def label(self):
        return f"{self.month}月"

    @property
    def path(self):
        return link("articles:archive-month", year=self.year, month=self.month)


@dataclass
class Year:
    year: int
    months: list

    @property
    def count(self):
        return sum(m.count for m in self.months)

    @property
    def label(self):
        return year_label(self.year)

    @property
    def path(self):
        return link("articles:archive-year", year=self.year)


def months_of(year, first, last):
    """The months of `year` between the dates first and last (inclusive), with their counts,
    newest first; months with no public article are left out."""
    months = []
    for month in range(12, 0, -1):
        if (year, month) > (last.year, last.month) or (year, month) < (first.year, first.month):
            continue
        count = count_between(instant(year, month), instant(*month_after(year, month)))
        if count:
            months.append(Month(year, month, count))
    return months


def all_years():
    """Every year with public articles, newest first, with its months and their counts."""
    found = span()
    if found is None:
        return []
    first, last = found
    years = []
    for year in range(last.year, first.year - 1, -1):
        months = months_of(year, first, last)
        if months:
            years.append(Year(year, months))
    return years


def archive_link(day, kind):
    """The year, month or day page `day` is in, as {"path", "label"}; None for no day."""
    if day is None:
        return None
    if kind == "year":
        return {"path": link("articles:archive-year", year=day.year), "label": year_label(day.year)}
    if kind == "month":
        return {
            "path": link("articles:archive-month", year=day.year, month=day.month),
            "label": month_label(day.year, day.month),
        }
    return {
        "path": link("articles:archive-day", year=day.year, month=day.month, day=day.day),
        "label": day_label(day),
    }


def _render(request, template, context):
    return render(request, f"articles/{template}", context)


@cached_page
def archive_index(request):
    return _render(request, "archive_index.html", {"years": all_years()})


@cached_page
def archive_year(request, year):
    found = span()
    if found is None or not found[0].year <= year <= found[1].year:
        raise Http404("这一年没有发布的文章。")
    months = months_of(year, *found)
    if not months:
        raise Http404("这一年没有发布的文章。")
    context = {
        "year": Year(year, months),
        "title": year_label(year),
        "newer": archive_link(oldest_from(instant(year + 1)), "year"),
        "older": archive_link(newest_before(instant(year)), "year"),
    }
    return _render(request, "archive_year.html", context)


@cached_page
def archive_month(request, year, month):
    if not 1 <= year <= 9999 or not 1 <= month <= 12:
        raise Http404("没有这个月份。")
    start, end = instant(year, month), instant(*month_after(year, month))
    days = []
    day = date(year, month, 1)
    while day.month == month:
        following = day + timedelta(days=1) if day < date.max else None
        count = count_between(
            instant(day.year, day.month, day.day),
            end if following is None else instant(following.year, following.month, following.day),
        )
        if count:
            days.append({**archive_link(day, "day"), "count": count})
        if following is None:
            break
        day = following
    if not days:
        raise Http404("这个月没有发布的文章。")
    days.reverse()
    context = {
        "title": month_label(year, month),
        "year": {"path": link("articles:archive-year", year=year), "label": year_label(year)},
        "days": days,
        "count": sum(d["count"] for d in days),
        "newer": archive_link(oldest_from(end), "month"),
        "older": archive_link(newest_before(start), "month"),
    }
    return _render(request, "archive_month.html", context)


def day_articles(start, end, now):
    """A day's articles public at `now`, as a compact list shows them: column and bylines,
    no photos."""
    return (
        between(start, end, now=now)
        .select_related("column")
        .prefetch_related(
            Prefetch("bylines", queryset=ArticleAuthor.objects.select_related("author"))
        )
    )


@cached_page(query={"before": paging.is_cursor})
def archive_day(request, year, month, day):
    try:
        today = date(year, month, day)
    except ValueError:
        raise Http404("没有这一天。") from None
    start = instant(year, month, day)
    end = (
        MAX_INSTANT if today == date.max else instant(*(today + timedelta(days=1)).timetuple()[:3])
    )
    raw = request.GET.get("before")
    cursor = paging.Cursor.parse(raw) if raw is not None else None
    if raw is not None and cursor is None:
        raise Http404("没有这一页。")
    page = paging.keyset_page(lambda now: day_articles(start, end, now), cursor, DAY_PAGE_SIZE)
    if not page.articles:
        raise Http404("这一天没有发布的文章。")
    context = {
        "title": day_label(today),
        "page": page,
        "month": archive_link(today, "month"),
        "newer": archive_link(oldest_from(end), "day"),
        "older": archive_link(newest_before(start), "day"),
    }
    response = _render(request, "archive_day.html", context)
    if cursor is not None and not page.cursor_is_real:
        not_stored(response)
    return response
