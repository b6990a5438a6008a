"""What the review page offers once the physical inspection of a declaration's version is recorded.

No discrepancy: the next step is to clear the declaration (or ask for more documents). A
discrepancy: reassess the goods (record them as found: `record_inspection` with the items, the
taxes are computed again), request documents, or reject; the declaration can be cleared once
it is settled. The goods as found are typed in the review page as the trader types them in the
declaration form (Vietnamese numbers: customs_portal/localization.py) and sent to the one service,
`declaration_decide`, as the API's items.
"""
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customs_portal.localization import (
    NumberUnreadable,
    number_input_text,
    number_parse,
    number_unreadable_message,
)
from declarations.lifecycle import Action, Status
from declarations.models import Declaration, InspectionResult

REASSESS_GOODS = "reassess_goods"  # the page's name of `record_inspection` with the goods as found
GOODS_INPUTS = ("hs_code", "description", "origin_country", "quantity", "unit_price")
NUMBER_INPUTS = ("quantity", "unit_price")
REASSESS_FORM = {
    "action": REASSESS_GOODS, "style": "warning", "fields": ["goods", "findings"], "required": ["goods", "findings"],
    "label": gettext_lazy("Reassess the goods"), "submit": gettext_lazy("Record the goods as found"),
    "help": gettext_lazy("Correct the goods to what the inspection found: the taxes are computed again and the "
                         "amount due changes; the goods as declared stay in the inspection record."),
}


def inspection_of_version(declaration: Declaration, inspections: list[InspectionResult]) -> InspectionResult | None:
    """The latest inspection result of the declaration's current version, while it is under inspection."""
    if declaration.status != Status.UNDER_INSPECTION:
        return None
    current = [result for result in inspections if result.declaration_version == declaration.version]
    return current[-1] if current else None


def inspection_next_step(declaration: Declaration, inspections: list[InspectionResult], *, may_decide: bool) -> dict | None:
    """The next step, plainly, once the inspection of this version is recorded: {"result", "options": [(action, label)]}."""
    result = inspection_of_version(declaration, inspections)
    if result is None or not may_decide:
        return None
    if result.discrepancy:
        options = [(REASSESS_GOODS, _("Reassess the goods")), (Action.REQUEST_DOCUMENTS, _("Request documents")),
                   (Action.REJECT, _("Reject the declaration"))]
    else:
        options = [(Action.RELEASE, _("Clear the declaration")), (Action.REQUEST_DOCUMENTS, _("Ask for more: request documents"))]
    return {"result": result, "options": [{"action": str(action), "label": label} for action, label in options]}


def goods_rows(declaration: Declaration, values: dict | None, errors: dict | None) -> list[dict]:
    """The goods as declared, as the inputs of the reassessment show them (or as typed, with their errors)."""
    rows = []
    for item in declaration.items.all():
        shown = {"hs_code": item.hs_code, "description": item.description, "origin_country": item.origin_country_id,
                 "quantity": number_input_text(item.quantity), "unit_price": number_input_text(item.unit_price)}
        typed = {name: (values or {}).get(f"goods-{item.line_no}-{name}") for name in GOODS_INPUTS}
        rows.append({"line_no": item.line_no, "unit": item.unit_id,
                     **{name: typed[name] if typed[name] is not None else shown[name] for name in GOODS_INPUTS},
                     "errors": (errors or {}).get(f"goods-{item.line_no}", [])})
    return rows


def posted_goods(post, declaration: Declaration) -> tuple[list[dict], dict[str, list[str]]]:
    """The goods typed in the review page as the API's items, and the numbers that could not be read."""
    items, errors = [], {}
    for item in declaration.items.all():
        typed = {name: post.get(f"goods-{item.line_no}-{name}", "").strip() for name in GOODS_INPUTS}
        for name in NUMBER_INPUTS:
            try:
                typed[name] = format(number_parse(typed[name]), "f")
            except NumberUnreadable:
                errors.setdefault(f"goods-{item.line_no}", []).append(number_unreadable_message())
        items.append({**typed, "unit": item.unit_id, "preference": item.preference,
                      "certificate_of_origin": item.certificate_of_origin})
    return items, errors


def goods_errors(flat: dict, declaration: Declaration) -> dict[str, list[str]]:
    """Errors of `items.<index>.<field>` as errors of the goods line they are about (`goods-<line_no>`)."""
    lines = [item.line_no for item in declaration.items.all()]
    found = {}
    for key in [key for key in flat if key == "items" or key.startswith("items.")]:
        index = key.split(".")[1] if "." in key else ""
        line_no = lines[int(index)] if index.isdigit() and int(index) < len(lines) else None
        found.setdefault(f"goods-{line_no}" if line_no else "goods", []).extend(flat.pop(key))
    return found
