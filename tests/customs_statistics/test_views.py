"""The statistics page `/statistics/` and its exports `/statistics/<report>.csv|.xlsx`
(customs_statistics/views/): who gets what, the tables drawn from the same selectors as the API, the
filters typed as on every page, and the files read back."""
import csv
import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from customs_portal.accounts.models import Role
from customs_portal.localization import date_input_text
from customs_statistics.services.refresh import statistics_refresh
from declarations.lifecycle import Status
from declarations.models import Declaration
from payments.services.payments import BankNotice, payment_credit, payment_start
from reference.models import CustomsOffice
from tests.factories import EnterpriseFactory, UserFactory, queued, tax_code_for

pytestmark = pytest.mark.django_db

OFFICE = "03CE"  # where the test declarations are lodged (tests/payloads.py)
SECTIONS = ("release", "trend", "mix", "hits", "revenue", "workload")


@pytest.fixture
def figures(trader1, trader2):
    """Two declarations of trader1 and one of trader2 at 03CE, in the statistics."""
    queued(trader1)
    queued(trader1)
    queued(trader2)
    statistics_refresh()


@pytest.fixture
def supervisor(db):
    return UserFactory(username="officer_03ce_1", role=Role.OFFICER, is_supervisor=True,
                       offices=[CustomsOffice.objects.get(code=OFFICE)])


@pytest.fixture
def plain_officer(db):
    return UserFactory(username="officer_03ce_2", role=Role.OFFICER, offices=[CustomsOffice.objects.get(code=OFFICE)])


def page_for(client, user, query: str = ""):
    client.force_login(user)
    return client.get(f"/statistics/{query}")


def html(response) -> str:
    return response.content.decode()


def section_ids(response) -> set:
    return set(re.findall(r'<section class="card mb-3 statistics-section" id="section-([a-z]+)"', html(response)))


def data_script(response, section: str) -> str:
    return f'<script id="stat-{section}-data" type="application/json">' in html(response)


def test_anonymous_users_are_sent_to_log_in(client):
    for path in ("/statistics/", "/statistics/channel-mix.csv", "/statistics/revenue.xlsx"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


def test_the_gate_sees_no_statistics(client, gate_user):
    client.force_login(gate_user)
    for path in ("/statistics/", "/statistics/release-times.csv", "/statistics/channel-mix.xlsx"):
        assert client.get(path).status_code == 403, path


def test_a_supervisor_reads_every_section_as_a_table_beside_its_chart(client, supervisor, figures):
    response = page_for(client, supervisor)

    assert response.status_code == 200
    assert section_ids(response) == set(SECTIONS)
    content = html(response)
    for section in SECTIONS:
        assert data_script(response, section), section
        assert f'data-source="stat-{section}-data"' in content, section
    for table in ("release", "trend", "mix", "hits", "revenue", "revenue-taxes", "revenue-banks", "workload-offices",
                  "workload-officers", "workload-days"):
        assert f'id="table-{table}"' in content, table
    assert '<script src="/static/vendor/echarts-6.1.0/echarts.min.js">' in content
    assert '<script src="/static/js/statistics.js">' in content
    assert re.search(r"Figures as of \d\d:\d\d \(updated every minute\)", content)
    # three declarations at the supervisor's office: the total row of the channel mix
    total = re.search(r'<tr class="fw-semibold" data-total>.*?data-channel="total">(\d+)</td>',
                      content[content.index('id="table-mix"'):], re.S)
    assert total.group(1) == "3"
    # the channel mix is grouped by compliance class, against the caps
    assert 'data-cap="yellow"' in content


def test_an_officer_who_is_no_supervisor_has_no_hit_rates(client, plain_officer, figures):
    response = page_for(client, plain_officer)
    assert response.status_code == 200
    assert section_ids(response) == set(SECTIONS) - {"hits"}
    assert client.get("/statistics/hit-rates.csv").status_code == 403
    assert client.get("/statistics/workload.csv").status_code == 200


def test_an_officer_asking_for_another_office_is_refused(client, plain_officer, figures):
    assert page_for(client, plain_officer, "?office=01B1").status_code == 403
    assert client.get("/statistics/channel-mix.csv?office=01B1").status_code == 403
    assert page_for(client, plain_officer, f"?office={OFFICE}").status_code == 200


def test_a_trader_reads_its_own_figures_and_never_the_risk_side(client, trader1, figures):
    response = page_for(client, trader1)

    assert response.status_code == 200
    assert section_ids(response) == {"release", "trend", "mix", "revenue"}
    content = html(response)
    assert "Statistics of your enterprise" in content
    assert 'id="table-hits"' not in content and 'id="table-workload-offices"' not in content
    own = re.search(r'<tr class="fw-semibold" data-total>.*?data-channel="total">(\d+)</td>',
                    content[content.index('id="table-mix"'):], re.S)
    assert own.group(1) == "2"  # trader1's two, not trader2's
    assert "Your enterprise" in content
    # two enterprises declared at its office: too few to compare without revealing the other
    assert "data-no-comparison" in content
    assert "data-comparison" not in content
    assert 'name="office"' not in content  # its own enterprise is the scope
    assert client.get("/statistics/hit-rates.xlsx").status_code == 403
    assert client.get("/statistics/workload.csv").status_code == 403


def test_a_trader_sees_its_offices_beside_it_when_five_enterprises_make_them(client, trader1, figures):
    for n in range(3):
        queued(UserFactory(role="trader", enterprise=EnterpriseFactory(tax_code=tax_code_for(950 + n))))
    statistics_refresh()

    content = html(page_for(client, trader1))

    assert "data-no-comparison" not in content
    comparison = re.search(r"<tr data-comparison>.*?data-channel=\"total\">(\d+)</td>",
                           content[content.index('id="table-mix"'):], re.S)
    assert comparison.group(1) == "6"
    assert "All enterprises at your offices" in content


def test_a_trader_naming_another_enterprise_is_refused(client, trader1, trader2, figures):
    client.force_login(trader1)
    other = trader2.enterprise.tax_code
    assert client.get(f"/statistics/?enterprise={other}").status_code == 403
    assert client.get(f"/statistics/revenue.csv?enterprise={other}").status_code == 403
    assert client.get(f"/statistics/revenue.csv?enterprise={trader1.enterprise.tax_code}").status_code == 200


def test_the_period_is_typed_dd_mm_yyyy_and_shown_back(client, supervisor, figures):
    today = timezone.localdate()
    start = today - timedelta(days=6)
    response = page_for(client, supervisor, f"?from={date_input_text(start)}&to={date_input_text(today)}")
    content = html(response)
    assert f'value="{date_input_text(start)}"' in content
    # the exports carry the same period, in ISO as the API reads it
    assert f"/statistics/channel-mix.csv?from={start.isoformat()}&amp;to={today.isoformat()}&amp;group_by=class" in content

    default = html(page_for(client, supervisor))
    assert f'value="{date_input_text(today - timedelta(days=29))}"' in default  # the last 30 days


@pytest.mark.parametrize(("query", "message"), [
    ("?from=31/02/2026", "Type the date as dd/mm/yyyy"),
    ("?from=01/01/2020&to=01/01/2026", "The period is at most three years."),
    ("?office=ZZZZ", "No customs office has this code."),
])
def test_a_filter_that_does_not_hold_is_an_error_of_the_form_and_the_rest_is_shown(client, risk_admin, figures, query, message):
    response = page_for(client, risk_admin, query)
    assert response.status_code == 200
    content = html(response)
    assert message in content
    assert 'id="statistics-filter-errors"' in content
    assert 'id="table-release"' in content


def test_a_section_keeps_its_own_grouping(client, supervisor, figures):
    content = html(page_for(client, supervisor, "?mix_by=office&revenue_by=month"))
    assert "/statistics/channel-mix.xlsx?group_by=office" in content
    assert "/statistics/revenue.xlsx?group_by=month" in content
    assert "/statistics/release-times.xlsx?group_by=channel" in content
    mix = content[content.index('id="table-mix"'):]
    assert '<tr data-key="03CE">' in mix[:mix.index("</table>")]


def test_csv_export_has_the_groups_the_total_and_a_bom(client, supervisor, figures):
    client.force_login(supervisor)
    response = client.get("/statistics/channel-mix.csv?group_by=office")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="statistics-channel-mix-' in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Code", "Customs office", "Green"]
    assert [row[0] for row in rows[1:]] == [OFFICE, ""]
    assert rows[-1][1] == "Total"
    assert rows[-1][6] == "3"


def test_xlsx_export_in_vietnamese(client, supervisor, figures):
    client.force_login(supervisor)
    response = client.get("/statistics/release-times.xlsx", HTTP_ACCEPT_LANGUAGE="vi")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Mã", "Phân luồng", "Tờ khai")
    assert rows[-1][1] == "Tổng cộng"
    assert rows[-1][2] == 3


def test_a_trader_exports_its_own_figures_only(client, trader1, figures):
    client.force_login(trader1)
    response = client.get("/statistics/revenue.csv?group_by=month")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Revenue"]  # two tables, each under its title
    total = dict(zip(rows[1], rows[rows.index([]) - 1], strict=True))
    assert (total["Month"], total["Declarations assessed"]) == ("Total", "2")


def test_a_bad_export_query_is_a_400(client, supervisor, figures):
    client.force_login(supervisor)
    assert client.get("/statistics/channel-mix.csv?group_by=colour").status_code == 400
    assert client.get("/statistics/channel-mix.csv?from=yesterday").status_code == 400
    assert client.get("/statistics/nonsense.csv").status_code == 404


def test_the_navigation_links_the_page_for_traders_and_staff_not_the_gate(client, trader1, supervisor, gate_user):
    for user, shown in ((trader1, True), (supervisor, True), (gate_user, False)):
        client.force_login(user)
        landing = client.get("/", follow=True)
        assert ('id="nav-statistics"' in html(landing)) is shown, user.username


def test_what_was_paid_shows_per_bank_the_trader_chose(client, trader1, supervisor):
    declaration = queued(trader1)
    assert declaration.status == Status.ASSESSED and declaration.amount_due > 0  # green, waiting for payment
    payment = payment_start(declaration_id=declaration.pk, user=trader1, bank="ICBVVNVX")
    payment_credit(notice=BankNotice(payment.reference, payment.amount, "success", "VTB-1"))
    statistics_refresh()
    content = html(page_for(client, supervisor))
    table = content[content.index('id="table-revenue-banks"'):]
    table = table[:table.index("</table>")]
    paid = f"{int(Declaration.objects.get(pk=declaration.pk).tax_total):,}"  # the page in English
    assert re.search(r'<tr data-bank="ICBVVNVX"><th scope="row" class="fw-normal">VietinBank</th>'
                     rf'<td class="text-end">1</td><td class="text-end">{re.escape(paid)}</td>'
                     r'<td class="text-end">100\.0 %</td></tr>', table), table
