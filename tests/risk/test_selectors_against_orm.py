"""The selectors of risk/selectors.py that run compiled SQL (customs_portal.prepared) or raw SQL, read
on every assessment, return what the ORM returns."""
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Max
from django.test.utils import CaptureQueriesContext

from declarations.api.serializers import DeclarationWriteSerializer
from declarations.models import GoodsItem
from declarations.services.declarations import declaration_create, declaration_submit
from risk.models import Assessment, ReferencePrice, RiskRuleVersion, RiskSettings, WatchlistChange, WatchlistedPartner
from risk.selectors import (
    ITEM_FIELDS,
    assessment_of_version,
    declaration_items_for_facts,
    items_for_facts,
    reference_prices_for,
    risk_settings_stored,
    rule_set_key,
    watchlist_key,
    watchlisted_partner_listed,
)
from risk.services.assessment import risk_assess
from risk.services.rules import risk_rule_create
from risk.services.watchlists import watchlisted_partner_add, watchlisted_partner_deactivate
from tests.payloads import import_body


def _fields(instance) -> dict:
    """The concrete fields the instance has loaded (deferred ones are not read, so not queried)."""
    deferred = instance.get_deferred_fields()
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields
            if field.attname not in deferred}


@pytest.fixture
def registered(trader1):
    serializer = DeclarationWriteSerializer(data=import_body())
    serializer.is_valid(raise_exception=True)
    declaration = declaration_create(user=trader1, data=serializer.validated_data)
    return declaration_submit(declaration_id=declaration.pk, user=trader1)


def test_the_items_for_the_facts_equal_the_orms_and_load_only_what_the_engine_reads(registered):
    got = declaration_items_for_facts(declaration_id=registered.pk)
    expected = list(items_for_facts(GoodsItem.objects.filter(declaration_id=registered.pk)))
    assert [_fields(item) for item in got] == [_fields(item) for item in expected]
    assert [item.line_no for item in got] == [1, 2]
    assert got[0].get_deferred_fields() == expected[0].get_deferred_fields() and "rates" in got[0].get_deferred_fields()
    # The learned model's row reads the import duty's rate alone, annotated, not the rates' JSON.
    assert [item.duty_rate for item in got] == [(item.rates.get("import_duty") or {}).get("rate") for item in expected]
    with CaptureQueriesContext(connection) as queries:
        procedures = [item.tariff_line.specialised_procedures for item in got]
    assert not queries
    assert procedures == [item.tariff_line.specialised_procedures for item in expected]
    assert {"hs_code", "unit_price", "tariff_line"} <= set(ITEM_FIELDS)


def test_the_stored_settings_are_the_orms_and_none_before_the_first(db):
    RiskSettings.objects.filter(pk=1).delete()
    assert risk_settings_stored() is None
    stored = RiskSettings.objects.create(pk=1, red_threshold=65)
    got = risk_settings_stored()
    assert _fields(got) == _fields(RiskSettings.objects.get(pk=1)) and got.red_threshold == 65 == stored.red_threshold


def test_the_assessment_of_a_version_is_the_orms(registered):
    assessment = risk_assess(declaration_id=registered.pk)
    got = assessment_of_version(declaration_id=registered.pk, version=registered.version)
    expected = Assessment.objects.get(declaration_id=registered.pk, declaration_version=registered.version)
    assert got.pk == assessment.pk and _fields(got) == _fields(expected)
    assert assessment_of_version(declaration_id=registered.pk, version=registered.version + 1) is None


def test_the_rule_set_key_is_the_newest_rule_version(risk_admin):
    before = rule_set_key()
    assert before == (RiskRuleVersion.objects.aggregate(newest=Max("id"))["newest"] or 0)
    risk_rule_create(user=risk_admin, data={
        "name": "Computers", "conditions": [{"field": "items.hs_code", "op": "startswith", "value": "8471"}], "score": 10})
    assert rule_set_key() == RiskRuleVersion.objects.aggregate(newest=Max("id"))["newest"] > before


def test_the_watchlist_key_moves_with_each_change(risk_admin):
    assert watchlist_key() == (WatchlistChange.objects.aggregate(newest=Max("id"))["newest"] or 0)
    partner = watchlisted_partner_add(user=risk_admin, name="Shady Trading Co", country="CN")
    added = watchlist_key()
    assert added == WatchlistChange.objects.aggregate(newest=Max("id"))["newest"]
    watchlisted_partner_deactivate(partner=partner, user=risk_admin)
    assert watchlist_key() > added


def test_the_listed_partner_is_the_orms_the_countrys_own_first(risk_admin):
    anywhere = watchlisted_partner_add(user=risk_admin, name="Shady Trading Co", country="")
    in_china = watchlisted_partner_add(user=risk_admin, name="Shady Trading Co", country="CN")
    key = in_china.name_key
    for country, expected in (("CN", in_china), ("VN", anywhere), ("", anywhere)):
        got = watchlisted_partner_listed(name_key=key, country=country)
        assert (got.pk, got.name, got.country) == (expected.pk, expected.name, expected.country)
        orm = (WatchlistedPartner.objects.filter(name_key=key, active=True, country__in=["", country])
               .order_by("-country", "id").first())
        assert orm.pk == got.pk
    watchlisted_partner_deactivate(partner=in_china, user=risk_admin)
    assert watchlisted_partner_listed(name_key=key, country="CN").pk == anywhere.pk
    assert watchlisted_partner_listed(name_key=key + "x", country="CN") is None


def test_the_reference_prices_are_the_orms(db):
    for hs_code, unit, price in (("84", "PCE", "1000"), ("8471", "PCE", "2000000"), ("8471", "KGM", "30"),
                                 ("0805", "KGM", "25000"), ("0805", "PCE", "1")):
        ReferencePrice.objects.update_or_create(hs_code=hs_code, unit_id=unit, defaults={"price_vnd": Decimal(price)})
    prefixes, units = ["84", "847", "8471", "0805"], ["PCE"]
    got = reference_prices_for(hs_prefixes=prefixes, units=units)
    expected = {(p.hs_code, p.unit_id): p.price_vnd
                for p in ReferencePrice.objects.filter(hs_code__in=prefixes, unit_id__in=units)}
    assert got == expected
    assert got[("8471", "PCE")] == Decimal("2000000") and ("8471", "KGM") not in got
    assert reference_prices_for(hs_prefixes=[], units=[]) == {}
