from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Enterprise, User


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ("tax_code", "name", "established_on", "compliance_level", "on_watchlist")
    list_filter = ("compliance_level", "on_watchlist")
    search_fields = ("tax_code", "name")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "role", "enterprise", "is_staff")
    list_filter = ("role", "is_staff")
    fieldsets = BaseUserAdmin.fieldsets + (("Customs", {"fields": ("role", "enterprise", "offices", "all_offices")}),)
    filter_horizontal = ("offices",)
