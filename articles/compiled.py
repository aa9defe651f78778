"""Querysets compiled to SQL once per database connection, then run again with new values.

Django turns a queryset into SQL every time it is evaluated. For the small queries of the
article page that compilation cost about twice what the database itself took, and an uncached
article page ran nine of them (bench/pages.py). SQLAlchemy keeps a cache of compiled
statements for the same reason; Django has none, so this module keeps the few the reader's
path needs:

    SECTIONS = CompiledQuery(
        lambda article: Section.objects.filter(article_id=article), article=int
    )
    sections = SECTIONS(article=pk)             # a list of Section instances

The queryset is written with the ORM as usual. It is built once per database connection with
stand-in values, compiled by Django's own compiler, and the SQL is kept; each call puts the real
values in the stand-ins' places, and the rows become model instances (or dicts, for a .values()
query) as the ORM would make them, through the backend's own converters. Values may be ids
(integers compared for equality: one beyond the database's range matches nothing) or aware
datetimes. The SQL is exactly what the ORM would send, so SQLite and PostgreSQL behave as
they would with the queryset itself.
"""

from datetime import UTC, datetime

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import F

# Stand-ins: values no real query uses, inside every integer column's range (Django answers an
# out-of-range integer with an empty result without compiling anything).
_INT_BASE = 2_000_000_000
_MOMENT_BASE = datetime(2001, 2, 3, 4, 5, 6, 700_000, tzinfo=UTC)
# The attribute of a database connection (Django's DatabaseWrapper) holding its compiled queries.
_KEPT = "qiantang_compiled_queries"


class CompiledQuery:
    """One ORM query, compiled once per database connection, run with keyword values."""

    def __init__(self, build, **kinds):
        """build(**values) returns the queryset; kinds names each value's kind: int or datetime."""
        self.build = build
        self.kinds = kinds

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

    def compile(self, using=DEFAULT_DB_ALIAS):
        """The compiled query for this database connection (connections are per thread)."""
        connection = connections[using]
        # Kept on the connection object, so it goes when the connection does (a thread's goes
        # with its thread). A table here, keyed by connection, kept every thread's connection
        # alive: one entry per thread a threaded server ever ran.
        kept = getattr(connection, _KEPT, None)
        if kept is None:
            kept = {}
            setattr(connection, _KEPT, kept)
        compiled = kept.get(self)
        if compiled is None:
            compiled = kept[self] = _Compiled(self, using, connection)
        return compiled

    def __call__(self, using=DEFAULT_DB_ALIAS, **values):
        return self.compile(using).run(values)


class _Compiled:
    """SQL and the compiler that made it; each run does what Django's ModelIterable (or, for
    a .values() query, ValuesIterable) does with the rows."""

    def __init__(self, query, using, connection):
        self.using, self.connection = using, connection
        self.kinds = query.kinds
        standins = query._standins()
        queryset = query.build(**standins)
        self.model = queryset.model
        # as_sql() also fills the compiler's select list, which results_iter() converts by.
        self.compiler = queryset.query.get_compiler(using, connection)
        self.sql, params = self.compiler.as_sql()
        self.params = list(params)
        self.slots = []
        self.adapters = {}
        for name, standin in standins.items():
            adapt = (
                connection.ops.adapt_datetimefield_value if query.kinds[name] is datetime else None
            )
            self.adapters[name] = adapt
            found = [
                i for i, p in enumerate(self.params) if p == (adapt(standin) if adapt else standin)
            ]
            if not found:
                raise ValueError(f"{name} does not reach the SQL of this query")
            self.slots += [(i, name) for i in found]
        sql_query = queryset.query
        if sql_query.selected or sql_query.values_select:  # a .values() query: rows are dicts
            self.names = list(
                sql_query.selected or [*sql_query.values_select, *sql_query.annotation_select]
            )
        else:
            self.names = None
            klass_info = self.compiler.klass_info
            first, last = klass_info["select_fields"][0], klass_info["select_fields"][-1]
            self.model_columns = slice(first, last + 1)
            self.init_list = [
                column[0].target.attname for column in self.compiler.select[self.model_columns]
            ]
            self.annotations = list(self.compiler.annotation_col_map.items())
        # Ids beyond the database's integers match no row (and SQLite could not even take them).
        self.int_range = connection.ops.integer_field_range("BigIntegerField")
        # What results_iter() would work out on every run: the backend's value converters.
        columns = [column[0] for column in self.compiler.select[: self.compiler.col_count]]
        self.converters = self.compiler.get_converters(columns)

    def run(self, values):
        low, high = self.int_range
        for name, kind in self.kinds.items():
            if kind is int and not low <= values[name] <= high:
                return []
        params = list(self.params)
        for index, name in self.slots:
            adapt = self.adapters[name]
            params[index] = adapt(values[name]) if adapt else values[name]
        with self.connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if self.converters:
            rows = self.compiler.apply_converters(rows, self.converters)
        if self.names is not None:
            return [dict(zip(self.names, row, strict=True)) for row in rows]
        found = []
        for row in rows:
            obj = self.model.from_db(self.using, self.init_list, row[self.model_columns])
            for name, position in self.annotations:
                setattr(obj, name, row[position])
            found.append(obj)
        return found


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
    """Annotations bringing a to-one relation's columns into the query, for take_joined().

    CompiledQuery makes instances of the query's own model only, so it does not follow
    select_related; a to-one relation comes along as annotations instead.
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
