"""The home page as editors arrange it: a lead story (头条) and ordered recommendations (推荐).

Editors choose them in the admin (首页编排: FrontPageSlot rows, dragged into order). A choice
counts while its article is public and its end time has not come; an empty or expired slot is
filled by the newest article, as the home page did before anyone chose. The page cache keeps
the home page until something changes: a slot saved or deleted bumps the generation like any
other row, and a slot's end time is one of the instants `Article.objects.next_embargo` returns,
so the stored home page expires the moment a choice does.
"""

from dataclasses import dataclass, field

from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone

from .models import Article, FrontPageSlot


@dataclass
class Arrangement:
    lead: Article | None
    featured: list = field(default_factory=list)  # chosen, in the editors' order
    newest: list = field(default_factory=list)  # the rest, newest first
    chosen_lead: bool = False


def slots_in_force(now=None):
    now = now or timezone.now()
    return list(
        FrontPageSlot.objects.filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .order_by("position", "id")
        .values_list("role", "article_id")
    )


def arrange(size, now=None, queryset=None):
    """The first page of the home page: `size` articles at most, in two queries (the slots,
    then the articles with what a list item shows) whatever the archive's size."""
    now = now or timezone.now()
    slots = slots_in_force(now)
    lead_id = next((pk for role, pk in slots if role == FrontPageSlot.Role.LEAD), None)
    featured_ids = []
    for role, pk in slots:
        if role == FrontPageSlot.Role.FEATURED and pk != lead_id and pk not in featured_ids:
            featured_ids.append(pk)
    chosen = ([lead_id] if lead_id else []) + featured_ids
    articles = queryset if queryset is not None else Article.objects.published(now).for_listing()
    if chosen:
        # The chosen ones first (those still public), then the newest: one query.
        articles = articles.annotate(
            chosen=Case(
                When(pk__in=chosen, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        ).order_by("chosen", "-published_at", "-id")
    rows = list(articles[: size + len(chosen)])
    by_pk = {a.pk: a for a in rows if a.pk in chosen}
    rest = [a for a in rows if a.pk not in chosen]
    lead = by_pk.get(lead_id)
    chosen_lead = lead is not None
    if lead is None and rest:
        lead = rest.pop(0)
    featured = [by_pk[pk] for pk in featured_ids if pk in by_pk]
    room = max(size - (1 if lead else 0) - len(featured), 0)
    return Arrangement(lead=lead, featured=featured, newest=rest[:room], chosen_lead=chosen_lead)
