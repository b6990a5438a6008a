"""Reference data API (api.md, "Reference data"): any authenticated user."""
from django.urls import path
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from declarations.incoterms import INCOTERMS
from declarations.models import Country, Currency, CustomsOffice, Port, TariffLine, Unit
from declarations.selectors import exchange_rate_in_force, tariff_search


class TariffLineSerializer(serializers.ModelSerializer):
    preferential = serializers.JSONField(help_text="parsed preferential rates by tariff column")

    class Meta:
        model = TariffLine
        fields = [
            "hs_code", "description_vi", "description_en", "mfn_rate", "mfn_rate_note", "standard_rate",
            "preferential", "vat_rate", "special_consumption_tax_rate", "environmental_tax_per_unit",
            "environmental_tax_unit", "export_duty_rate", "specialised_procedures",
        ]


class HSCodeSearchView(generics.ListAPIView):
    serializer_class = TariffLineSerializer
    pagination_class = None
    filter_backends: list = []

    @extend_schema(parameters=[OpenApiParameter("q", str, description="code prefix or words of the description")])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return tariff_search(q=self.request.query_params.get("q", "")[:100])


def code_list_view(model, fields, name):
    serializer_class = type(
        f"{name}Serializer", (serializers.ModelSerializer,), {"Meta": type("Meta", (), {"model": model, "fields": fields})}
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
            raise ValidationError({"currency": ["This parameter is required."]})
        on = timezone.localdate()
        if request.query_params.get("date"):
            try:
                on = serializers.DateField().run_validation(request.query_params["date"])
            except ValidationError as exc:
                raise ValidationError({"date": exc.detail}) from None  # messages by field, as everywhere
        found = exchange_rate_in_force(currency=currency, on=on)
        if found is None:
            raise NotFound(f"No exchange rate is in force for {currency} on {on.isoformat()}.")
        rate, valid_on = found
        return Response(ExchangeRateSerializer({"currency": currency, "date": on, "rate": rate, "valid_on": valid_on}).data)


reference_urlpatterns = [
    path("hs-codes/", HSCodeSearchView.as_view(), name="reference-hs-codes"),
    path("customs-offices/", code_list_view(CustomsOffice, ["code", "name", "name_en", "province", "kind"], "CustomsOffice").as_view(), name="reference-customs-offices"),
    path("exchange-rates/", ExchangeRateView.as_view(), name="reference-exchange-rates"),
    path("countries/", code_list_view(Country, ["code", "name", "mfn_treatment"], "Country").as_view(), name="reference-countries"),
    path("currencies/", code_list_view(Currency, ["code", "name"], "Currency").as_view(), name="reference-currencies"),
    path("units/", code_list_view(Unit, ["code", "name"], "Unit").as_view(), name="reference-units"),
    path("ports/", code_list_view(Port, ["locode", "name", "country", "function", "iata"], "Port").as_view(), name="reference-ports"),
    path("incoterms/", IncotermListView.as_view(), name="reference-incoterms"),
]
