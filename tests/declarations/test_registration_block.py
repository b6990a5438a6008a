"""Before registration: an enterprise with tax overdue for more than 90 days, or suspended by customs,
cannot register (declarations/services/registration_block.py). A debt due on day D blocks from D + 91."""
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from customs_portal.accounts.services import enterprise_suspension_set
from customs_portal.audit.models import AuditEvent
from customs_portal.errors import DomainConflict, DomainValidationError
from declarations.lifecycle import Status
from declarations.models import Declaration
from declarations.services.declarations import declaration_as_data, declaration_submit, declaration_update
from declarations.services.registration_block import registration_block_of
from tests.factories import draft_of, registered
from tests.support import client_for, html_of

pytestmark = pytest.mark.django_db
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = date(2026, 12, 4)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2026, 12, 4, 9, tzinfo=HANOI), tick=False):
        yield


def owing(declaration, *, registered_on: date, amount: str) -> Declaration:
    """The declaration made one awaiting payment since `registered_on` (part-paid, so the 15-day
    limit left it), owing `amount`. Registered first: a blocked enterprise could not register it."""
    Declaration.objects.filter(pk=declaration.pk).update(
        status=Status.ASSESSED, amount_due=Decimal(amount), payment_status="unpaid",
        registered_at=datetime.combine(registered_on, datetime.min.time(), tzinfo=HANOI) + timedelta(hours=23, minutes=59))
    return Declaration.objects.get(pk=declaration.pk)


def test_overdue_90_days_allowed_91_days_blocked(trader1):
    on_the_edge, overdue = registered(trader1), registered(trader1)
    on_the_edge = owing(on_the_edge, registered_on=TODAY - timedelta(days=90), amount="1000")
    assert registration_block_of(enterprise=trader1.enterprise, on=TODAY) is None
    overdue = owing(overdue, registered_on=TODAY - timedelta(days=91), amount="12345678")
    block = registration_block_of(enterprise=trader1.enterprise, on=TODAY)
    assert [(d.declaration_id, d.amount, d.due_date) for d in block.debts] == [
        (overdue.pk, Decimal("12345678"), TODAY - timedelta(days=91))]
    assert block.total == Decimal("12345678") and not block.suspended
    assert on_the_edge.pk not in [d.declaration_id for d in block.debts]


def test_submit_refused_with_what_to_pay_and_drafts_still_editable(trader1):
    first, second, draft = registered(trader1), registered(trader1), draft_of(trader1)
    first = owing(first, registered_on=TODAY - timedelta(days=120), amount="1500000")
    second = owing(second, registered_on=TODAY - timedelta(days=95), amount="250000")
    declaration_update(declaration=draft, user=trader1, data=declaration_as_data(declaration=draft))  # still editable
    with pytest.raises(DomainConflict) as refused:
        declaration_submit(declaration_id=draft.pk, user=trader1)
    assert refused.value.code == "registration_blocked"
    assert str(refused.value) == (
        f"Your enterprise has tax overdue for more than 90 days. Pay 1,750,000 VND to register again: "
        f"declaration {first.number}: 1,500,000 VND due since 06/08/2026; "
        f"declaration {second.number}: 250,000 VND due since 31/08/2026.")
    assert refused.value.data["total"] == "1750000"
    assert [d["amount"] for d in refused.value.data["debts"]] == ["1500000", "250000"]
    assert Declaration.objects.get(pk=draft.pk).status == "draft" and Declaration.objects.get(pk=draft.pk).number is None


def test_the_api_answers_409_naming_the_debts(trader1, api_client_for):
    overdue, draft = registered(trader1), draft_of(trader1)
    overdue = owing(overdue, registered_on=TODAY - timedelta(days=100), amount="2000000")
    response = api_client_for(trader1).post(f"/api/v1/declarations/{draft.pk}/submit/", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "registration_blocked" and body["total"] == "2000000" and body["suspended"] is False
    assert body["debts"] == [{"kind": "declaration", "declaration": overdue.pk, "number": overdue.number,
                              "amount": "2000000", "due_date": "2026-08-26"}]
    assert body["detail"].startswith("Doanh nghiệp của bạn còn nợ thuế quá hạn hơn 90 ngày. Cần nộp đủ 2.000.000 VND")


def test_suspended_enterprise_refused_then_lifted(trader1, officer):
    draft = draft_of(trader1)
    with pytest.raises(DomainValidationError):
        enterprise_suspension_set(enterprise=trader1.enterprise, actor=officer, suspended=True, reason="  ")
    enterprise_suspension_set(enterprise=trader1.enterprise, actor=officer, suspended=True, reason="Giấy phép bị thu hồi")
    trader1.enterprise.refresh_from_db()
    with pytest.raises(DomainConflict, match="suspended by customs: Giấy phép bị thu hồi"):
        declaration_submit(declaration_id=draft.pk, user=trader1)
    event = AuditEvent.objects.get(action="enterprise_suspend")
    assert (event.actor, event.reason, event.data["enterprise"]) == (officer, "Giấy phép bị thu hồi", trader1.enterprise.tax_code)
    page = html_of(client_for(trader1, "vi").get(reverse("declarations:list")))
    assert 'id="registration-block"' in page and "đang bị cơ quan hải quan đình chỉ: Giấy phép bị thu hồi" in page
    enterprise_suspension_set(enterprise=trader1.enterprise, actor=officer, suspended=False)
    trader1.enterprise.refresh_from_db()
    assert declaration_submit(declaration_id=draft.pk, user=trader1).status == "registered"
    assert AuditEvent.objects.filter(action="enterprise_suspension_lift").count() == 1


def test_no_banner_for_an_enterprise_in_order(trader1):
    page = html_of(client_for(trader1, "en").get(reverse("declarations:list")))
    assert 'id="registration-block"' not in page and 'id="notices"' in page
