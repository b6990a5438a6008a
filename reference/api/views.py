"""Reference data API (api.md, "Reference data"): any authenticated user."""
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from reference.incoterms import INCOTERMS
from reference.models import TariffLine
from reference.selectors.exchange_rates import exchange_rate_in_force
from reference.selectors.tariff_lookup import line_description, line_parents, tariff_search
from reference.special_rates import special_rule_explanation, special_rule_of, special_rule_reference

QUERY_MAX_LENGTH = 100
TRUNCATED_HEADER = "X-Results-Truncated"


class TariffHeadingSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="4 or 6 digits; empty for a grouping the tariff gives no code")
    description = serializers.CharField(help_text="in the request's language (Accept-Language: vi or en)")


class SpecialRuleSerializer(serializers.Serializer):
    source = serializers.CharField(help_text="the tariff's own text of the rule (Vietnamese)")
    reference = serializers.CharField(help_text="where the tariff states it, in the request's language")
    explanation = serializers.CharField(help_text="what it means for a declaration, in the request's language")


class TariffLineSerializer(serializers.ModelSerializer):
    preferential = serializers.JSONField(help_text="parsed preferential rates by tariff column")
    description = serializers.SerializerMethodField(help_text="the line's description in the request's language")
    parents = serializers.SerializerMethodField(
        help_text="the headings above the line, outermost first, in the request's language")
    special_rule = serializers.SerializerMethodField(
        help_text="null, or the special rule (chapter 98) that sets the line's import duty instead of a rate: "
                  "such a duty is assessed by an officer after registration")

    class Meta:
        model = TariffLine
        fields = [
            "hs_code", "description", "parents", "description_vi", "description_en", "mfn_rate", "mfn_rate_note",
            "standard_rate", "preferential", "vat_rate", "special_consumption_tax_rate", "environmental_tax_per_unit",
            "environmental_tax_unit", "export_duty_rate", "specialised_procedures", "special_rule",
        ]

    def get_description(self, line) -> str:
        return line_description(line, language=get_language())

    @extend_schema_field(TariffHeadingSerializer(many=True))
    def get_parents(self, line):
        return line_parents(line, language=get_language())

    @extend_schema_field(SpecialRuleSerializer(allow_null=True))
    def get_special_rule(self, line):
        rule = special_rule_of(line)
        if rule is None:
            return None
        return {"source": rule.source, "reference": special_rule_reference(rule),
                "explanation": special_rule_explanation(rule)}


class TariffSearchSerializer(serializers.Serializer):
    results = TariffLineSerializer(many=True)
    truncated = serializers.BooleanField(help_text="more lines matched than `limit`: type more of the code or more words")
    limit = serializers.IntegerField()


QUERY_PARAMETER = OpenApiParameter(
    "q", str, description="a code prefix (dots and spaces ignored), or words of the description or of its headings, "
                          "in Vietnamese (with or without diacritics) or English")


def _search(request):
    return tariff_search(q=request.query_params.get("q", "")[:QUERY_MAX_LENGTH])


class HSCodeSearchView(APIView):
    """The first 20 matching tariff lines, best first, as a list (the original shape of this
    endpoint). Whether more matched is in the `X-Results-Truncated` header; the same search
    with `truncated` in the body is `hs-codes/search/`."""

    @extend_schema(parameters=[QUERY_PARAMETER], responses={200: OpenApiResponse(
        TariffLineSerializer(many=True), description=f"`{TRUNCATED_HEADER}: true` when more lines matched")})
    def get(self, request):
        found = _search(request)
        response = Response(TariffLineSerializer(found.lines, many=True).data)
        response[TRUNCATED_HEADER] = "true" if found.truncated else "false"
        return response


class HSCodeSearchResultView(APIView):
    @extend_schema(parameters=[QUERY_PARAMETER], responses={200: TariffSearchSerializer})
    def get(self, request):
        found = _search(request)
        return Response(TariffSearchSerializer({"results": found.lines, "truncated": found.truncated,
                                                "limit": found.limit}).data)


def code_list_view(model, fields, name):
    """A list of a whole code list. `name` is in the language of the request (`Accept-Language: vi`
    or `en`, falling back to the other language where a row has no name in it); `name_vi` and
    `name_en` give both."""
    localised_name = serializers.CharField(
        read_only=True, help_text="in the language of the request (Accept-Language: vi or en)"
    )
    serializer_class = type(
        f"{name}Serializer",
        (serializers.ModelSerializer,),
        {"name": localised_name, "Meta": type("Meta", (), {"model": model, "fields": fields})},
    )
    return type(
        f"{name}ListView",
        (generics.ListAPIView,),
        {"serializer_class": serializer_class, "queryset": model.objects.all(), "pagination_class": None, "filter_backends": []},
    )


class IncotermSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    includes_freight = serializers.BooleanField()
    includes_insurance = serializers.BooleanField()


class IncotermListView(APIView):
    @extend_schema(responses={200: IncotermSerializer(many=True)})
    def get(self, request):
        return Response(IncotermSerializer(INCOTERMS.values(), many=True).data)


class ExchangeRateSerializer(serializers.Serializer):
    currency = serializers.CharField()
    date = serializers.DateField()
    rate = serializers.DecimalField(max_digits=18, decimal_places=4)
    valid_on = serializers.DateField()


class ExchangeRateView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("currency", str, required=True, description="ISO 4217"),
            OpenApiParameter("date", OpenApiTypes.DATE, description="defaults to today"),
        ],
        responses={200: ExchangeRateSerializer,
                   404: OpenApiResponse(description="No rate of this currency is in force on that date")},
    )
    def get(self, request):
        currency = (request.query_params.get("currency") or "").upper()[:3]
        if not currency:
            raise ValidationError({"currency": [_("This parameter is required.")]})
        on = timezone.localdate()
        if request.query_params.get("date"):
            try:
                on = serializers.DateField().run_validation(request.query_params["date"])
            except ValidationError as exc:
                raise ValidationError({"date": exc.detail}) from None  # messages by field, as everywhere
        found = exchange_rate_in_force(currency=currency, on=on)
        if found is None:
            raise NotFound(_("No exchange rate is in force for %(currency)s on %(date)s.")
                           % {"currency": currency, "date": date_format(on, "SHORT_DATE_FORMAT")})
        rate, valid_on = found
        return Response(ExchangeRateSerializer({"currency": currency, "date": on, "rate": rate, "valid_on": valid_on}).data)

