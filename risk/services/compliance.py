"""Computed compliance levels, risk admins' overrides and granted priority (issue 15).

The level in force is, in this order: the override in force (a risk admin's level with a reason,
until its expiry date), priority (AEO) when customs granted it, the computed level
(risk/compliance.py). `Enterprise.compliance_level` is kept equal to it, for the engine. Every
change of the level in force is a `ComplianceRecord`; overrides and grants are audit events too.

Writers lock the enterprise's row (`select_for_update`) in one transaction, so a nightly run and a
risk admin's override never interleave. Running the computation twice changes nothing the second time.
"""
import logging
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customs_portal.accounts.models import ComplianceLevel, Enterprise
from customs_portal.audit.services import audit_record
from customs_portal.errors import DomainConflict, DomainValidationError
from risk.compliance import Figures, Source, level_compute
from risk.compliance_models import ComplianceOverride, ComplianceRecord, ComplianceStatus
from risk.compliance_selectors import compliance_figures

logger = logging.getLogger(__name__)
CHUNK = 500
OVERRIDE_LEVELS = [level for level in ComplianceLevel.values if level != ComplianceLevel.PRIORITY]


@dataclass
class ComputeResult:
    enterprises: int = 0
    changed: list[str] = field(default_factory=list)  # tax codes whose level in force changed


def _status_new(enterprise: Enterprise) -> ComplianceStatus:
    """The state of an enterprise never computed: a priority level set before levels were computed is
    kept as granted (priority is customs' decision, never computed away)."""
    granted = enterprise.compliance_level == ComplianceLevel.PRIORITY
    return ComplianceStatus(enterprise=enterprise, priority_granted=granted,
                            source=Source.GRANTED if granted else Source.COMPUTED)


def _in_force(status: ComplianceStatus, override: ComplianceOverride | None, on: date):
    """(level, source, override) in force."""
    if override is not None and override.in_force(on):
        return override.level, Source.OVERRIDE, override
    if status.priority_granted:
        return ComplianceLevel.PRIORITY, Source.GRANTED, None
    return status.computed_level, Source.COMPUTED, None


def _record_if_changed(*, enterprise: Enterprise, status: ComplianceStatus, override, on: date, user=None,
                       note: str = "", now=None) -> ComplianceRecord | None:
    """Bring `enterprise.compliance_level` and `status.source` to what is in force; an unsaved record
    of the change, or None when nothing changed. The caller saves the three."""
    level, source, override_in_force = _in_force(status, override, on)
    if not level:  # never computed, nothing granted or overridden: the level as it is
        return None
    if level == enterprise.compliance_level and source == status.source and status.since:
        return None
    now = now or timezone.now()
    record = ComplianceRecord(
        enterprise=enterprise, level=level, previous_level=enterprise.compliance_level, source=source,
        reason=status.reason if source == Source.COMPUTED else "",
        note=override_in_force.reason if override_in_force else note,
        figures=status.figures, override=override_in_force, recorded_by=user if getattr(user, "is_authenticated", False) else None,
    )
    enterprise.compliance_level = level
    status.source = source
    status.since = now
    return record


def _overrides_open(enterprise_ids) -> dict[int, ComplianceOverride]:
    return {o.enterprise_id: o for o in ComplianceOverride.objects.filter(enterprise_id__in=enterprise_ids,
                                                                          lifted_at__isnull=True)}


def compliance_compute(*, enterprise_ids=None, on: date | None = None, user=None) -> ComputeResult:
    """Compute the level of every enterprise (or those of `enterprise_ids`) from its record on `on`
    (today) and apply the level in force. Idempotent: the figures in one aggregate query, the writes
    in bulk per chunk of enterprises, each chunk in one transaction under the rows' locks."""
    on = on or timezone.localdate()
    figures = compliance_figures(on=on, enterprise_ids=enterprise_ids)
    result = ComputeResult()
    ids = sorted(figures)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        with transaction.atomic():
            enterprises = list(Enterprise.objects.select_for_update().filter(pk__in=chunk).order_by("pk"))
            statuses = {s.enterprise_id: s for s in ComplianceStatus.objects.filter(enterprise_id__in=chunk)}
            overrides = _overrides_open(chunk)
            now = timezone.now()
            new_statuses, old_statuses, records, changed = [], [], [], []
            for enterprise in enterprises:
                status = statuses.get(enterprise.pk)
                if status is None:
                    status = _status_new(enterprise)
                    new_statuses.append(status)
                else:
                    old_statuses.append(status)
                mine = figures[enterprise.pk]
                status.computed_level, status.reason = level_compute(mine)
                status.figures = mine.as_data()
                status.computed_at = now
                record = _record_if_changed(enterprise=enterprise, status=status, override=overrides.get(enterprise.pk),
                                            on=on, user=user, now=now)
                if record is not None:
                    records.append(record)
                    changed.append(enterprise)
            ComplianceStatus.objects.bulk_create(new_statuses)
            ComplianceStatus.objects.bulk_update(old_statuses, ["computed_level", "reason", "figures", "computed_at",
                                                                "source", "since"])
            Enterprise.objects.bulk_update(changed, ["compliance_level"])
            ComplianceRecord.objects.bulk_create(records)
            result.enterprises += len(enterprises)
            result.changed.extend(e.tax_code for e in changed)
            if changed or user is not None:
                audit_record(declaration=None, actor=user, action="compliance_compute", data={
                    "on": on.isoformat(), "enterprises": len(enterprises),
                    "changed": {e.tax_code: e.compliance_level for e in changed}})
    logger.info("compliance computed for %d enterprises, %d changed", result.enterprises, len(result.changed))
    return result


def _locked(enterprise: Enterprise) -> tuple[Enterprise, ComplianceStatus]:
    """The enterprise's row locked, and its state (computed now when it never was)."""
    locked = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    status = ComplianceStatus.objects.filter(enterprise=locked).first()
    if status is None or not status.computed_level:
        status = status or _status_new(locked)
        figures: Figures = compliance_figures(enterprise_ids=[locked.pk])[locked.pk]
        status.computed_level, status.reason = level_compute(figures)
        status.figures = figures.as_data()
        status.computed_at = timezone.now()
        status.save()
    return locked, status


def _apply(*, enterprise: Enterprise, status: ComplianceStatus, user, note: str = "") -> ComplianceRecord | None:
    override = ComplianceOverride.objects.filter(enterprise=enterprise, lifted_at__isnull=True).first()
    record = _record_if_changed(enterprise=enterprise, status=status, override=override, on=timezone.localdate(),
                                user=user, note=note)
    if record is not None:
        enterprise.save(update_fields=["compliance_level"])
        record.save()
    status.save()
    return record


@transaction.atomic
def compliance_override_set(*, enterprise: Enterprise, user, level: str, reason: str,
                            valid_until: date) -> ComplianceOverride:
    """A risk admin's level for `enterprise`, in force until `valid_until` (inclusive); it replaces an
    override still open. Audited; the level in force changes at once."""
    reason = (reason or "").strip()
    errors = {}
    if level not in OVERRIDE_LEVELS:
        errors["level"] = [_("Choose high, medium, low or new: priority (AEO) is granted, not overridden.")]
    if not reason:
        errors["reason"] = [_("Say why the level is overridden.")]
    if valid_until is None or valid_until < timezone.localdate():
        errors["valid_until"] = [_("The override must run until today or a later date.")]
    if errors:
        raise DomainValidationError(errors)
    locked, status = _locked(enterprise)
    now = timezone.now()
    replaced = list(ComplianceOverride.objects.filter(enterprise=locked, lifted_at__isnull=True))
    ComplianceOverride.objects.filter(pk__in=[o.pk for o in replaced]).update(lifted_at=now, lifted_by=user)
    override = ComplianceOverride.objects.create(enterprise=locked, level=level, reason=reason,
                                                 valid_until=valid_until, created_by=user)
    before = locked.compliance_level
    _apply(enterprise=locked, status=status, user=user)
    audit_record(declaration=None, actor=user, action="compliance_override", reason=reason, data={
        "enterprise": locked.tax_code, "before": before, "level": level, "valid_until": valid_until.isoformat(),
        "replaced": [o.pk for o in replaced]})
    return override


@transaction.atomic
def compliance_override_lift(*, enterprise: Enterprise, user) -> Enterprise:
    """End the override in force before its expiry: the granted or computed level applies again."""
    locked, status = _locked(enterprise)
    on = timezone.localdate()
    open_override = ComplianceOverride.objects.filter(enterprise=locked, lifted_at__isnull=True).first()
    if open_override is None or not open_override.in_force(on):
        raise DomainConflict(_("No override of this enterprise's level is in force."), code="no_override")
    ComplianceOverride.objects.filter(pk=open_override.pk).update(lifted_at=timezone.now(), lifted_by=user)
    before = locked.compliance_level
    _apply(enterprise=locked, status=status, user=user, note=_("Override lifted"))
    audit_record(declaration=None, actor=user, action="compliance_override_lift", data={
        "enterprise": locked.tax_code, "before": before, "after": locked.compliance_level})
    return locked


@transaction.atomic
def compliance_priority_set(*, enterprise: Enterprise, user, granted: bool) -> Enterprise:
    """Grant priority (AEO) status, or withdraw it (the computed level applies again). Audited."""
    locked, status = _locked(enterprise)
    if status.priority_granted == granted:
        return locked
    status.priority_granted = granted
    before = locked.compliance_level
    _apply(enterprise=locked, status=status, user=user,
           note=_("Priority (AEO) granted") if granted else _("Priority (AEO) withdrawn"))
    audit_record(declaration=None, actor=user, action="compliance_priority", data={
        "enterprise": locked.tax_code, "granted": granted, "before": before, "after": locked.compliance_level})
    return locked


def compliance_level_set(*, enterprise: Enterprise, user, level: str) -> Enterprise:
    """A level chosen on the enterprise list (or `PUT /api/v1/enterprises/{tax_code}/compliance/`), as
    levels were typed before they were computed: priority grants it; another level withdraws a granted
    priority and, when the computed level differs, overrides it for COMPLIANCE_OVERRIDE_DEFAULT_DAYS."""
    with transaction.atomic():
        if level == ComplianceLevel.PRIORITY:
            return compliance_priority_set(enterprise=enterprise, user=user, granted=True)
        locked = compliance_priority_set(enterprise=enterprise, user=user, granted=False)
        if locked.compliance_level != level:
            days = settings.COMPLIANCE_OVERRIDE_DEFAULT_DAYS
            compliance_override_set(enterprise=locked, user=user, level=level,
                                    reason=_("Set on the enterprise list"),
                                    valid_until=timezone.localdate() + timedelta(days=days))
            locked.refresh_from_db(fields=["compliance_level"])
        return locked
