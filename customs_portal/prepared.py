"""Reads run on every request, with their SQL compiled once.

Turning a queryset into SQL costs Django more CPU than PostgreSQL spends running it: on the
declaration list, compiling took 4 ms and running it 1 ms. A `PreparedQuery` builds its
queryset once per shape with stand-in values, compiles it, finds the stand-ins among the SQL's
parameters, and from then on runs that SQL with the caller's values. Rows become model
instances (with `select_related` and annotations) or flat values exactly as Django's own
iterables make them; tests compare both.

Only values that reach the SQL unchanged can be prepared: a lookup that rewrites its value
(`contains`, `startswith` …) or a value Django writes into the SQL itself is refused when the
query is first compiled.

Prepared queries are built in selectors only, one named selector per query (docs/architecture.md,
"One way to read the database"). This module uses private names of Django's ORM: the Django minor
version it was checked against is pinned in tests/customs_portal/test_framework_versions.py.
"""
import itertools
import threading
from collections import OrderedDict
from collections.abc import Callable

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, QuerySet, Value
from django.db.models.query import FlatValuesListIterable, ModelIterable, get_related_populators
from django.db.transaction import TransactionManagementError

_stand_ins = itertools.count(1)


class PreparedQueryError(TypeError):
    """The queryset cannot be prepared (see the module's docstring)."""


def _stand_in(name: str, value):
    number = next(_stand_ins)
    if isinstance(value, bool) or value is None:
        raise PreparedQueryError(f"{name}: only int and str values can be prepared, not {value!r}")
    if isinstance(value, int):
        return 2_000_000_000 + number  # within the range of an integer column, so Django keeps it
    if isinstance(value, str):
        return f"\x1fprepared {number} {name}\x1f"
    raise PreparedQueryError(f"{name}: only int and str values can be prepared, not {type(value).__name__}")


class _Compiled:
    def __init__(self, queryset: QuerySet, stand_ins: dict):
        if queryset._prefetch_related_lookups or queryset._known_related_objects:
            raise PreparedQueryError("prefetch_related and related managers are not supported")
        if queryset._iterable_class not in (ModelIterable, FlatValuesListIterable):
            raise PreparedQueryError("only model instances and values_list(flat=True) are supported")
        self.using = queryset.db
        self.flat = queryset._iterable_class is FlatValuesListIterable
        self.for_update = queryset.query.select_for_update
        compiler = queryset.query.get_compiler(using=self.using)
        try:
            self.sql, params = compiler.as_sql()
        except EmptyResultSet:
            raise PreparedQueryError("the query matches nothing whatever the values") from None
        self.params = list(params)
        self.slots = []
        for name, stand_in in stand_ins.items():
            positions = [index for index, param in enumerate(self.params) if param == stand_in]
            if not positions or str(stand_in) in self.sql:
                raise PreparedQueryError(f"{name}: the value does not reach the SQL unchanged")
            self.slots.extend((index, name) for index in positions)
        self.col_count = compiler.col_count if compiler.has_extra_select else None
        fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
        self.converters = list(compiler.get_converters(fields).items())
        if self.flat:
            return
        select, klass_info = compiler.select, compiler.klass_info
        self.model = klass_info["model"]
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        self.model_slice = slice(start, end)
        self.init_list = [column[0].target.attname for column in select[start:end]]
        self.related_populators = get_related_populators(klass_info, select, self.using)
        self.annotations = list(compiler.annotation_col_map.items())

    def run(self, values: dict) -> list:
        params = list(self.params)
        for index, name in self.slots:
            params[index] = values[name]
        connection = connections[self.using]
        if self.for_update and connection.get_autocommit():
            raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if self.col_count is not None:
            rows = [row[: self.col_count] for row in rows]
        if self.converters:
            rows = list(map(list, rows))
            for row in rows:
                for position, (converters, expression) in self.converters:
                    value = row[position]
                    for converter in converters:
                        value = converter(value, expression, connection)
                    row[position] = value
        if self.flat:
            return [row[0] for row in rows]
        objects = []
        for row in rows:
            obj = self.model.from_db(self.using, self.init_list, row[self.model_slice])
            for populator in self.related_populators:
                populator.populate(row, obj)
            for name, position in self.annotations:
                setattr(obj, name, row[position])
            objects.append(obj)
        return objects


class PreparedQuery:
    """`build(**values)` → queryset, compiled once per shape and then run with new values.

    The names of the values are part of the shape: `build` may take optional keyword arguments
    (say, filters some callers need and others do not).

    `prepared(**values)` returns the list the queryset would; `prepared.first(**values)` its
    first row or None; `prepared.count(**values)` its `count()`; `prepared.slice(start, stop, **values)` the list of `queryset[start:stop]`
    (slices are part of the SQL, so each distinct slice is a shape of its own; the most
    recently used `max_shapes` are kept).
    """

    def __init__(self, build: Callable[..., QuerySet], *, max_shapes: int = 64):
        self.build = build
        self.max_shapes = max_shapes
        self._shapes: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def _compiled(self, shape, values: dict, finish: Callable[[QuerySet], QuerySet]) -> _Compiled:
        with self._lock:
            compiled = self._shapes.get(shape)
            if compiled is not None:
                self._shapes.move_to_end(shape)
                return compiled
        stand_ins = {name: _stand_in(name, value) for name, value in values.items()}
        compiled = _Compiled(finish(self.build(**stand_ins)), stand_ins)
        with self._lock:
            self._shapes[shape] = compiled
            while len(self._shapes) > self.max_shapes:
                self._shapes.popitem(last=False)
        return compiled

    def __call__(self, **values) -> list:
        return self._compiled(("all", *sorted(values)), values, lambda queryset: queryset).run(values)

    def slice(self, start: int, stop: int, **values) -> list:
        if stop <= start:
            return []
        shape = ("slice", start, stop, *sorted(values))
        return self._compiled(shape, values, lambda queryset: queryset[start:stop]).run(values)

    def first(self, **values):
        """The first row of the queryset, or None."""
        found = self.slice(0, 1, **values)
        return found[0] if found else None

    def count(self, **values) -> int:
        def counted(queryset):
            return queryset.order_by().values(_one=Value(1)).annotate(_count=Count("*")).values_list("_count", flat=True)

        return self._compiled(("count", *sorted(values)), values, counted).run(values)[0]


class PreparedList:
    """What Django's Paginator needs of a list (`count()`, slicing, `ordered`) from a
    `PreparedQuery` and the values to run it with."""

    ordered = True

    def __init__(self, prepared: PreparedQuery, **values):
        self.prepared = prepared
        self.values = values

    def count(self) -> int:
        return self.prepared.count(**self.values)

    def __getitem__(self, key):
        if not isinstance(key, slice) or key.step is not None or key.start is None or key.stop is None:
            raise TypeError("a PreparedList is read by slices with a start and a stop")
        return self.prepared.slice(key.start, key.stop, **self.values)
