"""The risk admins' post-clearance selection settings: the rates and caps per class with the live
share over the window, and the audit rules (the risk rules' conditions, validated as theirs); audited,
vi/en, risk admins only; what is saved is what the selection uses."""
from decimal import Decimal

import pytest
from django.urls import reverse

from customs_portal.accounts.models import Role
from customs_portal.audit.models import AuditEvent
from customs_portal.errors import DomainValidationError
from post_clearance.models import AuditRule, ClassPolicy, Selection
from post_clearance.selectors import class_policies_with_share
from post_clearance.services.selection import post_clearance_select
from post_clearance.services.selection_settings import (
    audit_rule_create,
    audit_rule_deactivate,
    audit_rule_update,
    class_policy_set,
)
from tests.factories import UserFactory, risk_admin_create
from tests.support import client_for, html_of

pytestmark = pytest.mark.django_db
SETTINGS_URL = "/risk/post-clearance/"
TOBACCO = [{"field": "items.hs_code", "op": "startswith", "value": "2402"}]


@pytest.fixture
def admin(db):
    return risk_admin_create()


class TestClassPolicy:
    def test_set_and_audited(self, admin):
        policy = class_policy_set(user=admin, level="high", random_rate=Decimal("0.015"), cap_rate=Decimal("0.03"),
                                  reason="More audits of high class this year")
        assert (policy.random_rate, policy.cap_rate) == (Decimal("0.015"), Decimal("0.03"))
        event = AuditEvent.objects.get(action="post_clearance_policy")
        assert (event.declaration, event.actor, event.reason) == (None, admin, "More audits of high class this year")
        assert event.data["level"] == "high" and event.data["after"] == {"random_rate": "0.015", "cap_rate": "0.03"}
        class_policy_set(user=admin, level="high", random_rate=Decimal("0.015"), cap_rate=Decimal("0.03"))
        assert AuditEvent.objects.filter(action="post_clearance_policy").count() == 1  # the same again: nothing

    @pytest.mark.parametrize("random_rate, cap_rate, errors", [
        ("1.5", "0.1", {"random_rate": ["Give a share between 0 % and 100 %."]}),
        ("0.1", "-0.01", {"cap_rate": ["Give a share between 0 % and 100 %."]}),
        ("0.05", "0.02", {"random_rate": ["The random rate cannot be above the cap."]}),
        ("0.00015", "0.02", {"random_rate": ["Give at most two decimals of a percent, e.g. 1.25 %."]}),
    ])
    def test_refused(self, admin, random_rate, cap_rate, errors):
        with pytest.raises(DomainValidationError) as raised:
            class_policy_set(user=admin, level="low", random_rate=Decimal(random_rate), cap_rate=Decimal(cap_rate))
        assert raised.value.errors == errors
        assert not AuditEvent.objects.filter(action="post_clearance_policy").exists()

    def test_the_live_share_over_the_window(self, quiet_selection, released, trader1, admin):
        class_policy_set(user=admin, level="high", random_rate=Decimal("1"), cap_rate=Decimal("1"))
        post_clearance_select(declaration_id=released(trader1).pk)
        class_policy_set(user=admin, level="high", random_rate=Decimal("0"), cap_rate=Decimal("0.5"))
        post_clearance_select(declaration_id=released(trader1).pk)
        assert list(Selection.objects.values_list("selected", flat=True).order_by("id")) == [True, False]
        high = next(c for c in class_policies_with_share() if c["level"] == "high")
        assert (high["decided"], high["selected"], high["share"], high["cap_rate"]) == (2, 1, Decimal("0.5"), Decimal("0.5"))


class TestAuditRules:
    def test_create_edit_deactivate_audited_and_used_by_the_selection(self, quiet_selection, released, trader1, admin):
        rule = audit_rule_create(user=admin, data={"name_en": "Tobacco", "conditions": TOBACCO, "active": True})
        rule = audit_rule_update(user=admin, rule_id=rule.pk, data={
            "name_vi": "Thuốc lá", "name_en": "Tobacco", "active": True,
            "conditions": [{"field": "direction", "op": "eq", "value": "import"}]})
        selection = post_clearance_select(declaration_id=released(trader1).pk)
        assert (selection.reason, [f["rule"] for f in selection.fired_rules]) == ("rule", [rule.pk])
        audit_rule_deactivate(user=admin, rule_id=rule.pk)
        assert post_clearance_select(declaration_id=released(trader1).pk).reason == "none"
        assert list(AuditEvent.objects.filter(action__startswith="audit_rule_").order_by("id")
                    .values_list("action", flat=True)) == ["audit_rule_create", "audit_rule_update", "audit_rule_deactivate"]

    @pytest.mark.parametrize("data, errors", [
        ({"name_en": "Everything", "conditions": []}, {"conditions": ["An audit rule needs at least one condition."]}),
        ({"name_en": "", "conditions": TOBACCO}, {"name": ["Give the rule a name, in Vietnamese or in English."]}),
    ])
    def test_refused(self, admin, data, errors):
        with pytest.raises(DomainValidationError) as raised:
            audit_rule_create(user=admin, data=data)
        assert raised.value.errors == errors

    def test_conditions_validated_as_the_risk_rules(self, admin):
        with pytest.raises(DomainValidationError) as raised:
            audit_rule_create(user=admin, data={"name_en": "X", "conditions": [{"field": "nope", "op": "eq", "value": 1}]})
        assert list(raised.value.errors) == ["conditions"] and raised.value.errors["conditions"][0].startswith("[0]")


class TestPages:
    def test_the_page_in_english_and_vietnamese(self, admin):
        ClassPolicy.objects.filter(compliance_level="medium").update(random_rate=Decimal("0.015"), cap_rate=Decimal("0.1"))
        english = html_of(client_for(admin).get(SETTINGS_URL))
        assert "Post-clearance audit selection" in english and 'value="1.5"' in english and 'value="10"' in english
        vietnamese = html_of(client_for(admin, "vi").get(SETTINGS_URL))
        assert "Lựa chọn kiểm tra sau thông quan" in vietnamese and 'value="1,5"' in vietnamese

    def test_a_risk_admin_changes_a_class_typed_the_vietnamese_way(self, admin):
        response = client_for(admin, "vi").post(reverse("post_clearance_settings:class-policy", args=["high"]),
                                                {"class-high-random_percent": "1,5", "class-high-cap_percent": "3"})
        assert response.status_code == 302
        policy = ClassPolicy.objects.get(compliance_level="high")
        assert (policy.random_rate, policy.cap_rate) == (Decimal("0.0150"), Decimal("0.0300"))

    def test_a_refused_rate_is_shown_next_to_its_input(self, admin):
        response = client_for(admin).post(reverse("post_clearance_settings:class-policy", args=["low"]),
                                          {"class-low-random_percent": "20", "class-low-cap_percent": "10"})
        assert response.status_code == 400
        assert "The random rate cannot be above the cap." in html_of(response)

    def test_an_audit_rule_with_the_condition_builder(self, admin):
        client = client_for(admin)
        assert 'id="condition-row-template"' in html_of(client.get(reverse("post_clearance_settings:audit-rule-create")))
        response = client.post(reverse("post_clearance_settings:audit-rule-create"), {
            "name_en": "Cigarettes", "active": "on",
            "cond-0-field": "items.hs_code", "cond-0-op": "startswith", "cond-0-value": "2402"})
        assert response.status_code == 302
        rule = AuditRule.objects.get(name_en="Cigarettes")
        assert (rule.active, rule.conditions) == (True, TOBACCO)
        response = client.post(reverse("post_clearance_settings:audit-rule-edit", args=[rule.pk]), {"name_en": "Cigarettes"})
        assert response.status_code == 400
        assert "An audit rule needs at least one condition." in html_of(response)
        client.post(reverse("post_clearance_settings:audit-rule-deactivate", args=[rule.pk]))
        rule.refresh_from_db()
        assert not rule.active

    def test_only_risk_admins(self, admin, trader1):
        officer = UserFactory(username="lan", role=Role.OFFICER)
        for user in (officer, trader1):
            client = client_for(user)
            assert client.get(SETTINGS_URL).status_code == 403
            assert client.post(reverse("post_clearance_settings:class-policy", args=["high"]),
                               {"class-high-random_percent": "50", "class-high-cap_percent": "50"}).status_code == 403
        assert client_for(None).get(SETTINGS_URL).status_code == 302
        assert not AuditEvent.objects.filter(action="post_clearance_policy").exists()
