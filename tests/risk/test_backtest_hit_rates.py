"""Hit rates in the backtest (risk/services/backtest_hit_rates.py, risk/selectors/hit_rates.py::past_checks):
for each rule of a side, the past checks with a result of the declarations it fires on, physical
inspections and document checks apart, and how many found a discrepancy; the same for the random
selection. Hand-built declarations with known outcomes, decided through the services."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from declarations.models import Declaration
from declarations.services.review import declaration_decide
from risk.models import Assessment, BacktestRun, RiskSettings
from risk.selectors.hit_rates import DOCUMENT, PHYSICAL, PastCheck, past_checks
from risk.services.assessment import risk_assess
from risk.services.backtest import backtest_execute, backtest_run_create, backtest_start
from risk.services.rules import risk_rule_create
from tests.factories import random_selection_off, registered
from tests.payloads import import_body, plain_import_body

pytestmark = pytest.mark.django_db

KEYBOARDS = {"name": "Keyboards", "conditions": [{"field": "items.hs_code", "op": "startswith", "value": "847160"}],
             "score": 0, "min_channel": "yellow"}
KOREA = {"name": "Partners in Korea", "conditions": [{"field": "partner.country", "op": "eq", "value": "KR"}],
         "score": 0, "min_channel": "red"}
KOREAN_PARTNER = {"name": "Busan Trading", "address": "1 Busan", "country": "KR"}


def assessed(user, body) -> Declaration:
    declaration = registered(user, body)
    risk_assess(declaration_id=declaration.pk)
    return Declaration.objects.get(pk=declaration.pk)


def decide(declaration, officer, action, **fields):
    declaration_decide(declaration_id=declaration.pk, officer=officer, action=action, **fields)


@pytest.fixture
def history(trader1, officer, risk_admin):
    """Keyboards (yellow): cleared, rejected, escalated and inspected with a discrepancy, still open;
    keyboards from Korea (red): inspected without; oranges (green): never checked; two oranges selected
    at random (yellow): cleared, rejected."""
    random_selection_off()
    risk_rule_create(user=risk_admin, data={**KEYBOARDS, "active": True})
    risk_rule_create(user=risk_admin, data={**KOREA, "active": True})
    cleared, rejected, inspected, still_open = (assessed(trader1, plain_import_body()) for _ in range(4))
    assert {d.channel for d in (cleared, rejected, inspected, still_open)} == {"yellow"}
    decide(cleared, officer, "release", note="Documents in order.")
    decide(rejected, officer, "reject", reason="The invoice is forged.")
    decide(inspected, officer, "escalate", note="Seals broken.")
    decide(inspected, officer, "record_inspection", discrepancy=True, findings="300 keyboards, not 200.")
    korean = assessed(trader1, plain_import_body(partner=KOREAN_PARTNER))
    assert korean.channel == "red"
    decide(korean, officer, "record_inspection", discrepancy=False)
    never_checked = assessed(trader1, import_body())
    assert never_checked.channel == "green"
    RiskSettings.objects.filter(pk=1).update(random_yellow_rate=1)
    random_cleared, random_rejected = assessed(trader1, import_body()), assessed(trader1, import_body())
    assert Assessment.objects.filter(declaration__in=[random_cleared, random_rejected], random_selection=True).count() == 2
    decide(random_cleared, officer, "release")
    decide(random_rejected, officer, "reject", reason="Oranges were apples.")
    return {"cleared": cleared, "rejected": rejected, "inspected": inspected, "still_open": still_open, "korean": korean,
            "never_checked": never_checked, "random_cleared": random_cleared, "random_rejected": random_rejected}


def today():
    return timezone.localdate()


def run_of(user, rules, **options) -> dict:
    run = backtest_run_create(user=user, candidates=rules, date_from=today(), date_to=today(),
                              include_current=options.pop("include_current", False), **options)
    return backtest_execute(run_id=run.pk).result


def test_past_checks_tell_inspections_from_document_checks(history):
    checks = past_checks(declaration_ids=[d.pk for d in history.values()])
    assert checks == {
        history["cleared"].pk: PastCheck(DOCUMENT, False),
        history["rejected"].pk: PastCheck(DOCUMENT, True),
        history["inspected"].pk: PastCheck(PHYSICAL, True),  # escalated: inspected
        history["korean"].pk: PastCheck(PHYSICAL, False),
        history["random_cleared"].pk: PastCheck(DOCUMENT, False),
        history["random_rejected"].pk: PastCheck(DOCUMENT, True),
    }  # still open and never checked: no check with a result
    assert past_checks(declaration_ids=[]) == {}


def test_each_candidate_rule_and_the_random_selection(history, risk_admin):
    start = backtest_start(user=risk_admin, rules=[KEYBOARDS, KOREA], date_from=today(), date_to=today())
    result = backtest_execute(run_id=start.pk).result
    by_name = {entry["name"]: entry for entry in result["hit_rates"]["candidate"]["rules"]}
    assert by_name["Keyboards"][PHYSICAL] == {"checked": 2, "found": 1, "hit_rate": "0.5000"}
    assert by_name["Keyboards"][DOCUMENT] == {"checked": 2, "found": 1, "hit_rate": "0.5000"}
    assert by_name["Partners in Korea"][PHYSICAL] == {"checked": 1, "found": 0, "hit_rate": "0.0000"}
    assert by_name["Partners in Korea"][DOCUMENT] == {"checked": 0, "found": 0, "hit_rate": None}
    assert (by_name["Keyboards"]["rule"], by_name["Keyboards"]["version"], by_name["Keyboards"]["unsaved"]) == (None, None, False)
    # The random rate is 1 now: every declaration green by the rules is drawn, three oranges; two were checked.
    candidate_random = result["hit_rates"]["candidate"]["random"]
    assert candidate_random == {PHYSICAL: {"checked": 0, "found": 0, "hit_rate": None},
                                DOCUMENT: {"checked": 2, "found": 1, "hit_rate": "0.5000"}}
    # The decisions taken are not run again: no rules; their random selection is the one stored.
    baseline = result["hit_rates"]["baseline"]
    assert baseline["rules"] is None
    assert baseline["random"][DOCUMENT] == {"checked": 2, "found": 1, "hit_rate": "0.5000"}


def test_the_rules_in_force_run_again_have_theirs(history, risk_admin):
    RiskSettings.objects.filter(pk=1).update(random_yellow_rate=0)
    result = run_of(risk_admin, [{"origin": "inline", "rule_id": None, "version": None, "name": "Nothing",
                                  "conditions": [{"field": "partner.country", "op": "eq", "value": "AQ"}],
                                  "score": 0, "min_channel": "red"}],
                    baseline=BacktestRun.Baseline.RULES_IN_FORCE)
    assert result["hit_rates"]["candidate"]["rules"] == []
    baseline = {entry["name"]: entry for entry in result["hit_rates"]["baseline"]["rules"]}
    assert set(baseline) == {"Keyboards", "Partners in Korea"}
    assert baseline["Keyboards"]["version"] == 1 and baseline["Keyboards"]["rule"] is not None
    assert (baseline["Keyboards"][PHYSICAL]["checked"], baseline["Keyboards"][DOCUMENT]["checked"]) == (2, 2)
    assert result["hit_rates"]["baseline"]["random"][DOCUMENT]["checked"] == 0  # no random selection now


# What the engine's facts read of each declaration (risk/services/facts.py: reference prices and the
# watchlist), as before this feature; nothing else may be read per declaration.
FACTS_TABLES = ("risk_referenceprice", "risk_watchlistedpartner", "risk_watchlistchange")


def test_no_query_per_declaration(trader1, risk_admin):
    """The past checks and the stored decisions are read once per chunk: the backtest's own queries do
    not grow with the declarations."""
    random_selection_off()

    def queries_of_a_run() -> list[str]:
        run = backtest_start(user=risk_admin, rules=[KEYBOARDS], date_from=today(), date_to=today())
        with CaptureQueriesContext(connection) as context:
            backtest_execute(run_id=run.pk)
        return [q["sql"] for q in context.captured_queries if not any(table in q["sql"] for table in FACTS_TABLES)]

    for _ in range(2):
        assessed(trader1, plain_import_body())
    few = queries_of_a_run()
    assert any("declarations_inspectionresult" in sql for sql in few)  # the past checks' query is among them
    for _ in range(4):
        assessed(trader1, plain_import_body())
    assert len(queries_of_a_run()) == len(few)
