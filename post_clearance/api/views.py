"""Post-clearance audit API: the auditor's queue, an audit, its findings, closing it. Views parse,
call one service or selector, render."""
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from post_clearance.lifecycle import AuditStatus
from post_clearance.permissions import IsAuditor
from post_clearance.selectors import audit_get, audit_queue
from post_clearance.services.audits import LineCorrection, audit_close, audit_findings_record, audit_open

from .serializers import AuditDetailSerializer, AuditSerializer, FindingsSerializer

ERRORS = {403: OpenApiResponse(description="Not a post-clearance auditor"),
          404: OpenApiResponse(description="No such audit in the auditor's offices")}
CONFLICT = {409: OpenApiResponse(description="Not allowed in the audit's status (`illegal_transition`)")}


def _detail(user, pk) -> dict:
    return AuditDetailSerializer(audit_get(user=user, pk=pk)).data


class AuditListView(generics.GenericAPIView):
    """The auditor's queue: audits of its offices not closed yet, oldest first; `?status=` for one status."""

    permission_classes = [IsAuditor]
    serializer_class = AuditSerializer
    filter_backends: list = []

    @extend_schema(summary="Post-clearance audits (the auditor's queue)",
                   parameters=[OpenApiParameter("status", enum=AuditStatus.values, required=False)],
                   responses={200: AuditSerializer(many=True), **ERRORS})
    def get(self, request):
        status = request.query_params.get("status") or None
        if status not in (None, *AuditStatus.values):
            status = "-"  # matches nothing
        audits = audit_queue(user=request.user, status=status).select_related("selection")
        page = self.paginate_queryset(audits)
        return self.get_paginated_response(AuditSerializer(page, many=True).data)


class AuditDetailView(APIView):
    permission_classes = [IsAuditor]

    @extend_schema(summary="A post-clearance audit", responses={200: AuditDetailSerializer, **ERRORS})
    def get(self, request, pk):
        return Response(_detail(request.user, pk))


class AuditOpenView(APIView):
    permission_classes = [IsAuditor]

    @extend_schema(summary="Open a selected audit (the trader is told)", request=None,
                   responses={200: AuditDetailSerializer, **ERRORS, **CONFLICT})
    def post(self, request, pk):
        audit = audit_get(user=request.user, pk=pk)
        audit_open(audit_id=audit.pk, user=request.user)
        return Response(_detail(request.user, pk))


class AuditFindingsView(APIView):
    permission_classes = [IsAuditor]

    @extend_schema(summary="Record the findings of an audit", request=FindingsSerializer,
                   description="Replaces earlier findings. Corrected lines are taxed again with the declaration's "
                               "exchange rate, origin and preference; closing the audit raises the difference.",
                   responses={200: AuditDetailSerializer, 400: OpenApiResponse(description="Validation errors by field"),
                              **ERRORS, **CONFLICT})
    def post(self, request, pk):
        audit = audit_get(user=request.user, pk=pk)
        body = FindingsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        lines = [LineCorrection(line_no=line["line_no"], customs_value=line.get("customs_value"),
                                hs_code=line.get("hs_code") or "", quantity=line.get("quantity")) for line in data["lines"]]
        audit_findings_record(audit_id=audit.pk, user=request.user, findings=data["findings"],
                              discrepancy=data["discrepancy"], lines=lines)
        return Response(_detail(request.user, pk))


class AuditCloseView(APIView):
    permission_classes = [IsAuditor]

    @extend_schema(summary="Close an audit with its outcome", request=None,
                   description="Where the corrected lines owe more taxes, an additional assessment is raised: added to "
                               "the declaration's amount due with late interest from its original due date, paid "
                               "through the payments endpoints.",
                   responses={200: AuditDetailSerializer, 400: OpenApiResponse(description="No findings recorded"),
                              **ERRORS, **CONFLICT})
    def post(self, request, pk):
        audit = audit_get(user=request.user, pk=pk)
        audit_close(audit_id=audit.pk, user=request.user)
        return Response(_detail(request.user, pk))
