"""Users, their roles, the enterprises traders act for, and their API tokens."""
from datetime import date

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken
from stdnum.vn import mst

from .live import user_sockets_close


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
    # Suspended by customs (customs_portal/accounts/services.py::enterprise_suspension_set): its
    # drafts can still be edited, but it cannot register a declaration (declarations/services/limits.py).
    suspended_at = models.DateTimeField(_("suspended at"), null=True, blank=True)
    suspended_reason = models.TextField(_("reason of the suspension"), blank=True)
    suspended_by = models.ForeignKey("accounts.User", verbose_name=_("suspended by"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")

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
        "reference.CustomsOffice", verbose_name=_("customs offices"), blank=True, related_name="officers"
    )
    all_offices = models.BooleanField(_("works for all offices"), default=False)
    # Officers: may reassign the review work of their offices (docs/decisions.md, "Assignment").
    is_supervisor = models.BooleanField(_("supervisor"), default=False)
    # Officers: given new review work. Off (absent, on leave) or a deactivated account: their open
    # work goes back to the office's pool (declarations/services/assignment.py::assignments_rebalance).
    available = models.BooleanField(_("available for new work"), default=True)
    # An officer who audits declarations after clearance (post_clearance/): a permission of an
    # officer, not a role of its own (docs/decisions.md, "Post-clearance auditors").
    is_post_clearance_auditor = models.BooleanField(_("post-clearance auditor"), default=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="trader") | models.Q(enterprise__isnull=False),
                name="trader_has_enterprise",
            ),
        ]

    def save(self, *args, **kwargs):
        """Django's, and when the password changed (set_password, the admin, `changepassword`, a reset):
        the user's open live-update sockets are closed once it is committed. Sessions and API tokens
        need nothing: they are bound to the password hash and stop working by themselves."""
        password_changed = self._password is not None
        super().save(*args, **kwargs)
        if password_changed:
            user_id = self.pk
            transaction.on_commit(lambda: user_sockets_close(user_id=user_id))

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
    def is_auditor(self) -> bool:
        """An officer with the post-clearance audit permission."""
        return self.role == Role.OFFICER and self.is_post_clearance_auditor

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


class ApiToken(AbstractAuthToken):
    """An API token (django-rest-knox's model, KNOX_TOKEN_MODEL): only the SHA-512 digest of the
    token is stored, with its first characters (`token_key`) to show the user which is which.

    It is valid until `expiry` (API_TOKEN_TTL_HOURS after it was issued), until it is revoked
    (deleted), and while its user's password is the one it was issued under: `password_hash` is
    the user's session hash then (as Django binds sessions, `get_session_auth_hash`), so a password
    changed in any way revokes every token issued before. `second_factor` records that customs
    staff gave their one-time code when it was issued; without it a staff token is refused while
    STAFF_SECOND_FACTOR_REQUIRED is on (tokens issued before the setting was turned on).
    """

    password_hash = models.CharField(_("password binding"), max_length=128, editable=False)
    second_factor = models.BooleanField(_("issued after the second factor"), default=False, editable=False)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.token_key[:8]}… {self.user_id}"

    @property
    def prefix(self) -> str:
        """What the user is shown of the token: its first eight characters."""
        return self.token_key[:8]

    def is_expired(self, now) -> bool:
        return self.expiry is not None and self.expiry <= now

    @staticmethod
    def password_hashes_of(user) -> list[str]:
        """What a token issued under `user`'s current password holds (with SECRET_KEY, or a key of
        SECRET_KEY_FALLBACKS while a key is being rotated)."""
        return [user.get_session_auth_hash(), *user.get_session_auth_fallback_hash()]

    def is_bound_to_password_of(self, user) -> bool:
        if constant_time_compare(self.password_hash, user.get_session_auth_hash()):
            return True
        return any(constant_time_compare(self.password_hash, fallback)
                   for fallback in user.get_session_auth_fallback_hash())
