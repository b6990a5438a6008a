"""Permits for specialised management on goods items: validation, the API, copies into versions,
and the warning for a line that needs one (declarations/permits.py)."""
import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone, translation

from declarations.models import DeclarationVersion, GoodsItem
from declarations.permits import MAX_PERMITS, permit_warnings, procedure_references
from declarations.services.amendments import declaration_amend
from declarations.services.declarations import declaration_as_data
from tests.factories import draft_of, registered
from tests.payloads import import_body

pytestmark = pytest.mark.django_db
URL = "/api/v1/declarations/"


def permit(**overrides) -> dict:
    body = {"kind": "quarantine", "number": "KD-2026-000123", "agency": "Chi cục Kiểm dịch thực vật vùng II",
            "date": (timezone.localdate() - timedelta(days=5)).isoformat()}
    body.update(overrides)
    return body


def body_with_permits(*permit_lists) -> dict:
    body = import_body()
    for item, permits in zip(body["items"], permit_lists):
        if permits is not None:
            item["permits"] = permits
    return body


class TestApi:
    def test_permits_are_written_and_read_back_in_order(self, trader1, api_client_for):
        permits = [permit(), permit(kind="quality", number="CL 45/2026", agency="Trung tâm Kỹ thuật 1")]
        response = api_client_for(trader1).post(URL, body_with_permits(None, permits), format="json")
        assert response.status_code == 201, response.json()
        items = response.json()["items"]
        assert items[0]["permits"] == []
        assert items[1]["permits"] == permits
        stored = GoodsItem.objects.get(declaration_id=response.json()["id"], line_no=2)
        assert stored.permits == permits

    def test_existing_fields_of_an_item_are_unchanged(self, trader1, api_client_for):
        response = api_client_for(trader1).post(URL, import_body(), format="json")
        item = response.json()["items"][0]
        assert list(item) == [
            "line_no", "hs_code", "description", "origin_country", "quantity", "unit", "unit_price", "line_value",
            "preference", "certificate_of_origin", "permits", "customs_value", "taxable_value", "import_duty",
            "export_duty", "special_consumption_tax", "environmental_tax", "vat", "tax_total", "rates",
            "duty_assessment", "exemptions"]  # added fields come last (issue 18: the regime's reliefs)

    def test_a_wrong_kind_or_a_bad_date_is_reported_at_its_path(self, trader1, api_client_for):
        permits = [permit(), permit(kind="visa", number="X1"), permit(number="X2", date="2026-02-30")]
        response = api_client_for(trader1).post(URL, body_with_permits(None, permits), format="json")
        assert response.status_code == 400, response.json()
        # The serializer's errors (a value of the wrong shape), by index as DRF reports them.
        errors = response.json()["items"]["1"]["permits"]
        assert list(errors) == ["1", "2"]
        assert list(errors["1"]) == ["kind"]
        assert list(errors["2"]) == ["date"]

    def test_future_date_blank_fields_and_duplicates_are_refused_by_the_service(self, trader1, api_client_for):
        tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
        permits = [permit(), permit(date=tomorrow, number="B-2"), permit(number=" kd-2026-000123 ")]
        response = api_client_for(trader1).post(URL, body_with_permits(None, permits), format="json")
        assert response.status_code == 400
        errors = response.json()["items"][1]["permits"]
        assert errors[0] == {}
        assert errors[1] == {"date": ["The date of a permit cannot be in the future."]}
        assert errors[2] == {"number": ["The same permit (quarantine kd-2026-000123) is already given as permit 1."]}

    def test_number_and_agency_lengths(self, trader1, api_client_for):
        permits = [permit(number="N" * 51), permit(number="N2", agency="A" * 201), permit(number="", agency="")]
        response = api_client_for(trader1).post(URL, body_with_permits(permits), format="json")
        assert response.status_code == 400
        errors = response.json()["items"]["0"]["permits"]
        assert list(errors["0"]) == ["number"] and list(errors["1"]) == ["agency"]
        assert set(errors["2"]) == {"number", "agency"}

    def test_the_service_checks_lengths_and_blanks_itself(self, trader1):
        from customs_portal.errors import DomainValidationError
        from declarations.api.serializers import DeclarationWriteSerializer
        from declarations.services.declarations import declaration_create

        serializer = DeclarationWriteSerializer(data=body_with_permits([permit()]))
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        data["items"][0]["permits"] = [{**permit(), "number": "N" * 51}, {**permit(), "number": " ", "agency": ""}]
        with pytest.raises(DomainValidationError) as raised:
            declaration_create(user=trader1, data=data)
        errors = raised.value.errors["items"][0]["permits"]
        assert list(errors[0]) == ["number"]
        assert errors[1] == {"number": ["Give the number of the permit."],
                             "agency": ["Give the agency that issued the permit."]}

    def test_at_most_ten_permits_per_item(self, trader1, api_client_for):
        permits = [permit(number=f"KD-{n}") for n in range(MAX_PERMITS + 1)]
        response = api_client_for(trader1).post(URL, body_with_permits(permits), format="json")
        assert response.status_code == 400
        assert response.json()["items"][0]["permits"] == ["A goods item carries at most 10 permits; this one has 11."]
        permits.pop()
        assert api_client_for(trader1).post(URL, body_with_permits(permits), format="json").status_code == 201

    def test_permits_are_in_the_openapi_schema(self):
        response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
        schema = json.loads(response.content)
        components = schema["components"]["schemas"]
        assert "permits" in components["GoodsItem"]["properties"]
        assert "permits" in components["GoodsItemWriteRequest"]["properties"]
        assert set(components["PermitRequest"]["properties"]) == {"kind", "number", "agency", "date"}


class TestVersions:
    def test_submit_and_amendment_keep_the_permits(self, trader1):
        permits = [permit()]
        declaration = registered(trader1, body_with_permits(None, permits))
        assert declaration.items.get(line_no=2).permits == permits
        data = declaration_as_data(declaration=declaration)
        data["items"][0]["permits"] = [
            {**permit(kind="licence", number="GP-1"), "date": timezone.localdate() - timedelta(days=1)}]
        declaration_amend(declaration=declaration, user=trader1, data=data, reason="licence obtained")
        items = list(declaration.items.order_by("line_no"))
        assert [p["number"] for p in items[0].permits] == ["GP-1"]
        assert items[1].permits == permits
        kept = DeclarationVersion.objects.get(declaration=declaration, version=1)
        assert kept.content["items"][0]["permits"] == []
        assert kept.content["items"][1]["permits"] == permits


class TestWarnings:
    def test_a_line_under_specialised_management_without_a_permit_is_warned_with_its_reference(self, trader1):
        declaration = draft_of(trader1, import_body())
        warnings = permit_warnings(declaration.items.select_related("tariff_line").order_by("line_no"))
        # Laptops (energy labelling, conformity) and oranges (plant quarantine): both need one.
        assert [w.line_no for w in warnings] == [1, 2]
        assert warnings[1].references == ("01/2024/TT-BNNPTNT M9",)
        assert warnings[1].message == ("Line 2 (HS 0805.10.10) is under specialised management (01/2024/TT-BNNPTNT "
                                       "M9): no permit, licence or inspection result is declared.")
        with translation.override("vi"):
            assert warnings[1].message == ("Dòng 2 (HS 0805.10.10) thuộc diện quản lý chuyên ngành (01/2024/TT-BNNPTNT "
                                           "M9): chưa khai số giấy phép/kết quả kiểm tra.")

    def test_a_line_with_a_permit_is_not_warned(self, trader1):
        declaration = draft_of(trader1, body_with_permits([permit(kind="quality")], [permit()]))
        assert permit_warnings(declaration.items.select_related("tariff_line")) == []

    def test_references_of_every_form_are_found_once(self):
        assert procedure_references((
            "KTCN về hiệu suất năng lượng (1725/QĐ-BCT 2024)",
            "Chứng nhận chất lượng ATKT và BVMT trước TQ (12/2022/TT-BGTVT và 62/2024/TT-BGTVT)",
            "Khác (1725/QĐ-BCT 2024)", "Không có số hiệu (PL1)")) == [
            "1725/QĐ-BCT 2024", "12/2022/TT-BGTVT và 62/2024/TT-BGTVT"]


class TestAmendmentChanges:
    def test_a_permit_added_is_a_change_of_its_line_and_a_version_without_the_key_has_none(self):
        from declarations.services.amendments import amendment_changes

        before = {"items": [{"hs_code": "08051010"}]}  # stored before permits existed
        assert amendment_changes(before=before, after={"items": [{"hs_code": "08051010", "permits": []}]}) == []
        after = {"items": [{"hs_code": "08051010", "permits": [permit()]}]}
        assert amendment_changes(before=before, after=after) == [
            {"line": 1, "field": "permits", "from": None, "to": [permit()]}]


def test_a_stored_body_parses_back_with_its_permit_dates_and_the_rest_untouched(trader1):
    from datetime import date

    from declarations.services.declarations import declaration_content_json, declaration_content_parse

    declaration = draft_of(trader1, body_with_permits(None, [permit()]))
    data = declaration_as_data(declaration=declaration)
    parsed = declaration_content_parse(declaration_content_json(data))
    assert parsed == data
    assert isinstance(parsed["items"][1]["permits"][0]["date"], date)
    assert isinstance(parsed["invoice"]["date"], date)
