"""Lines whose duty a special rule of the tariff sets (chapter 98): saved, registered, explained,
sent at least to yellow, and assessed by an officer (declarations/services/duty_assessment.py).

Found in use (issue 13): a draft with such a line (the CKD cars of 8703.23) could not even be
saved, with a message mixing Vietnamese and English ("… set by a special rule (Theo hướng dẫn tại
khoản 1.1 Chương 98) and cannot be computed automatically.").
"""
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from customs_portal.audit.models import AuditEvent
from customs_portal.errors import DomainConflict, DomainValidationError
from declarations.lifecycle import Status
from declarations.models import Declaration
from declarations.services.review import declaration_decide
from payments.services.payments import BankNotice, payment_credit, payment_start
from reference.models import TariffLine
from reference.selectors.exchange_rates import exchange_rate_in_force
from risk.models import RiskSettings
from risk.services.assessment import risk_assess
from tests.factories import draft_of, random_selection_off, registered
from tests.payloads import as_form_data, special_rate_car_body
from tests.support import client_for

pytestmark = pytest.mark.django_db

RULE = "Theo hướng dẫn tại khoản 1.1 Chương 98"


def vnd(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("1"), rounding=ROUND_HALF_UP)


def usd_rate() -> Decimal:
    return exchange_rate_in_force(currency="USD", on=timezone.localdate())[0]


@pytest.fixture
def no_random(db):
    random_selection_off()


@pytest.fixture
def under_review(trader1, no_random):
    """The car kits registered and assessed: yellow, under review, the kits' duty still to assess."""
    declaration = registered(trader1, special_rate_car_body())
    risk_assess(declaration_id=declaration.pk)
    declaration.refresh_from_db()
    assert declaration.status == Status.UNDER_REVIEW
    return declaration


class TestDraft:
    def test_the_api_saves_the_draft_with_the_duty_to_be_assessed(self, api_client_for, trader1):
        response = api_client_for(trader1).post("/api/v1/declarations/", special_rate_car_body(), format="json")
        assert response.status_code == 201, response.json()
        car, keyboards = response.json()["items"]
        taxable = vnd(Decimal("30000") * usd_rate())
        assert (car["duty_assessment"], car["taxable_value"], car["import_duty"]) == ("to_be_assessed", str(taxable), "0")
        assert car["rates"]["import_duty"] == {"basis": "special_rule", "rule": RULE}
        assert car["vat"] == str(vnd(taxable * Decimal("0.1")))  # on what is known: without the duty
        assert keyboards["duty_assessment"] == "tariff"

    def test_the_form_saves_the_draft(self, trader1):
        response = client_for(trader1).post(reverse("declarations:create"), as_form_data(special_rate_car_body()))
        declaration = Declaration.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("declarations:detail", args=[declaration.pk])
        assert [item.duty_assessment for item in declaration.items.order_by("line_no")] == ["to_be_assessed", "tariff"]

    def test_the_preview_says_what_the_rule_is_in_vietnamese(self, trader1):
        html = client_for(trader1, "vi").post(reverse("declarations:preview"), as_form_data(special_rate_car_body())).content.decode()
        assert 'data-duty-notice="1"' in html
        assert "Dòng hàng 1 (HS 87032321): thuế nhập khẩu do công chức hải quan xác định." in html
        assert "Thuế nhập khẩu của dòng hàng này do quy định riêng (khoản 1.1 Chương 98 của Biểu thuế)" in html
        assert 'data-duty-pending>Chờ công chức hải quan xác định<' in html
        assert "special rule" not in html and "cannot be computed" not in html

    def test_the_detail_page_says_it_in_english(self, trader1):
        declaration = draft_of(trader1, special_rate_car_body())
        html = client_for(trader1).get(reverse("declarations:detail", args=[declaration.pk])).content.decode()
        assert "Item 1 (HS 87032321): import duty to be assessed by an officer." in html
        assert "The import duty of this line is set by a special rule (paragraph 1.1 of chapter 98 of the tariff)" in html
        assert "data-duty-pending>To be assessed by an officer<" in html
        assert "Chương" not in html.split('data-duty-notice="1"')[1].split("</div>")[0]


class TestRegistration:
    def test_submitted_it_goes_at_least_to_yellow_and_says_why(self, trader1, no_random):
        declaration = registered(trader1, special_rate_car_body())
        assessment = risk_assess(declaration_id=declaration.pk)
        # No rule fired and the score is 0: the minimum alone sends it to yellow.
        assert (assessment.score, assessment.score_channel, assessment.fired_rules) == (0, "green", [])
        assert assessment.channel == "yellow" and not assessment.random_selection
        assert assessment.required_minimums == [
            {"code": "duty_to_be_assessed", "channel": "yellow", "items": [{"line_no": 1, "hs_code": "87032321"}]}]
        declaration.refresh_from_db()
        assert (declaration.status, declaration.channel) == (Status.UNDER_REVIEW, "yellow")

    def test_the_minimum_is_applied_before_random_selection(self, trader1):
        RiskSettings.objects.update_or_create(pk=1, defaults={"random_yellow_rate": 0, "random_red_rate": 1})
        declaration = registered(trader1, special_rate_car_body())
        assessment = risk_assess(declaration_id=declaration.pk)
        # Yellow by the minimum: random selection only draws among declarations still green.
        assert (assessment.channel, assessment.random_selection) == ("yellow", False)

    def test_without_such_a_line_nothing_is_required(self, trader1, no_random):
        body = special_rate_car_body()
        body["items"] = body["items"][1:]
        body["invoice"] = {**body["invoice"], "total": "2500.00"}
        assessment = risk_assess(declaration_id=registered(trader1, body).pk)
        assert (assessment.channel, assessment.required_minimums) == ("green", [])

    def test_officers_read_the_minimum_in_the_api_and_on_the_review_page(self, under_review, api_client_for, officer):
        risk = api_client_for(officer).get(f"/api/v1/declarations/{under_review.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()["risk"]
        assert risk["required_minimums"] == [{"code": "duty_to_be_assessed", "name": "Duty to be assessed by an officer",
                                              "channel": "yellow", "items": [{"line_no": 1, "hs_code": "87032321"}]}]
        html = client_for(officer, "vi").get(reverse("declarations:review", args=[under_review.pk])).content.decode()
        assert 'data-required="duty_to_be_assessed"' in html
        assert "Thuế do công chức hải quan xác định" in html
        assert 'id="action-assess_duty"' in html and 'name="duty-1-rate"' in html and 'name="duty-2-rate"' not in html

    def test_the_trader_api_flags_the_item(self, under_review, api_client_for, trader1):
        body = api_client_for(trader1).get(f"/api/v1/declarations/{under_review.pk}/").json()
        assert [item["duty_assessment"] for item in body["items"]] == ["to_be_assessed", "tariff"]
        assert "risk" not in body


class TestOfficerAssessment:
    def test_a_rate_sets_the_duty_and_every_tax_is_computed_again(self, under_review, officer):
        TariffLine.objects.filter(hs_code="87032321").update(special_consumption_tax_rate=Decimal("35"))
        car = under_review.items.get(line_no=1)
        other_before = under_review.items.get(line_no=2)
        declaration_decide(declaration_id=under_review.pk, officer=officer, action="assess_duty",
                           duties=[{"line_no": 1, "rate": Decimal("70"), "amount": None}],
                           reason="Không đủ điều kiện chương trình ưu đãi CKD: thuế suất MFN của xe nguyên chiếc")
        under_review.refresh_from_db()
        car.refresh_from_db()
        duty = vnd(car.taxable_value * Decimal("0.7"))
        sct = vnd((car.taxable_value + duty) * Decimal("0.35"))
        vat = vnd((car.taxable_value + duty + sct) * Decimal("0.1"))
        assert (car.duty_assessment, car.import_duty, car.special_consumption_tax, car.vat) == ("officer", duty, sct, vat)
        assert car.rates["import_duty"]["basis"] == "officer"
        assert (car.rates["import_duty"]["rate"], car.rates["import_duty"]["rule"]) == ("70", RULE)
        assert car.rates["import_duty"]["assessed_by"] == officer.username
        other = under_review.items.get(line_no=2)
        assert (other.import_duty, other.vat) == (other_before.import_duty, other_before.vat)
        assert under_review.tax_total == car.tax_total + other.tax_total
        assert (under_review.amount_due, under_review.payment_status) == (under_review.tax_total, "unpaid")
        assert under_review.status == Status.UNDER_REVIEW

    def test_the_decision_is_audited_with_the_amounts_before_and_after(self, under_review, officer):
        before = under_review.tax_total
        declaration_decide(declaration_id=under_review.pk, officer=officer, action="assess_duty",
                           duties=[{"line_no": 1, "rate": None, "amount": Decimal("250000000")}], reason="Mức thuế theo chương 98")
        under_review.refresh_from_db()
        event = AuditEvent.objects.filter(declaration=under_review, action="assess_duty").get()
        assert (event.actor, event.from_status, event.to_status, event.reason) == (
            officer, "under_review", "under_review", "Mức thuế theo chương 98")
        assert event.data == {
            "duties": [{"line_no": 1, "hs_code": "87032321", "amount": "250000000", "import_duty_before": "0",
                        "import_duty_after": "250000000"}],
            "tax_total_before": str(before), "tax_total_after": str(under_review.tax_total),
        }
        assert under_review.tax_total == before + Decimal("250000000") + Decimal("25000000")  # duty + its VAT

    def test_payments_already_made_count(self, under_review, officer, trader1):
        payment = payment_start(declaration_id=under_review.pk, user=trader1)
        payment_credit(notice=BankNotice(payment.reference, payment.amount, "success", "SB-DUTY-1"))
        under_review.refresh_from_db()
        paid = under_review.tax_total
        assert (under_review.amount_due, under_review.payment_status) == (Decimal("0"), "paid")
        declaration_decide(declaration_id=under_review.pk, officer=officer, action="assess_duty",
                           duties=[{"line_no": 1, "rate": None, "amount": Decimal("100000000")}], reason="chương 98")
        under_review.refresh_from_db()
        assert under_review.tax_total == paid + Decimal("110000000")
        assert (under_review.amount_due, under_review.payment_status) == (Decimal("110000000"), "unpaid")

    def test_it_cannot_be_cleared_while_a_duty_is_to_be_assessed(self, under_review, officer):
        with pytest.raises(DomainConflict) as raised:
            declaration_decide(declaration_id=under_review.pk, officer=officer, action="release")
        assert raised.value.code == "duty_to_be_assessed"
        assert "item(s) 1" in str(raised.value)
        declaration_decide(declaration_id=under_review.pk, officer=officer, action="assess_duty",
                           duties=[{"line_no": 1, "rate": Decimal("0"), "amount": None}], reason="Đủ điều kiện ưu đãi CKD")
        declaration_decide(declaration_id=under_review.pk, officer=officer, action="release")
        under_review.refresh_from_db()
        assert under_review.status == Status.ASSESSED  # the keyboards' VAT is owed

    @pytest.mark.parametrize(
        ("duties", "reason", "errors"),
        [
            ([{"line_no": 1, "rate": Decimal("70"), "amount": None}], "", {"reason": ["Say on what basis the duty is assessed."]}),
            ([], "r", {"duties": ["Give the import duty of at least one item."]}),
            ([{"line_no": 2, "rate": Decimal("5"), "amount": None}], "r", {"duties": [{"line_no": [
                "The import duty of item 2 follows the tariff; only a duty set by a special rule is assessed by an officer."]}]}),
            ([{"line_no": 7, "rate": Decimal("5"), "amount": None}], "r", {"duties": [{"line_no": ["The declaration has no item 7."]}]}),
            ([{"line_no": 1, "rate": Decimal("5"), "amount": Decimal("9")}], "r", {"duties": [{"rate": [
                "Give either a rate (%) or an amount (VND), not both."]}]}),
            ([{"line_no": 1, "rate": None, "amount": None}], "r", {"duties": [{"rate": [
                "Give either a rate (%) or an amount (VND), not both."]}]}),
        ],
    )
    def test_bad_input_is_refused_and_changes_nothing(self, under_review, officer, duties, reason, errors):
        before = under_review.tax_total
        with pytest.raises(DomainValidationError) as raised:
            declaration_decide(declaration_id=under_review.pk, officer=officer, action="assess_duty", duties=duties, reason=reason)
        assert raised.value.errors == errors
        under_review.refresh_from_db()
        assert under_review.tax_total == before
        assert not AuditEvent.objects.filter(declaration=under_review, action="assess_duty").exists()


class TestDecisionsApi:
    URL = "/api/v1/declarations/{}/decisions/"

    def test_an_officer_sets_the_duty_through_the_api(self, under_review, api_client_for, officer):
        response = api_client_for(officer).post(self.URL.format(under_review.pk), {
            "action": "assess_duty", "reason": "MFN rate of a complete vehicle", "duties": [{"line_no": 1, "rate": "70"}],
        }, format="json")
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["event"]["action"] == "assess_duty"
        car = body["declaration"]["items"][0]
        assert (car["duty_assessment"], car["rates"]["import_duty"]["rate"]) == ("officer", "70")
        assert car["import_duty"] == str(vnd(Decimal(car["taxable_value"]) * Decimal("0.7")))
        assert body["declaration"]["amount_due"] == body["declaration"]["taxes"]["total"]

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"action": "assess_duty", "reason": "r", "duties": [{"line_no": 1, "rate": "abc"}]}, "duties"),
            ({"action": "assess_duty", "reason": "r", "duties": [{"line_no": 1, "rate": "1000.5"}]}, "duties"),
            ({"action": "assess_duty", "reason": "r", "duties": [{"line_no": 1, "amount": "12.5"}]}, "duties"),
            ({"action": "assess_duty", "reason": "r", "duties": [{"line_no": 1, "amount": "-1"}]}, "duties"),
            ({"action": "assess_duty", "duties": [{"line_no": 1, "rate": "5"}]}, "reason"),
        ],
    )
    def test_bad_bodies_answer_400_on_the_field(self, under_review, api_client_for, officer, body, field):
        response = api_client_for(officer).post(self.URL.format(under_review.pk), body, format="json")
        assert response.status_code == 400
        assert field in response.json()

    def test_a_trader_may_not(self, under_review, api_client_for, trader1):
        response = api_client_for(trader1).post(self.URL.format(under_review.pk), {
            "action": "assess_duty", "reason": "r", "duties": [{"line_no": 1, "rate": "0"}]}, format="json")
        assert response.status_code == 403
        assert under_review.items.get(line_no=1).duty_assessment == "to_be_assessed"

    def test_release_while_a_duty_is_to_be_assessed_answers_409(self, under_review, api_client_for, officer):
        response = api_client_for(officer).post(self.URL.format(under_review.pk), {"action": "release"}, format="json")
        assert response.status_code == 409
        assert response.json()["code"] == "duty_to_be_assessed"


class TestReviewPage:
    def test_the_officer_sets_the_duty_from_the_review_page(self, under_review, officer):
        url = reverse("declarations:review", args=[under_review.pk])
        response = client_for(officer).post(url, {"action": "assess_duty", "duty-1-amount": "120000000",
                                                  "reason": "Mức thuế theo chương 98"})
        assert response.status_code == 302
        car = under_review.items.get(line_no=1)
        assert (car.duty_assessment, car.import_duty) == ("officer", Decimal("120000000"))
        html = client_for(officer).get(url).content.decode()
        assert "assessed by an officer: Mức thuế theo chương 98" in html
        assert 'name="duty-1-amount" value="120000000"' in html  # open to correction while under review

    def test_a_mistake_is_shown_beside_the_item_and_what_was_typed_is_kept(self, under_review, officer):
        url = reverse("declarations:review", args=[under_review.pk])
        response = client_for(officer).post(url, {"action": "assess_duty", "duty-1-rate": "70", "duty-1-amount": "5",
                                                  "reason": "x"})
        html = response.content.decode()
        assert response.status_code == 400
        assert 'id="assess_duty-duty-1-error">Give either a rate (%) or an amount (VND), not both.<' in html
        assert 'name="duty-1-rate" value="70"' in html
        assert under_review.items.get(line_no=1).duty_assessment == "to_be_assessed"
