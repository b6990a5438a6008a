"""Risk admins' edit of a compliance class's caps and minimum random rates (risk.ClassSelectivity),
and each class's live figures over the window for the settings page and the API.

The edit applies at once and is audited (`class_selectivity_change`, before and after): like the
post-clearance class policy, it is not held for a preview (risk/services/changes.py previews the
rules and the general settings). docs/decisions.md, "Inspection caps and random selection per class".
"""
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customs_portal.accounts.models import ComplianceLevel
from customs_portal.audit.services import audit_record
from customs_portal.errors import DomainValidationError
from risk.models import ClassSelectivity, RiskSettings
from risk.selectivity import WindowCounts, cap_allows, effective_rates, share
from risk.selectors.selectivity import (
    class_selectivities,
    class_selectivity_default,
    class_selectivity_of,
    window_counts_by_level,
)
from risk.services.assessment import class_caps, risk_settings_current

CLASS_FIELDS = ("yellow_cap", "red_cap", "random_yellow_min", "random_red_min")
# The window of the caps: at least a day, at most a year of daily counters.
CAP_WINDOW_DAYS_MAX = 365
PLACES = Decimal("0.0001")


def class_selectivity_values(*, current: ClassSelectivity, data: dict) -> dict:
    """The class's rates after `data` (some of them), validated: each in [0, 1], four places, a
    minimum random rate at most its cap."""
    errors: dict[str, list[str]] = {}
    values = {}
    for name in CLASS_FIELDS:
        raw = data.get(name, getattr(current, name))
        try:
            value = Decimal(str(raw))
        except (ArithmeticError, ValueError):
            errors[name] = [_("Enter a number.")]
            continue
        if not value.is_finite() or value < 0 or value > 1:
            errors[name] = [_("Enter a rate between 0 and 1 (0 % and 100 %).")]
            continue
        if value != value.quantize(PLACES):
            errors[name] = [_("Enter a rate with at most four decimal places (0.01 %).")]
            continue
        values[name] = value.quantize(PLACES)
    if not errors:
        if values["random_yellow_min"] > values["yellow_cap"]:
            errors["random_yellow_min"] = [_("The minimum random rate for yellow cannot exceed the class's yellow cap.")]
        if values["random_red_min"] > values["red_cap"]:
            errors["random_red_min"] = [_("The minimum random rate for red cannot exceed the class's red cap.")]
    if errors:
        raise DomainValidationError(errors)
    return values


@transaction.atomic
def class_selectivity_update(*, user, level: str, data: dict) -> ClassSelectivity:
    """Set a class's caps and minimum random rates (audited); unchanged values change nothing."""
    if level not in ComplianceLevel.values:
        raise DomainValidationError({"level": [_("Unknown compliance level.")]})
    row = class_selectivity_of(level=level, lock=True)
    values = class_selectivity_values(current=row, data=data)
    before = {name: str(getattr(row, name)) for name in CLASS_FIELDS}
    after = {name: str(value) for name, value in values.items()}
    if before == after:
        return row
    for name, value in values.items():
        setattr(row, name, value)
    row.updated_by = user
    row.save(update_fields=[*CLASS_FIELDS, "updated_by", "updated_at"])
    audit_record(declaration=None, actor=user, action="class_selectivity_change",
                 data={"level": level, "before": before, "after": after})
    return row


def cap_window_days_value(raw) -> int:
    """A window of the caps, validated: a whole number of days from 1 to CAP_WINDOW_DAYS_MAX."""
    if isinstance(raw, bool) or (isinstance(raw, Decimal) and raw != raw.to_integral_value()):
        raise DomainValidationError({"days": [_("Enter a whole number of days.")]})
    try:
        days = int(raw)
    except (TypeError, ValueError):
        raise DomainValidationError({"days": [_("Enter a whole number of days.")]}) from None
    if isinstance(raw, float) and raw != days:
        raise DomainValidationError({"days": [_("Enter a whole number of days.")]})
    if not 1 <= days <= CAP_WINDOW_DAYS_MAX:
        raise DomainValidationError({"days": [_("Enter a number of days from 1 to %(most)d.") % {"most": CAP_WINDOW_DAYS_MAX}]})
    return days


@transaction.atomic
def cap_window_update(*, user, days) -> RiskSettings:
    """Set the rolling window the caps of every class are held over (RiskSettings.cap_window_days).

    Applies at once and is audited (`cap_window_change`); it moves the settings' version, so a change
    previewed before it (risk/services/changes.py) is stale and shown again. The daily counters are
    never deleted, so a longer window sees every day it covers."""
    value = cap_window_days_value(days)
    settings, _created = RiskSettings.objects.select_for_update().get_or_create(pk=1)
    if settings.cap_window_days == value:
        return settings
    before = settings.cap_window_days
    settings.cap_window_days = value
    settings.version += 1
    settings.updated_by = user
    settings.save(update_fields=["cap_window_days", "version", "updated_by", "updated_at"])
    audit_record(declaration=None, actor=user, action="cap_window_change", data={"before": before, "after": value})
    return settings


@dataclass(frozen=True)
class ClassFigures:
    """A class's settings and what its counters hold over the window."""

    level: str
    row: ClassSelectivity
    counts: WindowCounts
    window_days: int
    random_yellow_rate: Decimal  # effective
    random_red_rate: Decimal

    @property
    def label(self) -> str:
        return str(ComplianceLevel(self.level).label)

    @property
    def yellow_share(self) -> Decimal:
        return share(self.counts.yellow_selected, self.counts.assessed)

    @property
    def red_share(self) -> Decimal:
        return share(self.counts.red_selected, self.counts.assessed)

    @property
    def random_yellow_share(self) -> Decimal:
        return share(self.counts.random_yellow, self.counts.assessed)

    @property
    def random_red_share(self) -> Decimal:
        return share(self.counts.random_red, self.counts.assessed)

    @property
    def yellow_open(self) -> bool:
        """Whether a selection by score to yellow would be made now."""
        return cap_allows(self.row.yellow_cap, assessed=self.counts.assessed, selected=self.counts.yellow_selected)

    @property
    def red_open(self) -> bool:
        return cap_allows(self.row.red_cap, assessed=self.counts.assessed, selected=self.counts.red_selected)


def class_figures() -> list[ClassFigures]:
    """Every compliance class, in the order of `ComplianceLevel`, with its live window (two queries)."""
    current = risk_settings_current()
    rows = class_selectivities()
    counts = window_counts_by_level(today=timezone.localdate(), days=current.cap_window_days)
    figures = []
    for level in ComplianceLevel.values:
        row = rows.get(level) or class_selectivity_default(level)
        yellow_rate, red_rate = effective_rates(class_caps(row), general_yellow=current.random_yellow_rate,
                                                general_red=current.random_red_rate)
        figures.append(ClassFigures(level=level, row=row, counts=counts.get(level, WindowCounts()),
                                    window_days=current.cap_window_days, random_yellow_rate=yellow_rate,
                                    random_red_rate=red_rate))
    return figures
