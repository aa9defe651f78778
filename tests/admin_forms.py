"""Build the POST an editor's browser sends from the article change form."""

from bs4 import BeautifulSoup
from django.utils import timezone


def form_data(client, url):
    """Every field of the admin form at url, with the values the page shows."""
    return form_fields(client.get(url).content)


def form_fields(html):
    """Every field of the admin form in a page's HTML, with the values it shows."""
    page = BeautifulSoup(html, "html.parser")
    form = page.find("form", id=lambda v: v and v.endswith("_form"))
    data = {}
    for field in form.find_all(["input", "textarea", "select"]):
        name = field.get("name")
        if not name or field.get("type") in ("submit", "file") or "__prefix__" in name:
            continue
        if field.name == "textarea":
            data[name] = field.get_text().removeprefix("\n")
        elif field.name == "select":
            selected = field.find("option", selected=True)
            data[name] = selected["value"] if selected else ""
        elif field.get("type") == "checkbox":
            if field.has_attr("checked"):
                data[name] = field.get("value", "on")
        else:
            data[name] = field.get("value", "")
    return data


def add_inline_rows(data, prefix, rows):
    """Append new rows to an inline formset in data."""
    start = int(data[f"{prefix}-TOTAL_FORMS"])
    for offset, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{start + offset}-{key}"] = value
    data[f"{prefix}-TOTAL_FORMS"] = str(start + len(rows))
    return data


def publish_fields(when, source="本报"):
    """What an editor posts to sign an article off for ``when`` (the 签发 button, the split
    date/time fields); with a 来源, since signing off needs a byline or a source."""
    local = timezone.localtime(when)
    fields = {
        "_transition": "sign_off",
        "published_at_0": local.strftime("%Y-%m-%d"),
        "published_at_1": local.strftime("%H:%M:%S"),
    }
    if source:
        fields["source"] = source
    return fields


def form_errors(response):
    """Every error message the admin form page shows, as one string."""
    page = BeautifulSoup(response.content, "html.parser")
    return " ".join(e.get_text(" ", strip=True) for e in page.select(".errorlist, .errornote"))
