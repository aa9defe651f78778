"""Querysets compiled to SQL once per database, then run again with new values.

Django turns a queryset into SQL every time it is evaluated. For the small queries of the
article page that compilation cost about twice what the database itself took, and an uncached
article page ran nine of them (bench/pages.py). SQLAlchemy keeps a cache of compiled
statements for the same reason; Django has none, so this module keeps the few the reader's
path needs:

    sections_of = CompiledQuery(lambda article: Section.objects.filter(article_id=article))
    sections = sections_of(article=pk)          # a list of Section instances

The queryset is written with the ORM as usual. It is built once per database with stand-in
values, compiled by Django's own compiler, and the SQL is kept; each call puts the real values
in the stand-ins' places and lets `Model.objects.raw()` make the instances (with the backend's
own converters). Values may be integers (ids) or aware datetimes. The SQL is exactly what the
ORM would send, so SQLite and PostgreSQL behave as they would with the queryset itself.
"""

from datetime import UTC, datetime

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import F

# Stand-ins: values no real query uses, inside every integer column's range (Django answers an
# out-of-range integer with an empty result without compiling anything).
_INT_BASE = 2_000_000_000
_MOMENT_BASE = datetime(2001, 2, 3, 4, 5, 6, 700_000, tzinfo=UTC)


class CompiledQuery:
    """One ORM query, compiled once per database connection, run with keyword values."""

    def __init__(self, build, **kinds):
        """build(**values) returns the queryset; kinds names each value's kind: int or datetime."""
        self.build = build
        self.kinds = kinds
        self._compiled = {}

    def _standins(self):
        standins = {}
        for index, (name, kind) in enumerate(self.kinds.items()):
            if kind is int:
                standins[name] = _INT_BASE + index
            elif kind is datetime:
                standins[name] = _MOMENT_BASE.replace(microsecond=_MOMENT_BASE.microsecond + index)
            else:
                raise TypeError(f"{name}: only int and datetime values can be compiled")
        return standins

    def _adapt(self, connection, name, value):
        if self.kinds[name] is datetime:
            return connection.ops.adapt_datetimefield_value(value)
        return value

    def compile(self, using=DEFAULT_DB_ALIAS):
        """The model, SQL, parameters and where each value goes, for one database."""
        if using not in self._compiled:
            connection = connections[using]
            standins = self._standins()
            queryset = self.build(**standins)
            sql, params = queryset.query.get_compiler(using).as_sql()
            params = list(params)
            slots = []
            for name, standin in standins.items():
                adapted = self._adapt(connection, name, standin)
                found = [i for i, param in enumerate(params) if param == adapted]
                if not found:
                    raise ValueError(f"{name} does not reach the SQL of this query")
                slots += [(i, name) for i in found]
            self._compiled[using] = (queryset.model, sql, params, slots)
        return self._compiled[using]

    def __call__(self, using=DEFAULT_DB_ALIAS, **values):
        model, sql, params, slots = self.compile(using)
        connection = connections[using]
        params = list(params)
        for index, name in slots:
            params[index] = self._adapt(connection, name, values[name])
        return list(model._default_manager.raw(sql, params, using=using))


def attach(instance, relation, objects):
    """Give instance.<relation>.all() these objects, as prefetch_related would, with no query.

    Django's prefetch_related_objects() does this too, but spends more on its bookkeeping than
    the article page's queries take; this is the step at its end (QuerySet._result_cache and
    _prefetch_done, stored under the relation's name), for objects already loaded.
    """
    # The relation's own queryset, so that a later .filter() on it still means this instance's.
    queryset = getattr(instance, relation).get_queryset()
    queryset._result_cache = list(objects)
    queryset._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[relation] = queryset


def joined(relation, model):
    """Annotations bringing a to-one relation's columns into the query (raw() cannot follow
    select_related). Only for text and number columns: raw() converts model fields only.
    """
    return {
        f"joined_{relation}_{field.attname}": F(f"{relation}__{field.attname}")
        for field in model._meta.concrete_fields
    }


def take_joined(instance, relation, model):
    """The related object that joined(relation, model) brought along, or None."""
    names = [field.attname for field in model._meta.concrete_fields]
    values = [getattr(instance, f"joined_{relation}_{name}") for name in names]
    if values[names.index(model._meta.pk.attname)] is None:
        return None
    return model.from_db(instance._state.db, names, values)
