"""An amendment after the taxes were paid owes only the difference: applied at once before customs
holds the declaration, or when the officer accepts the trader's request once it does."""
from decimal import Decimal

import pytest

from declarations.models import Declaration
from declarations.services.amendments import declaration_amend
from declarations.services.declarations import declaration_as_data
from declarations.services.review import declaration_decide
from payments.services.payments import BankNotice, payment_credit, payment_start
from tests.factories import parsed, registered
from tests.payloads import plain_import_body

pytestmark = pytest.mark.django_db


def paid_declaration(trader, status, channel):
    declaration = registered(trader, plain_import_body())
    Declaration.objects.filter(pk=declaration.pk).update(status=status, channel=channel)
    payment = payment_start(declaration_id=declaration.pk, user=trader)
    payment_credit(notice=BankNotice(payment.reference, payment.amount, "success", f"TXN-AMEND-{declaration.pk}"))
    declaration.refresh_from_db()
    assert (declaration.payment_status, declaration.amount_due) == ("paid", Decimal("0"))
    return declaration


def more_t_shirts(declaration) -> dict:
    data = declaration_as_data(declaration=declaration)
    more = parsed(plain_import_body())["items"]
    more[1]["quantity"] = Decimal("2000")
    data["items"] = more
    data["invoice"]["total"] = Decimal("8500.00")
    return data


def test_an_accepted_amendment_request_after_payment_owes_only_the_difference(trader1, officer):
    declaration = paid_declaration(trader1, "under_review", "yellow")
    paid_total = declaration.tax_total

    requested = declaration_amend(declaration=declaration, user=trader1, data=more_t_shirts(declaration), reason="more T-shirts")
    assert (requested.version, requested.tax_total, requested.amount_due) == (1, paid_total, Decimal("0"))
    declaration_decide(declaration_id=declaration.pk, officer=officer, action="accept_amendment", note="invoice checked")

    amended = Declaration.objects.get(pk=declaration.pk)
    assert amended.version == 2
    assert amended.tax_total > paid_total
    assert amended.amount_due == amended.tax_total - paid_total
    assert amended.payment_status == "unpaid"
    assert (amended.status, amended.channel) == ("under_review", "yellow")


def test_an_amendment_before_customs_holds_it_owes_only_the_difference(trader1):
    declaration = paid_declaration(trader1, "registered", None)
    paid_total = declaration.tax_total

    amended = declaration_amend(declaration=declaration, user=trader1, data=more_t_shirts(declaration), reason="more T-shirts")
    assert (amended.version, amended.status) == (2, "registered")
    assert amended.amount_due == amended.tax_total - paid_total
    assert amended.payment_status == "unpaid"
