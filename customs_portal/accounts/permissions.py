"""API permissions by role."""
from rest_framework.permissions import BasePermission


class RolePermission(BasePermission):
    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and self.allowed(user))

    def allowed(self, user) -> bool:
        raise NotImplementedError


class IsTrader(RolePermission):
    message = "Only traders of an enterprise can do this."

    def allowed(self, user):
        return user.is_trader and bool(user.enterprise_id)


class IsCustomsStaff(RolePermission):
    message = "Only customs officers and risk administrators can do this."

    def allowed(self, user):
        return user.is_customs_staff


class IsRiskAdmin(RolePermission):
    message = "Only risk administrators can do this."

    def allowed(self, user):
        return user.is_risk_admin


class IsTraderOrCustomsStaff(RolePermission):
    message = "Only traders and customs staff can see declarations."

    def allowed(self, user):
        return user.sees_declarations


class IsOfficer(RolePermission):
    message = "Only customs officers can do this."

    def allowed(self, user):
        return user.is_officer


class IsGate(RolePermission):
    message = "Only the gate system can do this."

    def allowed(self, user):
        return user.is_gate


class IsTraderOrOfficer(RolePermission):
    message = "Only the declaring trader or a customs officer can do this."

    def allowed(self, user):
        return user.is_officer or (user.is_trader and bool(user.enterprise_id))
