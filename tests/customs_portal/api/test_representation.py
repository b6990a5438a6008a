"""customs_portal.api.representation gives exactly what DRF's to_representation gives."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework import serializers

from customs_portal.api.representation import representation_of
from declarations.api.serializers import (
    DeclarationListSerializer,
    DeclarationSerializer,
    DeclarationStaffSerializer,
    DeclarationWriteSerializer,
)
from declarations.selectors import declaration_get_with_item_codes, declarations_listed_for
from declarations.services.declarations import declaration_create, declaration_submit
from tests.payloads import export_body, import_body


@pytest.fixture
def declarations(trader1):
    def create(body):
        serializer = DeclarationWriteSerializer(data=body)
        serializer.is_valid(raise_exception=True)
        return declaration_create(user=trader1, data=serializer.validated_data)

    draft = create(import_body())
    registered = create(export_body())
    declaration_submit(declaration_id=registered.pk, user=trader1)
    return [draft, registered]


@pytest.mark.parametrize("serializer_class", [DeclarationSerializer, DeclarationStaffSerializer])
def test_declarations_with_items_and_rates(declarations, officer, serializer_class):
    serializer = serializer_class()
    represent = representation_of(serializer)
    bodies = []
    for declaration in declarations:
        one = declaration_get_with_item_codes(user=officer, pk=declaration.pk)
        expected = serializer.to_representation(one)
        assert represent(one) == expected
        assert list(represent(one)) == list(expected)  # same keys, same order
        bodies.append(expected)
    assert bodies[0]["items"][0]["rates"]["import_duty"]  # the nested dicts were compared too


def test_list_rows_with_annotations(declarations, trader1):
    serializer = DeclarationListSerializer()
    represent = representation_of(serializer)
    rows = list(declarations_listed_for(user=trader1))
    assert [represent(row) for row in rows] == [serializer.to_representation(row) for row in rows]
    assert rows[0].registered_at is None or rows[1].registered_at is None  # None values were compared


class Thing:
    def __init__(self, **values):
        self.__dict__.update(values)

    def shout(self):
        return self.name.upper()


class Odd(serializers.Serializer):
    name = serializers.CharField()
    shout = serializers.CharField()  # a method: DRF calls it
    maybe = serializers.CharField(required=False)  # missing: skipped
    fallback = serializers.CharField(default="none given")  # missing: its default
    nullable = serializers.CharField(allow_null=True)  # missing: None
    owner = serializers.CharField(source="owner.username", allow_null=True)  # through a None: None
    whole = serializers.SerializerMethodField()
    user = serializers.PrimaryKeyRelatedField(read_only=True)
    amount = serializers.DecimalField(max_digits=10, decimal_places=2)
    when = serializers.DateTimeField()
    tags = serializers.ListField(child=serializers.CharField())
    nested = serializers.DictField()

    def get_whole(self, thing) -> str:
        return f"{thing['name'] if isinstance(thing, dict) else thing.name}!"


@pytest.mark.django_db
def test_drf_decides_the_unusual_cases():
    user = get_user_model().objects.create(username="someone")
    serializer = Odd()
    represent = representation_of(serializer)
    things = [
        Thing(name="a", nullable="x", owner=None, user=user, amount=Decimal("1.234"), when=timezone.now(),
              tags=["x", 1], nested={"k": 1}),
        Thing(name="b", maybe="here", fallback="given", owner=user, user=None, amount=Decimal("-0"),
              when=timezone.now() - timedelta(days=400), tags=[], nested={}),
        {"name": "a dict", "shout": "keys", "nullable": None, "owner": None, "user": None, "amount": "3",
         "when": timezone.now(), "tags": [], "nested": {}, "whole": "ignored"},
    ]
    for thing in things:
        assert represent(thing) == serializer.to_representation(thing)


def test_errors_are_drfs():
    serializer = Odd()
    with pytest.raises(AttributeError) as ours:
        representation_of(serializer)(Thing(nullable=None))
    with pytest.raises(AttributeError) as drfs:
        serializer.to_representation(Thing(nullable=None))
    assert str(ours.value) == str(drfs.value)
