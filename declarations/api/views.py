"""Declaration API (api.md, "Declarations"). Views parse, call one service, render."""
import json

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, renderers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings

from customs_portal.accounts.permissions import IsTrader, IsTraderOrCustomsStaff
from declarations.filters import DeclarationFilter
from declarations.lifecycle import Action, check_transition
from declarations.selectors import (
    declaration_get_with_item_codes,
    declaration_get_with_items,
    declaration_id_visible,
    declarations_listed_for,
    declarations_listed_page_source,
    declarations_visible_to,
)
from declarations.services.amendments import (
    declaration_amend,
    declaration_amend_check,
    declaration_amendment_difference,
)
from declarations.services.declarations import (
    declaration_as_data,
    declaration_create,
    declaration_submit,
    declaration_update,
)
from declarations.services.pdf import declaration_pdf_filename, declaration_pdf_render

from . import examples
from .serializers import (
    AmendmentPreviewSerializer,
    DeclarationAmendSerializer,
    DeclarationListSerializer,
    DeclarationSerializer,
    DeclarationVersionSerializer,
    DeclarationWriteSerializer,
    declaration_representation,
    declaration_serializer_class,
    representations,
    validated_body,
)

ERRORS = {
    400: OpenApiResponse(description="Validation errors by field"),
    403: OpenApiResponse(description="Not allowed for this role"),
    404: OpenApiResponse(description="No such declaration for this user"),
}


class PDFRenderer(renderers.BaseRenderer):
    """Lets a client ask for `Accept: application/pdf`; errors still come as a JSON body, said to be JSON."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return json.dumps(data).encode()


def merge_patch(current: dict, patch: dict) -> dict:
    """Apply a PATCH body to a full body: nested objects merge field by field, `items` is replaced whole."""
    merged = dict(current)
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(current.get(key), dict):
            merged[key] = {**current[key], **value}
        else:
            merged[key] = value
    return merged


UNFILTERED_LIST_PARAMETERS = {"page", "page_size", "format"}


@extend_schema_view(
    list=extend_schema(summary="List declarations", responses={200: DeclarationListSerializer(many=True)}),
    retrieve=extend_schema(
        summary="Get one declaration",
        description="Officers and risk admins also get `risk`; traders never do.",
        responses={200: DeclarationSerializer, **ERRORS},
    ),
)
class DeclarationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = DeclarationSerializer
    filterset_class = DeclarationFilter
    permission_classes = [IsTraderOrCustomsStaff]
    queryset = None

    def get_permissions(self):
        if self.action in ("create", "partial_update", "submit", "amend", "amend_preview"):
            return [IsTrader()]
        return super().get_permissions()

    def get_queryset(self):
        if self.action == "list":
            return declarations_listed_for(user=self.request.user)
        return declarations_visible_to(user=self.request.user)

    def get_serializer_class(self):
        if self.action == "list":
            return DeclarationListSerializer
        return self.detail_serializer_class()

    def detail_serializer_class(self):
        return declaration_serializer_class(staff=self.request.user.is_customs_staff)

    def get_object(self):
        declaration = declaration_get_with_item_codes(user=self.request.user, pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, declaration)
        return declaration

    def _render(self, declaration, status_code=status.HTTP_200_OK):
        """The declaration as the services left it (their writes, items included), without reading it again."""
        return Response(declaration_representation(declaration, staff=self.request.user.is_customs_staff), status=status_code)

    def retrieve(self, request, pk=None):
        return self._render(self.get_object())

    def list(self, request):
        if set(request.query_params) <= UNFILTERED_LIST_PARAMETERS:  # the usual case, compiled once
            page = self.paginate_queryset(declarations_listed_page_source(user=request.user))
        else:
            page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(representations(DeclarationListSerializer, page))

    @extend_schema(summary="Create a draft", request=DeclarationWriteSerializer, examples=examples.CREATE,
                   responses={201: DeclarationSerializer, **ERRORS})
    def create(self, request):
        body = validated_body(DeclarationWriteSerializer, request.data)
        declaration = declaration_create(user=request.user, data=body)
        return self._render(declaration, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Edit a draft",
        request=DeclarationWriteSerializer(partial=True),
        examples=examples.EDIT,
        responses={200: DeclarationSerializer, 409: OpenApiResponse(description="Not a draft: use amend"), **ERRORS},
    )
    def partial_update(self, request, pk=None):
        declaration = self.get_object()
        check_transition(Action.EDIT, declaration.status)
        body = validated_body(DeclarationWriteSerializer, request.data, partial=True)
        data = merge_patch(declaration_as_data(declaration=declaration), body)
        declaration = declaration_update(declaration=declaration, user=request.user, data=data)
        return self._render(declaration, status.HTTP_200_OK)

    @extend_schema(
        summary="Register (submit) a draft",
        request=None,
        responses={202: DeclarationSerializer, 409: OpenApiResponse(description="Not a draft"), **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        declaration_id = declaration_id_visible(user=request.user, pk=pk)  # the service reads and locks the row
        declaration = declaration_submit(declaration_id=declaration_id, user=request.user)
        return self._render(declaration, status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="Amend a registered, uncleared declaration",
        description="Same body as PATCH (plus an optional `reason`).\n\n"
                    "Cleared or released: within 60 days of clearance (the 60th day after the day of clearance is "
                    "the last; 409 `amendment_period_over` after it, saying when it closed) and unless a "
                    "post-clearance audit of it was opened (409 `post_clearance_audit`), the amendment is a request "
                    "for an officer of the declaration's office, as below; the status stays. Accepted, the "
                    "difference in taxes is owed (a later due, with late interest from the original due date) or "
                    "to be refunded: `amendment_request.difference`. `amend/preview/` shows it before sending.\n\n"
                    "Registered or assessed: the current version stays readable under `versions/`; the declaration "
                    "is registered again as the next version and reassessed (its channel never comes out lower than "
                    "an earlier one).\n\n"
                    "Under review or inspection, customs holds the declaration: nothing changes; the amendment is "
                    "stored as a request that the officer in charge accepts or refuses (`decisions/`, actions "
                    "`accept_amendment`, `refuse_amendment`). The response's `amendment_request` is then `pending` "
                    "and its `message` says so; one request may wait at a time (409). A request that changes "
                    "nothing is refused (400).",
        request=DeclarationAmendSerializer(partial=True),
        examples=examples.AMEND,
        responses={202: DeclarationSerializer,
                   409: OpenApiResponse(description="Draft (edit it instead), cleared or closed, or an amendment "
                                                    "request already awaits the officer"),
                   **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def amend(self, request, pk=None):
        declaration = self.get_object()
        declaration_amend_check(status=declaration.status)
        patch = dict(validated_body(DeclarationAmendSerializer, request.data, partial=True))
        reason = patch.pop("reason", "")
        data = merge_patch(declaration_as_data(declaration=declaration), patch)
        declaration = declaration_amend(declaration=declaration, user=request.user, data=data, reason=reason)
        return self._render(declaration, status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="Preview the difference in taxes of an amendment after clearance",
        description="Same body as `amend/`, nothing saved: the additional tax and the tax to refund, per tax, "
                    "that the amendment of a cleared or released declaration would give, taxed with the rules and "
                    "exchange rate of the registration date; the last day to request it; the original due date "
                    "from which late interest on additional tax runs. 409 as `amend/` would refuse.",
        request=DeclarationAmendSerializer(partial=True),
        responses={200: AmendmentPreviewSerializer,
                   409: OpenApiResponse(description="Not cleared or released, the 60 days are over, or an audit is open"),
                   **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="amend/preview")
    def amend_preview(self, request, pk=None):
        declaration = self.get_object()
        declaration_amend_check(status=declaration.status)
        patch = dict(validated_body(DeclarationAmendSerializer, request.data, partial=True))
        patch.pop("reason", "")
        data = merge_patch(declaration_as_data(declaration=declaration), patch)
        preview = declaration_amendment_difference(declaration=declaration, data=data)
        return Response(AmendmentPreviewSerializer(preview).data)

    @extend_schema(summary="Earlier versions of an amended declaration", request=None,
                   responses={200: DeclarationVersionSerializer(many=True), **ERRORS})
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def versions(self, request, pk=None):
        declaration = self.get_object()
        return Response(DeclarationVersionSerializer(declaration.versions.order_by("version"), many=True).data)

    @extend_schema(summary="The declaration as a printable PDF (with the QR code the gate scans)", request=None,
                   responses={(200, "application/pdf"): OpenApiTypes.BINARY, 403: ERRORS[403], 404: ERRORS[404]})
    @action(detail=True, methods=["get"], renderer_classes=[*api_settings.DEFAULT_RENDERER_CLASSES, PDFRenderer])
    def pdf(self, request, pk=None):
        declaration = declaration_get_with_items(user=request.user, pk=pk)
        response = HttpResponse(declaration_pdf_render(declaration=declaration), content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=declaration_pdf_filename(declaration=declaration))
        return response
