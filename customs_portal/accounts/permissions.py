"""Permissions by role: for the API (DRF permission classes) and for the pages (view decorators)."""
from collections.abc import Callable
from functools import wraps
from operator import attrgetter

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission


class RolePermission(BasePermission):
    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and self.allowed(user))

    def allowed(self, user) -> bool:
        raise NotImplementedError


class IsTrader(RolePermission):
    message = _("Only traders of an enterprise can do this.")

    def allowed(self, user):
        return user.is_trader and bool(user.enterprise_id)


class IsCustomsStaff(RolePermission):
    message = _("Only customs officers and risk administrators can do this.")

    def allowed(self, user):
        return user.is_customs_staff


class IsRiskAdmin(RolePermission):
    message = _("Only risk administrators can do this.")

    def allowed(self, user):
        return user.is_risk_admin


class IsTraderOrCustomsStaff(RolePermission):
    message = _("Only traders and customs staff can see declarations.")

    def allowed(self, user):
        return user.sees_declarations


class IsOfficer(RolePermission):
    message = _("Only customs officers can do this.")

    def allowed(self, user):
        return user.is_officer


class IsGate(RolePermission):
    message = _("Only the gate system can do this.")

    def allowed(self, user):
        return user.is_gate


class IsTraderOrOfficer(RolePermission):
    message = _("Only the declaring trader or a customs officer can do this.")

    def allowed(self, user):
        return user.is_officer or (user.is_trader and bool(user.enterprise_id))


def role_required(allowed: Callable[[object], bool]):
    """Page decorator: anonymous users go to the login page; signed-in users that `allowed`
    refuses get 403 (they may know the page exists)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, *args, **kwargs):
            if not allowed(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


trader_required = role_required(attrgetter("is_trader"))
officer_required = role_required(attrgetter("is_officer"))
risk_admin_required = role_required(attrgetter("is_risk_admin"))
gate_required = role_required(attrgetter("is_gate"))
customs_staff_required = role_required(attrgetter("is_customs_staff"))
# Pages listing declarations: traders and customs staff; the gate gets 403 as from the API.
declaration_reader_required = role_required(attrgetter("sees_declarations"))
