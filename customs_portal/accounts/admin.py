from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, Enterprise, User
from .services import enterprise_suspension_set


class EnterpriseAdminForm(forms.ModelForm):
    suspended = forms.BooleanField(label=_("suspended by customs"), required=False,
                                   help_text=_("A suspended enterprise cannot register declarations."))

    class Meta:
        model = Enterprise
        fields = ("tax_code", "name", "address", "established_on", "compliance_level", "on_watchlist", "suspended_reason")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["suspended"].initial = self.instance.suspended_at is not None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("suspended") and not (cleaned.get("suspended_reason") or "").strip():
            self.add_error("suspended_reason", _("A suspension needs a reason."))
        return cleaned


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    """The suspension is set through its service (audited), not saved as a plain field."""

    form = EnterpriseAdminForm
    list_display = ("tax_code", "name", "established_on", "compliance_level", "on_watchlist", "suspended_at")
    list_filter = ("compliance_level", "on_watchlist")
    search_fields = ("tax_code", "name")
    fields = ("tax_code", "name", "address", "established_on", "compliance_level", "on_watchlist", "suspended",
              "suspended_reason", "suspended_at", "suspended_by")
    readonly_fields = ("suspended_at", "suspended_by")

    def save_model(self, request, obj, form, change):
        reason = form.cleaned_data.get("suspended_reason") or ""
        # The suspension's columns are the service's to write.
        obj.suspended_reason = Enterprise.objects.get(pk=obj.pk).suspended_reason if change else ""
        super().save_model(request, obj, form, change)
        enterprise_suspension_set(enterprise=obj, actor=request.user, suspended=form.cleaned_data.get("suspended", False),
                                  reason=reason)
        obj.refresh_from_db()


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
