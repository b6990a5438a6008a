"""The additional assessment an audit raises where duties were under-declared, and how it is paid.

The corrected lines are taxed again with the declaration's own tax service
(declarations.services.taxes.taxes_compute) on the corrected customs value, HS code and quantity,
at the declaration's exchange rate, origin and preference; the difference per tax, where positive,
is owed. Late interest (payments.services.balance: 0.03 % a day) runs from the ORIGINAL due date,
the registration date, until the taxes are paid: late days as the Law on Tax Administration counts
them (`late_days`). It is paid through payments' e-payment flow: `LaterDuesProvider` below is
registered with payments (payments/services/later_dues.py) in `PostClearanceConfig.ready()`.
"""
from datetime import date
from decimal import Decimal

from django.utils import timezone

from declarations.extensions import OverdueDebt
from declarations.models import AmendmentDifference, Declaration, DutyAssessment, GoodsItem
from declarations.services.taxes import TAX_NAMES, ItemTaxInput, taxes_compute
from payments.services.balance import late_interest_compute
from payments.services.later_dues import LaterDue
from post_clearance.models import AdditionalAssessment
from reference.models import TariffLine

ZERO = Decimal("0")
KEY_PREFIX = "post_clearance"


def item_taxes_declared(item: GoodsItem) -> dict[str, Decimal]:
    return {name: getattr(item, name) for name in TAX_NAMES}


def item_taxes_corrected(*, declaration: Declaration, item: GoodsItem, customs_value: Decimal | None,
                         line: TariffLine | None, quantity: Decimal | None) -> dict[str, Decimal]:
    """The taxes of `item` with the corrected values (None: as declared). The customs value is
    already CIF (imports) / FOB (exports): it is taxed as is, with no freight or insurance added."""
    officer_duty = (item.rates or {}).get("import_duty") if item.duty_assessment == DutyAssessment.OFFICER else None
    result = taxes_compute(
        direction=declaration.direction,
        type_code=declaration.type_code,
        incoterm="CIF" if declaration.direction == "import" else "FOB",
        freight=ZERO, insurance=ZERO,
        exchange_rate=declaration.exchange_rate,
        items=[ItemTaxInput(line=line or item.tariff_line, origin=item.origin_country,
                            quantity=quantity if quantity is not None else item.quantity, unit=item.unit_id,
                            line_value=customs_value if customs_value is not None else item.customs_value,
                            preference=item.preference, officer_duty=officer_duty)],
    )
    taxes = result.items[0]
    return {name: getattr(taxes, name) for name in TAX_NAMES}


def taxes_difference(lines: list[tuple[dict, dict]]) -> dict[str, Decimal]:
    """Per tax, the corrected minus the declared amounts over the corrected lines, where positive
    (an over-declared tax is not netted against an under-declared one: a refund is another procedure)."""
    difference = {}
    for name in TAX_NAMES:
        amount = sum((Decimal(after[name]) - Decimal(before[name]) for before, after in lines), ZERO)
        if amount > 0:
            difference[name] = amount
    return difference


def interest_on(assessment: AdditionalAssessment, on: date) -> Decimal:
    """Late interest of the assessment paid on `on`: fixed once its taxes are paid."""
    if assessment.interest_fixed is not None:
        return assessment.interest_fixed
    return late_interest_compute(principal=assessment.tax_amount, due_date=assessment.due_date, on=on)


def assessment_outstanding(assessment: AdditionalAssessment, on: date) -> tuple[dict[str, Decimal], Decimal]:
    """(taxes outstanding by name, interest outstanding) on `on`; taxes are settled in TAX_NAMES order."""
    already, taxes = assessment.tax_paid, {}
    for name in TAX_NAMES:
        owed = Decimal(assessment.taxes.get(name, "0"))
        covered = min(owed, already)
        already -= covered
        if owed - covered > 0:
            taxes[name] = owed - covered
    return taxes, interest_on(assessment, on) - assessment.interest_paid


class LaterDuesOf:
    """payments' LaterDuesProvider for a model of debts raised after clearance: an audit's additional
    assessment, or the additional tax of an amendment accepted after clearance
    (declarations.models.AmendmentDifference). Both hold `taxes`, `tax_amount`, `due_date`, `tax_paid`,
    `interest_fixed`, `interest_paid`, `settled_at`: one way to owe, pay and settle them."""

    def __init__(self, model, prefix: str):
        self.model = model
        self.prefix = prefix

    def dues(self, *, declaration: Declaration, on: date) -> list[LaterDue]:
        dues = []
        for debt in self.model.objects.filter(declaration=declaration, settled_at__isnull=True).order_by("id"):
            taxes, interest = assessment_outstanding(debt, on)
            dues.append(LaterDue(key=f"{self.prefix}:{debt.pk}", taxes=taxes, interest=interest))
        return dues

    def pay(self, *, declaration: Declaration, key: str, tax: Decimal, interest: Decimal, on: date, payment) -> None:
        debt = self.model.objects.select_for_update().get(pk=int(key.split(":", 1)[1]), declaration=declaration)
        debt.tax_paid += tax
        if debt.tax_paid == debt.tax_amount and debt.interest_fixed is None:
            debt.interest_fixed = late_interest_compute(principal=debt.tax_amount, due_date=debt.due_date, on=on)
        debt.interest_paid += interest
        if debt.tax_paid == debt.tax_amount and debt.interest_paid >= debt.interest_fixed:
            debt.settled_at = timezone.now()
        debt.save()


additional_assessment_dues = LaterDuesOf(AdditionalAssessment, KEY_PREFIX)
# An amendment accepted after clearance (declarations.services.amendments): its additional tax.
amendment_difference_dues = LaterDuesOf(AmendmentDifference, "amendment")


def overdue_additional_assessments(*, enterprise_ids, due_by: date, on: date) -> dict[int, list[OverdueDebt]]:
    """The enterprises' unsettled debts raised after clearance on or before `due_by` (local date): an
    audit's additional assessments and the additional tax of amendments accepted after clearance, with
    their taxes and interest outstanding on `on`, by enterprise id (of `enterprise_ids`, or all when
    None): for the registration block and the compliance figures. Such a debt is due from the day it is
    raised (the decision), whatever the date its interest runs from. One query per kind of debt."""
    debts: dict[int, list[OverdueDebt]] = {}
    for model, kind in ((AdditionalAssessment, "additional_assessment"), (AmendmentDifference, "amendment_difference")):
        rows = model.objects.filter(settled_at__isnull=True, tax_amount__gt=0)
        if enterprise_ids is not None:
            rows = rows.filter(declaration__enterprise_id__in=list(enterprise_ids))
        for debt in rows.select_related("declaration").order_by("raised_at", "id"):
            raised_on = timezone.localdate(debt.raised_at)
            if raised_on > due_by:
                continue
            taxes, interest = assessment_outstanding(debt, on)
            amount = sum(taxes.values(), ZERO) + interest
            if amount > 0:
                debts.setdefault(debt.declaration.enterprise_id, []).append(
                    OverdueDebt(kind=kind, declaration_id=debt.declaration_id, number=debt.declaration.number,
                                amount=amount, due_date=raised_on))
    return {enterprise_id: sorted(found, key=lambda debt: (debt.due_date, debt.declaration_id))
            for enterprise_id, found in debts.items()}
