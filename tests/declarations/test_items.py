"""The goods-item field list (declarations/items.py) is the one the form, the serializers and the
services use."""
from declarations.api.serializers import GoodsItemSerializer, GoodsItemWriteSerializer
from declarations.forms import ITEM_KEYS
from declarations.items import ITEM_DECLARED_FIELDS, ITEM_ENTERED_FIELDS, ITEM_STORED_FIELDS
from declarations.models import GoodsItem


def test_the_write_serializer_takes_the_declared_fields_in_their_order():
    assert tuple(GoodsItemWriteSerializer().fields) == ITEM_DECLARED_FIELDS


def test_the_read_serializer_and_the_form_follow_the_list():
    read = list(GoodsItemSerializer.Meta.fields)
    assert read[1:1 + len(ITEM_DECLARED_FIELDS)] == list(ITEM_DECLARED_FIELDS)
    assert tuple(ITEM_KEYS) == ITEM_ENTERED_FIELDS == (
        "hs_code", "description", "origin_country", "quantity", "unit", "unit_price", "preference", "certificate_of_origin")


def test_every_stored_field_is_a_column_of_goods_items():
    columns = {field.name for field in GoodsItem._meta.get_fields()}
    assert set(ITEM_STORED_FIELDS) <= columns
