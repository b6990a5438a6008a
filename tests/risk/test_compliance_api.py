"""Computed compliance through the API and the pages (issue 15): who may read and change it, what it
answers, the enterprise page and the line on the officer's review page."""
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from customs_portal.audit.models import AuditEvent
from risk.compliance_models import ComplianceOverride, ComplianceRecord
from risk.services.compliance import compliance_compute, compliance_override_set
from risk.services.defaults import risk_defaults_seed
from tests.factories import queued, random_selection_off

pytestmark = pytest.mark.django_db
URL = "/api/v1/risk/enterprises/{}/compliance/"


def page_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_officers_read_risk_admins_compute_and_override(trader2, officer, risk_admin, api_client_for):
    url = URL.format(trader2.enterprise.tax_code)
    admin = api_client_for(risk_admin)
    computed = admin.post(url + "compute/")
    assert computed.status_code == 200
    body = computed.json()
    assert (body["level"], body["source"], body["priority_granted"]) == ("new", "computed", False)
    assert body["computed"]["reason"] == "new" and body["computed"]["figures"]["declarations"] == 0
    assert [(h["level"], h["source"]) for h in body["history"]] == [("new", "computed")]

    until = (timezone.localdate() + timedelta(days=30)).isoformat()
    overridden = admin.post(url + "override/", {"level": "low", "reason": "Seizure 44/2026", "valid_until": until}, format="json")
    assert overridden.status_code == 201
    body = overridden.json()
    assert (body["level"], body["source"]) == ("low", "override")
    assert body["override"]["reason"] == "Seizure 44/2026" and body["override"]["valid_until"] == until
    assert body["history"][0]["note"] == "Seizure 44/2026" and body["history"][0]["recorded_by"] == "riskadmin"

    read = api_client_for(officer).get(url)
    assert read.status_code == 200 and read.json()["level"] == "low"
    officer_api = api_client_for(officer)
    assert officer_api.post(url + "compute/").status_code == 403
    assert officer_api.post(url + "override/", {"level": "high", "reason": "x", "valid_until": until}, format="json").status_code == 403
    assert officer_api.delete(url + "override/").status_code == 403

    lifted = admin.delete(url + "override/")
    assert lifted.status_code == 200 and lifted.json()["level"] == "new"
    again = admin.delete(url + "override/")
    assert again.status_code == 409 and again.json()["code"] == "no_override"


@pytest.mark.parametrize("body, field", [
    ({"level": "priority", "reason": "x", "valid_until": "2099-01-01"}, "level"),
    ({"level": "low", "reason": "", "valid_until": "2099-01-01"}, "reason"),
    ({"level": "low", "reason": "x", "valid_until": "2000-01-01"}, "valid_until"),
    ({"level": "low", "reason": "x"}, "valid_until"),
])
def test_a_bad_override_is_400_by_field(trader2, risk_admin, api_client_for, body, field):
    response = api_client_for(risk_admin).post(URL.format(trader2.enterprise.tax_code) + "override/", body, format="json")
    assert response.status_code == 400 and field in response.json()
    assert not ComplianceOverride.objects.exists()


@pytest.mark.parametrize("role", ["trader1", "trader2", "gate_user"])
def test_traders_and_the_gate_are_refused(request, role, trader1, api_client_for):
    client = api_client_for(request.getfixturevalue(role))
    url = URL.format(trader1.enterprise.tax_code)
    assert client.get(url).status_code == 403
    assert client.post(url + "compute/").status_code == 403
    assert not ComplianceRecord.objects.exists()


def test_unknown_tax_code_is_404(risk_admin, api_client_for):
    assert api_client_for(risk_admin).get(URL.format("0000000000")).status_code == 404


def test_the_schema_documents_the_endpoints(api_client_for, risk_admin):
    schema = api_client_for(risk_admin).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    paths = schema["paths"]
    assert "get" in paths["/api/v1/risk/enterprises/{tax_code}/compliance/"]
    assert {"post", "delete"} <= set(paths["/api/v1/risk/enterprises/{tax_code}/compliance/override/"])
    assert "post" in paths["/api/v1/risk/enterprises/{tax_code}/compliance/compute/"]


# --- Pages -------------------------------------------------------------------------------------

@pytest.mark.parametrize("language, texts", [
    ("en", ["Compliance level in force", "computed from the enterprise", "History of the level", "Compute now"]),
    ("vi", ["Mức tuân thủ đang áp dụng", "Lịch sử mức tuân thủ", "Tính lại ngay"]),
])
def test_the_enterprise_page(trader1, risk_admin, language, texts):
    compliance_compute()
    client = page_client(risk_admin)
    client.cookies["django_language"] = language
    response = client.get(reverse("risk:enterprise-detail", args=[trader1.enterprise.tax_code]),
                          HTTP_ACCEPT_LANGUAGE=language)
    html = response.content.decode()
    assert response.status_code == 200
    for text in texts:
        assert text in html, text
    assert 'id="compliance-history"' in html and 'id="compliance-computed"' in html


def test_the_enterprise_page_buttons(trader1, risk_admin):
    client = page_client(risk_admin)
    tax_code = trader1.enterprise.tax_code
    page = reverse("risk:enterprise-detail", args=[tax_code])
    assert client.post(reverse("risk:enterprise-compliance-compute", args=[tax_code]))["Location"] == page
    trader1.enterprise.refresh_from_db()
    assert trader1.enterprise.compliance_level == "medium"  # no declarations in 365 days

    until = (timezone.localdate() + timedelta(days=3)).strftime("%d/%m/%Y")
    response = client.post(reverse("risk:enterprise-compliance-override", args=[tax_code]),
                           {"level": "high", "reason": "Verified by the audit team", "valid_until": until})
    assert response.status_code == 302
    trader1.enterprise.refresh_from_db()
    assert trader1.enterprise.compliance_level == "high"
    html = client.get(page).content.decode()
    assert "Verified by the audit team" in html and 'id="lift-override"' in html

    bad = client.post(reverse("risk:enterprise-compliance-override", args=[tax_code]),
                      {"level": "low", "reason": "", "valid_until": until})
    assert bad.status_code == 400 and "is-invalid" in bad.content.decode()

    client.post(reverse("risk:enterprise-compliance-lift", args=[tax_code]))
    client.post(reverse("risk:enterprise-compliance-priority", args=[tax_code]), {"granted": "yes"})
    trader1.enterprise.refresh_from_db()
    assert trader1.enterprise.compliance_level == "priority"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"compliance_compute", "compliance_override", "compliance_override_lift", "compliance_priority"} <= actions


@pytest.mark.parametrize("role", ["trader1", "officer"])
def test_the_enterprise_page_is_for_risk_admins(request, role, trader1):
    response = page_client(request.getfixturevalue(role)).get(reverse("risk:enterprise-detail", args=[trader1.enterprise.tax_code]))
    assert response.status_code == 403


@pytest.fixture
def yellow(trader2):
    """trader2's (new enterprise) plain goods under the default rules, no random selection: yellow."""
    risk_defaults_seed()
    random_selection_off()
    declaration = queued(trader2)
    assert declaration.channel == "yellow"
    return declaration


def test_the_review_page_says_since_when_and_why(officer, yellow, risk_admin):
    enterprise = yellow.enterprise
    url = reverse("declarations:review", args=[yellow.pk])
    compliance_compute()
    html = page_client(officer).get(url).content.decode()
    assert 'id="compliance-line"' in html and "under 365 days of activity" in html

    compliance_override_set(enterprise=enterprise, user=risk_admin, level="low", reason="Seizure 44/2026",
                            valid_until=timezone.localdate() + timedelta(days=7))
    html = page_client(officer).get(url).content.decode()
    assert "overridden until" in html and "Seizure 44/2026" in html
