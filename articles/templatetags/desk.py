"""Template filters for the admin's own pages."""

from django import template

from ..text import person_name as name_of

register = template.Library()


@register.filter
def person_name(user):
    """A staff account's name as the desk writes it (李娜), or "—"."""
    return name_of(user) or "—"
