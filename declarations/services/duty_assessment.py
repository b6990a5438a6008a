"""An officer sets the import duty that a special rule of the tariff leaves to customs.

A goods item whose tariff line has no rate but a chapter-98 reference is registered with its
duty "to be assessed by an officer" (`DutyAssessment.TO_BE_ASSESSED`, counted as zero). While
the declaration is under review or inspection, an officer sets that duty, as a rate of the
taxable value or as an amount in VND, with a reason. Every tax of the declaration is computed
again on it (special consumption tax and VAT include the duty), the amount due changes by the
difference (payments already made count), and the decision is audited with the amounts before
and after. The declaration cannot be cleared while a duty is still to be assessed.
"""
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from customs_portal.errors import DomainValidationError
from declarations.models import Declaration, DutyAssessment, GoodsItem
from declarations.services.declarations import TAXED_COLUMNS, amount_due_after_tax_change, declaration_taxes_apply
from declarations.services.taxes import ITEM_TAXED_FIELDS
from reference.special_rates import special_rule_of

ASSESSABLE = (DutyAssessment.TO_BE_ASSESSED, DutyAssessment.OFFICER)
MAX_RATE = Decimal("1000")


@dataclass
class DutyAssessmentResult:
    data: dict  # for the audit event
    fields: dict = field(default_factory=dict)  # declaration fields to save with it


def items_with_duty_to_assess(*, declaration: Declaration) -> list[GoodsItem]:
    """The items whose import duty an officer still has to set."""
    return list(declaration.items.filter(duty_assessment=DutyAssessment.TO_BE_ASSESSED).order_by("line_no"))


def _validated(duties: list[dict], items: dict[int, GoodsItem]) -> list[tuple[GoodsItem, dict]]:
    if not duties:
        raise DomainValidationError({"duties": [_("Give the import duty of at least one item.")]})
    errors, chosen, seen = [], [], set()
    for entry in duties:
        problems: dict[str, list[str]] = {}
        line_no = entry.get("line_no")
        item = items.get(line_no)
        rate, amount = entry.get("rate"), entry.get("amount")
        if item is None:
            problems["line_no"] = [_("The declaration has no item %(line)s.") % {"line": line_no}]
        elif item.duty_assessment not in ASSESSABLE:
            problems["line_no"] = [_("The import duty of item %(line)s follows the tariff; only a duty set by a "
                                     "special rule is assessed by an officer.") % {"line": line_no}]
        elif line_no in seen:
            problems["line_no"] = [_("Item %(line)s is given twice.") % {"line": line_no}]
        if (rate is None) == (amount is None):
            problems["rate"] = [_("Give either a rate (%) or an amount (VND), not both.")]
        elif rate is not None and not Decimal("0") <= rate <= MAX_RATE:
            problems["rate"] = [_("The rate must be between 0 and %(max)s %%.") % {"max": MAX_RATE}]
        elif amount is not None and (amount < 0 or amount != amount.to_integral_value()):
            problems["amount"] = [_("The amount is a whole number of VND, zero or more.")]
        errors.append(problems)
        seen.add(line_no)
        if not problems:
            chosen.append((item, entry))
    if any(errors):
        raise DomainValidationError({"duties": errors})
    return chosen


def declaration_duty_assess(*, declaration: Declaration, officer, duties: list[dict], reason: str) -> DutyAssessmentResult:
    """Set the import duty of items of `declaration` (locked by the caller, under review or
    inspection): each entry of `duties` is {"line_no", "rate"} or {"line_no", "amount"}.

    The items are saved; the declaration's taxes, amount due and payment status come back in
    `fields`, for the caller's transition to save with the audit event.
    """
    items = list(declaration.items.select_related("tariff_line", "origin_country").order_by("line_no"))
    chosen = _validated(duties, {item.line_no: item for item in items})
    tax_total_before = declaration.tax_total
    before = {item.line_no: item.import_duty for item in items}
    now = timezone.now().isoformat()
    for item, entry in chosen:
        rule = special_rule_of(item.tariff_line)
        item.duty_assessment = DutyAssessment.OFFICER
        item.rates = {**item.rates, "import_duty": {
            "rate": None if entry.get("rate") is None else format(entry["rate"].normalize(), "f"),
            "amount": None if entry.get("amount") is None else str(entry["amount"].quantize(Decimal("1"))),
            "rule": rule.source if rule else "",
            "reason": reason,
            "assessed_by": officer.get_username(),
            "assessed_at": now,
        }}
    declaration_taxes_apply(declaration=declaration, items=items, on=timezone.localdate(declaration.registered_at))
    GoodsItem.objects.bulk_update(items, ITEM_TAXED_FIELDS)
    declaration.items_set_loaded(items)
    assessed = [
        {
            "line_no": item.line_no,
            "hs_code": item.hs_code,
            **{key: item.rates["import_duty"][key] for key in ("rate", "amount") if item.rates["import_duty"].get(key)},
            "import_duty_before": str(before[item.line_no]),
            "import_duty_after": str(item.import_duty),
        }
        for item, _entry in chosen
    ]
    return DutyAssessmentResult(
        data={"duties": assessed, "tax_total_before": str(tax_total_before), "tax_total_after": str(declaration.tax_total)},
        fields={**{name: getattr(declaration, name) for name in TAXED_COLUMNS}, **amount_due_after_tax_change(declaration)},
    )
