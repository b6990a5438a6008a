"""Documents of a declaration and officers' requests for them (api.md: POST …/documents/)."""
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.views import APIView

from customs_portal.accounts.permissions import IsTrader, IsTraderOrCustomsStaff
from customs_portal.api.parsers import FormParser, MultiPartParser
from declarations.api.document_serializers import (
    DocumentRequestSerializer,
    DocumentSerializer,
    DocumentUploadSerializer,
)
from declarations.selectors import declaration_get, declaration_id_visible
from declarations.services.documents import (
    SIGNATURES,
    document_upload,
    download_content_type,
    download_name,
)

DOCUMENT_MEDIA_TYPES = sorted({content_type for _, content_type, _ in SIGNATURES})


class DocumentsView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    def get_permissions(self):
        return [IsTraderOrCustomsStaff()] if self.request.method in SAFE_METHODS else [IsTrader()]

    @extend_schema(summary="Documents of a declaration", responses={200: DocumentSerializer(many=True)})
    def get(self, request, pk):
        declaration = declaration_get(user=request.user, pk=pk)
        return Response(DocumentSerializer(declaration.documents.select_related("uploaded_by"), many=True).data)

    @extend_schema(summary="Attach a document (PDF, PNG or JPEG)", request={"multipart/form-data": DocumentUploadSerializer},
                   responses={201: DocumentSerializer, 400: OpenApiResponse(description="Type, size or count refused"),
                              404: OpenApiResponse(description="No such declaration"),
                              409: OpenApiResponse(description="Declaration closed")})
    def post(self, request, pk):
        declaration_id = declaration_id_visible(user=request.user, pk=pk)
        body = DocumentUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        document = document_upload(declaration_id=declaration_id, user=request.user, kind=body.validated_data["kind"],
                                   uploaded=body.validated_data["file"], answers_request=body.validated_data["request"])
        return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)


class DocumentDownloadView(APIView):
    permission_classes = [IsTraderOrCustomsStaff]

    @extend_schema(summary="Download a document", description="The file as it was uploaded, with its type.",
                   responses={(200, media_type): OpenApiTypes.BINARY for media_type in DOCUMENT_MEDIA_TYPES})
    def get(self, request, pk, document_id):
        declaration = declaration_get(user=request.user, pk=pk)
        document = get_object_or_404(declaration.documents, pk=document_id)
        response = FileResponse(document.file.open("rb"), as_attachment=True, filename=download_name(document),
                                content_type=download_content_type(document))
        response["X-Content-Type-Options"] = "nosniff"
        return response


class DocumentRequestsView(APIView):
    permission_classes = [IsTraderOrCustomsStaff]

    @extend_schema(summary="Officers' requests for documents", responses={200: DocumentRequestSerializer(many=True)})
    def get(self, request, pk):
        declaration = declaration_get(user=request.user, pk=pk)
        return Response(DocumentRequestSerializer(declaration.document_requests.select_related("requested_by"), many=True).data)
