"""API permissions by role."""
from rest_framework.permissions import BasePermission


class IsTrader(BasePermission):
    message = "Only traders of an enterprise can do this."

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.is_trader and user.enterprise_id)


class IsCustomsStaff(BasePermission):
    message = "Only customs officers and risk administrators can do this."

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.is_customs_staff)


class IsTraderOrCustomsStaff(BasePermission):
    message = "Only traders and customs staff can see declarations."

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and (user.is_customs_staff or (user.is_trader and user.enterprise_id)))
