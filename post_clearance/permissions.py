"""Who may audit after clearance: an officer with the post-clearance audit permission."""
from operator import attrgetter

from django.utils.translation import gettext_lazy as _

from customs_portal.accounts.permissions import RolePermission, role_required


class IsAuditor(RolePermission):
    message = _("Only post-clearance auditors can do this.")

    def allowed(self, user):
        return user.is_auditor


auditor_required = role_required(attrgetter("is_auditor"))
