"""The enterprises page: each enterprise's compliance level and whether it is on the watchlist."""
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from customs_portal.accounts.models import ComplianceLevel
from customs_portal.accounts.permissions import risk_admin_required
from risk.forms.enterprises import ComplianceForm, EnterpriseSearchForm
from risk.selectors import enterprises_for_compliance
from risk.services.rules import enterprise_compliance_update
from risk.views.common import PAGE_SIZE, is_htmx, safe_next


@risk_admin_required
@require_GET
def enterprise_list(request):
    search = EnterpriseSearchForm(request.GET or None)
    enterprises = enterprises_for_compliance(**search.cleaned_data) if search.is_valid() else enterprises_for_compliance()
    page = Paginator(enterprises, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "risk/enterprise_list.html", {
        "search": search, "page": page, "levels": ComplianceLevel.choices,
        "filtered": any(request.GET.get(name) for name in search.fields),
    })


@risk_admin_required
@require_POST
def enterprise_compliance(request, tax_code):
    enterprise = get_object_or_404(enterprises_for_compliance(), tax_code=tax_code)
    form = ComplianceForm(data=request.POST)
    saved = False
    if form.is_valid():
        with transaction.atomic():
            enterprise = enterprise_compliance_update(enterprise=enterprise, user=request.user, **form.cleaned_data)
        saved = True
    if is_htmx(request):
        return render(request, "risk/_enterprise_row.html", {
            "enterprise": enterprise, "levels": ComplianceLevel.choices, "saved": saved,
            "errors": [e for errors in form.errors.values() for e in errors],
            "next": safe_next(request, reverse("risk:enterprise-list")),
        })
    if saved:
        messages.success(request, _("%(enterprise)s: compliance level %(level)s, %(watchlist)s.") % {
            "enterprise": enterprise.name, "level": enterprise.get_compliance_level_display(),
            "watchlist": _("on the watchlist") if enterprise.on_watchlist else _("not on the watchlist")})
    else:
        messages.error(request, _("Nothing saved: %(errors)s") % {
            "errors": "; ".join(e for errors in form.errors.values() for e in errors)})
    return redirect(safe_next(request, reverse("risk:enterprise-list")))
