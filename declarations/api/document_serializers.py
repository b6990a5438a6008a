"""Serializers of a declaration's documents and of officers' requests for them; the upload's is
also the browser's (declarations/views/documents.py), so both read an upload the same way."""
from rest_framework import serializers

from declarations.models import DocumentKind


class DocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    uploaded_at = serializers.DateTimeField()
    uploaded_by = serializers.CharField(source="uploaded_by.username")
    answers = serializers.IntegerField(source="answers_id", allow_null=True)


class DocumentUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    file = serializers.FileField(allow_empty_file=False, max_length=255)
    request = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1,
                                       help_text="the document request this answers")


class DocumentRequestSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    note = serializers.CharField()
    requested_by = serializers.CharField(source="requested_by.username")
    created_at = serializers.DateTimeField()
    answered_at = serializers.DateTimeField(allow_null=True)
