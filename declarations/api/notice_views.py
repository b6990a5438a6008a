"""The trader's notices (declarations/models/notice.py) through the API: the enterprise's own only;
customs staff have none (403). Messages in the caller's language (Accept-Language)."""
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from customs_portal.accounts.permissions import IsTrader
from customs_portal.api.pagination import StandardPagination
from declarations.models import Notice, NoticeKind
from declarations.notices import notice_message
from declarations.selectors import notices_visible_to
from declarations.services.notices import notice_mark_read


class NoticeSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=NoticeKind.choices)
    declaration = serializers.IntegerField(source="declaration_id", allow_null=True)
    message = serializers.SerializerMethodField(help_text="in the caller's language")
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notice
        fields = ["id", "kind", "declaration", "params", "message", "created_at", "read_at", "read"]

    def get_message(self, notice) -> str:
        return notice_message(notice)

    def get_read(self, notice) -> bool:
        return notice.read_at is not None


class NoticeListView(ListAPIView):
    permission_classes = [IsTrader]
    serializer_class = NoticeSerializer
    pagination_class = StandardPagination

    @extend_schema(summary="The notices of the trader's enterprise",
                   description="Newest first: drafts about to expire or expired, declarations cancelled after 15 "
                               "days (the law's time limits). Filter `unread=true` for the unread ones.",
                   responses={200: NoticeSerializer(many=True), 403: OpenApiResponse(description="Not a trader")})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema's generation: no user
            return Notice.objects.none()
        notices = notices_visible_to(user=self.request.user)
        if self.request.query_params.get("unread") in ("true", "1"):
            notices = notices.filter(read_at__isnull=True)
        return notices


class NoticeReadView(APIView):
    permission_classes = [IsTrader]

    @extend_schema(summary="Mark a notice as read", request=None,
                   description="Reading it again keeps the first reading's time.",
                   responses={200: NoticeSerializer, 403: OpenApiResponse(description="Not a trader"),
                              404: OpenApiResponse(description="No notice of the caller's enterprise has this id")})
    def post(self, request, pk):
        notice = notices_visible_to(user=request.user).filter(pk=pk).first()
        if notice is None:
            raise Http404
        return Response(NoticeSerializer(notice_mark_read(notice=notice)).data)
