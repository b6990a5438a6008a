"""Hit rates of rules and of the random selection, on declarations checked through the services:
checks with a result are counted (cleared, rejected, inspected), open and cancelled ones are not;
a discrepancy is an inspection that found one, or a rejection. The page and the API read the same."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from declarations.models import Declaration
from declarations.services.review import declaration_cancel, declaration_decide
from risk.models import Assessment, RiskSettings
from risk.selectors.hit_rates import hit_rates
from risk.services.assessment import risk_assess
from risk.services.rules import risk_rule_create
from tests.factories import random_selection_off, registered
from tests.payloads import import_body, plain_import_body
from tests.support import client_for, html_of

pytestmark = pytest.mark.django_db

KEYBOARDS = {"name": "Keyboards", "name_en": "Keyboards", "conditions": [{"field": "items.hs_code", "op": "startswith", "value": "847160"}],
             "score": 0, "min_channel": "yellow", "active": True}
KOREA = {"name": "Partners in Korea", "conditions": [{"field": "partner.country", "op": "eq", "value": "KR"}],
         "score": 0, "min_channel": "red", "active": True}
UNUSED = {"name": "Never fires", "conditions": [{"field": "partner.country", "op": "eq", "value": "AQ"}],
          "score": 0, "min_channel": "red", "active": True}


def assessed(user, body) -> Declaration:
    declaration = registered(user, body)
    risk_assess(declaration_id=declaration.pk)
    return Declaration.objects.get(pk=declaration.pk)


def decide(declaration, officer, action, **fields):
    declaration_decide(declaration_id=declaration.pk, officer=officer, action=action, **fields)


@pytest.fixture
def checked(trader1, officer, risk_admin):
    """Four yellow checks by the keyboards rule with a result (cleared, rejected, escalated and inspected
    with a discrepancy, and a red one of both rules inspected without), one still open, one cancelled;
    two random selections (cleared, rejected)."""
    random_selection_off()
    keyboards = risk_rule_create(user=risk_admin, data=KEYBOARDS)
    korea = risk_rule_create(user=risk_admin, data=KOREA)
    unused = risk_rule_create(user=risk_admin, data=UNUSED)
    cleared, rejected, inspected, still_open, cancelled = (assessed(trader1, plain_import_body()) for _ in range(5))
    assert {d.channel for d in (cleared, rejected, inspected, still_open, cancelled)} == {"yellow"}
    decide(cleared, officer, "release", note="Documents in order.")
    decide(rejected, officer, "reject", reason="The invoice is forged.")
    decide(inspected, officer, "escalate", note="Seals broken.")
    decide(inspected, officer, "record_inspection", discrepancy=True, findings="300 keyboards, not 200.")
    declaration_cancel(declaration_id=cancelled.pk, user=officer, reason="Filed twice.")
    korean = assessed(trader1, plain_import_body(partner={"name": "Busan Trading", "address": "1 Busan", "country": "KR"}))
    assert korean.channel == "red"
    decide(korean, officer, "record_inspection", discrepancy=False)
    RiskSettings.objects.filter(pk=1).update(random_yellow_rate=1)
    random_cleared, random_rejected = assessed(trader1, import_body()), assessed(trader1, import_body())
    assert Assessment.objects.filter(declaration__in=[random_cleared, random_rejected], random_selection=True).count() == 2
    decide(random_cleared, officer, "release")
    decide(random_rejected, officer, "reject", reason="Oranges were apples.")
    return {"keyboards": keyboards, "korea": korea, "unused": unused, "cleared": cleared}


def today():
    return timezone.localdate()


def test_counts_and_rates(checked):
    rates = hit_rates(date_from=today() - timedelta(days=90), date_to=today())
    keyboards = rates.of_rule(checked["keyboards"].pk)
    assert (keyboards.checked, keyboards.found, keyboards.rate, keyboards.percent) == (4, 2, Decimal("0.5000"), Decimal("50.0"))
    korea = rates.of_rule(checked["korea"].pk)
    assert (korea.checked, korea.found, korea.rate) == (1, 0, Decimal("0.0000"))
    unused = rates.of_rule(checked["unused"].pk)
    assert (unused.checked, unused.found, unused.rate) == (0, 0, None)
    assert (rates.random_selection.checked, rates.random_selection.found) == (2, 1)


def test_the_period_is_that_of_the_assessment(checked):
    Assessment.objects.filter(declaration=checked["cleared"]).update(created_at=timezone.now() - timedelta(days=100))
    recent = hit_rates(date_from=today() - timedelta(days=90), date_to=today())
    assert (recent.of_rule(checked["keyboards"].pk).checked, recent.of_rule(checked["keyboards"].pk).found) == (3, 2)
    old = hit_rates(date_from=today() - timedelta(days=101), date_to=today() - timedelta(days=99))
    assert (old.of_rule(checked["keyboards"].pk).checked, old.random_selection.checked) == (1, 0)


def test_one_query(checked, django_assert_num_queries):
    with django_assert_num_queries(1):
        hit_rates(date_from=today() - timedelta(days=90), date_to=today())


def test_the_api(checked, risk_admin, api_client_for):
    response = api_client_for(risk_admin).get("/api/v1/risk/rules/hit-rates/")
    assert response.status_code == 200
    body = response.json()
    assert (body["date_from"], body["date_to"]) == (str(today() - timedelta(days=90)), str(today()))
    assert body["random_selection"] == {"checked": 2, "found": 1, "hit_rate": "0.5000"}
    by_rule = {entry["rule"]: entry for entry in body["rules"]}
    assert by_rule[checked["keyboards"].pk] == {"rule": checked["keyboards"].pk, "name": "Keyboards", "active": True,
                                                "checked": 4, "found": 2, "hit_rate": "0.5000"}
    assert by_rule[checked["unused"].pk]["hit_rate"] is None
    later = api_client_for(risk_admin).get("/api/v1/risk/rules/hit-rates/", {"from": str(today() + timedelta(days=1)),
                                                                             "to": str(today() + timedelta(days=2))})
    assert later.json()["random_selection"] == {"checked": 0, "found": 0, "hit_rate": None}


@pytest.mark.parametrize("query, field", [({"from": "yesterday"}, "from"), ({"from": "2026-05-02", "to": "2026-05-01"}, "to"),
                                          ({"from": "2020-01-01", "to": "2026-01-01"}, "from")])
def test_the_api_refuses_a_bad_period(risk_admin, api_client_for, query, field):
    response = api_client_for(risk_admin).get("/api/v1/risk/rules/hit-rates/", query)
    assert response.status_code == 400
    assert field in response.json()


def test_the_rule_list_shows_them(checked, risk_admin):
    html = html_of(client_for(risk_admin).get(reverse("risk:rule-list")))
    row = html[html.index(f'data-rule-id="{checked["keyboards"].pk}"'):]
    row = row[:row.index("</tr>")]
    assert '<td class="text-end" data-checked>4</td>' in row and '<td class="text-end" data-found>2</td>' in row
    assert "50.0 %" in row
    random_row = html[html.index('id="random-hit-rate"'):]
    assert "50.0 %" in random_row[:random_row.index("</tr>")]


def test_the_rule_list_in_vietnamese_with_a_bad_period(checked, risk_admin):
    html = html_of(client_for(risk_admin, "vi").get(reverse("risk:rule-list"), {"from": "2026-05-02", "to": "2026-05-01"}))
    assert "Tỷ lệ phát hiện" in html
    assert "Ngày kết thúc của kỳ ở trước ngày bắt đầu." in html


def test_the_rule_list_period_is_typed_and_shown_dd_mm_yyyy(checked, risk_admin):
    """Dates on pages are dd/mm/yyyy whatever the browser's language: a text input, not the browser's own."""
    html = html_of(client_for(risk_admin, "vi").get(reverse("risk:rule-list"), {"from": "02/05/2026", "to": "31/12/2026"}))
    assert 'id="hit-from" name="from" value="02/05/2026"' in html and 'id="hit-to" name="to" value="31/12/2026"' in html
    assert 'type="date"' not in html
    html = html_of(client_for(risk_admin, "vi").get(reverse("risk:rule-list"), {"from": "31/02/2026"}))
    assert 'value="31/02/2026"' in html and "is-invalid" in html
