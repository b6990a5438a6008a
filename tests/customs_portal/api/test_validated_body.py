"""declarations.api.serializers.validated_body: what is_valid gives, from one serializer per class."""
import pytest
from rest_framework import serializers

from declarations.api.serializers import DeclarationAmendSerializer, DeclarationWriteSerializer, validated_body
from tests.payloads import export_body, import_body

too_many = import_body()
too_many["items"] = too_many["items"] * 26

BODIES = [
    import_body(),
    export_body(),
    {},
    None,
    [],
    "text",
    import_body(items=[]),
    too_many,
    import_body(partner={"name": ""}, packages=0, gross_weight_kg="-1", direction="sideways"),
    import_body(items=[{"hs_code": "84x", "quantity": "abc"}, {}]),
    import_body(invoice={"number": "1", "date": "yesterday", "currency": "usd", "incoterm": "XYZ", "total": "0"}),
]


@pytest.mark.parametrize("partial", [False, True])
@pytest.mark.parametrize("serializer_class", [DeclarationWriteSerializer, DeclarationAmendSerializer])
@pytest.mark.parametrize("body", BODIES)
def test_same_data_or_same_errors_as_is_valid(db, serializer_class, partial, body):
    serializer = serializer_class(data=body, partial=partial)
    try:
        serializer.is_valid(raise_exception=True)
        expected, expected_errors = serializer.validated_data, None
    except serializers.ValidationError as exc:
        expected, expected_errors = None, exc.detail
    try:
        got, errors = validated_body(serializer_class, body, partial=partial), None
    except serializers.ValidationError as exc:
        got, errors = None, exc.detail
    assert got == expected
    assert errors == expected_errors
    if body == import_body() and not partial:
        assert got["items"][0]["hs_code"] == "84713020"
    if body is too_many:
        assert errors


def test_errors_from_one_request_do_not_reach_the_next(db):
    with pytest.raises(serializers.ValidationError):
        validated_body(DeclarationWriteSerializer, {})
    assert validated_body(DeclarationWriteSerializer, import_body())["direction"] == "import"
