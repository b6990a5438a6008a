"""customs_portal.prepared, the mechanism: reads compiled once return what the ORM returns. The named
selectors built on it are compared with the ORM in each app's tests/<app>/test_selectors_against_orm.py."""
import pytest
from django.db import connection, transaction
from django.db.models import Count, OuterRef, Subquery, Value
from django.test.utils import CaptureQueriesContext

from customs_portal.accounts.models import Enterprise, User
from customs_portal.prepared import PreparedList, PreparedQuery, PreparedQueryError
from declarations.api.serializers import DeclarationWriteSerializer
from declarations.models import Declaration, GoodsItem
from declarations.services.declarations import declaration_create
from tests.payloads import import_body


@pytest.fixture
def drafts(trader1, trader2):
    return [declaration_create(user=user, data=_validated(import_body())) for user in (trader1, trader1, trader2)]


def _validated(body):
    serializer = DeclarationWriteSerializer(data=body)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _fields(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def _listed(queryset):
    """Each declaration with its item count, as a subquery (as declarations.selectors does: prepared
    counts are not made for GROUP BY annotations)."""
    items = GoodsItem.objects.filter(declaration=OuterRef("pk")).order_by().values("declaration")
    return queryset.annotate(item_count=Subquery(items.annotate(count=Count("*")).values("count")[:1])).order_by("-created_at", "-id")


def test_rows_equal_the_orms_with_each_runs_values(drafts, trader1, trader2):
    prepared = PreparedQuery(lambda **limits: _listed(Declaration.objects.select_related("enterprise").filter(**limits)))
    for limits in ({"enterprise_id": trader1.enterprise_id}, {"enterprise_id": trader2.enterprise_id}, {}):
        expected = list(_listed(Declaration.objects.filter(**limits)))
        got = prepared(**limits)
        assert [_fields(d) for d in got] == [_fields(d) for d in expected]
        assert [d.item_count for d in got] == [d.item_count for d in expected]
        assert prepared.count(**limits) == len(expected)
        assert [d.pk for d in PreparedList(prepared, **limits)[1:3]] == [d.pk for d in expected[1:3]]
    with CaptureQueriesContext(connection) as queries:
        tax_code = got[0].enterprise.tax_code
    assert not queries  # the prepared row came with its enterprise
    assert tax_code == Declaration.objects.get(pk=got[0].pk).enterprise.tax_code


def test_flat_values_and_for_update(drafts):
    ids = PreparedQuery(lambda: Declaration.objects.order_by("pk").values_list("pk", flat=True))
    assert ids() == list(Declaration.objects.order_by("pk").values_list("pk", flat=True))
    locked = PreparedQuery(lambda pk: Declaration.objects.select_for_update().filter(pk=pk))
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        assert locked.first(pk=drafts[0].pk).pk == drafts[0].pk
    assert "FOR UPDATE" in queries[0]["sql"]


def test_the_sql_is_compiled_once_per_shape(drafts, trader1, officer):
    prepared = PreparedQuery(lambda **limits: _listed(Declaration.objects.filter(**limits)))
    prepared.count(enterprise_id=trader1.enterprise_id)
    prepared.count(enterprise_id=officer.pk)
    prepared.count()
    prepared.slice(0, 25, enterprise_id=trader1.enterprise_id)
    prepared.slice(0, 25, enterprise_id=trader1.enterprise_id + 1)
    assert len(prepared._shapes) == 3  # counts with and without the filter, one slice


def test_the_oldest_shapes_are_dropped(db):
    prepared = PreparedQuery(lambda: Enterprise.objects.order_by("pk"), max_shapes=2)
    for start in range(5):
        prepared.slice(start, start + 1)
    assert [shape[1] for shape in prepared._shapes] == [3, 4]


@pytest.mark.parametrize("build, values", [
    (lambda name: User.objects.filter(username__contains=name), {"name": "trader"}),
    (lambda pk: Declaration.objects.prefetch_related("items").filter(pk=pk), {"pk": 1}),
    (lambda pk: Declaration.objects.filter(pk=pk).values("pk"), {"pk": 1}),
    (lambda flag: User.objects.filter(is_active=flag), {"flag": True}),
    (lambda pk: GoodsItem.objects.filter(pk=pk).annotate(one=Value(1)).values_list("pk", "one"), {"pk": 1}),
])
def test_queries_it_cannot_prepare_are_refused(db, build, values):
    with pytest.raises(PreparedQueryError):
        PreparedQuery(build)(**values)


def test_a_prepared_list_is_read_by_slices_only():
    source = PreparedList(PreparedQuery(lambda: Enterprise.objects.order_by("pk")))
    for key in (0, slice(None, 3), slice(0, 4, 2)):
        with pytest.raises(TypeError):
            source[key]
