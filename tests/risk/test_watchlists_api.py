"""The watchlisted partners and reference prices API: risk admins only, validation by the shared services."""
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from customs_portal.accounts.services import api_token_issue
from customs_portal.audit.models import AuditEvent
from risk.models import ReferencePrice, WatchlistedPartner
from risk.services.facts import partner_on_watchlist

pytestmark = pytest.mark.django_db
PARTNERS = "/api/v1/risk/watchlist/partners/"
PRICES = "/api/v1/risk/reference-prices/"


@pytest.fixture
def admin_client(risk_admin):
    """A risk admin's token client that asks for English messages."""
    _, key = api_token_issue(user=risk_admin, second_factor=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE="en")
    return client


# --- Who may call ------------------------------------------------------------------------------

def test_anonymous_is_refused(api_client_for):
    client = api_client_for(None)
    assert client.get(PARTNERS).status_code == 401
    assert client.post(PRICES, {}, format="json").status_code == 401


@pytest.mark.parametrize("role", ["trader1", "officer", "gate_user"])
def test_other_roles_get_403_and_change_nothing(role, request, api_client_for, admin_client):
    partner_id = admin_client.post(PARTNERS, {"name": "Acme", "country": "CN"}, format="json").json()["id"]
    price_id = admin_client.post(PRICES, {"hs_code": "8471", "unit": "PCE", "price_vnd": "5000000"}, format="json").json()["id"]
    client = api_client_for(request.getfixturevalue(role))
    calls = [
        client.get(PARTNERS),
        client.post(PARTNERS, {"name": "Other", "country": "KR"}, format="json"),
        client.get(f"{PARTNERS}{partner_id}/"),
        client.delete(f"{PARTNERS}{partner_id}/"),
        client.get(PRICES),
        client.post(PRICES, {"hs_code": "8703", "unit": "PCE", "price_vnd": "1"}, format="json"),
        client.get(f"{PRICES}{price_id}/"),
        client.put(f"{PRICES}{price_id}/", {"hs_code": "8471", "unit": "PCE", "price_vnd": "1"}, format="json"),
        client.delete(f"{PRICES}{price_id}/"),
    ]
    assert [response.status_code for response in calls] == [403] * len(calls)
    assert list(WatchlistedPartner.objects.values_list("name", "active")) == [("Acme", True)]
    assert list(ReferencePrice.objects.values_list("hs_code", "price_vnd")) == [("8471", Decimal("5000000.00"))]


# --- Watchlisted partners ----------------------------------------------------------------------

def test_add_list_and_deactivate_a_partner(admin_client, risk_admin):
    created = admin_client.post(PARTNERS, {"name": " Shady  Exports Ltd", "country": "cn", "reason": "tip-off"}, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert {k: body[k] for k in ("name", "country", "reason", "active")} == {
        "name": "Shady Exports Ltd", "country": "CN", "reason": "tip-off", "active": True}
    assert partner_on_watchlist(name="SHADY EXPORTS LTD", country="CN")  # the engine sees it

    listed = admin_client.get(PARTNERS).json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == body["id"]

    deleted = admin_client.delete(f"{PARTNERS}{body['id']}/")
    assert deleted.status_code == 200 and deleted.json()["active"] is False
    assert not partner_on_watchlist(name="Shady Exports Ltd", country="CN")
    assert admin_client.get(PARTNERS).json()["count"] == 0
    assert admin_client.get(PARTNERS, {"active": "false"}).json()["count"] == 1
    assert admin_client.get(PARTNERS, {"active": "all"}).json()["count"] == 1
    assert admin_client.delete(f"{PARTNERS}{body['id']}/").status_code == 409
    actions = list(AuditEvent.objects.filter(actor=risk_admin).values_list("action", flat=True))
    assert actions == ["watchlist_partner_add", "watchlist_partner_deactivate"]


def test_adding_a_partner_again_reactivates_it(admin_client):
    partner_id = admin_client.post(PARTNERS, {"name": "Acme", "country": "CN", "reason": "old"}, format="json").json()["id"]
    admin_client.delete(f"{PARTNERS}{partner_id}/")
    again = admin_client.post(PARTNERS, {"name": "ACME", "country": "CN", "reason": "new"}, format="json")
    assert again.status_code == 201
    assert (again.json()["id"], again.json()["active"], again.json()["reason"]) == (partner_id, True, "new")
    assert WatchlistedPartner.objects.count() == 1


def test_a_partner_without_country_is_watched_everywhere(admin_client):
    assert admin_client.post(PARTNERS, {"name": "Global Trading"}, format="json").status_code == 201
    assert partner_on_watchlist(name="global trading", country="JP")


@pytest.mark.parametrize(
    "body, field, message",
    [
        ({"name": "Acme", "country": "ZZ"}, "country", "ZZ is not an ISO 3166 country code."),
        ({"name": "Acme", "country": "CHN"}, "country", "Ensure this field has no more than 2 characters."),
        ({"name": "   ", "country": "CN"}, "name", "This field may not be blank."),
        ({"country": "CN"}, "name", "This field is required."),
        ({"name": "Acme", "reason": "x" * 501}, "reason", "Ensure this field has no more than 500 characters."),
    ],
)
def test_bad_partners_are_a_400(admin_client, body, field, message):
    response = admin_client.post(PARTNERS, body, format="json")
    assert response.status_code == 400
    assert response.json()[field] == [message]
    assert not WatchlistedPartner.objects.exists()


def test_a_partner_already_listed_is_a_400(admin_client):
    admin_client.post(PARTNERS, {"name": "Acme", "country": "CN"}, format="json")
    response = admin_client.post(PARTNERS, {"name": "acme", "country": "CN"}, format="json")
    assert response.status_code == 400 and "already on the watchlist" in response.json()["name"][0]
    assert admin_client.delete(f"{PARTNERS}999999/").status_code == 404


# --- Reference prices --------------------------------------------------------------------------

def test_create_read_update_delete_a_reference_price(admin_client, risk_admin):
    created = admin_client.post(PRICES, {"hs_code": "8471", "unit": "pce", "price_vnd": "5000000", "note": "computers"}, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert {k: body[k] for k in ("hs_code", "unit", "price_vnd", "note")} == {
        "hs_code": "8471", "unit": "PCE", "price_vnd": "5000000.00", "note": "computers"}
    price_id = body["id"]

    assert admin_client.get(f"{PRICES}{price_id}/").json()["price_vnd"] == "5000000.00"
    assert admin_client.get(PRICES, {"q": "84713020"}).json()["count"] == 1  # the prefix applies to the code
    assert admin_client.get(PRICES, {"q": "85"}).json()["count"] == 0
    assert admin_client.get(PRICES, {"q": "pce"}).json()["count"] == 1

    updated = admin_client.put(f"{PRICES}{price_id}/", {"hs_code": "84713020", "unit": "PCE", "price_vnd": "7500000.5"}, format="json")
    assert updated.status_code == 200
    assert (updated.json()["hs_code"], updated.json()["price_vnd"], updated.json()["note"]) == ("84713020", "7500000.50", "")

    assert admin_client.delete(f"{PRICES}{price_id}/").status_code == 204
    assert not ReferencePrice.objects.exists()
    assert admin_client.delete(f"{PRICES}{price_id}/").status_code == 404
    events = AuditEvent.objects.filter(actor=risk_admin).order_by("id")
    assert [e.action for e in events] == ["reference_price_set", "reference_price_set", "reference_price_delete"]
    assert events[1].data["before"]["price_vnd"] == "5000000.00" and events[1].data["after"]["price_vnd"] == "7500000.50"


@pytest.mark.parametrize(
    "body, field, message",
    [
        ({"hs_code": "7700", "unit": "PCE", "price_vnd": "1000"}, "hs_code", "No tariff line starts with 7700."),
        ({"hs_code": "8", "unit": "PCE", "price_vnd": "1000"}, "hs_code", "An HS code or prefix has 2 to 8 digits."),
        ({"hs_code": "84ab", "unit": "PCE", "price_vnd": "1000"}, "hs_code", "An HS code or prefix has 2 to 8 digits."),
        ({"hs_code": "8471", "unit": "XYZ", "price_vnd": "1000"}, "unit", "XYZ is not a unit of the code list."),
        ({"hs_code": "8471", "unit": "PCE", "price_vnd": "0"}, "price_vnd", "The reference price is an amount in VND above 0."),
        ({"hs_code": "8471", "unit": "PCE", "price_vnd": "-5"}, "price_vnd", "The reference price is an amount in VND above 0."),
        ({"hs_code": "8471", "unit": "PCE", "price_vnd": "abc"}, "price_vnd", "A valid number is required."),
        ({"hs_code": "8471", "unit": "PCE"}, "price_vnd", "This field is required."),
    ],
)
def test_bad_reference_prices_are_a_400(admin_client, body, field, message):
    response = admin_client.post(PRICES, body, format="json")
    assert response.status_code == 400
    assert response.json()[field] == [message]
    assert not ReferencePrice.objects.exists()


def test_one_price_per_code_and_unit(admin_client):
    first = admin_client.post(PRICES, {"hs_code": "8471", "unit": "PCE", "price_vnd": "1000"}, format="json").json()
    second = admin_client.post(PRICES, {"hs_code": "8703", "unit": "PCE", "price_vnd": "2000"}, format="json").json()
    duplicate = admin_client.post(PRICES, {"hs_code": "8471", "unit": "PCE", "price_vnd": "3000"}, format="json")
    assert duplicate.status_code == 400
    assert duplicate.json()["hs_code"] == ["8471 already has a reference price in PCE; change that one."]
    moved_onto = admin_client.put(f"{PRICES}{second['id']}/", {"hs_code": "8471", "unit": "PCE", "price_vnd": "2000"}, format="json")
    assert moved_onto.status_code == 400
    unchanged = admin_client.put(f"{PRICES}{first['id']}/", {"hs_code": "8471", "unit": "PCE", "price_vnd": "1500"}, format="json")
    assert unchanged.status_code == 200
    assert sorted(ReferencePrice.objects.values_list("hs_code", "price_vnd")) == [
        ("8471", Decimal("1500.00")), ("8703", Decimal("2000.00"))]


@pytest.mark.parametrize("variant", ["ACME  LTD", "Acme, Ltd.", "Acm\u0435 Company Limited", "ＡＣＭＥ Co., Ltd"])
def test_a_partner_listed_under_another_spelling_is_a_400(admin_client, variant):
    """Issue 12, finding 5: "ACME LTD" and "Acme, Ltd." are one partner."""
    first = admin_client.post(PARTNERS, {"name": "ACME LTD", "country": "CN"}, format="json")
    assert first.status_code == 201
    response = admin_client.post(PARTNERS, {"name": variant, "country": "CN"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"name": ["ACME LTD (CN) is already on the watchlist."]}
    assert list(WatchlistedPartner.objects.values_list("name", "name_key")) == [("ACME LTD", "acme")]
    assert partner_on_watchlist(name=variant, country="CN")


def test_the_watchlist_is_searched_by_the_name_key_too(admin_client):
    admin_client.post(PARTNERS, {"name": "ACME LTD", "country": "CN"}, format="json")
    admin_client.post(PARTNERS, {"name": "Other Partner", "country": "KR"}, format="json")
    for q in ("acme", "Acm\u0435, Ltd.", "ＡＣＭＥ", "cn"):
        assert [p["name"] for p in admin_client.get(PARTNERS, {"q": q}).json()["results"]] == ["ACME LTD"], q
