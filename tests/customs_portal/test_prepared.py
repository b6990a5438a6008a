"""customs_portal.prepared: reads compiled once return what the ORM returns."""
import pytest
from django.db import connection, transaction
from django.db.models import Value
from django.test.utils import CaptureQueriesContext

from customs_portal.accounts.models import Enterprise, User
from customs_portal.accounts.services import api_token_issue
from customs_portal.prepared import PreparedList, PreparedQuery, PreparedQueryError
from declarations.models import Declaration, GoodsItem
from declarations.selectors import (
    _listed,
    declaration_get,
    declaration_id_visible,
    declarations_listed_for,
    declarations_listed_page_source,
)
from declarations.services.declarations import declaration_create
from declarations.services.lifecycle import declaration_lock
from tests.payloads import import_body


def _fields(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


@pytest.fixture
def drafts(trader1, trader2):
    mine = [declaration_create(user=trader1, data=_validated(import_body())) for _ in range(3)]
    theirs = [declaration_create(user=trader2, data=_validated(import_body()))]
    return mine, theirs


def _validated(body):
    from declarations.api.serializers import DeclarationWriteSerializer

    serializer = DeclarationWriteSerializer(data=body)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def test_instances_with_related_rows_and_annotations_equal_the_orms(drafts, trader1, officer):
    for user in (trader1, officer):
        expected = list(declarations_listed_for(user=user))
        source = declarations_listed_page_source(user=user)
        got = source[0:50]
        assert source.count() == len(expected) == len(got)
        assert [_fields(d) for d in got] == [_fields(d) for d in expected]
        assert [d.item_count for d in got] == [d.item_count for d in expected] and got[0].item_count == 2
        for one, other in zip(got, expected):
            # select_related rows are loaded with the declaration: reading them queries nothing
            with CaptureQueriesContext(connection) as queries:
                related = (one.enterprise.tax_code, one.customs_office.name, one.invoice_currency.code)
            assert not queries
            assert related == (other.enterprise.tax_code, other.customs_office.name, other.invoice_currency.code)
    mine, theirs = drafts
    assert {d.pk for d in declarations_listed_page_source(user=trader1)[0:50]} == {d.pk for d in mine}


def test_slices_pages_and_empty_pages(drafts, trader1):
    ordered = [d.pk for d in declarations_listed_for(user=trader1)]
    source = declarations_listed_page_source(user=trader1)
    assert [d.pk for d in source[0:2]] == ordered[0:2]
    assert [d.pk for d in source[2:4]] == ordered[2:4]
    assert source[5:5] == []


def test_values_are_substituted_on_every_run(drafts, trader1, trader2):
    mine, theirs = drafts
    for declaration in mine:
        assert declaration_id_visible(user=trader1, pk=declaration.pk) == declaration.pk
        with pytest.raises(Exception) as denied:
            declaration_id_visible(user=trader2, pk=declaration.pk)
        assert denied.type.__name__ == "Http404"
    assert declaration_id_visible(user=trader2, pk=theirs[0].pk) == theirs[0].pk


def test_declaration_with_item_codes_equals_the_orms_and_reads_no_more(drafts, trader1):
    declaration = drafts[0][0]
    got = declaration_get(user=trader1, pk=declaration.pk, with_items="codes")
    expected = Declaration.objects.prefetch_related("items").get(pk=declaration.pk)
    assert _fields(got) == _fields(expected)
    with CaptureQueriesContext(connection) as queries:
        items = list(got.items.all())
        assert items[0].declaration is got
    assert not queries
    assert [_fields(item) for item in items] == [_fields(item) for item in expected.items.all()]


@pytest.mark.parametrize("pk", ["abc", "0", "-3", str(2**63), None])
def test_ids_that_cannot_exist_are_not_found(trader1, pk):
    from django.http import Http404

    with pytest.raises(Http404):
        declaration_get(user=trader1, pk=pk, with_items="codes")
    with pytest.raises(Http404):
        declaration_id_visible(user=trader1, pk=pk)


def test_token_lookup_loads_user_and_enterprise(trader1):
    from customs_portal.api.authentication import TokenAuthentication

    token, key = api_token_issue(user=trader1, second_factor=False)
    with CaptureQueriesContext(connection) as lookup:
        user, auth = TokenAuthentication().authenticate_credentials(key.encode())
    assert (user.pk, auth.digest) == (trader1.pk, token.digest)
    assert len(lookup) == 1  # the token, its user and the enterprise: one query
    with CaptureQueriesContext(connection) as queries:
        assert user.enterprise.tax_code == trader1.enterprise.tax_code
    assert not queries


def test_lock_locks_the_row(drafts):
    declaration = drafts[0][0]
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        locked = declaration_lock(declaration_id=declaration.pk)
    assert locked.pk == declaration.pk and any("FOR UPDATE" in query["sql"] for query in queries)
    with transaction.atomic(), pytest.raises(Declaration.DoesNotExist):
        declaration_lock(declaration_id=declaration.pk + 10_000)


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
