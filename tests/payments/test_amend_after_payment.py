"""An amendment after the taxes were paid owes only the difference."""
from decimal import Decimal

import pytest

from declarations.models import Declaration
from declarations.services.declarations import declaration_amend, declaration_as_data
from payments.services.payments import BankNotice, payment_credit, payment_start
from tests.payloads import plain_import_body
from tests.risk.test_assessment import parsed, registered

pytestmark = pytest.mark.django_db


def test_amendment_after_payment_owes_only_the_difference(trader1):
    declaration = registered(trader1, plain_import_body())
    Declaration.objects.filter(pk=declaration.pk).update(status="under_review", channel="yellow")
    payment = payment_start(declaration_id=declaration.pk, user=trader1)
    payment_credit(notice=BankNotice(payment.reference, payment.amount, "success", "TXN-AMEND-1"))
    declaration.refresh_from_db()
    assert (declaration.payment_status, declaration.amount_due) == ("paid", Decimal("0"))
    paid_total = declaration.tax_total

    data = declaration_as_data(declaration=declaration)
    more = parsed(plain_import_body())["items"]
    more[1]["quantity"] = Decimal("2000")
    data["items"] = more
    data["invoice"]["total"] = Decimal("8500.00")
    amended = declaration_amend(declaration=declaration, user=trader1, data=data, reason="more T-shirts")
    assert amended.tax_total > paid_total
    assert amended.amount_due == amended.tax_total - paid_total
    assert amended.payment_status == "unpaid"
