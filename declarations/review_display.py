"""What the officer's pages show, shaped for the templates: waiting times, the audit trail in
words, the enterprise's history and the earlier versions of an amended declaration. It formats;
what it shows is read by `declarations.selectors`. (The risk explanation is risk's:
`risk/explanation.py`, through `declarations.extensions`.)"""
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from declarations.amendments import NUMERIC_KEYS
from declarations.forms import GROUP_LABELS, HEADER_BY_PATH, ITEM_LABELS
from declarations.lifecycle import AFTER_CLEARANCE, Action, Channel, Status
from declarations.models import Declaration
from declarations.selectors import (
    declaration_audit_events,
    declaration_versions_superseded,
    enterprise_record,
    officer_names,
)
from declarations.services.amendments import tax_difference
from declarations.services.taxes import TAX_NAMES
from declarations.type_codes import TYPE_CODES

TYPE_LABELS = {code: label for codes in TYPE_CODES.values() for code, label in codes.items()}
HISTORY_SIZE = 10
WAIT_WARNING = 4 * 3600  # seconds after which the waiting time shows as late, then overdue
WAIT_OVERDUE = 24 * 3600
# Audit actions that are not state-machine actions.
EXTRA_ACTION_LABELS = {"document_upload": gettext_lazy("Document uploaded"), "assign": gettext_lazy("Assignment"),
                       "post_clearance_select": gettext_lazy("Post-clearance audit selection")}


def duration_label(seconds: float | None) -> str:
    """A waiting time as an officer reads it: "12 min", "2 h 15 min", "3 d 4 h"."""
    if seconds is None:
        return "—"
    minutes = int(seconds // 60)
    if minutes < 1:
        return _("< 1 min")
    if minutes < 60:
        return _("%(minutes)d min") % {"minutes": minutes}
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    days, hours = divmod(hours, 24)
    return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}


def wait_level(seconds: float | None) -> str:
    if seconds is None or seconds < WAIT_WARNING:
        return "normal"
    return "late" if seconds < WAIT_OVERDUE else "overdue"


def declaration_holding(declaration: Declaration, *, now) -> dict:
    """Who holds a declaration and since when, from the annotations of `declarations.selectors.with_holding_times`.

    Since the channel was assigned, the trader held the file while a request for documents was open
    (`trader_seconds`); customs held it the rest of the time. A declaration awaiting payment is the
    trader's to act on since it started to wait. `documents` is "requested" (an open request, `since`
    the oldest), "answered" (every request answered, `since` the latest answer) or "" (none).
    """
    total = (now - declaration.assessed_at).total_seconds() if declaration.assessed_at else None
    trader = float(getattr(declaration, "trader_seconds", 0) or 0)
    customs = max(total - trader, 0) if total is not None else None
    requested_at = getattr(declaration, "documents_requested_at", None)
    answered_at = getattr(declaration, "documents_answered_at", None)
    documents, since = ("requested", requested_at) if requested_at else ("answered", answered_at) if answered_at else ("", None)
    paying_since = getattr(declaration, "awaiting_payment_since", None) if declaration.status == Status.ASSESSED else None
    return {
        "total": duration_label(total),
        "customs": duration_label(customs),
        "customs_seconds": customs,
        "customs_level": wait_level(customs),
        "trader": duration_label(trader) if trader else "",
        "trader_seconds": trader,
        "documents": documents,
        "documents_since": since,
        "documents_ago": duration_label((now - since).total_seconds()) if since else "",
        "awaiting_payment_since": paying_since,
        "awaiting_payment_for": duration_label((now - paying_since).total_seconds()) if paying_since else "",
    }


def action_label(action: str) -> str:
    if action in Action.values:
        return str(Action(action).label)
    return str(EXTRA_ACTION_LABELS.get(action, action.replace("_", " ")))


def status_label(status: str) -> str:
    return str(Status(status).label) if status in Status.values else status


def decimal_or_none(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def decimal_text(value: Decimal | None) -> str:
    """A quantity or rate with its significant decimals only (3.5000 -> 3.5), grouped for the language."""
    if value is None:
        return ""
    return number_format(Decimal(format(value.normalize(), "f")), force_grouping=True)


def value_text(value) -> str:
    if isinstance(value, list):
        return ", ".join(value_text(v) for v in value)
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    return "—" if value is None else str(value)


def _assignee_names(events) -> dict:
    ids = {event.data.get("to", event.data.get("assigned_to")) for event in events
           if event.data and (event.action == "assign" or "assigned_to" in event.data)} - {None}
    return officer_names(ids=ids) if ids else {}


def audit_trail(declaration: Declaration) -> list[dict]:
    events = declaration_audit_events(declaration=declaration)
    trail = []
    events = list(events)
    names = _assignee_names(events)
    for event in events:
        data = event.data or {}
        details = []
        if event.action == "assign" or "assigned_to" in data:
            to = data.get("to", data.get("assigned_to"))
            details.append(_("Assigned to %(officer)s") % {"officer": names[to]} if to in names
                           else _("Unassigned: in the office's pool"))
        note = data.get("note")
        if note and note != event.reason:
            details.append(note)
        if "discrepancy" in data:
            details.append(_("Discrepancy: %(findings)s") % {"findings": data.get("findings") or "—"}
                           if data["discrepancy"] else _("No discrepancy"))
        if data.get("tax_total_before") and data.get("tax_total_after") and data["tax_total_before"] != data["tax_total_after"]:
            details.append(_("Taxes %(before)s → %(after)s VND") % {
                "before": number_format(Decimal(data["tax_total_before"]), decimal_pos=0, force_grouping=True),
                "after": number_format(Decimal(data["tax_total_after"]), decimal_pos=0, force_grouping=True)})
        if event.action == "document_upload":
            details.append(data.get("name", ""))
        if data.get("number") and event.action == Action.SUBMIT:
            details.append(_("Number %(number)s") % {"number": data["number"]})
        if data.get("channel") and event.action in (Action.ASSESS, Action.ACCEPT_AMENDMENT):
            details.append(_("%(channel)s channel") % {"channel": Channel(data["channel"]).label})
        if data.get("container_numbers"):
            details.append(", ".join(data["container_numbers"]))
        if data.get("from_version"):
            details.append(_("Version %(from)s → %(to)s") % {"from": data["from_version"], "to": data.get("to_version")})
        if data.get("amendment_status") == "lapsed":
            details.append(_("The pending amendment request closed without a decision"))
        if data.get("reference") and event.action == Action.PAY:
            details.append(_("Payment %(reference)s") % {"reference": data["reference"]})
        trail.append({
            "event": event,
            "action": event.action,
            "action_label": action_label(event.action),
            "actor": (event.actor.get_full_name() or event.actor.get_username()) if event.actor else _("System"),
            "actor_username": event.actor.get_username() if event.actor else "",
            "from_label": status_label(event.from_status) if event.from_status else "",
            "to_label": status_label(event.to_status) if event.to_status else "",
            "changed": bool(event.from_status) and event.from_status != event.to_status,
            "details": [d for d in details if d],
        })
    return trail


def _change_value(value, field: str | None = None) -> str:
    if field == "permits" and isinstance(value, list):  # a line's permits (declarations/permits.py)
        return "; ".join(f"{permit.get('kind')} {permit.get('number')} ({permit.get('agency')}, {permit.get('date')})"
                         for permit in value if isinstance(permit, dict)) or "—"
    if isinstance(value, dict):  # a goods line added or removed
        return " · ".join(str(part) for part in (
            value.get("hs_code"), value.get("description"),
            f"{_change_value(value.get('quantity'), 'quantity')} {value.get('unit') or ''} × "
            f"{_change_value(value.get('unit_price'), 'unit_price')}",
        ) if part)
    if value in (None, ""):
        return "—"
    if field and field.rpartition(".")[2] in NUMERIC_KEYS:
        try:
            return decimal_text(Decimal(str(value)))
        except ArithmeticError:
            pass
    return value_text(value)


def _change_label(change: dict) -> str:
    field = change.get("field")
    if change.get("line") is None:
        spec = HEADER_BY_PATH.get(field)
        return str(spec.label) if spec else field
    if change.get("change") == "added":
        return str(_("Line added"))
    if change.get("change") == "removed":
        return str(_("Line removed"))
    return str(ITEM_LABELS.get(field, GROUP_LABELS.get(field, field)))


TAX_LABELS = {"import_duty": gettext_lazy("Import duty"), "export_duty": gettext_lazy("Export duty"),
              "special_consumption_tax": gettext_lazy("Special consumption tax"),
              "environmental_tax": gettext_lazy("Environmental tax"), "vat": gettext_lazy("VAT")}


def tax_difference_rows(additional: dict, refund: dict) -> list[dict]:
    """Per tax that changes: its name, the additional tax or the tax to be refunded (VND)."""
    return [{"name": name, "label": TAX_LABELS[name],
             "additional": Decimal(str(additional[name])) if name in additional else None,
             "refund": Decimal(str(refund[name])) if name in refund else None}
            for name in TAX_NAMES if name in additional or name in refund]


def _after_clearance_difference(declaration: Declaration, request) -> dict | None:
    """After clearance: the difference in taxes per tax. Pending: the request's taxes (computed when it
    was lodged, at the registration date's rate) against the declaration's; accepted: the record."""
    if request.pending:
        if declaration.status not in AFTER_CLEARANCE or not request.taxes:
            return None
        taxes = {name: getattr(declaration, name) for name in TAX_NAMES}
        additional, refund = tax_difference(before=taxes, after=request.taxes)
        return {"rows": tax_difference_rows(additional, refund), "record": None,
                "additional_total": sum(additional.values(), Decimal(0)),
                "refund_total": sum(refund.values(), Decimal(0)),
                "due_date": declaration.registered_at}
    record = getattr(request, "difference", None) if request.status == "accepted" else None
    if record is None:
        return None
    return {"rows": tax_difference_rows(record.taxes or {}, record.refunds or {}), "record": record,
            "additional_total": record.tax_amount, "refund_total": record.refund_amount,
            "due_date": record.due_date}


def amendment_for_display(declaration: Declaration) -> dict | None:
    """The declaration's latest amendment request, shaped for the trader's and the officer's pages:
    what it changes field by field and line by line, the taxes it would owe, and the decision."""
    request = declaration.amendment_request if declaration.amendment_request_id else None
    if request is None:
        return None
    changes = [
        {"line": change.get("line"), "label": _change_label(change), "kind": change.get("change", "changed"),
         "before": _change_value(change.get("item") if change.get("change") == "removed" else change.get("from"), change.get("field")),
         "after": _change_value(change.get("item") if change.get("change") == "added" else change.get("to"), change.get("field"))}
        for change in request.changes or []
    ]
    tax_after = (request.taxes or {}).get("total")

    def name(user) -> str:
        return (user.get_full_name() or user.get_username()) if user else ""

    return {
        "request": request,
        "pending": request.pending,
        "changes": changes,
        "tax_before": declaration.tax_total if request.pending else None,
        "tax_after": Decimal(str(tax_after)) if tax_after not in (None, "") else None,
        "requested_by": name(request.requested_by),
        "decided_by": name(request.decided_by) if request.decided_by_id else "",
        "after_clearance": declaration.status in AFTER_CLEARANCE,
        "difference": _after_clearance_difference(declaration, request),
    }


def versions_for_display(declaration: Declaration) -> list[dict]:
    """Earlier versions of an amended declaration, readable: header, items with their taxes, totals."""
    tax_names = ("import_duty", "export_duty", "special_consumption_tax", "environmental_tax", "vat")
    versions = []
    for version in declaration_versions_superseded(declaration=declaration):
        content = version.content or {}
        items = []
        for number, item in enumerate(content.get("items") or [], start=1):
            taxes = sum((Decimal(str(item.get(name) or 0)) for name in tax_names), Decimal(0))
            items.append({**item, "line_no": number, "tax_total": taxes,
                          "quantity": decimal_text(decimal_or_none(item.get("quantity"))),
                          "unit_price": decimal_text(decimal_or_none(item.get("unit_price")))})
        versions.append({
            "version": version,
            "content": content,
            "items": items,
            "invoice": content.get("invoice") or {},
            "partner": content.get("partner") or {},
            "taxes": version.taxes or {},
            "by": (version.superseded_by.get_full_name() or version.superseded_by.get_username()) if version.superseded_by else "",
        })
    return versions


def enterprise_history(declaration: Declaration) -> dict:
    """What the review page shows of the declaring enterprise's record."""
    enterprise = declaration.enterprise
    record = enterprise_record(declaration=declaration, limit=HISTORY_SIZE)
    return {
        "enterprise": enterprise,
        "enterprise_age_days": enterprise.age_days(),
        "enterprise_stats": record["stats"],
        "enterprise_history": record["history"],
        "enterprise_inspections": record["inspections"],
        "enterprise_discrepancies": sum(1 for result in record["inspections"] if result.discrepancy),
    }
