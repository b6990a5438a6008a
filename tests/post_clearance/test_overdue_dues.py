"""Additional assessments in the registration block (post_clearance/services/additional.py,
`overdue_additional_assessments`): unsettled ones raised more than 90 days ago, with their interest."""
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from declarations.models import Declaration
from declarations.services.registration_block import registration_block_of
from post_clearance.models import AdditionalAssessment, Audit
from tests.factories import registered

pytestmark = pytest.mark.django_db
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = date(2026, 12, 4)


def raised(declaration, *, on: date, tax: str, due: date) -> AdditionalAssessment:
    Declaration.objects.filter(pk=declaration.pk).update(status="released", amount_due=0, payment_status="paid")
    audit = Audit.objects.create(declaration=declaration, customs_office_id=declaration.customs_office_id,
                                 selected_at=datetime(2026, 1, 5, tzinfo=HANOI), deadline=date(2028, 1, 5))
    return AdditionalAssessment.objects.create(
        audit=audit, declaration=declaration, taxes={"import_duty": tax}, tax_amount=Decimal(tax), due_date=due,
        raised_at=datetime.combine(on, datetime.min.time(), tzinfo=HANOI) + timedelta(hours=8))


def test_raised_90_days_ago_allowed_91_blocked_with_interest(trader1):
    declaration = registered(trader1)
    assessment = raised(declaration, on=TODAY - timedelta(days=90), tax="10000000", due=date(2026, 3, 1))
    assert registration_block_of(enterprise=trader1.enterprise, on=TODAY) is None
    AdditionalAssessment.objects.filter(pk=assessment.pk).update(
        raised_at=datetime.combine(TODAY - timedelta(days=91), datetime.min.time(), tzinfo=HANOI) + timedelta(hours=8))
    block = registration_block_of(enterprise=trader1.enterprise, on=TODAY)
    # Interest from the original due date 01/03/2026, paid on 04/12/2026: 277 late days (2 March to
    # 3 December) × 0.03 % × 10 000 000 = 831 000.
    (debt,) = block.debts
    assert (debt.kind, debt.number, debt.due_date) == ("additional_assessment", declaration.number, TODAY - timedelta(days=91))
    assert debt.amount == Decimal("10831000") and block.total == Decimal("10831000")


def test_settled_assessment_does_not_block(trader1):
    assessment = raised(registered(trader1), on=TODAY - timedelta(days=200), tax="500000", due=date(2026, 3, 1))
    AdditionalAssessment.objects.filter(pk=assessment.pk).update(settled_at=datetime(2026, 6, 1, tzinfo=HANOI))
    assert registration_block_of(enterprise=trader1.enterprise, on=TODAY) is None
