"""Who sees which statistics and what a query may ask (customs_statistics/access.py), through the API."""
from datetime import timedelta

import pytest
from django.utils import timezone

from customs_statistics.services.refresh import statistics_refresh
from reference.models import CustomsOffice
from tests.factories import EnterpriseFactory, UserFactory, queued, tax_code_for

pytestmark = pytest.mark.django_db

REPORTS = ("release-times", "channel-mix", "hit-rates", "revenue", "workload")


def get(client, report: str, query: str = ""):
    return client.get(f"/api/v1/statistics/{report}/?{query}")


@pytest.mark.parametrize(("query", "field"), [
    ("from=2026-13-01", "from"), ("to=04/12/2026", "to"), ("from=2026-1-1", "from"),
    ("from=2026-12-01&to=2026-11-01", "to"), ("from=2020-01-01&to=2026-01-01", "from"),
    ("direction=sideways", "direction"), ("channel=blue", "channel"), ("class=excellent", "class"),
    ("office=ZZZZ", "office"), ("enterprise=0000000000", "enterprise"), ("group_by=colour", "group_by"),
    ("source=history", "source"), ("transport_mode=teleport", "transport_mode"),
])
def test_a_bad_parameter_is_a_400_that_names_it(api_client_for, risk_admin, query, field):
    response = get(api_client_for(risk_admin), "release-times", query)
    assert response.status_code == 400, response.content
    assert list(response.json()) == [field]


def test_reports_without_grouping_refuse_one(api_client_for, risk_admin):
    response = get(api_client_for(risk_admin), "hit-rates", "group_by=office")
    assert response.status_code == 400
    assert "group_by" in response.json()


def test_the_history_is_a_source_of_the_hit_rates_only(api_client_for, risk_admin):
    client = api_client_for(risk_admin)
    assert get(client, "hit-rates", "source=history").json()["history"] == {"checked": 0, "found": 0, "hit_rate": None}
    assert get(client, "channel-mix", "source=all").status_code == 400


def test_the_default_period_is_the_last_30_days(api_client_for, risk_admin):
    body = get(api_client_for(risk_admin), "channel-mix").json()
    today = timezone.localdate()
    assert body["date_to"] == today.isoformat()
    assert body["date_from"] == (today - timedelta(days=29)).isoformat()


def test_a_trader_sees_its_own_enterprise_and_never_the_risk_side(api_client_for, trader1, trader2):
    queued(trader1)
    queued(trader2)
    client = api_client_for(trader1)
    for report in ("release-times", "channel-mix", "revenue"):
        response = get(client, report)
        assert response.status_code == 200, report
        assert response.json()["filters"]["enterprise"] == trader1.enterprise.tax_code
    assert get(client, "channel-mix", f"enterprise={trader2.enterprise.tax_code}").status_code == 403
    # an unknown tax code is refused the same way: existence does not leak
    assert get(client, "channel-mix", "enterprise=0000000000").status_code == 403
    assert get(client, "hit-rates").status_code == 403
    assert get(client, "workload").status_code == 403


def test_a_trader_compares_with_its_offices_only_when_five_enterprises_make_the_average(api_client_for, trader1):
    queued(trader1)
    statistics_refresh()
    client = api_client_for(trader1)
    assert get(client, "channel-mix").json()["comparison"] is None
    for n in range(4):
        trader = UserFactory(role="trader", enterprise=EnterpriseFactory(tax_code=tax_code_for(900 + n)))
        queued(trader)
    statistics_refresh()
    comparison = get(client, "channel-mix").json()["comparison"]
    assert comparison["counts"]["total"] == 5
    assert get(client, "release-times").json()["comparison"]["declarations"] == 5


def test_an_officer_of_one_office_sees_that_office_only(api_client_for, trader1):
    office = CustomsOffice.objects.order_by("code").first()
    other = CustomsOffice.objects.exclude(code=office.code).order_by("code").first()
    officer = UserFactory(role="officer", offices=[office])
    client = api_client_for(officer)
    body = get(client, "channel-mix").json()
    assert body["filters"]["office"] == [office.code]
    assert get(client, "channel-mix", f"office={other.code}").status_code == 403
    assert get(client, "hit-rates").status_code == 403  # not a supervisor
    officer.is_supervisor = True
    officer.save(update_fields=["is_supervisor"])
    assert get(client, "hit-rates").json()["filters"]["office"] == [office.code]


def test_an_officer_who_is_no_supervisor_sees_only_its_own_row_of_the_workload(api_client_for, officer, trader1):
    declaration = queued(trader1)
    colleague = UserFactory(role="officer", all_offices=True)
    type(declaration).objects.filter(pk=declaration.pk).update(status="under_review", channel="yellow",
                                                                assigned_to=colleague)
    officer.is_supervisor = False
    officer.save(update_fields=["is_supervisor"])
    body = get(api_client_for(officer), "workload").json()
    assert body["open"]["total"] == 1
    assert body["officers"] == []
    body = get(api_client_for(colleague), "workload").json()
    assert [row["key"] for row in body["officers"]] == [colleague.username]


def test_the_gate_sees_no_statistics(api_client_for, gate_user):
    client = api_client_for(gate_user)
    for report in REPORTS:
        assert get(client, report).status_code == 403, report
