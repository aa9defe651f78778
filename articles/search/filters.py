"""The search page's filters: a column and a range of publication dates (GET parameters).

A value that cannot be used (a column that does not exist, 2026-02-30, a date in another
format) is named in a Chinese message on the results page and left out of the search; the
page is still a 200 with results, never an error page. Dates are days in the site's time zone
(Asia/Shanghai): 2026-06-01 to 2026-06-30 is everything published from the first's midnight
to the end of the thirtieth.
"""

import datetime as dt
import re
import unicodedata

from django import forms
from django.utils import timezone

from ..paging import FIRST_YEAR, LAST_YEAR

DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
SLUG = re.compile(r"[-\w]+", re.ASCII)


def _date(value):
    value = (value or "").strip()
    if not value:
        return None
    if not DATE.fullmatch(value):
        raise forms.ValidationError(f"日期“{value}”看不懂，请按 2026-06-01 这样的格式填写。")
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise forms.ValidationError(f"没有这一天：{value}。") from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise forms.ValidationError(
            f"日期 {value} 超出范围，请填写 {FIRST_YEAR} 年到 {LAST_YEAR} 年之间的日期。"
        )
    return day


# A filter's value as long as the page repeats it (a slug or a date is far shorter).
MAX_VALUE = 60


def printable(value):
    """A parameter as the page may show it and search with it: NFKC (full-width ２０２６ is
    2026), no NUL or other control characters (Django's own message for a NUL is no help to a
    reader), and no longer than MAX_VALUE (a page does not repeat 5,000 characters back)."""
    value = unicodedata.normalize("NFKC", value)
    return "".join(ch for ch in value if ch.isprintable() or ch == " ")[:MAX_VALUE]


class SearchFilters(forms.Form):
    column = forms.CharField(required=False)
    start = forms.CharField(required=False)
    end = forms.CharField(required=False)

    def __init__(self, data=None, **kwargs):
        if data is not None:
            data = {name: printable(data.get(name, "")) for name in ("column", "start", "end")}
        super().__init__(data, **kwargs)

    def clean_column(self):
        from ..models import Column

        slug = self.cleaned_data["column"].strip()
        if not slug:
            return None
        # A query only when a column is asked for; the form's list is the header's 栏目 row.
        column = Column.objects.filter(slug=slug).first() if SLUG.fullmatch(slug) else None
        if column is None:
            raise forms.ValidationError(f"没有“{slug}”这个栏目，已在全部栏目里搜索。")
        return column

    def clean_start(self):
        return _date(self.cleaned_data["start"])

    def clean_end(self):
        return _date(self.cleaned_data["end"])

    swapped = False

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            data["start"], data["end"] = end, start
            self.swapped = True
        return data

    @property
    def messages(self):
        """What the page says about the filters it could not use."""
        found = [m for name in ("column", "start", "end") for m in self.errors.get(name, [])]
        if any(name in self.errors for name in ("start", "end")):
            found.append("这次没有按这个日期筛选。")
        if self.swapped:
            found.append("开始日期晚于结束日期，已对调后搜索。")
        return found

    def bounds(self):
        """(column, start, end) to search with: aware datetimes, end exclusive."""
        self.is_valid()
        data = self.cleaned_data
        start, end = data.get("start"), data.get("end")
        zone = timezone.get_current_timezone()
        since = dt.datetime.combine(start, dt.time.min, zone) if start else None
        until = None
        if end and end < dt.date.max:
            until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, zone)
        return data.get("column"), since, until

    @property
    def active(self):
        column, since, until = self.bounds()
        return column is not None or since is not None or until is not None


def is_canonical_slug(value):
    """A column value as the search form writes it: a slug, or empty (any column)."""
    return value == "" or SLUG.fullmatch(value) is not None


def is_canonical_date(value):
    """A date as the search form's date inputs write it (YYYY-MM-DD), or empty."""
    return value == "" or DATE.fullmatch(value) is not None
