"""The enterprise's compliance page of the risk administration (issue 15): the level in force and
where it comes from, the figures it was computed from, the override form, compute now, granted
priority, and the history of levels. Risk admins only (others 403), like every risk page."""
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from customs_portal.accounts.models import ComplianceLevel, Enterprise
from customs_portal.accounts.permissions import risk_admin_required
from customs_portal.errors import DomainConflict, DomainValidationError
from risk.compliance import CRITERIA, Figures, Reason, figures_text
from risk.compliance_selectors import compliance_history, compliance_override_in_force, compliance_status_of
from risk.forms.compliance import ComplianceOverrideForm
from risk.services.compliance import (
    compliance_compute,
    compliance_override_lift,
    compliance_override_set,
    compliance_priority_set,
)


def _context(enterprise: Enterprise, form: ComplianceOverrideForm) -> dict:
    status = compliance_status_of(enterprise)
    computed = None
    if status is not None and status.computed_level:
        figures = Figures.from_data(status.figures)
        computed = {"level": ComplianceLevel(status.computed_level).label, "level_code": status.computed_level,
                    "reason": Reason(status.reason).label if status.reason else "",
                    "figures": figures, "figures_text": figures_text(figures), "at": status.computed_at,
                    "rate_percent": figures.violation_rate * 100}
    history = list(compliance_history(enterprise=enterprise))
    for entry in history:
        entry.figures_line = figures_text(Figures.from_data(entry.figures)) if entry.figures else ""
    return {
        "enterprise": enterprise, "status": status, "computed": computed, "form": form,
        "override": compliance_override_in_force(enterprise=enterprise), "history": history,
        "criteria": CRITERIA, "high_rate_percent": CRITERIA.high_max_rate * 100,
        "low_rate_percent": CRITERIA.low_above_rate * 100,
    }


@risk_admin_required
@require_GET
def enterprise_compliance_page(request, tax_code):
    enterprise = get_object_or_404(Enterprise, tax_code=tax_code)
    return render(request, "risk/compliance_enterprise.html", _context(enterprise, ComplianceOverrideForm()))


@risk_admin_required
@require_http_methods(["POST"])
def enterprise_compliance_override(request, tax_code):
    enterprise = get_object_or_404(Enterprise, tax_code=tax_code)
    form = ComplianceOverrideForm(data=request.POST)
    if form.is_valid():
        try:
            compliance_override_set(enterprise=enterprise, user=request.user, **form.cleaned_data)
        except DomainValidationError as exc:
            for key, errors in exc.errors.items():
                for error in errors:
                    form.add_error(key if key in form.fields else None, str(error))
        else:
            enterprise.refresh_from_db()
            messages.success(request, _("%(enterprise)s: level %(level)s until %(date)s.") % {
                "enterprise": enterprise.name, "level": enterprise.get_compliance_level_display(),
                "date": form.cleaned_data["valid_until"].strftime("%d/%m/%Y")})
            return redirect("risk:enterprise-detail", tax_code=tax_code)
    return render(request, "risk/compliance_enterprise.html", _context(enterprise, form), status=400)


@risk_admin_required
@require_POST
def enterprise_compliance_lift(request, tax_code):
    enterprise = get_object_or_404(Enterprise, tax_code=tax_code)
    try:
        enterprise = compliance_override_lift(enterprise=enterprise, user=request.user)
    except DomainConflict as exc:
        messages.info(request, str(exc))
    else:
        messages.success(request, _("Override lifted: the level is %(level)s.") % {
            "level": enterprise.get_compliance_level_display()})
    return redirect("risk:enterprise-detail", tax_code=tax_code)


@risk_admin_required
@require_POST
def enterprise_compliance_compute(request, tax_code):
    enterprise = get_object_or_404(Enterprise, tax_code=tax_code)
    result = compliance_compute(enterprise_ids=[enterprise.pk], user=request.user)
    enterprise.refresh_from_db()
    if result.changed:
        messages.success(request, _("Computed: the level is now %(level)s.") % {"level": enterprise.get_compliance_level_display()})
    else:
        messages.info(request, _("Computed: the level is still %(level)s.") % {"level": enterprise.get_compliance_level_display()})
    return redirect("risk:enterprise-detail", tax_code=tax_code)


@risk_admin_required
@require_POST
def enterprise_compliance_priority(request, tax_code):
    enterprise = get_object_or_404(Enterprise, tax_code=tax_code)
    granted = request.POST.get("granted") == "yes"
    enterprise = compliance_priority_set(enterprise=enterprise, user=request.user, granted=granted)
    messages.success(request, (_("Priority (AEO) granted.") if granted else _("Priority (AEO) withdrawn."))
                     + " " + _("The level is %(level)s.") % {"level": enterprise.get_compliance_level_display()})
    return redirect("risk:enterprise-detail", tax_code=tax_code)
