"""Post-clearance audit pages for auditors: the queue of their offices and one audit (open it,
record findings with corrected lines, close it). Views parse, call one service, render."""
from decimal import Decimal

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from customs_portal.errors import DomainConflict, DomainValidationError
from customs_portal.localization import number_parse
from post_clearance.lifecycle import AuditStatus
from post_clearance.permissions import auditor_required
from post_clearance.selectors import additional_amount_due, audit_get, audit_queue
from post_clearance.services.audits import LineCorrection, audit_close, audit_findings_record, audit_open

QUEUE_LIMIT = 200


@auditor_required
@require_GET
def audit_queue_view(request):
    status = request.GET.get("status", "")
    if status not in AuditStatus.values:
        status = ""
    audits = list(audit_queue(user=request.user, status=status or None).select_related("selection")[:QUEUE_LIMIT])
    return render(request, "post_clearance/queue.html", {"audits": audits, "status": status,
                                                         "statuses": AuditStatus.choices})


def _number(text: str, field: str, errors: dict) -> Decimal | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return number_parse(text)
    except (ValueError, ArithmeticError):
        errors.setdefault(field, []).append(_("Enter a number."))
        return None


def _corrections(post, items, errors: dict) -> list[LineCorrection]:
    corrections = []
    for item in items:
        prefix = f"line-{item.line_no}-"
        value = _number(post.get(prefix + "customs_value", ""), f"line {item.line_no}", errors)
        quantity = _number(post.get(prefix + "quantity", ""), f"line {item.line_no}", errors)
        hs_code = post.get(prefix + "hs_code", "").strip()
        if value is not None or quantity is not None or hs_code:
            corrections.append(LineCorrection(line_no=item.line_no, customs_value=value, hs_code=hs_code, quantity=quantity))
    return corrections


@auditor_required
def audit_detail_view(request, pk):
    audit = audit_get(user=request.user, pk=pk)
    items = list(audit.declaration.items.select_related("unit").order_by("line_no"))
    errors: dict = {}
    if request.method == "POST":
        post = request.POST
        corrections = _corrections(post, items, errors)
        if not errors:
            try:
                audit_findings_record(audit_id=audit.pk, user=request.user, findings=post.get("findings", ""),
                                      discrepancy=post.get("discrepancy") == "on", lines=corrections)
            except DomainValidationError as exc:
                errors = exc.errors
            except DomainConflict as exc:
                messages.error(request, str(exc))
                return redirect("post_clearance:audit", pk=audit.pk)
            else:
                messages.success(request, _("Findings recorded."))
                return redirect("post_clearance:audit", pk=audit.pk)
    corrected = {line.item.line_no: line for line in audit.lines.all()}
    for item in items:
        item.correction = corrected.get(item.line_no)
    return render(request, "post_clearance/audit.html", {
        "audit": audit, "declaration": audit.declaration, "items": items, "errors": errors,
        "typed": request.POST if request.method == "POST" else None,
        "additional_amount": additional_amount_due(audit),
        "assessment": getattr(audit, "additional_assessment", None) if audit.status == AuditStatus.CLOSED else None,
    }, status=400 if errors else 200)


@auditor_required
@require_POST
def audit_open_view(request, pk):
    audit = audit_get(user=request.user, pk=pk)
    try:
        audit_open(audit_id=audit.pk, user=request.user)
    except DomainConflict as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Audit opened: the trader sees that its declaration is under post-clearance audit."))
    return redirect("post_clearance:audit", pk=audit.pk)


@auditor_required
@require_POST
def audit_close_view(request, pk):
    audit = audit_get(user=request.user, pk=pk)
    try:
        audit_close(audit_id=audit.pk, user=request.user)
    except DomainValidationError as exc:
        messages.error(request, " ".join(str(m) for msgs in exc.errors.values() for m in msgs))
    except DomainConflict as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Audit closed."))
    return redirect("post_clearance:audit", pk=audit.pk)
