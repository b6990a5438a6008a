"""Compliance levels computed from an enterprise's own record (issue 15; docs/decisions.md,
"Compliance computed, not typed").

Vietnam's Circular 81/2019/TT-BTC on risk management in customs classifies enterprises by their
compliance: high, medium, low (non-compliant) and "new" for enterprises with under 365 days of
activity; priority (AEO) is a status customs grants, never computed. The portal keeps the five
choices of `ComplianceLevel` (the rules test them) and computes high / medium / low / new from
the figures below; the thresholds are `CRITERIA`, documented in docs/decisions.md.

This module is pure: figures in, level and reason out. The figures are read by
`risk.compliance_selectors.compliance_figures` (one aggregate query over all enterprises) and
applied by `risk.services.compliance.compliance_compute`.
"""
from dataclasses import asdict, dataclass
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customs_portal.accounts.models import ComplianceLevel

# The level is judged over the declarations registered in the last WINDOW_DAYS days.
WINDOW_DAYS = 365


@dataclass(frozen=True)
class Criteria:
    """The thresholds of each level (docs/decisions.md, "Compliance computed, not typed")."""

    # Under this many days since establishment: "new" (Circular 81/2019: under 365 days of activity).
    new_below_days: int = 365
    # High: at least this many declarations in the window, and a violation rate at most high_max_rate.
    high_min_declarations: int = 20
    high_max_rate: Decimal = Decimal("0.02")
    # Low (non-compliant): at least low_min_violations violations in the window, or a violation rate above
    # low_above_rate.
    low_min_violations: int = 5
    low_above_rate: Decimal = Decimal("0.10")
    # Tax unpaid this many days after its due date is a serious violation: low whatever the rest says.
    overdue_after_days: int = 90


CRITERIA = Criteria()


class Source(models.TextChoices):
    COMPUTED = "computed", gettext_lazy("Computed")
    OVERRIDE = "override", gettext_lazy("Override")
    GRANTED = "granted", gettext_lazy("Granted")


@dataclass(frozen=True)
class Figures:
    """An enterprise's record over the window, as the level is computed from it."""

    age_days: int
    declarations: int = 0  # registered in the window
    discrepancies: int = 0  # declarations of the window whose physical inspection found a discrepancy
    rejections: int = 0  # declarations of the window rejected by an officer
    late_payments: int = 0  # declarations of the window that bore late-payment interest
    overdue_tax: int = 0  # declarations (any date) with tax, or a later debt on them, unpaid more than 90 days after its due date (declarations.services.registration_block)
    # Post-clearance audits closed with a discrepancy (post_clearance registers the counter:
    # risk.compliance_selectors.post_clearance_findings_count).
    post_clearance_findings: int = 0

    @property
    def violations(self) -> int:
        return self.discrepancies + self.rejections + self.late_payments + self.post_clearance_findings

    @property
    def violation_rate(self) -> Decimal:
        """Violations per declaration of the window (0 without declarations)."""
        if not self.declarations:
            return Decimal("0")
        return (Decimal(self.violations) / Decimal(self.declarations)).quantize(Decimal("0.0001"))

    @property
    def serious(self) -> bool:
        return self.overdue_tax > 0 or self.post_clearance_findings > 0

    def as_data(self) -> dict:
        data = asdict(self)
        data.update(violations=self.violations, violation_rate=str(self.violation_rate))
        return data

    @classmethod
    def from_data(cls, data: dict) -> "Figures":
        names = cls.__dataclass_fields__
        return cls(**{name: data[name] for name in names if name in data})


# Why a level was computed: a code kept with the history, put in words in the reader's language.
class Reason(models.TextChoices):
    SERIOUS = "serious", gettext_lazy("serious violation")
    NEW = "new", gettext_lazy("under 365 days of activity")
    LOW_VIOLATIONS = "low_violations", gettext_lazy("too many violations")
    LOW_RATE = "low_rate", gettext_lazy("violation rate too high")
    HIGH = "high", gettext_lazy("established, regular and compliant")
    MEDIUM = "medium", gettext_lazy("compliant, without the record of the high level")


def level_compute(figures: Figures, criteria: Criteria = CRITERIA) -> tuple[str, str]:
    """(level, reason code) of an enterprise with these figures. Priority is never computed."""
    if figures.serious:
        return ComplianceLevel.LOW, Reason.SERIOUS
    if figures.age_days < criteria.new_below_days:
        return ComplianceLevel.NEW, Reason.NEW
    if figures.violations >= criteria.low_min_violations:
        return ComplianceLevel.LOW, Reason.LOW_VIOLATIONS
    if figures.violation_rate > criteria.low_above_rate:
        return ComplianceLevel.LOW, Reason.LOW_RATE
    if figures.declarations >= criteria.high_min_declarations and figures.violation_rate <= criteria.high_max_rate:
        return ComplianceLevel.HIGH, Reason.HIGH
    return ComplianceLevel.MEDIUM, Reason.MEDIUM


def figures_text(figures: Figures) -> str:
    """The figures in a line, in the reader's language."""
    return _("%(age)s days of activity; %(declarations)s declarations in 365 days; %(violations)s violations "
             "(%(discrepancies)s discrepancies, %(rejections)s rejections, %(late)s late payments, "
             "%(findings)s post-clearance findings); %(overdue)s declarations with overdue tax") % {
        "age": figures.age_days, "declarations": figures.declarations, "violations": figures.violations,
        "discrepancies": figures.discrepancies, "rejections": figures.rejections, "late": figures.late_payments,
        "findings": figures.post_clearance_findings, "overdue": figures.overdue_tax}
