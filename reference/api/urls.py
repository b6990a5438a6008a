"""The reference data API under /api/v1/reference/ (included by `customs_portal.urls`)."""
from django.urls import path

from reference.api.views import (
    ExchangeRateView,
    HSCodeSearchResultView,
    HSCodeSearchView,
    IncotermListView,
    code_list_view,
)
from reference.models import Country, Currency, CustomsOffice, Port, Unit

urlpatterns = [
    path("hs-codes/", HSCodeSearchView.as_view(), name="reference-hs-codes"),
    path("hs-codes/search/", HSCodeSearchResultView.as_view(), name="reference-hs-codes-search"),
    path("customs-offices/", code_list_view(CustomsOffice, ["code", "name", "name_vi", "name_en", "province", "kind"], "CustomsOffice").as_view(), name="reference-customs-offices"),
    path("exchange-rates/", ExchangeRateView.as_view(), name="reference-exchange-rates"),
    path("countries/", code_list_view(Country, ["code", "name", "name_vi", "name_en", "mfn_treatment"], "Country").as_view(), name="reference-countries"),
    path("currencies/", code_list_view(Currency, ["code", "name", "name_vi", "name_en"], "Currency").as_view(), name="reference-currencies"),
    path("units/", code_list_view(Unit, ["code", "name", "name_vi", "name_en"], "Unit").as_view(), name="reference-units"),
    path("ports/", code_list_view(Port, ["locode", "name", "name_vi", "name_en", "country", "function", "iata"], "Port").as_view(), name="reference-ports"),
    path("incoterms/", IncotermListView.as_view(), name="reference-incoterms"),
]
