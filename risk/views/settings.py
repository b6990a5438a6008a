"""The risk settings page: the thresholds and the random rates; a change goes to its preview
(risk/views/changes.py) before it applies. Below them, each compliance class's caps and minimum
random rates against its live window (risk/views/selectivity.py)."""
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from customs_portal.accounts.permissions import risk_admin_required
from customs_portal.errors import DomainValidationError
from risk.forms.settings import RiskSettingsForm
from risk.services.assessment import risk_settings_current
from risk.services.changes import (
    PreviewRequired,
    risk_settings_change_preview,
    risk_settings_edit,
)
from risk.views.selectivity import class_rows


@risk_admin_required
@require_http_methods(["GET", "POST"])
def settings_edit(request):
    current = risk_settings_current()
    if request.method == "GET":
        form = RiskSettingsForm.for_settings(current)
    else:
        form = RiskSettingsForm(data=request.POST)
        if form.is_valid():
            try:
                current = risk_settings_edit(user=request.user, data=form.settings_data())
            except PreviewRequired:
                change = risk_settings_change_preview(user=request.user, data=form.settings_data())
                return redirect("risk:change", pk=change.pk)
            except DomainValidationError as exc:
                form.set_service_errors(exc.errors)
            else:
                messages.info(request, _("Nothing changed: these are the settings in force."))
                return redirect("risk:settings")
    return render(request, "risk/settings.html", {
        "form": form, "settings": current,
        "random_yellow_pct": number_format((current.random_yellow_rate * 100).normalize()),
        "random_red_pct": number_format((current.random_red_rate * 100).normalize()),
        "classes": class_rows(), "cap_window_days": current.cap_window_days,
    })
