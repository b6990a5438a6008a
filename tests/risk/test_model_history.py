"""The portal's own history for the learned model (risk/selectors/model_history.py), on declarations
checked through the services: the label of each (a concluded yellow or red check: found or not;
anything else unlabelled) and each goods item as the model's row."""
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from declarations.models import Declaration, GoodsItem
from declarations.services.review import declaration_cancel, declaration_decide
from risk.learned.rows import HistoryRow
from risk.selectors import declaration_items_for_facts
from risk.selectors.model_history import model_history_rows, portal_history_rows, portal_labels, portal_row
from risk.services.assessment import risk_assess
from risk.services.rules import risk_rule_create
from tests.factories import draft_of, random_selection_off, registered
from tests.payloads import import_body, plain_import_body

pytestmark = pytest.mark.django_db

KEYBOARDS = {"name": "Keyboards", "conditions": [{"field": "items.hs_code", "op": "startswith", "value": "847160"}],
             "score": 0, "min_channel": "yellow", "active": True}
KOREA = {"name": "Partners in Korea", "conditions": [{"field": "partner.country", "op": "eq", "value": "KR"}],
         "score": 0, "min_channel": "red", "active": True}
KOREAN_PARTNER = {"name": "Busan Trading", "address": "1 Busan", "country": "KR"}


def assessed(user, body) -> Declaration:
    declaration = registered(user, body)
    risk_assess(declaration_id=declaration.pk)
    return Declaration.objects.get(pk=declaration.pk)


@pytest.fixture
def checked(trader1, officer, risk_admin):
    """Yellow checks concluded each way (cleared, rejected, inspected with a discrepancy), a red one
    inspected without, one still open, one cancelled, and a green declaration cleared without a check."""
    random_selection_off()
    risk_rule_create(user=risk_admin, data=KEYBOARDS)
    risk_rule_create(user=risk_admin, data=KOREA)
    cleared, rejected, inspected, still_open, cancelled = (assessed(trader1, plain_import_body()) for _ in range(5))
    assert {d.channel for d in (cleared, rejected, inspected, still_open, cancelled)} == {"yellow"}
    declaration_decide(declaration_id=cleared.pk, officer=officer, action="release", note="Documents in order.")
    declaration_decide(declaration_id=rejected.pk, officer=officer, action="reject", reason="The invoice is forged.")
    declaration_decide(declaration_id=inspected.pk, officer=officer, action="escalate", note="Seals broken.")
    declaration_decide(declaration_id=inspected.pk, officer=officer, action="record_inspection", discrepancy=True,
                       findings="300 keyboards, not 200.")
    declaration_cancel(declaration_id=cancelled.pk, user=officer, reason="Filed twice.")
    red = assessed(trader1, plain_import_body(partner=KOREAN_PARTNER))
    assert red.channel == "red"
    declaration_decide(declaration_id=red.pk, officer=officer, action="record_inspection", discrepancy=False)
    green = assessed(trader1, import_body())
    assert (green.channel, green.status) == ("green", "assessed")  # cleared by the system, awaiting payment
    return {"cleared": cleared, "rejected": rejected, "inspected": inspected, "still_open": still_open,
            "cancelled": cancelled, "red": red, "green": green}


def test_labels_come_from_concluded_checks_only(checked):
    ids = {name: d.pk for name, d in checked.items()}
    assert portal_labels() == {ids["cleared"]: False, ids["rejected"]: True, ids["inspected"]: True, ids["red"]: False}
    assert portal_labels(declaration_ids=[ids["rejected"], ids["red"], ids["green"]]) == {ids["rejected"]: True, ids["red"]: False}
    assert portal_labels(declaration_ids=[]) == {}


def test_every_item_of_a_registered_declaration_is_a_row_with_its_declarations_label(checked, trader1):
    draft_of(trader1)
    rows = portal_history_rows()
    by_declaration = {}
    for row in rows:
        by_declaration.setdefault(int(row.key.split(":")[0]), []).append(row)
    assert set(by_declaration) == {d.pk for d in checked.values()}  # the draft is not history; cancelled is
    labels = {"cleared": False, "rejected": True, "inspected": True, "red": False,
              "still_open": None, "cancelled": None, "green": None}
    for name, label in labels.items():
        declaration = checked[name]
        assert [(r.key, r.fraud) for r in by_declaration[declaration.pk]] == [
            (f"{declaration.pk}:{line}", label) for line in (1, 2)], name
    assert model_history_rows() == rows  # no outside source asked for


SHIRTS_AND_ORANGES = [
    {"hs_code": "61091010", "description": "Men's cotton T-shirts", "origin_country": "CN",
     "quantity": "1000", "unit": "PCE", "unit_price": "3.00", "preference": "MFN"},
    {"hs_code": "08051010", "description": "Fresh oranges", "origin_country": "TH",
     "quantity": "1000", "unit": "KGM", "unit_price": "1.50", "preference": "MFN"},
]


def shirts_and_oranges(**overrides) -> dict:
    body = import_body(items=SHIRTS_AND_ORANGES, **overrides)
    body["invoice"] = {**body["invoice"], "total": "4500.00"}
    return body


def test_a_goods_item_as_the_models_row(trader1):
    declaration = registered(trader1, shirts_and_oranges(
        port_of_loading="HKHKG", partner={"name": "  Shenzhen   Example CO. ", "address": "1 Nanshan Road", "country": "CN"}))
    # 18:30 UTC on 1 March is 01:30 on 2 March in Vietnam: the row's date is the Vietnamese one.
    Declaration.objects.filter(pk=declaration.pk).update(registered_at=datetime(2026, 3, 1, 18, 30, tzinfo=UTC))
    shirts, oranges = GoodsItem.objects.filter(declaration=declaration).order_by("line_no")
    shirts_duty = Decimal(shirts.rates["import_duty"]["rate"])
    assert shirts_duty > 0 and oranges.taxable_value > 0

    rows = portal_history_rows()
    assert rows == [
        HistoryRow(source="portal", key=f"{declaration.pk}:1", declared_on=date(2026, 3, 2), office="03CE",
                   transport_mode="sea", importer="portal:importer:0109876500",
                   declarant=f"portal:declarant:{trader1.pk}", seller="portal:seller:CN:shenzhen example co.",
                   courier="", hs6="610910", origin_country="CN", departure_country="HK", tax_rate=float(shirts_duty),
                   tax_type="MFN", net_mass=1000.0, item_price=float(shirts.taxable_value), currency="VND",
                   import_type="A11", unit="PCE", fraud=None),
        HistoryRow(source="portal", key=f"{declaration.pk}:2", declared_on=date(2026, 3, 2), office="03CE",
                   transport_mode="sea", importer="portal:importer:0109876500",
                   declarant=f"portal:declarant:{trader1.pk}", seller="portal:seller:CN:shenzhen example co.",
                   courier="", hs6="080510", origin_country="TH", departure_country="HK",
                   tax_rate=float(Decimal(oranges.rates["import_duty"]["rate"])), tax_type="MFN", net_mass=1000.0,
                   item_price=float(oranges.taxable_value), currency="VND", import_type="A11", unit="KGM", fraud=None),
    ]
    assert portal_history_rows(until=date(2026, 3, 1)) == []
    assert len(portal_history_rows(until=date(2026, 3, 2))) == 2


def test_the_engine_scores_the_same_row_the_model_learns_from(trader1, django_assert_num_queries):
    """The assessment's items (declaration_items_for_facts) give the row of the history, with no query
    of its own: the model is scored on what it was trained on."""
    declaration = registered(trader1, shirts_and_oranges())
    declaration = Declaration.objects.select_related("enterprise").get(pk=declaration.pk)
    items = declaration_items_for_facts(declaration_id=declaration.pk)
    with django_assert_num_queries(0):
        rows = [portal_row(declaration, item) for item in items]
    assert rows == portal_history_rows()
    assert {row.currency for row in rows} == {"VND"}
