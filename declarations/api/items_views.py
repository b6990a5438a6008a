"""Goods lines as spreadsheets (the template, a declaration's lines, an import into a draft) and
copies of a declaration. Views parse, call the reader and one service, render."""
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from customs_portal.accounts.permissions import IsTrader, IsTraderOrCustomsStaff
from customs_portal.api.parsers import FormParser, MultiPartParser
from customs_portal.errors import DomainValidationError
from declarations.items_files.reading import MAX_FILE_BYTES, items_file_read
from declarations.items_files.writing import CONTENT_TYPE, items_workbook
from declarations.lifecycle import Action, check_transition
from declarations.selectors import declaration_get, declaration_get_with_item_codes
from declarations.services.copies import declaration_copy
from declarations.services.declarations import declaration_as_data
from declarations.services.items_import import declaration_items_import

from .item_rows import sheet_items_parse
from .serializers import DeclarationSerializer, declaration_representation

LANG = OpenApiParameter("lang", str, enum=["vi", "en"], required=False,
                        description="the template's language; the request's language when omitted")
ROW_ERRORS = inline_serializer("ItemsImportErrors", fields={
    "file": serializers.ListField(child=serializers.CharField(), required=False,
                                  help_text="what is wrong with the file as a whole"),
    "rows": serializers.ListField(required=False, child=inline_serializer("ItemsImportRowError", fields={
        "row": serializers.IntegerField(help_text="as the spreadsheet shows it: the header is row 1"),
        "field": serializers.CharField(help_text="the API's name of the column (permit_date for a permit's date)"),
        "errors": serializers.ListField(child=serializers.CharField()),
    }), help_text="every bad cell of every bad row"),
})


def _language(request) -> str:
    asked = request.query_params.get("lang") or get_language() or "vi"
    return "vi" if asked.startswith("vi") else "en"


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


class ItemsTemplateView(APIView):
    permission_classes = [IsTrader]

    @extend_schema(summary="The goods-lines template (.xlsx)", parameters=[LANG],
                   responses={(200, CONTENT_TYPE): OpenApiTypes.BINARY})
    def get(self, request):
        language = _language(request)
        return _xlsx(items_workbook(language=language),
                     "mau-dong-hang.xlsx" if language == "vi" else "goods-lines-template.xlsx")


class ItemsExportView(APIView):
    permission_classes = [IsTraderOrCustomsStaff]

    @extend_schema(summary="A declaration's goods lines in the template (.xlsx)", parameters=[LANG],
                   description="Importing the file into a draft gives the same lines.",
                   responses={(200, CONTENT_TYPE): OpenApiTypes.BINARY,
                              404: OpenApiResponse(description="No such declaration for this user")})
    def get(self, request, pk):
        declaration = declaration_get_with_item_codes(user=request.user, pk=pk)
        items = declaration_as_data(declaration=declaration, items=declaration.items.all())["items"]
        language = _language(request)
        name = declaration.number or f"{declaration.pk}"
        return _xlsx(items_workbook(language=language, items=items),
                     f"dong-hang-{name}.xlsx" if language == "vi" else f"goods-lines-{name}.xlsx")


class ItemsImportView(APIView):
    permission_classes = [IsTrader]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        summary="Replace a draft's goods lines with those of an .xlsx or .csv file",
        description="Multipart, field `file`: the template of `items-template.xlsx`, or any sheet whose header row "
                    "names its columns in Vietnamese, English or by the API's field names. All lines or none: "
                    "every bad row is named (`rows`), problems of the file as a whole under `file`. The invoice "
                    "total becomes the sum of the lines' values.",
        request={"multipart/form-data": inline_serializer("ItemsImport", fields={"file": serializers.FileField()})},
        responses={200: DeclarationSerializer, 400: ROW_ERRORS,
                   404: OpenApiResponse(description="No such declaration for this user"),
                   409: OpenApiResponse(description="Not a draft")},
    )
    def post(self, request, pk):
        declaration = declaration_get(user=request.user, pk=pk)
        check_transition(Action.EDIT, declaration.status)
        upload = request.FILES.get("file")
        if upload is None:
            raise DomainValidationError({"file": [_("Choose an .xlsx or .csv file of goods lines.")]})
        sheet = items_file_read(name=upload.name or "", content=upload.read(MAX_FILE_BYTES + 1),
                               language=get_language())
        items, errors = sheet_items_parse(sheet)
        declaration = declaration_items_import(declaration=declaration, user=request.user, items=items, lines=sheet.lines,
                                               errors=errors)
        return Response(declaration_representation(declaration, staff=False))


class CopyView(APIView):
    permission_classes = [IsTrader]

    @extend_schema(summary="Copy a declaration into a new draft", request=None,
                   description="Any status. The new draft has the same header and goods lines; not the number, "
                               "dates, channel, documents, decisions, payments or amendments.",
                   responses={201: DeclarationSerializer, 400: OpenApiResponse(description="Today's rules refuse the copy"),
                              404: OpenApiResponse(description="No such declaration for this user")})
    def post(self, request, pk):
        declaration = declaration_get_with_item_codes(user=request.user, pk=pk)
        copy = declaration_copy(declaration=declaration, user=request.user)
        return Response(declaration_representation(copy, staff=False), status=status.HTTP_201_CREATED)
