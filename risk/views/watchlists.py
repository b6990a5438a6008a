"""The watchlist page: partners put on the watchlist, and taken off it."""
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from customs_portal.accounts.permissions import risk_admin_required
from customs_portal.errors import DomainConflict, DomainValidationError
from risk.forms.watchlists import WatchlistedPartnerForm
from risk.selectors import countries_for_choice, country_names, watchlisted_partners
from risk.services.watchlists import (
    watchlisted_partner_add,
    watchlisted_partner_deactivate,
)
from risk.views.common import PAGE_SIZE, safe_next

WATCHLIST_SHOW = {"active": True, "inactive": False, "all": None}


@risk_admin_required
@require_http_methods(["GET", "POST"])
def watchlist(request):
    form = WatchlistedPartnerForm()
    if request.method == "POST":
        form = WatchlistedPartnerForm(data=request.POST)
        if form.is_valid():
            try:
                partner = watchlisted_partner_add(user=request.user, **form.cleaned_data)
            except DomainValidationError as exc:
                form.set_service_errors(exc.errors)
            else:
                messages.success(request, _("%(partner)s is on the watchlist.") % {"partner": partner})
                return redirect("risk:watchlist")
    show = request.GET.get("show") if request.GET.get("show") in WATCHLIST_SHOW else "active"
    q = request.GET.get("q", "").strip()[:100]
    partners = watchlisted_partners(active=WATCHLIST_SHOW[show], q=q)
    page = Paginator(partners, PAGE_SIZE).get_page(request.GET.get("page"))
    countries = country_names(codes={partner.country for partner in page.object_list if partner.country})
    for partner in page.object_list:
        partner.country_name = countries.get(partner.country, "")
    return render(request, "risk/watchlist.html", {
        "form": form, "page": page, "show": show, "q": q,
        "countries": countries_for_choice(),
    })


@risk_admin_required
@require_POST
def watchlist_deactivate(request, pk):
    partner = get_object_or_404(watchlisted_partners(active=None), pk=pk)
    try:
        partner = watchlisted_partner_deactivate(partner=partner, user=request.user)
    except DomainConflict as exc:
        messages.info(request, str(exc))
    else:
        messages.success(request, _("%(partner)s was taken off the watchlist.") % {"partner": partner})
    return redirect(safe_next(request, reverse("risk:watchlist")))
