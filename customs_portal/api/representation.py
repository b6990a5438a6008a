"""DRF's `to_representation`, with the walk over the fields worked out once per serializer.

For a page of 25 declarations DRF spent most of its time finding each field's value (a
generator of readable fields, `get_attribute` with its checks, per field and row) and little
turning values into JSON types. `representation_of(serializer)` returns a function that gives
the same dict: it reads plain attributes and dict keys directly, leaves every other case
(callables, missing values, dotted sources into dicts, related fields) to DRF's own code, and
converts each value with the field's own `to_representation`. tests/customs_portal/api/test_representation.py compares the two.
"""
import operator
from collections.abc import Callable, Mapping

from django.db.models import Manager
from rest_framework import relations, serializers
from rest_framework.fields import SkipField, is_simple_callable

_MISSING = object()


def _identity(instance):
    return instance


def _guarded(read: Callable, field) -> Callable:
    """`read`, with DRF's `get_attribute` deciding whenever the value is not plainly there
    (missing: default, None, skip or error) or is a method DRF would call."""
    drf = field.get_attribute

    def get(instance):
        try:
            value = read(instance)
        except Exception:  # AttributeError, KeyError, ObjectDoesNotExist …
            return drf(instance)
        if callable(value) and is_simple_callable(value):
            return drf(instance)
        return value

    return get


def _getter(field) -> Callable:
    """Reads the field's value from an object."""
    if field.source == "*":
        return _identity
    return _guarded(operator.attrgetter(".".join(field.source_attrs)), field)


def _key_getter(field) -> Callable:
    """Reads the field's value from a dict (the rates of a goods item)."""
    if field.source == "*" or len(field.source_attrs) != 1:
        return field.get_attribute
    return _guarded(operator.itemgetter(field.source_attrs[0]), field)


def _step(field) -> tuple[str, Callable, Callable, Callable]:
    """(name, read from an object, read from a dict, convert)."""
    if isinstance(field, relations.RelatedField | relations.ManyRelatedField):
        # PKOnlyObject and friends: DRF's own path, whole.
        def convert(value):
            check = value.pk if isinstance(value, relations.PKOnlyObject) else value
            return _MISSING if check is None else field.to_representation(value)

        return field.field_name, field.get_attribute, field.get_attribute, convert
    if isinstance(field, serializers.ListSerializer):
        child = representation_of(field.child)

        def convert(value):
            return [child(item) for item in (value.all() if isinstance(value, Manager) else value)]

        return field.field_name, _getter(field), _key_getter(field), convert
    if isinstance(field, serializers.BaseSerializer):
        return field.field_name, _getter(field), _key_getter(field), representation_of(field)
    return field.field_name, _getter(field), _key_getter(field), field.to_representation


def representation_of(serializer: serializers.BaseSerializer) -> Callable:
    """`serializer.to_representation`, faster. The serializer's fields are read once: keep the
    function with the serializer, for one that does not change (as `declaration_representation` does)."""
    steps = [_step(field) for field in serializer._readable_fields]
    drf = serializer.to_representation

    def represent(instance) -> dict:
        by_key = isinstance(instance, dict)
        if not by_key and isinstance(instance, Mapping):  # another kind of mapping: DRF's path
            return drf(instance)
        data = {}
        for name, get, get_key, convert in steps:
            try:
                value = get_key(instance) if by_key else get(instance)
            except SkipField:
                continue
            if value is None:
                data[name] = None
                continue
            converted = convert(value)
            data[name] = None if converted is _MISSING else converted
        return data

    return represent

