"""Risk admins and the caps per compliance class: the audited edit (risk/services/selectivity.py),
the table and edit page of the settings page (risk/views/selectivity.py), and the API
(risk/api/selectivity.py: GET /api/v1/risk/classes/, PUT /api/v1/risk/classes/{level}/), and the window
of the caps (page /risk/settings/cap-window/, GET/PUT /api/v1/risk/cap-window/)."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from customs_portal.audit.models import AuditEvent
from customs_portal.errors import DomainValidationError
from risk.models import ClassSelectivity, SelectivityCounter
from risk.services.assessment import risk_settings_current
from risk.services.selectivity import cap_window_update, class_figures, class_selectivity_update
from tests.support import client_for, html_of

pytestmark = pytest.mark.django_db
URL = "/api/v1/risk/classes/"


def test_the_defaults_are_seeded():
    rows = {row.compliance_level: (row.yellow_cap, row.red_cap, row.random_yellow_min, row.random_red_min)
            for row in ClassSelectivity.objects.all()}
    assert rows == {
        "priority": (Decimal("0.05"), Decimal("0.01"), 0, 0), "high": (Decimal("0.05"), Decimal("0.01"), 0, 0),
        "medium": (Decimal("0.2"), Decimal("0.05"), 0, 0), "low": (Decimal("0.5"), Decimal("0.2"), Decimal("0.05"), Decimal("0.02")),
        "new": (Decimal("0.3"), Decimal("0.1"), Decimal("0.03"), Decimal("0.01"))}


def test_an_edit_is_audited_and_the_same_values_change_nothing(risk_admin):
    row = class_selectivity_update(user=risk_admin, level="high", data={"yellow_cap": Decimal("0.08"), "random_red_min": "0.005"})
    assert (row.yellow_cap, row.red_cap, row.random_red_min, row.updated_by) == (
        Decimal("0.0800"), Decimal("0.0100"), Decimal("0.0050"), risk_admin)
    event = AuditEvent.objects.get(action="class_selectivity_change")
    assert event.data == {"level": "high", "before": {"yellow_cap": "0.0500", "red_cap": "0.0100", "random_yellow_min": "0.0000",
                                                      "random_red_min": "0.0000"},
                          "after": {"yellow_cap": "0.0800", "red_cap": "0.0100", "random_yellow_min": "0.0000",
                                    "random_red_min": "0.0050"}}
    class_selectivity_update(user=risk_admin, level="high", data={"yellow_cap": Decimal("0.08")})
    assert AuditEvent.objects.filter(action="class_selectivity_change").count() == 1


@pytest.mark.parametrize(("data", "errors"), [
    ({"yellow_cap": "1.5"}, {"yellow_cap": ["Enter a rate between 0 and 1 (0 % and 100 %)."]}),
    ({"red_cap": "-0.1"}, {"red_cap": ["Enter a rate between 0 and 1 (0 % and 100 %)."]}),
    ({"red_cap": "0.00001"}, {"red_cap": ["Enter a rate with at most four decimal places (0.01 %)."]}),
    ({"random_yellow_min": "0.06"}, {"random_yellow_min": ["The minimum random rate for yellow cannot exceed the class's yellow cap."]}),
    ({"random_red_min": "0.02"}, {"random_red_min": ["The minimum random rate for red cannot exceed the class's red cap."]}),
])
def test_refused_values(risk_admin, data, errors):
    with pytest.raises(DomainValidationError) as refused:
        class_selectivity_update(user=risk_admin, level="high", data=data)
    assert refused.value.errors == errors
    assert ClassSelectivity.objects.get(compliance_level="high").yellow_cap == Decimal("0.05")


def test_the_live_figures_sum_the_window():
    today = timezone.localdate()
    SelectivityCounter.objects.create(compliance_level="high", day=today, assessed=10, yellow_selected=1, red_required=2)
    SelectivityCounter.objects.create(compliance_level="high", day=today - timedelta(days=29), assessed=9, random_yellow=1,
                                      yellow_selected=1)
    SelectivityCounter.objects.create(compliance_level="high", day=today - timedelta(days=30), assessed=100)
    high = next(f for f in class_figures() if f.level == "high")
    assert (high.counts.assessed, high.counts.yellow_selected, high.counts.red_required, high.counts.random_yellow) == (19, 2, 2, 1)
    assert high.yellow_share == Decimal("0.1053") and not high.yellow_open and high.red_open
    assert [f.level for f in class_figures()] == ["priority", "high", "medium", "low", "new"]


def test_the_settings_page_shows_each_class_against_its_cap(risk_admin):
    SelectivityCounter.objects.create(compliance_level="high", day=timezone.localdate(), assessed=19, yellow_selected=1)
    html = html_of(client_for(risk_admin, "vi").get(reverse("risk:settings")))
    assert "Mức trần và lựa chọn ngẫu nhiên theo nhóm tuân thủ" in html
    assert "5,3 % / 5 %" in html and "đạt mức trần" in html
    english = html_of(client_for(risk_admin).get(reverse("risk:settings")))
    assert "5.3 % / 5 %" in english and "at cap" in english
    # The rule list shows the same table under the rules.
    rules = html_of(client_for(risk_admin).get(reverse("risk:rule-list")))
    assert 'id="class-caps-table"' in rules and "5.3 % / 5 %" in rules


def test_the_class_page_edits_the_class(risk_admin):
    client = client_for(risk_admin)
    url = reverse("risk:class-selectivity", args=["low"])
    assert client.get(url).context["form"].initial["yellow_cap_percent"] == Decimal(50)
    response = client.post(url, {"yellow_cap_percent": "40", "red_cap_percent": "15", "random_yellow_min_percent": "4",
                                 "random_red_min_percent": "1,5"})
    assert response.status_code == 302 and response["Location"] == reverse("risk:settings")
    row = ClassSelectivity.objects.get(compliance_level="low")
    assert (row.yellow_cap, row.red_cap, row.random_yellow_min, row.random_red_min) == (
        Decimal("0.4"), Decimal("0.15"), Decimal("0.04"), Decimal("0.015"))
    refused = client.post(url, {"yellow_cap_percent": "1", "red_cap_percent": "15", "random_yellow_min_percent": "4",
                                "random_red_min_percent": "1"})
    assert refused.status_code == 200
    assert refused.context["form"].errors["random_yellow_min_percent"] == [
        "The minimum random rate for yellow cannot exceed the class's yellow cap."]
    assert client.get(reverse("risk:class-selectivity", args=["gold"])).status_code == 404


def test_the_api_lists_and_sets_a_class(risk_admin, api_client_for):
    client = api_client_for(risk_admin)
    SelectivityCounter.objects.create(compliance_level="new", day=timezone.localdate(), assessed=4, yellow_selected=2)
    listed = client.get(URL).json()
    assert [c["level"] for c in listed] == ["priority", "high", "medium", "low", "new"]
    new = listed[-1]
    assert (new["yellow_cap"], new["random_yellow_min"], new["random_yellow_rate"]) == ("0.3000", "0.0300", "0.0300")
    assert new["window"] == {"days": 30, "assessed": 4, "yellow_selected": 2, "red_selected": 0, "yellow_required": 0,
                             "red_required": 0, "random_yellow": 0, "random_red": 0, "yellow_share": "0.5000",
                             "red_share": "0.0000", "yellow_at_cap": True, "red_at_cap": False}
    body = {"yellow_cap": "0.6000", "red_cap": "0.1000", "random_yellow_min": "0.0300", "random_red_min": "0.0100"}
    response = client.put(f"{URL}new/", body, format="json")
    assert response.status_code == 200 and response.json()["window"]["yellow_at_cap"] is False
    assert ClassSelectivity.objects.get(compliance_level="new").yellow_cap == Decimal("0.6")
    bad = client.put(f"{URL}new/", {**body, "random_red_min": "0.2"}, format="json")
    assert bad.status_code == 400 and list(bad.json()) == ["random_red_min"]
    assert client.put(f"{URL}new/", {**body, "yellow_cap": "2"}, format="json").status_code == 400
    assert client.put(f"{URL}gold/", body, format="json").status_code == 404


@pytest.mark.parametrize("role", ["trader1", "officer", "gate_user"])
def test_only_risk_admins(request, api_client_for, role):
    client = api_client_for(request.getfixturevalue(role))
    assert client.get(URL).status_code == 403
    assert client.put(f"{URL}high/", {"yellow_cap": "1", "red_cap": "1", "random_yellow_min": "0", "random_red_min": "0"},
                      format="json").status_code == 403
    assert ClassSelectivity.objects.get(compliance_level="high").yellow_cap == Decimal("0.05")


# --- The window of the caps (risk/services/selectivity.py::cap_window_update) ----------------------

def test_the_window_is_set_audited_and_read_by_the_figures(risk_admin):
    today = timezone.localdate()
    SelectivityCounter.objects.create(compliance_level="high", day=today, assessed=10, yellow_selected=1)
    SelectivityCounter.objects.create(compliance_level="high", day=today - timedelta(days=45), assessed=90)
    version = risk_settings_current().version
    assert next(f for f in class_figures() if f.level == "high").counts.assessed == 10
    settings = cap_window_update(user=risk_admin, days=60)
    assert (settings.cap_window_days, settings.version) == (60, version + 1)
    high = next(f for f in class_figures() if f.level == "high")
    assert (high.window_days, high.counts.assessed) == (60, 100)
    event = AuditEvent.objects.get(action="cap_window_change")
    assert (event.actor, event.data) == (risk_admin, {"before": 30, "after": 60})
    cap_window_update(user=risk_admin, days="60")  # the same window: nothing changes, nothing is recorded
    assert AuditEvent.objects.filter(action="cap_window_change").count() == 1
    assert risk_settings_current().version == version + 1


@pytest.mark.parametrize("days", [0, 366, "x", "", None, True, 7.5, Decimal("7.5")])
def test_a_window_outside_a_day_to_a_year_is_refused(risk_admin, days):
    with pytest.raises(DomainValidationError) as refused:
        cap_window_update(user=risk_admin, days=days)
    assert list(refused.value.errors) == ["days"]
    assert risk_settings_current().cap_window_days == 30


def test_the_window_page_in_vietnamese(risk_admin):
    client = client_for(risk_admin, "vi")
    assert 'href="/risk/settings/cap-window/"' in html_of(client.get(reverse("risk:settings")))
    assert client.get(reverse("risk:cap-window")).context["form"].initial == {"days": 30}
    refused = client.post(reverse("risk:cap-window"), {"days": "400"})
    assert refused.status_code == 200 and "days" in refused.context["form"].errors
    response = client.post(reverse("risk:cap-window"), {"days": "45"})
    assert response.status_code == 302 and response["Location"] == reverse("risk:settings")
    assert risk_settings_current().cap_window_days == 45
    assert "45 ngày" in html_of(client.get(reverse("risk:settings")))


def test_the_window_through_the_api(risk_admin, api_client_for, trader1):
    client = api_client_for(risk_admin)
    assert client.get("/api/v1/risk/cap-window/").json() == {"days": 30}
    assert client.put("/api/v1/risk/cap-window/", {"days": 14}, format="json").json() == {"days": 14}
    assert client.get(URL).json()[0]["window"]["days"] == 14
    bad = client.put("/api/v1/risk/cap-window/", {"days": 0}, format="json")
    assert bad.status_code == 400 and list(bad.json()) == ["days"]
    assert client.put("/api/v1/risk/cap-window/", {}, format="json").status_code == 400
    assert api_client_for(trader1).put("/api/v1/risk/cap-window/", {"days": 1}, format="json").status_code == 403
    assert risk_settings_current().cap_window_days == 14
