"""customs_portal.api.renderers writes the bytes DRF's JSONRenderer writes."""
import enum
from collections import OrderedDict
from datetime import date, datetime, time, timezone
from decimal import Decimal
from uuid import UUID

import pytest
from django.db import models
from django.utils.functional import lazy
from django.utils.safestring import mark_safe
from rest_framework import renderers
from rest_framework.utils.serializer_helpers import ReturnDict, ReturnList

from customs_portal.api.renderers import JSONRenderer


class Colour(models.TextChoices):
    GREEN = "green", "Green"


class Level(enum.IntEnum):
    HIGH = 3


lazy_text = lazy(lambda: "Tờ khai", str)()

BODIES = [
    {"id": 1, "number": "100000000001", "total": "12.50", "items": [{"a": None, "b": True, "c": 1.5}]},
    {"text": "Công ty TNHH Thương mại Minh Anh — “quoted” \\ / \n\t \u2028 \u2029 \x00 \x1f é 漢字 🚢"},
    {"decimal": Decimal("1.10"), "date": date(2026, 12, 2), "time": time(10, 30, 5, 123456),
     "aware": datetime(2026, 12, 2, 10, 30, 5, 123456, tzinfo=timezone.utc), "naive": datetime(2026, 12, 2, 10, 30),
     "uuid": UUID("12345678-1234-5678-1234-567812345678")},
    {"lazy": lazy_text, "safe": mark_safe("<b>"), "choice": Colour.GREEN, "level": Level.HIGH},
    OrderedDict(b=1, a=2),
    ReturnDict({"x": ReturnList([1, 2], serializer=None)}, serializer=None),
    [1, "two", None, [], {}],
    {1: "int key"},
    {"big": 2**70},
    "plain",
    None,
]


@pytest.mark.parametrize("body", BODIES)
def test_same_bytes_as_drf(body):
    assert JSONRenderer().render(body) == renderers.JSONRenderer().render(body)


def test_indented_bodies_are_drfs():
    body = {"a": [1, 2]}
    ours = JSONRenderer().render(body, "application/json; indent=2")
    assert ours == renderers.JSONRenderer().render(body, "application/json; indent=2") and b"\n" in ours


def test_api_responses_are_rendered_by_it(api_client_for, trader1):
    response = api_client_for(trader1).get("/api/v1/reference/incoterms/")
    assert response.status_code == 200
    assert isinstance(response.accepted_renderer, JSONRenderer)
