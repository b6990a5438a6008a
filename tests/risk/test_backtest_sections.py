"""A backtest's result page and API show each compliance class against its caps (the baseline beside the
candidate) and the hit rates of past checks (risk/views/backtest_sections.py), in Vietnamese with
Vietnamese numbers; runs made before have neither and still show."""
import pytest
from django.urls import reverse
from django.utils import timezone

from declarations.services.review import declaration_decide
from risk.models import BacktestRun, RiskSettings
from risk.services.assessment import risk_assess
from risk.services.backtest import backtest_execute, backtest_start
from tests.factories import random_selection_off, registered
from tests.payloads import plain_import_body
from tests.support import client_for, html_of

pytestmark = pytest.mark.django_db
KEYBOARDS_40 = {"name": "Bàn phím +40", "conditions": [{"field": "items.hs_code", "op": "startswith", "value": "847160"}],
                "score": 40, "min_channel": ""}


@pytest.fixture
def run(trader1, officer, risk_admin):
    """Seven keyboards of trader1 (high): the first selected at random for a document check, escalated and
    inspected with a discrepancy; the others green. The candidate scores keyboards 40: one yellow, six capped."""
    random_selection_off()
    declarations = [registered(trader1, plain_import_body()) for _ in range(7)]
    RiskSettings.objects.filter(pk=1).update(random_yellow_rate=1)
    assert risk_assess(declaration_id=declarations[0].pk).random_selection
    RiskSettings.objects.filter(pk=1).update(random_yellow_rate=0)
    for declaration in declarations[1:]:
        risk_assess(declaration_id=declaration.pk)
    declaration_decide(declaration_id=declarations[0].pk, officer=officer, action="escalate", note="Seals broken.")
    declaration_decide(declaration_id=declarations[0].pk, officer=officer, action="record_inspection", discrepancy=True,
                       findings="Wrong count.")
    today = timezone.localdate()
    started = backtest_start(user=risk_admin, rules=[KEYBOARDS_40], date_from=today, date_to=today)
    return backtest_execute(run_id=started.pk)


def section(html: str, marker: str, end: str = "</table>") -> str:
    start = html.index(marker)
    return html[start:html.index(end, start)]


def test_the_page_in_vietnamese(run, risk_admin):
    html = html_of(client_for(risk_admin, "vi").get(reverse("risk:backtest-run", args=[run.pk])))
    assert "Các mức độ tuân thủ so với mức trần kiểm tra" in html
    high = section(html, 'data-level="high"')
    assert "mức trần: kiểm tra hồ sơ 5,0 %, kiểm tra thực tế 1,0 %" in high
    assert '<td class="text-end money" data-side="candidate">7</td>' in high
    assert ('<td class="text-end money text-danger fw-semibold" data-side="candidate">1 <span class="small">(14,3 %)</span></td>'
            in high)  # the ceiling rule lets the first of a quiet window through: 1 of 7 is over 5 %
    random = section(high, 'data-figure="random"', "</tr>")
    assert '<td class="text-end money" data-side="baseline">1 <span class="small">(14,3 %)</span></td>' in random
    capped = section(high, 'data-figure="capped"', "</tr>")
    assert '<td class="text-end money" data-side="baseline">0</td>' in capped
    assert '<td class="text-end money" data-side="candidate">6</td>' in capped
    assert "Không có bộ đếm thực tế trước ngày bắt đầu của kỳ" in html
    hits = section(html, 'id="hit-rates-candidate"')
    assert "Tỷ lệ phát hiện của các lần kiểm tra trước đây" in html
    row = section(hits, 'data-rule-name="Bàn phím +40"', "</tr>")
    assert 'data-physical-checked="1">1</td>' in row and 'data-physical-found="1">1</td>' in row
    assert "100,0 %" in row
    assert "Các quyết định đã đưa ra không được chạy lại" in section(html, 'id="hit-rates-baseline"')


def test_the_page_in_english(run, risk_admin):
    html = html_of(client_for(risk_admin).get(reverse("risk:backtest-run", args=[run.pk])))
    assert "Compliance classes against their caps" in html and "rolling window of 30 days" in html
    assert "Physical inspections, score and random (cap 1.0 %)" in section(html, 'data-level="high"')
    assert "Hit rates of past checks" in html


def test_a_run_made_before_shows_without_them(run, risk_admin):
    result = {key: value for key, value in run.result.items() if key not in ("classes", "hit_rates")}
    BacktestRun.objects.filter(pk=run.pk).update(result=result)
    response = client_for(risk_admin).get(reverse("risk:backtest-run", args=[run.pk]))
    html = html_of(response)
    assert response.status_code == 200 and 'id="channel-mix"' in html
    assert 'id="backtest-classes"' not in html and 'id="backtest-hit-rates"' not in html


def test_the_api_adds_them_to_the_result(run, risk_admin, api_client_for):
    body = api_client_for(risk_admin).get(f"/api/v1/risk/backtest/{run.pk}/").json()
    result = body["result"]
    assert result["channel_mix_candidate"] == {"yellow": 1, "green": 6}  # the keys of before stay
    high = result["classes"]["candidate"]["high"]
    assert (high["declarations"], high["yellow_selected"], high["capped"], high["yellow_cap"]) == (7, 1, 6, "0.0500")
    assert result["classes"]["baseline"]["high"]["declarations"] == 7
    rule = result["hit_rates"]["candidate"]["rules"][0]
    assert (rule["name"], rule["physical"], rule["document"]["checked"]) == (
        "Bàn phím +40", {"checked": 1, "found": 1, "hit_rate": "1.0000"}, 0)
