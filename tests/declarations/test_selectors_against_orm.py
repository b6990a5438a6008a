"""The selectors of declarations/selectors.py that run compiled SQL (customs_portal.prepared) or raw
SQL return what the ORM returns, read no more than they say, and let no one see another's rows."""
import pytest
from django.db import connection, transaction
from django.db.models import Count
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from declarations.api.serializers import DeclarationWriteSerializer
from declarations.models import Declaration, GoodsItem
from declarations.selectors import (
    declaration_get,
    declaration_get_with_item_codes,
    declaration_get_with_items,
    declaration_id_visible,
    declaration_items,
    declaration_number_next,
    declaration_row_locked,
    declarations_listed_for,
    declarations_listed_page_source,
)
from declarations.services.declarations import declaration_create
from tests.payloads import import_body

BAD_IDS = ["abc", "0", "-3", str(2**63), None]


def _fields(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def _validated(body):
    serializer = DeclarationWriteSerializer(data=body)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


@pytest.fixture
def drafts(trader1, trader2):
    mine = [declaration_create(user=trader1, data=_validated(import_body())) for _ in range(3)]
    theirs = [declaration_create(user=trader2, data=_validated(import_body()))]
    return mine, theirs


def test_the_list_page_source_equals_the_orms_with_related_rows_and_the_item_count(drafts, trader1, officer):
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


def test_the_list_page_source_in_slices_and_empty(drafts, trader1, gate_user):
    ordered = [d.pk for d in declarations_listed_for(user=trader1)]
    source = declarations_listed_page_source(user=trader1)
    assert [d.pk for d in source[0:2]] == ordered[0:2]
    assert [d.pk for d in source[2:4]] == ordered[2:4]
    assert source[5:5] == []
    assert list(declarations_listed_page_source(user=gate_user)) == []  # sees no declaration


def test_the_visible_id_is_read_with_each_callers_values(drafts, trader1, trader2):
    mine, theirs = drafts
    for declaration in mine:
        assert declaration_id_visible(user=trader1, pk=declaration.pk) == declaration.pk
        with pytest.raises(Http404):
            declaration_id_visible(user=trader2, pk=declaration.pk)
    assert declaration_id_visible(user=trader2, pk=theirs[0].pk) == theirs[0].pk


def test_one_declaration_equals_the_orms_in_one_query(drafts, trader1):
    declaration = drafts[0][0]
    with CaptureQueriesContext(connection) as queries:
        got = declaration_get(user=trader1, pk=declaration.pk)
        related = (got.enterprise.tax_code, got.customs_office.name, got.invoice_currency.code, got.amendment_request)
    assert len(queries) == 1
    expected = Declaration.objects.select_related("enterprise", "customs_office", "invoice_currency").get(pk=declaration.pk)
    assert _fields(got) == _fields(expected)
    assert related == (expected.enterprise.tax_code, expected.customs_office.name, expected.invoice_currency.code, None)


def test_with_item_codes_equals_the_orms_and_reads_the_items_once(drafts, trader1):
    declaration = drafts[0][0]
    with CaptureQueriesContext(connection) as fetched:
        got = declaration_get_with_item_codes(user=trader1, pk=declaration.pk)
    assert len(fetched) == 2  # the declaration, its items
    expected = Declaration.objects.prefetch_related("items").get(pk=declaration.pk)
    assert _fields(got) == _fields(expected)
    with CaptureQueriesContext(connection) as queries:
        items = list(got.items.all())
        assert items[0].declaration is got
    assert not queries
    assert [_fields(item) for item in items] == [_fields(item) for item in expected.items.order_by("line_no")]
    assert [item.line_no for item in items] == [1, 2]


def test_with_items_loads_what_pages_show_by_name(drafts, trader1):
    declaration = drafts[0][0]
    got = declaration_get_with_items(user=trader1, pk=declaration.pk)
    expected = Declaration.objects.prefetch_related("items").get(pk=declaration.pk)
    assert _fields(got) == _fields(expected)
    with CaptureQueriesContext(connection) as queries:
        shown = [(item.line_no, item.unit.code, item.origin_country.code, item.tariff_line.hs_code) for item in got.items.all()]
        header = (got.partner_country.pk, got.port_of_loading.pk, got.created_by.username)
    assert not queries
    assert sorted(shown) == sorted((item.line_no, item.unit_id, item.origin_country_id, item.tariff_line.hs_code)
                                   for item in expected.items.all())
    assert header == (expected.partner_country_id, expected.port_of_loading_id, expected.created_by.username)


@pytest.mark.parametrize("get", [declaration_get, declaration_get_with_item_codes, declaration_get_with_items])
def test_another_enterprises_declaration_is_not_found(drafts, trader2, officer, gate_user, get):
    declaration = drafts[0][0]
    for user in (trader2, gate_user):
        with pytest.raises(Http404):
            get(user=user, pk=declaration.pk)
    assert get(user=officer, pk=declaration.pk).pk == declaration.pk  # customs staff see all


@pytest.mark.parametrize("pk", BAD_IDS)
def test_ids_that_cannot_exist_are_not_found(trader1, pk):
    for get in (declaration_get, declaration_get_with_item_codes, declaration_get_with_items, declaration_id_visible):
        with pytest.raises(Http404):
            get(user=trader1, pk=pk)


def test_the_items_equal_the_orms_in_line_order(drafts):
    declaration = drafts[0][0]
    got = declaration_items(declaration=declaration)
    expected = GoodsItem.objects.filter(declaration=declaration).order_by("line_no")
    assert [_fields(item) for item in got] == [_fields(item) for item in expected]
    assert all(item.declaration is declaration for item in got)


def test_the_row_lock_locks_the_row_and_equals_the_orms(drafts):
    declaration = drafts[0][0]
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        locked = declaration_row_locked(declaration_id=declaration.pk)
        enterprise = locked.enterprise.tax_code
    assert len(queries) == 1 and 'FOR UPDATE OF "declarations_declaration"' in queries[0]["sql"]
    assert _fields(locked) == _fields(Declaration.objects.get(pk=declaration.pk))
    assert enterprise == declaration.enterprise.tax_code
    with transaction.atomic():
        assert declaration_row_locked(declaration_id=declaration.pk + 10_000) is None


def test_the_declaration_number_sequence_moves_on(db):
    first = declaration_number_next()
    second = declaration_number_next()
    assert second == first + 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value FROM declaration_number_seq")
        assert cursor.fetchone()[0] == second


def test_the_listed_count_is_the_orms(drafts, officer):
    expected = Declaration.objects.aggregate(n=Count("pk"))["n"]
    assert declarations_listed_page_source(user=officer).count() == expected == 4
