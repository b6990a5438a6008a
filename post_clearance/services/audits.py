"""An auditor's work on a post-clearance audit: open it, record findings (with corrected lines),
close it. Each step locks the audit (after its declaration: the lock order of every declaration
write), checks the transition table (post_clearance/lifecycle.py), writes an AuditEvent on the
declaration and publishes the change to the declaration's page on commit.

Closing an audit whose corrected lines owe more taxes raises the additional assessment
(services/additional.py) and adds it to the declaration's amount due.
"""
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customs_portal.audit.services import audit_record
from customs_portal.errors import DomainValidationError
from declarations.live import declaration_change_publish, declaration_snapshot
from declarations.services.lifecycle import declaration_lock
from payments.services.balance import declaration_due_date
from payments.services.later_dues import declaration_later_dues_sync
from post_clearance.lifecycle import AuditAction, AuditOutcome, audit_check_transition
from post_clearance.models import AdditionalAssessment, Audit, AuditLine
from post_clearance.services.additional import item_taxes_corrected, item_taxes_declared, taxes_difference
from reference.models import TariffLine

MAX_FINDINGS = 10_000


@dataclass(frozen=True)
class LineCorrection:
    line_no: int
    customs_value: Decimal | None = None
    hs_code: str = ""
    quantity: Decimal | None = None


def auditor_covers(user, audit: Audit) -> bool:
    return user.is_auditor and (user.all_offices or user.offices.filter(pk=audit.customs_office_id).exists())


def _locked(*, audit_id: int, user) -> tuple[Audit, object]:
    """The audit and its declaration, both locked; PermissionDenied for a user who is not an
    auditor of the audit's office (the views found the audit through the same visibility first)."""
    declaration_id = Audit.objects.filter(pk=audit_id).values_list("declaration_id", flat=True).first()
    if declaration_id is None:
        raise Audit.DoesNotExist
    declaration = declaration_lock(declaration_id=declaration_id)
    audit = Audit.objects.select_for_update().get(pk=audit_id)
    if not auditor_covers(user, audit):
        raise PermissionDenied
    return audit, declaration


def _audited(*, audit: Audit, declaration, user, action: str, from_status: str, reason: str = "", data: dict | None = None):
    audit_record(declaration=declaration, actor=user, action=f"post_clearance_{action}", from_status=from_status,
                 to_status=audit.status, reason=reason, data={"audit": audit.pk, **(data or {})})
    snapshot = declaration_snapshot(declaration)
    transaction.on_commit(lambda: declaration_change_publish(**snapshot))


def audit_open(*, audit_id: int, user) -> Audit:
    with transaction.atomic():
        audit, declaration = _locked(audit_id=audit_id, user=user)
        from_status = audit.status
        audit.status = audit_check_transition(AuditAction.OPEN, audit.status)
        audit.opened_at, audit.auditor = timezone.now(), user
        audit.save()
        _audited(audit=audit, declaration=declaration, user=user, action=AuditAction.OPEN, from_status=from_status)
    return audit


def _decimal(value, field: str, errors: dict, places: int) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors.setdefault(field, []).append(_("Enter a number."))
        return None
    if not number.is_finite() or number <= 0 or number >= Decimal(10) ** 14:
        errors.setdefault(field, []).append(_("Enter a positive number."))
        return None
    if -number.as_tuple().exponent > places:
        errors.setdefault(field, []).append(_("At most %(places)d decimal places.") % {"places": places})
        return None
    return number


def corrections_parse(raw_lines) -> list[LineCorrection]:
    """The corrected lines of a findings body ([{"line_no", "customs_value", "hs_code", "quantity"}]),
    or DomainValidationError naming the bad ones."""
    if not isinstance(raw_lines, list):
        raise DomainValidationError({"lines": [_("A list of corrected lines is expected.")]})
    errors: dict = {}
    corrections, seen = [], set()
    for index, raw in enumerate(raw_lines):
        path = f"lines[{index}]"
        if not isinstance(raw, dict):
            errors[path] = [_("A corrected line is an object.")]
            continue
        line_no = raw.get("line_no")
        if not isinstance(line_no, int) or isinstance(line_no, bool) or line_no < 1:
            errors[f"{path}.line_no"] = [_("The number of a goods line of the declaration is expected.")]
            continue
        if line_no in seen:
            errors[f"{path}.line_no"] = [_("Line %(line)d is corrected twice.") % {"line": line_no}]
            continue
        seen.add(line_no)
        customs_value = _decimal(raw.get("customs_value"), f"{path}.customs_value", errors, 4)
        quantity = _decimal(raw.get("quantity"), f"{path}.quantity", errors, 3)
        hs_code = str(raw.get("hs_code") or "").strip()
        if hs_code and not (hs_code.isdigit() and len(hs_code) == 8):
            errors[f"{path}.hs_code"] = [_("An HS code has 8 digits.")]
        if customs_value is None and quantity is None and not hs_code and f"{path}.customs_value" not in errors \
                and f"{path}.quantity" not in errors and f"{path}.hs_code" not in errors:
            errors[path] = [_("Give at least one corrected value: customs value, HS code or quantity.")]
        corrections.append(LineCorrection(line_no=line_no, customs_value=customs_value, hs_code=hs_code, quantity=quantity))
    if errors:
        raise DomainValidationError(errors)
    return corrections


def audit_findings_record(*, audit_id: int, user, findings: str, discrepancy: bool,
                          lines: list[LineCorrection]) -> Audit:
    """Record (or replace) the findings: the text, whether a discrepancy was found, and the goods
    lines whose customs value, HS code or quantity was wrong, with their taxes again."""
    findings = (findings or "").strip()
    errors = {}
    if not findings:
        errors["findings"] = [_("Describe what the audit found.")]
    elif len(findings) > MAX_FINDINGS:
        errors["findings"] = [_("At most %(max)d characters.") % {"max": MAX_FINDINGS}]
    if lines and not discrepancy:
        errors["lines"] = [_("Corrected lines are a discrepancy: tick “discrepancy found” or remove them.")]
    if errors:
        raise DomainValidationError(errors)
    with transaction.atomic():
        audit, declaration = _locked(audit_id=audit_id, user=user)
        from_status = audit.status
        to_status = audit_check_transition(AuditAction.RECORD_FINDINGS, audit.status)
        items = {item.line_no: item for item in declaration.items.select_related("tariff_line", "origin_country")}
        lines_errors, rows = {}, []
        tariff = {line.hs_code: line for line in TariffLine.objects.filter(hs_code__in={c.hs_code for c in lines if c.hs_code})}
        for index, correction in enumerate(lines):
            item = items.get(correction.line_no)
            if item is None:
                lines_errors[f"lines[{index}].line_no"] = [_("The declaration has no line %(line)d.") % {"line": correction.line_no}]
                continue
            if correction.hs_code and correction.hs_code not in tariff:
                lines_errors[f"lines[{index}].hs_code"] = [_("%(code)s is not in the tariff.") % {"code": correction.hs_code}]
                continue
            before = item_taxes_declared(item)
            after = item_taxes_corrected(declaration=declaration, item=item, customs_value=correction.customs_value,
                                         line=tariff.get(correction.hs_code), quantity=correction.quantity)
            rows.append(AuditLine(audit=audit, item=item, customs_value=correction.customs_value, hs_code=correction.hs_code,
                                  quantity=correction.quantity, taxes_declared={k: str(v) for k, v in before.items()},
                                  taxes_corrected={k: str(v) for k, v in after.items()}))
        if lines_errors:
            raise DomainValidationError(lines_errors)
        audit.lines.all().delete()
        AuditLine.objects.bulk_create(rows)
        now = timezone.now()
        if audit.opened_at is None:
            audit.opened_at, audit.auditor = now, user
        audit.status, audit.findings, audit.discrepancy, audit.findings_at = to_status, findings, discrepancy, now
        audit.save()
        _audited(audit=audit, declaration=declaration, user=user, action=AuditAction.RECORD_FINDINGS, from_status=from_status,
                 reason=findings, data={"discrepancy": discrepancy, "lines": [row.item.line_no for row in rows]})
    return audit


def audit_close(*, audit_id: int, user) -> Audit:
    """Close the audit with its outcome; where the corrected lines owe more taxes, raise the
    additional assessment (late interest from the original due date) and add it to the amount due."""
    with transaction.atomic():
        audit, declaration = _locked(audit_id=audit_id, user=user)
        from_status = audit.status
        to_status = audit_check_transition(AuditAction.CLOSE, audit.status)
        if audit.findings_at is None:
            raise DomainValidationError({"findings": [_("Record the findings before closing the audit.")]})
        now = timezone.now()
        audit.status, audit.closed_at, audit.closed_by = to_status, now, user
        audit.outcome = AuditOutcome.DISCREPANCY if audit.discrepancy else AuditOutcome.NO_DISCREPANCY
        audit.save()
        difference = taxes_difference([(line.taxes_declared, line.taxes_corrected) for line in audit.lines.all()])
        data = {"outcome": audit.outcome}
        if difference:
            assessment = AdditionalAssessment.objects.create(
                audit=audit, declaration=declaration, taxes={k: str(v) for k, v in difference.items()},
                tax_amount=sum(difference.values()), due_date=declaration_due_date(declaration), raised_at=now)
            data.update(additional_assessment=assessment.pk, additional_taxes=assessment.taxes,
                        due_date=assessment.due_date.isoformat())
            declaration_later_dues_sync(declaration=declaration, on=timezone.localdate(now))
        _audited(audit=audit, declaration=declaration, user=user, action=AuditAction.CLOSE, from_status=from_status, data=data)
    return audit
