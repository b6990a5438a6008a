from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import ApiToken, Enterprise, User


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ("tax_code", "name", "established_on", "compliance_level", "on_watchlist")
    list_filter = ("compliance_level", "on_watchlist")
    search_fields = ("tax_code", "name")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "role", "enterprise", "is_staff")
    list_filter = ("role", "is_staff")
    fieldsets = BaseUserAdmin.fieldsets + (("Customs", {"fields": ("role", "enterprise", "offices", "all_offices", "is_supervisor", "available", "is_post_clearance_auditor")}),)
    filter_horizontal = ("offices",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued by logging in (the token endpoint) only; here they can be seen and revoked."""

    list_display = ("prefix", "user", "created", "expiry", "second_factor")
    list_filter = ("second_factor",)
    search_fields = ("token_key", "user__username")
    fields = ("user", "token_key", "created", "expiry", "second_factor")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
