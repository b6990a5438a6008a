"""The declarations API through HTTP (api.md, "Declarations")."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from customs_portal.audit.models import AuditEvent
from declarations.lifecycle import Status
from declarations.models import Declaration
from reference.models import ExchangeRate
from reference.selectors.exchange_rates import exchange_rate_in_force
from tests.factories import random_selection_off
from tests.payloads import export_body, import_body

pytestmark = pytest.mark.django_db
URL = "/api/v1/declarations/"


def create(client, body=None):
    response = client.post(URL, body or import_body(), format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def errors_of(response):
    assert response.status_code == 400, (response.status_code, response.content)
    return response.json()


class TestCreate:
    def test_creates_a_draft_with_taxes_for_the_traders_enterprise(self, trader1, api_client_for):
        body = import_body()
        body["enterprise"] = "0318765402"  # ignored: the enterprise comes from the token
        data = create(api_client_for(trader1), body)
        assert data["status"] == "draft"
        assert data["number"] is None
        assert data["enterprise"] == "0109876500"
        assert data["channel"] is None
        assert len(data["items"]) == 2
        oranges = data["items"][1]
        assert oranges["rates"]["import_duty"]["basis"] == "ACFTA"
        assert oranges["import_duty"] == "0"
        assert "risk" not in data
        rate, _ = exchange_rate_in_force(currency="USD", on=Declaration.objects.get().created_at.date())
        assert Decimal(data["exchange_rate"]) == rate
        assert data["taxes"]["total"] == str(sum(Decimal(item["tax_total"]) for item in data["items"]))
        assert AuditEvent.objects.filter(declaration_id=data["id"], action="create", actor=trader1).count() == 1

    def test_response_taxes_match_a_hand_calculation(self, trader1, api_client_for):
        data = create(api_client_for(trader1))
        rate = Decimal(data["exchange_rate"])
        # Laptops: FOB 25,000 + freight/insurance share 1,280 × 25,000/26,500; MFN 0 %; VAT 10 %.
        customs_value = Decimal("25000") + Decimal("1280") * Decimal("25000") / Decimal("26500")
        taxable = (customs_value * rate).quantize(Decimal("1"), rounding="ROUND_HALF_UP")
        laptops = data["items"][0]
        assert laptops["taxable_value"] == str(taxable)
        assert laptops["import_duty"] == "0"
        assert laptops["vat"] == str((taxable * Decimal("0.10")).quantize(Decimal("1"), rounding="ROUND_HALF_UP"))

    def test_export_declaration(self, trader1, api_client_for):
        data = create(api_client_for(trader1), export_body())
        assert data["direction"] == "export"
        assert data["taxes"]["total"] == "0"

    def test_refused_preference_is_explained(self, trader1, api_client_for):
        body = import_body()
        body["items"][1].update(origin_country="KR", preference="AKFTA", certificate_of_origin="AK123")
        data = create(api_client_for(trader1), body)
        duty = data["items"][1]["rates"]["import_duty"]
        assert duty["preference_applied"] is False
        assert duty["basis"] == "MFN"
        assert "excluded" in duty["preference_refused_reason"]


class TestValidation:
    @pytest.fixture
    def client(self, trader1, api_client_for):
        return api_client_for(trader1)

    def post(self, client, body):
        return errors_of(client.post(URL, body, format="json"))

    def test_unknown_hs_code(self, client):
        body = import_body()
        body["items"][0]["hs_code"] = "84719999"
        assert "not in the tariff" in self.post(client, body)["items"][0]["hs_code"][0]

    def test_six_digit_hs_code(self, client):
        body = import_body()
        body["items"][1]["hs_code"] = "847130"
        errors = self.post(client, body)
        assert errors["items"][0] == {}
        assert "8 digits" in errors["items"][1]["hs_code"][0]

    def test_wrong_direction_type_code(self, client):
        assert "B11 is a type code for export" in self.post(client, import_body(type_code="B11"))["type_code"][0]

    def test_unknown_codes(self, client):
        body = import_body(customs_office="ZZZZ", port_of_loading="XXQQQ")
        body["partner"]["country"] = "QQ"
        body["invoice"]["currency"] = "QQQ"
        body["items"][0]["unit"] = "ZZZ"
        body["items"][0]["origin_country"] = "XX"
        errors = self.post(client, body)
        assert "Unknown customs office" in errors["customs_office"][0]
        assert "Unknown UN/LOCODE" in errors["port_of_loading"][0]
        assert "Unknown country" in errors["partner"]["country"][0]
        assert "Unknown currency" in errors["invoice"]["currency"][0]
        assert "Unknown unit" in errors["items"][0]["unit"][0]
        assert "Unknown country" in errors["items"][0]["origin_country"][0]

    def test_discharge_port_of_an_import_must_be_vietnamese(self, client):
        assert "must be in Vietnam" in self.post(client, import_body(port_of_discharge="SGSIN"))["port_of_discharge"][0]

    @pytest.mark.parametrize("quantity", ["0", "-5"])
    def test_zero_or_negative_quantity(self, client, quantity):
        body = import_body()
        body["items"][0]["quantity"] = quantity
        assert "greater than zero" in self.post(client, body)["items"][0]["quantity"][0]

    def test_negative_freight(self, client):
        assert "freight" in self.post(client, import_body(freight="-1"))

    def test_too_many_items(self, client):
        item = import_body()["items"][0]
        body = import_body(items=[dict(item) for _ in range(51)])
        body["invoice"]["total"] = str(Decimal("25000") * 51)
        assert "items" in self.post(client, body)

    def test_no_items(self, client):
        assert "items" in self.post(client, import_body(items=[]))

    def test_invoice_total_must_match_the_items(self, client):
        body = import_body()
        body["invoice"]["total"] = "26600.00"
        assert "does not match" in self.post(client, body)["invoice"]["total"][0]

    def test_invoice_after_arrival(self, client):
        body = import_body()
        body["invoice"]["date"] = body["arrival_date"]
        body["arrival_date"] = "2020-01-01"
        assert "must not be after" in self.post(client, body)["invoice"]["date"][0]

    def test_fob_import_needs_freight(self, client):
        assert "freight" in self.post(client, import_body(freight="0"))

    def test_preference_needs_a_certificate_of_origin(self, client):
        body = import_body()
        body["items"][1]["certificate_of_origin"] = ""
        assert "certificate of origin" in self.post(client, body)["items"][1]["certificate_of_origin"][0]

    def test_line_value_must_equal_quantity_times_price(self, client):
        body = import_body()
        body["items"][0]["line_value"] = "1.00"
        assert "does not equal" in self.post(client, body)["items"][0]["line_value"][0]

    @pytest.mark.parametrize(
        "body",
        [
            None,
            [],
            "not an object",
            {"items": "nope"},
            {"invoice": [1, 2]},
            {"direction": "sideways"},
            {"gross_weight_kg": "NaN"},
            {"packages": 10**30},
            {"items": [{"hs_code": None}]},
            {"invoice": {"total": "1e400"}},
        ],
    )
    def test_malformed_bodies_are_400_not_500(self, client, body):
        payload = body if not isinstance(body, dict) else import_body(**body)
        response = client.post(URL, payload, format="json")
        assert response.status_code == 400
        assert response.json()

    def test_malformed_json(self, client):
        response = client.post(URL, "{not json", content_type="application/json")
        assert response.status_code == 400


class TestReadAndScope:
    def test_other_enterprise_gets_404_everywhere_and_nothing_changes(self, trader1, trader2, api_client_for):
        data = create(api_client_for(trader1))
        other = api_client_for(trader2)
        url = f"{URL}{data['id']}/"
        assert other.get(url).status_code == 404
        assert other.patch(url, {"packages": 99}, format="json").status_code == 404
        assert other.post(f"{url}submit/").status_code == 404
        declaration = Declaration.objects.get(pk=data["id"])
        assert (declaration.packages, declaration.status, declaration.number) == (12, Status.DRAFT, None)
        assert other.get(URL).json()["count"] == 0

    def test_anonymous_is_refused(self, api_client_for):
        assert api_client_for(None).get(URL).status_code == 401

    def test_officer_sees_all_but_cannot_create(self, trader1, officer, api_client_for):
        create(api_client_for(trader1))
        client = api_client_for(officer)
        assert client.get(URL).json()["count"] == 1
        assert client.post(URL, import_body(), format="json").status_code == 403

    def test_gate_cannot_list(self, gate_user, api_client_for):
        assert api_client_for(gate_user).get(URL).status_code == 403

    def test_list_filters_and_pagination(self, trader1, api_client_for):
        client = api_client_for(trader1)
        first = create(client)
        create(client, export_body())
        client.post(f"{URL}{first['id']}/submit/")
        assert client.get(URL, {"direction": "export"}).json()["count"] == 1
        assert client.get(URL, {"status": "registered"}).json()["count"] == 1
        number = Declaration.objects.get(pk=first["id"]).number
        assert client.get(URL, {"number": number}).json()["results"][0]["id"] == first["id"]
        page = client.get(URL, {"page_size": 1}).json()
        assert page["count"] == 2 and len(page["results"]) == 1 and page["next"]
        assert client.get(URL, {"status": "bogus"}).status_code == 400

    def test_list_runs_a_fixed_number_of_queries(self, trader1, api_client_for):
        client = api_client_for(trader1)
        create(client)
        with CaptureQueriesContext(connection) as one:
            client.get(URL)
        for _ in range(4):
            create(client)
        with CaptureQueriesContext(connection) as five:
            assert client.get(URL).json()["count"] == 5
        assert len(five) == len(one)


class TestEditAndSubmit:
    def test_patch_a_draft_recomputes_taxes(self, trader1, api_client_for):
        client = api_client_for(trader1)
        data = create(client)
        body = import_body()
        items = body["items"][:1]
        response = client.patch(f"{URL}{data['id']}/", {"items": items, "invoice": {"total": "25000.00"}, "packages": 5},
                                format="json")
        assert response.status_code == 200, response.json()
        patched = response.json()
        assert patched["packages"] == 5
        assert len(patched["items"]) == 1
        assert patched["invoice"]["number"] == "INV-2026-001"
        assert AuditEvent.objects.filter(declaration_id=data["id"], action="edit").count() == 1

    def test_submit_numbers_and_registers(self, trader1, api_client_for):
        client = api_client_for(trader1)
        data = create(client)
        response = client.post(f"{URL}{data['id']}/submit/")
        assert response.status_code == 202, response.json()
        submitted = response.json()
        assert submitted["status"] == "registered"
        assert len(submitted["number"]) == 12 and submitted["number"].isdigit()
        assert submitted["number"].startswith("10")
        assert submitted["registered_at"]
        assert submitted["payment_status"] == "unpaid"
        assert submitted["amount_due"] == submitted["taxes"]["total"]
        event = AuditEvent.objects.get(declaration_id=data["id"], action="submit")
        assert (event.from_status, event.to_status, event.actor) == ("draft", "registered", trader1)

    def test_numbers_are_unique(self, trader1, api_client_for):
        client = api_client_for(trader1)
        numbers = {client.post(f"{URL}{create(client)['id']}/submit/").json()["number"] for _ in range(3)}
        assert len(numbers) == 3

    def test_after_registration_patch_and_submit_are_409(self, trader1, api_client_for):
        client = api_client_for(trader1)
        data = create(client)
        client.post(f"{URL}{data['id']}/submit/")
        response = client.patch(f"{URL}{data['id']}/", {"packages": 1}, format="json")
        assert response.status_code == 409
        assert response.json()["detail"]
        assert client.post(f"{URL}{data['id']}/submit/").status_code == 409
        assert Declaration.objects.get(pk=data["id"]).packages == 12


class TestReference:
    def test_hs_code_search_by_code_and_words(self, trader1, api_client_for):
        client = api_client_for(trader1)
        by_code = client.get("/api/v1/reference/hs-codes/", {"q": "847130"}).json()
        assert "84713020" in [line["hs_code"] for line in by_code]
        by_words = client.get("/api/v1/reference/hs-codes/", {"q": "laptops"}).json()
        assert "84713020" in [line["hs_code"] for line in by_words]
        vietnamese = client.get("/api/v1/reference/hs-codes/", {"q": "máy tính xách tay"}).json()
        assert "84713020" in [line["hs_code"] for line in vietnamese]

    def test_exchange_rate_in_force(self, trader1, api_client_for):
        client = api_client_for(trader1)
        response = client.get("/api/v1/reference/exchange-rates/", {"currency": "USD"})
        assert response.status_code == 200
        assert Decimal(response.json()["rate"]) > 20000
        assert client.get("/api/v1/reference/exchange-rates/", {"currency": "USD", "date": "1990-01-01"}).status_code == 404
        assert client.get("/api/v1/reference/exchange-rates/", {"currency": "USD", "date": "garbage"}).status_code == 400

    @pytest.mark.parametrize("name", ["countries", "currencies", "units", "ports", "incoterms", "customs-offices"])
    def test_code_lists(self, trader1, api_client_for, name):
        response = api_client_for(trader1).get(f"/api/v1/reference/{name}/")
        assert response.status_code == 200 and len(response.json()) > 5


class TestAuthToken:
    def test_token_for_good_credentials_and_400_for_bad(self, trader1, api_client_for):
        trader1.set_password("pw-123456")
        trader1.save()
        client = api_client_for(None)
        ok = client.post("/api/v1/auth/token/", {"username": "trader1", "password": "pw-123456"}, format="json")
        assert ok.status_code == 200 and ok.json()["token"]
        bad = client.post("/api/v1/auth/token/", {"username": "trader1", "password": "nope"}, format="json")
        assert bad.status_code == 400 and bad.json()

    def test_schema_is_served(self, api_client_for):
        assert api_client_for(None).get("/api/schema/").status_code == 200


class TestAmend:
    def test_amend_keeps_the_old_version_and_reassesses(self, trader1, officer, api_client_for):
        from risk.models import Assessment
        from risk.services.assessment import risk_assess

        client = api_client_for(trader1)
        data = create(client)
        client.post(f"{URL}{data['id']}/submit/")
        first = risk_assess(declaration_id=data["id"])
        before = client.get(f"{URL}{data['id']}/").json()
        body = import_body()
        response = client.post(f"{URL}{data['id']}/amend/", {"items": body["items"][:1], "invoice": {"total": "25000.00"},
                                                               "reason": "oranges not shipped"}, format="json")
        assert response.status_code == 202, response.json()
        amended = response.json()
        assert (amended["version"], amended["status"], amended["channel"], amended["number"]) == (2, "registered", None, before["number"])
        assert len(amended["items"]) == 1
        versions = client.get(f"{URL}{data['id']}/versions/").json()
        assert [v["version"] for v in versions] == [1]
        assert versions[0]["channel"] == before["channel"] and versions[0]["reason"] == "oranges not shipped"
        assert len(versions[0]["content"]["items"]) == 2
        assert versions[0]["taxes"]["total"] == before["taxes"]["total"]
        second = risk_assess(declaration_id=data["id"])
        assert second.pk != first.pk and second.declaration_version == 2
        assert Assessment.objects.filter(declaration_id=data["id"]).count() == 2
        risk = api_client_for(officer).get(f"{URL}{data['id']}/").json()["risk"]
        assert risk["declaration_version"] == 2

    def test_amend_a_draft_is_409(self, trader1, api_client_for):
        client = api_client_for(trader1)
        data = create(client)
        assert client.post(f"{URL}{data['id']}/amend/", {"packages": 3}, format="json").status_code == 409

    def test_amend_after_clearance_is_a_request_for_an_officer(self, trader1, api_client_for):
        """Within 60 days of clearance the amendment is lodged as a request (202); the declaration is
        unchanged until an officer accepts it (tests/declarations/test_amendments_after_clearance.py)."""
        from risk.services.assessment import risk_assess

        random_selection_off()
        client = api_client_for(trader1)
        data = create(client, export_body())
        client.post(f"{URL}{data['id']}/submit/")
        risk_assess(declaration_id=data["id"])
        assert client.get(f"{URL}{data['id']}/").json()["status"] == "cleared"
        response = client.post(f"{URL}{data['id']}/amend/", {"packages": 3}, format="json")
        assert response.status_code == 202
        declaration = Declaration.objects.get(pk=data["id"])
        assert (declaration.version, declaration.status, declaration.packages) == (1, "cleared", data["packages"])
        assert declaration.amendment_request.status == "pending"

    def test_other_enterprise_cannot_amend(self, trader1, trader2, api_client_for):
        client = api_client_for(trader1)
        data = create(client)
        client.post(f"{URL}{data['id']}/submit/")
        assert api_client_for(trader2).post(f"{URL}{data['id']}/amend/", {"packages": 3}, format="json").status_code == 404
        assert api_client_for(trader2).get(f"{URL}{data['id']}/versions/").status_code == 404
        assert Declaration.objects.get(pk=data["id"]).version == 1


class TestResponsesRenderWhatWasWritten:
    """Create, edit, submit and amend answer from the rows they wrote, without reading them again;
    the body must be exactly what a later GET returns."""

    def test_create_edit_submit_and_amend_answer_as_a_fresh_read(self, trader1, api_client_for):
        client = api_client_for(trader1)

        def same_as_get(response, status):
            assert response.status_code == status, response.json()
            assert response.json() == client.get(f"{URL}{response.json()['id']}/").json()
            return response.json()

        created = same_as_get(client.post(URL, import_body(), format="json"), 201)
        same_as_get(client.patch(f"{URL}{created['id']}/", {"packages": 7}, format="json"), 200)
        same_as_get(client.post(f"{URL}{created['id']}/submit/"), 202)
        body = import_body()
        body["items"][0]["quantity"] = "90"
        body["invoice"]["total"] = "24000.00"
        same_as_get(client.post(f"{URL}{created['id']}/amend/", {**body, "reason": "short shipment"}, format="json"), 202)

    def test_submit_writes_items_only_when_their_taxes_changed(self, trader1, api_client_for):
        client = api_client_for(trader1)
        draft = create(client)
        with CaptureQueriesContext(connection) as unchanged:
            assert client.post(f"{URL}{draft['id']}/submit/").status_code == 202
        assert not [q for q in unchanged.captured_queries if q["sql"].startswith('UPDATE "declarations_goodsitem"')]

        other = create(client)
        rate, on = exchange_rate_in_force(currency="USD", on=Declaration.objects.get(pk=other["id"]).created_at.date())
        ExchangeRate.objects.filter(currency_id="USD", valid_on=on).update(rate=rate + 100)
        submitted = client.post(f"{URL}{other['id']}/submit/").json()
        assert Decimal(submitted["exchange_rate"]) == rate + 100
        assert submitted == client.get(f"{URL}{other['id']}/").json()
        assert Decimal(submitted["items"][0]["taxable_value"]) > Decimal(other["items"][0]["taxable_value"])


class TestRegistrationRecomputesOnlyWhenSomethingCouldHaveChanged:
    """A draft validated and taxed today against the current reference data is registered as it is;
    one taxed on another day, or against other reference data, is validated and taxed again."""

    def draft_taxed_with_a_stale_rate(self, client, **taxed):
        draft = create(client)
        Declaration.objects.filter(pk=draft["id"]).update(exchange_rate=Decimal("1.0000"), **taxed)
        return draft

    def test_taxed_on_another_day(self, trader1, api_client_for):
        client = api_client_for(trader1)
        draft = self.draft_taxed_with_a_stale_rate(client, taxed_on=timezone.localdate() - timedelta(days=1))
        submitted = client.post(f"{URL}{draft['id']}/submit/").json()
        assert submitted["exchange_rate"] == draft["exchange_rate"] != "1.0000"

    def test_taxed_against_other_reference_data(self, trader1, api_client_for):
        client = api_client_for(trader1)
        draft = self.draft_taxed_with_a_stale_rate(client, taxed_with_reference_version=0)
        submitted = client.post(f"{URL}{draft['id']}/submit/").json()
        assert submitted["exchange_rate"] == draft["exchange_rate"] != "1.0000"

    def test_taxed_today_against_the_same_data_is_registered_as_it_is(self, trader1, api_client_for):
        client = api_client_for(trader1)
        draft = create(client)
        with CaptureQueriesContext(connection) as queries:
            submitted = client.post(f"{URL}{draft['id']}/submit/").json()
        assert submitted["taxes"] == draft["taxes"] and submitted["items"] == draft["items"]
        assert not [q for q in queries.captured_queries if "declarations_tariffline" in q["sql"]]
