"""Users, their roles, the enterprises traders act for."""
from datetime import date

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.vn import mst


def validate_tax_code(value: str) -> None:
    """A Vietnamese tax code (mã số thuế): 10 digits, or 13 for a branch, with a valid check digit."""
    if not mst.is_valid(value or ""):
        raise ValidationError(_("%(value)s is not a valid Vietnamese tax code."), params={"value": value})


class ComplianceLevel(models.TextChoices):
    PRIORITY = "priority", _("Priority (AEO)")
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")
    NEW = "new", _("New")


class Enterprise(models.Model):
    tax_code = models.CharField(_("tax code"), max_length=14, unique=True, validators=[validate_tax_code])
    name = models.CharField(_("name"), max_length=255)
    address = models.CharField(_("address"), max_length=500, blank=True)
    established_on = models.DateField(_("establishment date"))
    compliance_level = models.CharField(
        _("compliance level"), max_length=16, choices=ComplianceLevel.choices, default=ComplianceLevel.NEW
    )
    on_watchlist = models.BooleanField(_("on watchlist"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")

    def __str__(self):
        return f"{self.tax_code} {self.name}"

    def age_days(self, on: date | None = None) -> int:
        on = on or timezone.localdate()
        return (on - self.established_on).days


class Role(models.TextChoices):
    TRADER = "trader", _("Trader")
    OFFICER = "officer", _("Customs officer")
    RISK_ADMIN = "risk_admin", _("Risk administrator")
    GATE = "gate", _("Gate")


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, blank=True)
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    offices = models.ManyToManyField(
        "declarations.CustomsOffice", verbose_name=_("customs offices"), blank=True, related_name="officers"
    )
    all_offices = models.BooleanField(_("works for all offices"), default=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="trader") | models.Q(enterprise__isnull=False),
                name="trader_has_enterprise",
            ),
        ]

    @property
    def is_trader(self) -> bool:
        return self.role == Role.TRADER

    @property
    def is_officer(self) -> bool:
        return self.role == Role.OFFICER

    @property
    def is_risk_admin(self) -> bool:
        return self.role == Role.RISK_ADMIN or self.is_superuser

    @property
    def is_gate(self) -> bool:
        return self.role == Role.GATE

    @property
    def sees_declarations(self) -> bool:
        """Traders (their enterprise's) and customs staff (all); the gate only checks numbers it is shown."""
        return self.is_trader or self.is_customs_staff

    @property
    def is_customs_staff(self) -> bool:
        """Officers, risk admins and superusers see every enterprise's declarations."""
        return self.role in (Role.OFFICER, Role.RISK_ADMIN) or self.is_superuser
