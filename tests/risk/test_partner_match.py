"""Watchlisted partners are matched by their normalised key, and names that come close reach an
officer (issue 12, finding 5: a watchlisted partner passed green with a double space, a trailing
full stop or a Cyrillic "е" in its name)."""
import importlib
from decimal import Decimal

import pytest
from django.apps import apps

from customs_portal.errors import DomainValidationError
from declarations.models import Declaration
from risk.models import WatchlistedPartner
from risk.services.assessment import risk_assess
from risk.services.defaults import risk_defaults_seed
from risk.services.facts import declaration_facts, partner_on_watchlist
from risk.services.partner_match import SIMILARITY_FLOOR, partner_watchlist_match
from risk.services.watchlists import (
    watchlisted_partner_add,
    watchlisted_partner_deactivate,
)
from tests.factories import random_selection_off, registered
from tests.payloads import plain_import_body

pytestmark = pytest.mark.django_db

LISTED = "Harbor Lantern Trading Ltd"
NEAR_MISS = "Harbor Lantern Tradimg Ltd"  # one letter changed: key 20 letters, Indel distance 2 → 95.0
DODGES = [
    "Harbor  Lantern Trading Ltd",  # a double space
    "Harbor Lantern Trading Ltd.",  # a trailing full stop
    "Harbor Lant\u0435rn Trading Ltd",  # a Cyrillic "е"
    "HARBOR LANTERN TRADING LTD",  # case
    "harbor lantern trading ltd",
    "Ｈａｒｂｏｒ Ｌａｎｔｅｒｎ Ｔｒａｄｉｎｇ Ｌｔｄ",  # full-width letters (NFKC)
    "Harbor Lantern Trading Co., Ltd",  # another legal form
    "Harbor Lantern Trading Company Limited",
]


@pytest.fixture
def listed(risk_admin):
    return watchlisted_partner_add(user=risk_admin, name=LISTED, country="CN", reason="tip-off")


@pytest.fixture
def defaults(db):
    random_selection_off()
    risk_defaults_seed()


def assessed_with_partner(user, name: str, country: str = "CN"):
    body = plain_import_body(partner={"name": name, "address": "12 Futian Road, Shenzhen", "country": country})
    return risk_assess(declaration_id=registered(user, body).pk)


# --- Exact match on the key --------------------------------------------------------------------

@pytest.mark.parametrize("dodge", DODGES)
def test_each_dodge_is_on_the_watchlist(listed, dodge):
    assert partner_on_watchlist(name=dodge, country="CN")


def test_co_ltd_and_company_limited_are_one_partner(risk_admin):
    watchlisted_partner_add(user=risk_admin, name="Golden Dragon Trading Co., Ltd", country="HK")
    assert partner_on_watchlist(name="Golden Dragon Trading Company Limited", country="HK")
    assert partner_on_watchlist(name="GOLDEN DRAGON TRADING LIMITED", country="HK")


def test_vietnamese_legal_forms_and_diacritics(risk_admin):
    watchlisted_partner_add(user=risk_admin, name="Công ty TNHH Thương mại Hòa Phát", country="")
    assert partner_on_watchlist(name="CONG TY TNHH MTV THUONG MAI HOA PHAT", country="LA")
    assert partner_on_watchlist(name="Thương Mại Hoà Phát Co., Ltd", country="KH")


@pytest.mark.parametrize("dodge", DODGES[:3])
def test_a_dodged_name_goes_red_with_the_listed_partner_in_the_explanation(trader1, listed, defaults, dodge):
    assessment = assessed_with_partner(trader1, dodge)
    fired = {rule["name_en"]: rule for rule in assessment.fired_rules}
    assert assessment.channel == "red"
    assert set(fired) == {"Watchlisted partner"}  # the near-miss rule is for names that are not listed
    assert fired["Watchlisted partner"]["reason"] == [{
        "field": "partner.on_watchlist", "op": "eq", "value": True, "actual": True,
        "watchlisted_partner": {"id": listed.pk, "name": LISTED, "country": "CN", "similarity": "100"}}]


def test_the_country_must_match_unless_the_partner_is_listed_for_any_country(risk_admin, listed):
    assert not partner_on_watchlist(name=LISTED, country="JP")
    assert partner_watchlist_match(name=NEAR_MISS, country="JP") is None
    anywhere = watchlisted_partner_add(user=risk_admin, name="Global Sourcing Partners", country="")
    match = partner_watchlist_match(name="Global Sourcing Partner", country="JP")
    assert (match.partner.id, match.exact, match.similarity) == (anywhere.pk, False, Decimal("97.7"))


# --- Near-misses -------------------------------------------------------------------------------

def test_a_near_miss_is_flagged_with_its_similarity(trader1, listed):
    declaration = Declaration.objects.get(pk=registered(trader1, plain_import_body(
        partner={"name": NEAR_MISS, "address": "Shenzhen", "country": "CN"})).pk)
    facts = declaration_facts(declaration=declaration)
    assert facts.header["partner.on_watchlist"] is False
    assert facts.header["partner.watchlist_similarity"] == Decimal("95.0")
    assert facts.details == {"partner.watchlist_similarity": {"watchlisted_partner": {
        "id": listed.pk, "name": LISTED, "country": "CN", "similarity": "95.0"}}}


def test_a_near_miss_goes_yellow_under_the_seeded_rule(trader1, listed, defaults):
    assessment = assessed_with_partner(trader1, NEAR_MISS)
    assert (assessment.channel, assessment.score) == ("yellow", 20)
    [fired] = assessment.fired_rules
    assert (fired["name_en"], fired["min_channel"]) == ("Partner name close to a watchlisted partner", "yellow")
    assert fired["reason"] == [
        {"field": "partner.on_watchlist", "op": "eq", "value": False, "actual": False},
        {"field": "partner.watchlist_similarity", "op": "gte", "value": "90", "actual": "95.0",
         "watchlisted_partner": {"id": listed.pk, "name": LISTED, "country": "CN", "similarity": "95.0"}},
    ]


@pytest.mark.parametrize("name, similarity", [
    ("Quiet Meadow Bakery Supplies Ltd", 0), ("Shenzhen Example Co.", 0), ("Harbor Logistics", 0),
    ("Lantern Trading", Decimal("82.4")),  # a part of the name: close, not a near-miss
])
def test_unrelated_names_are_not_flagged(trader1, listed, defaults, name, similarity):
    match = partner_watchlist_match(name=name, country="CN")
    assert (match.similarity if match else 0) == similarity
    assessment = assessed_with_partner(trader1, name)
    assert (assessment.channel, assessment.fired_rules) == ("green", [])


def test_similarities_under_the_floor_are_not_measured(listed):
    assert SIMILARITY_FLOOR == 70
    assert partner_watchlist_match(name="Harbor Lantern", country="CN").similarity == Decimal("78.8")  # 13 of 20 letters
    assert partner_watchlist_match(name="Harbor Lamp", country="CN") is None  # 53.3


def test_the_similarity_follows_changes_to_the_watchlist_without_reading_it_each_time(
        risk_admin, listed, django_assert_num_queries):
    assert partner_watchlist_match(name=NEAR_MISS, country="CN").partner.id == listed.pk
    with django_assert_num_queries(2):  # the exact look-up and the watchlist's newest change
        assert partner_watchlist_match(name=NEAR_MISS, country="CN").similarity == Decimal("95.0")
    watchlisted_partner_deactivate(partner=listed, user=risk_admin)
    assert partner_watchlist_match(name=NEAR_MISS, country="CN") is None
    closer = watchlisted_partner_add(user=risk_admin, name="Harbor Lantern Tradimg Limited", country="CN")
    match = partner_watchlist_match(name=NEAR_MISS, country="CN")
    assert (match.partner.id, match.exact) == (closer.pk, True)
    again = watchlisted_partner_add(user=risk_admin, name=LISTED, country="CN")  # reactivated
    assert again.pk == listed.pk
    assert partner_watchlist_match(name="Harbor Lantern Tradinh", country="CN").partner.id == listed.pk


# --- Listing -----------------------------------------------------------------------------------

@pytest.mark.parametrize("variant", DODGES)
def test_listing_the_same_partner_under_a_variant_name_is_refused(risk_admin, listed, variant):
    with pytest.raises(DomainValidationError) as refused:
        watchlisted_partner_add(user=risk_admin, name=variant, country="CN")
    assert refused.value.errors == {"name": [f"{LISTED} (CN) is already on the watchlist."]}
    assert list(WatchlistedPartner.objects.values_list("name", "name_key", "active")) == [
        (LISTED, "harborlanterntrading", True)]


def test_a_variant_in_another_country_is_another_entry(risk_admin, listed):
    other = watchlisted_partner_add(user=risk_admin, name="HARBOR LANTERN TRADING LTD.", country="VN")
    assert other.pk != listed.pk and other.name_key == listed.name_key


def test_the_migration_keys_existing_entries_and_keeps_one_active_per_key(db):
    rows = [WatchlistedPartner.objects.create(name=name, name_key=f"legacy {n}", country=country, active=active)
            for n, (name, country, active) in enumerate([
                ("ACME LTD", "CN", True), ("Acme, Ltd.", "CN", True), ("Acmе Company Limited", "CN", False),
                ("Acme Ltd", "KR", True), ("Other Partner", "", True)])]
    migration = importlib.import_module("risk.migrations.0003_watchlist_name_key")
    migration.name_keys_compute(apps, None)
    assert [WatchlistedPartner.objects.values_list("name_key", "country", "active").get(pk=row.pk) for row in rows] == [
        ("acme", "CN", True), ("acme", "CN", False), ("acme", "CN", False), ("acme", "KR", True), ("otherpartner", "", True)]
