"""The risk administration forms read numbers and dates as people type them (risk/forms/ with
customs_portal/form_fields.py), through HTTP, and show stored values back the same way."""
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from risk.models import ReferencePrice, RiskChange, RiskRule, RiskSettings
from risk.services.backtest import backtest_execute
from risk.services.changes import risk_change_confirm
from tests.support import client_for

pytestmark = pytest.mark.django_db


def rule_post(**overrides) -> dict:
    data = {
        "name_en": "Large invoices", "description_en": "", "score": "1.000", "min_channel": "",
        "valid_from": "05/03/2026", "valid_to": "31/12/2026", "change_note": "",
        "cond-0-field": "invoice.total", "cond-0-op": "gt", "cond-0-value": "1.234.567,5",
        "cond-1-field": "item_count", "cond-1-op": "in", "cond-1-value": "1; 2,5; 3",
    }
    return {**data, **overrides}


def test_settings_take_vietnamese_numbers(risk_admin):
    response = client_for(risk_admin, "vi").post(reverse("risk:settings"), {
        "yellow_threshold": "1.000", "red_threshold": "2.000", "random_yellow_percent": "2,5", "random_red_percent": "0,75"})
    assert response.status_code == 302
    change = RiskChange.objects.get()  # shown first, applied once confirmed
    assert change.values == {"yellow_threshold": 1000, "red_threshold": 2000, "random_yellow_rate": "0.0250",
                             "random_red_rate": "0.0075"}
    backtest_execute(run_id=change.preview_id)
    risk_change_confirm(change_id=change.pk, user=risk_admin)
    settings = RiskSettings.objects.get(pk=1)
    assert (settings.yellow_threshold, settings.red_threshold, settings.random_yellow_rate, settings.random_red_rate) == (
        1000, 2000, Decimal("0.0250"), Decimal("0.0075"))
    html = client_for(risk_admin, "vi").get(reverse("risk:settings")).content.decode()
    assert 'name="random_yellow_percent" value="2,5"' in html
    assert 'name="yellow_threshold" value="1.000"' in html
    assert 'type="number"' not in html


def test_settings_refuse_what_cannot_be_read(risk_admin):
    response = client_for(risk_admin, "vi").post(reverse("risk:settings"), {
        "yellow_threshold": "30", "red_threshold": "70,5", "random_yellow_percent": "2,5,5", "random_red_percent": "1"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["random_yellow_percent"] == ["Hãy nhập một số, ví dụ 1.234,56."]
    assert errors["red_threshold"] == ["Hãy nhập một số nguyên."]
    assert 'value="2,5,5"' in response.content.decode()


def test_a_reference_price_typed_the_vietnamese_way(risk_admin):
    response = client_for(risk_admin, "vi").post(reverse("risk:reference-price-list"), {
        "hs_code": "8471", "unit": "PCE", "price_vnd": "5.000.000,5", "note": ""})
    assert response.status_code == 302
    price = ReferencePrice.objects.get(hs_code="8471")
    assert price.price_vnd == Decimal("5000000.50")
    html = client_for(risk_admin, "vi").get(reverse("risk:reference-price-edit", args=[price.pk])).content.decode()
    assert 'value="5.000.000,50"' in html


def test_a_rule_with_vietnamese_numbers_and_dd_mm_yyyy_dates(risk_admin):
    response = client_for(risk_admin, "vi").post(reverse("risk:rule-create"), rule_post())
    assert response.status_code == 302, response.context["form"].summary
    version = RiskRule.objects.get().current
    assert version.score == 1000
    assert (version.valid_from, version.valid_to) == (date(2026, 3, 5), date(2026, 12, 31))
    assert version.conditions == [{"field": "invoice.total", "op": "gt", "value": "1234567.5"},
                                  {"field": "item_count", "op": "in", "value": ["1", "2.5", "3"]}]
    for language, total, listed, day in (("vi", "1.234.567,5", "1; 2,5; 3", "05/03/2026"),
                                         ("en", "1,234,567.5", "1; 2.5; 3", "05/03/2026")):
        html = client_for(risk_admin, language).get(reverse("risk:rule-edit", args=[version.rule_id])).content.decode()
        assert f'name="cond-0-value" value="{total}"' in html
        assert f'name="cond-1-value" value="{listed}"' in html
        assert f'name="valid_from" value="{day}"' in html
        detail = client_for(risk_admin, language).get(reverse("risk:rule-detail", args=[version.rule_id])).content.decode()
        assert total in detail


def test_a_rule_condition_that_is_no_number_is_pointed_out(risk_admin):
    response = client_for(risk_admin, "en").post(reverse("risk:rule-create"), rule_post(**{"cond-1-value": "1,2,3"}))
    assert response.status_code == 200
    assert response.context["form"].rows[1].errors == ["Type a number, for example 1,234.56."]
    assert not RiskRule.objects.exists()


def test_an_unreadable_date_is_refused(risk_admin):
    response = client_for(risk_admin, "en").post(reverse("risk:rule-create"), rule_post(valid_from="03/31/2026"))
    assert response.context["form"].errors["valid_from"] == ["Type the date as dd/mm/yyyy, for example 25/03/2026."]
    assert not RiskRule.objects.exists()


def test_backtest_dates_are_dd_mm_yyyy(risk_admin):
    html = client_for(risk_admin, "en").get(reverse("risk:backtest")).content.decode()
    assert 'name="date_from"' in html and 'data-date' in html and 'type="date"' not in html
