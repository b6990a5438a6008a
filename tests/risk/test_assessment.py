"""`risk_assess` on real declarations in PostgreSQL: channels, statuses, explanations, idempotency."""
from decimal import Decimal

import pytest

from customs_portal.audit.models import AuditEvent
from declarations.lifecycle import Status
from declarations.models import Declaration
from declarations.services.amendments import declaration_amend
from declarations.services.declarations import declaration_as_data, declaration_create
from declarations.services.review import declaration_decide
from risk.models import Assessment, RiskSettings
from risk.services.assessment import random_draw_for, risk_assess
from risk.services.compilation import rule_set_current
from risk.services.defaults import risk_defaults_seed
from risk.services.rules import risk_rule_create, risk_rule_update, risk_settings_update
from tests.factories import cigarettes_body, parsed, random_selection_off, registered
from tests.payloads import export_body, import_body, plain_import_body

pytestmark = pytest.mark.django_db

@pytest.fixture
def no_random(db):
    random_selection_off()


@pytest.fixture
def tobacco_rule(risk_admin):
    return risk_rule_create(user=risk_admin, data={
        "name": "Tobacco", "conditions": [{"field": "items.hs_code", "op": "startswith", "value": "2402"}],
        "score": 50, "min_channel": "red", "active": True})


def test_green_with_taxes_owed_waits_for_payment(trader1, no_random):
    declaration = registered(trader1)
    assessment = risk_assess(declaration_id=declaration.pk)
    declaration.refresh_from_db()
    assert (assessment.channel, assessment.score, assessment.fired_rules) == ("green", 0, [])
    assert (declaration.status, declaration.channel) == (Status.ASSESSED, "green")
    assert declaration.assessed_at and declaration.cleared_at is None
    event = AuditEvent.objects.get(declaration=declaration, action="assess")
    assert (event.from_status, event.to_status, event.actor) == ("registered", "assessed", None)


def test_green_with_nothing_owed_is_cleared(trader1, no_random):
    declaration = registered(trader1, export_body())
    assert declaration.amount_due == 0
    risk_assess(declaration_id=declaration.pk)
    declaration.refresh_from_db()
    assert (declaration.status, declaration.channel) == (Status.CLEARED, "green")
    assert declaration.cleared_at is not None


def test_rule_forces_red_and_explains_itself(trader1, no_random, tobacco_rule):
    declaration = registered(trader1, cigarettes_body())
    assessment = risk_assess(declaration_id=declaration.pk)
    declaration.refresh_from_db()
    assert declaration.status == Status.UNDER_INSPECTION
    assert assessment.channel == "red"
    assert assessment.score == 50
    assert assessment.score_channel == "yellow"
    (fired,) = assessment.fired_rules
    assert (fired["rule"], fired["version"], fired["name"]) == (tobacco_rule.pk, 1, "Tobacco")
    assert fired["reason"] == [{"field": "items.hs_code", "op": "startswith", "value": "2402", "actual": "24022090", "item": 1}]
    assert list(assessment.rule_versions.all()) == [tobacco_rule.current]
    assert assessment.thresholds["yellow"] == 30 and assessment.thresholds["red"] == 70


def test_score_reaching_the_yellow_threshold_goes_to_review(trader1, risk_admin, no_random):
    risk_rule_create(user=risk_admin, data={
        "name": "China", "conditions": [{"field": "partner.country", "op": "eq", "value": "CN"}], "score": 30,
        "active": True})
    declaration = registered(trader1)
    assert risk_assess(declaration_id=declaration.pk).channel == "yellow"
    declaration.refresh_from_db()
    assert declaration.status == Status.UNDER_REVIEW


def test_assessing_twice_changes_nothing(trader1, no_random, tobacco_rule):
    declaration = registered(trader1, cigarettes_body())
    first = risk_assess(declaration_id=declaration.pk)
    RiskSettings.objects.filter(pk=1).update(random_red_rate=1)
    second = risk_assess(declaration_id=declaration.pk)
    assert first.pk == second.pk
    assert Assessment.objects.filter(declaration=declaration).count() == 1
    assert AuditEvent.objects.filter(declaration=declaration, action="assess").count() == 1


def test_drafts_and_missing_declarations_are_not_assessed(trader1):
    draft = declaration_create(user=trader1, data=parsed(import_body()))
    assert risk_assess(declaration_id=draft.pk) is None
    assert risk_assess(declaration_id=999_999_999) is None
    assert not Assessment.objects.exists()


def test_a_rule_change_never_alters_an_earlier_explanation(trader1, risk_admin, no_random, tobacco_rule):
    declaration = registered(trader1, cigarettes_body())
    assessment = risk_assess(declaration_id=declaration.pk)
    risk_rule_update(rule=tobacco_rule, user=risk_admin, data={"name": "Tobacco (renamed)", "score": 5})
    assessment.refresh_from_db()
    assert assessment.fired_rules[0]["name"] == "Tobacco" and assessment.fired_rules[0]["version"] == 1
    assert [v.version for v in assessment.rule_versions.all()] == [1]
    assert [v.version for v in tobacco_rule.versions.order_by("version")] == [1, 2]


def test_random_selection_is_reproducible_and_recorded(trader1, risk_admin):
    risk_settings_update(user=risk_admin, data={"random_yellow_rate": Decimal("0"), "random_red_rate": Decimal("1")})
    declaration = registered(trader1)
    draw = random_draw_for(declaration)
    assert draw == random_draw_for(Declaration.objects.get(pk=declaration.pk))
    assert Decimal("0") <= draw < Decimal("1")
    assessment = risk_assess(declaration_id=declaration.pk)
    assert (assessment.score_channel, assessment.channel, assessment.random_selection) == ("green", "red", True)
    assert assessment.random_draw == draw


def test_rule_set_is_compiled_once_per_version(risk_admin, tobacco_rule):
    first = rule_set_current()
    assert rule_set_current() is first
    risk_rule_update(rule=tobacco_rule, user=risk_admin, data={"score": 10})
    second = rule_set_current()
    assert second is not first
    assert [r.score for r in second.rules] == [10]


def test_inactive_rules_do_not_fire(trader1, risk_admin, no_random, tobacco_rule):
    risk_rule_update(rule=tobacco_rule, user=risk_admin, data={"active": False})
    declaration = registered(trader1, cigarettes_body())
    assert risk_assess(declaration_id=declaration.pk).channel == "green"


class TestDefaultRules:
    """The shipped rule set treats the demo enterprises differently."""

    @pytest.fixture(autouse=True)
    def defaults(self, no_random):
        risk_defaults_seed()

    def test_established_enterprise_with_plain_goods_is_green(self, trader1):
        declaration = registered(trader1, plain_import_body())
        assessment = risk_assess(declaration_id=declaration.pk)
        names = [f["name_en"] for f in assessment.fired_rules]
        assert assessment.channel == "green", names

    def test_specialised_management_without_a_permit_goes_yellow(self, trader1):
        assessment = risk_assess(declaration_id=registered(trader1).pk)  # laptops (energy label), oranges (quarantine)
        fired = {f["name_en"]: f for f in assessment.fired_rules}
        assert assessment.channel == "yellow"
        assert assessment.score == 30  # 20 + the weight of 10: what the rule before permits gave
        reasons = fired["Specialised management without a permit"]["reason"]
        assert reasons == [{"field": "items.specialised_without_permit", "op": "eq", "value": True, "actual": True,
                            "item": 1}]
        assert fired["Specialised management without priority status"]["score"] == 10

    def test_specialised_management_with_its_permits_stays_green(self, trader1):
        body = import_body()
        for item, kind in zip(body["items"], ("quality", "quarantine")):
            item["permits"] = [{"kind": kind, "number": f"{kind}-1", "agency": "Cục", "date": body["invoice"]["date"]}]
        assessment = risk_assess(declaration_id=registered(trader1, body).pk)
        assert assessment.channel == "green"
        assert [f["name_en"] for f in assessment.fired_rules] == ["Specialised management without priority status"]
        assert assessment.score == 10

    def test_a_priority_enterprise_without_a_permit_is_still_checked(self, trader1):
        trader1.enterprise.compliance_level = "priority"
        trader1.enterprise.save()
        assessment = risk_assess(declaration_id=registered(trader1).pk)
        assert assessment.channel == "yellow"  # the permit rule forces yellow; the AEO rule takes 30 off the score
        assert assessment.score == -10

    def test_new_enterprise_goes_yellow(self, trader2):
        declaration = registered(trader2, plain_import_body())
        assessment = risk_assess(declaration_id=declaration.pk)
        assert "New enterprise" in [f["name_en"] for f in assessment.fired_rules]
        assert assessment.channel == "yellow"

    def test_cigarettes_are_red(self, trader1):
        assessment = risk_assess(declaration_id=registered(trader1, cigarettes_body()).pk)
        assert assessment.channel == "red"
        assert "Tobacco products" in [f["name_en"] for f in assessment.fired_rules]

    def test_undervalued_laptops_add_score(self, trader1):
        body = plain_import_body()
        body["items"] = [{**body["items"][1], "unit_price": "1.00"}]  # T-shirts at ~26,000 VND, reference 90,000
        body["invoice"] = {**body["invoice"], "total": "1000.00"}
        assessment = risk_assess(declaration_id=registered(trader1, body).pk)
        fired = {f["name_en"]: f for f in assessment.fired_rules}
        low = fired["Declared price far below the reference price"]
        assert Decimal(low["reason"][0]["actual"]) < Decimal("0.7")
        assert assessment.channel == "yellow"


class TestChannelNeverLowered:
    """A later version's assessment keeps at least the strictest channel the declaration had: an earlier
    assessment's, or an officer's escalation (issue 12, finding 2). Version 1 reads no history."""

    @pytest.fixture
    def china_rule(self, risk_admin):
        return risk_rule_create(user=risk_admin, data={
            "name": "China", "conditions": [{"field": "partner.country", "op": "eq", "value": "CN"}], "score": 30,
            "active": True})

    @staticmethod
    def amend_to_japan(declaration_id, user):
        current = Declaration.objects.get(pk=declaration_id)
        data = declaration_as_data(declaration=current)
        data["partner"] = {**data["partner"], "country": "JP"}
        data["port_of_loading"] = "JPTYO"
        return declaration_amend(declaration=current, user=user, data=data, reason="Shipped from Japan")

    def test_an_officers_escalation_holds_after_release_and_amendment(self, trader1, officer, no_random):
        declaration = registered(trader1, plain_import_body())
        assert risk_assess(declaration_id=declaration.pk).channel == "green"
        Declaration.objects.filter(pk=declaration.pk).update(status="under_review", channel="yellow")
        declaration_decide(declaration_id=declaration.pk, officer=officer, action="escalate", note="Seals broken")
        declaration_decide(declaration_id=declaration.pk, officer=officer, action="record_inspection", discrepancy=False)
        declaration_decide(declaration_id=declaration.pk, officer=officer, action="release", note="Taxes still owed")
        assert Declaration.objects.get(pk=declaration.pk).status == "assessed"

        self.amend_to_japan(declaration.pk, trader1)
        second = risk_assess(declaration_id=declaration.pk)

        fresh = Declaration.objects.get(pk=declaration.pk)
        assert (second.declaration_version, second.score_channel, second.channel) == (2, "green", "red")
        assert second.thresholds["channel_floor"] == {"channel": "red", "version": 1, "set_by": "officer", "raised": True}
        assert (fresh.status, fresh.channel) == ("under_inspection", "red")

    def test_an_earlier_assessments_channel_holds(self, trader1, officer, no_random, china_rule):
        declaration = registered(trader1, plain_import_body())
        assert risk_assess(declaration_id=declaration.pk).channel == "yellow"
        declaration_decide(declaration_id=declaration.pk, officer=officer, action="release")
        assert Declaration.objects.get(pk=declaration.pk).status == "assessed"

        self.amend_to_japan(declaration.pk, trader1)
        second = risk_assess(declaration_id=declaration.pk)

        assert (second.score, second.score_channel, second.channel) == (0, "green", "yellow")
        assert second.thresholds["channel_floor"] == {"channel": "yellow", "version": 1, "set_by": "assessment",
                                                      "raised": True}
        assert Declaration.objects.get(pk=declaration.pk).status == "under_review"

    def test_a_stricter_result_is_kept_and_the_floor_explained(self, trader1, no_random, tobacco_rule):
        declaration = registered(trader1, plain_import_body())
        assert risk_assess(declaration_id=declaration.pk).channel == "green"

        current = Declaration.objects.get(pk=declaration.pk)
        data = declaration_as_data(declaration=current)
        data.update(parsed(cigarettes_body()))
        declaration_amend(declaration=current, user=trader1, data=data)
        second = risk_assess(declaration_id=declaration.pk)

        assert second.channel == "red"
        assert second.thresholds["channel_floor"] == {"channel": "green", "version": 1, "set_by": "assessment",
                                                      "raised": False}

    def test_the_first_version_reads_no_history(self, trader1, no_random):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        declaration = registered(trader1, plain_import_body())
        with CaptureQueriesContext(connection) as queries:
            assessment = risk_assess(declaration_id=declaration.pk)
        assert "channel_floor" not in assessment.thresholds
        assert not [q for q in queries.captured_queries if "declarations_declarationversion" in q["sql"]]
