"""The reference price pages: the list (with the form to add one), a price's form, and deletion."""
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from customs_portal.accounts.permissions import risk_admin_required
from customs_portal.errors import DomainValidationError
from risk.forms.reference_prices import ReferencePriceForm
from risk.selectors import hs_descriptions, reference_prices, units_for_choice
from risk.services.reference_prices import reference_price_delete, reference_price_set
from risk.views.common import PAGE_SIZE


def _reference_price_context(form, *, price=None) -> dict:
    return {"form": form, "price": price, "units": units_for_choice()}


@risk_admin_required
@require_http_methods(["GET", "POST"])
def reference_price_list(request):
    form = ReferencePriceForm()
    if request.method == "POST":
        form = ReferencePriceForm(data=request.POST)
        if form.is_valid():
            try:
                price = reference_price_set(user=request.user, **form.price_data())
            except DomainValidationError as exc:
                form.set_service_errors(exc.errors)
            else:
                messages.success(request, _("Reference price for %(code)s in %(unit)s saved.") % {
                    "code": price.hs_code, "unit": price.unit_id})
                return redirect("risk:reference-price-list")
    q = request.GET.get("q", "").strip()[:20]
    page = Paginator(reference_prices(q=q), PAGE_SIZE).get_page(request.GET.get("page"))
    descriptions = hs_descriptions(codes={price.hs_code for price in page.object_list})
    for price in page.object_list:
        price.description = descriptions.get(price.hs_code, "")
    return render(request, "risk/reference_price_list.html", {**_reference_price_context(form), "page": page, "q": q})


@risk_admin_required
@require_http_methods(["GET", "POST"])
def reference_price_edit(request, pk):
    price = get_object_or_404(reference_prices(), pk=pk)
    if request.method == "GET":
        form = ReferencePriceForm(initial={"hs_code": price.hs_code, "unit": price.unit_id,
                                                 "price_vnd": price.price_vnd, "note": price.note})
    else:
        form = ReferencePriceForm(data=request.POST)
        if form.is_valid():
            try:
                price = reference_price_set(user=request.user, reference_price=price, **form.price_data())
            except DomainValidationError as exc:
                form.set_service_errors(exc.errors)
            else:
                messages.success(request, _("Reference price for %(code)s in %(unit)s saved.") % {
                    "code": price.hs_code, "unit": price.unit_id})
                return redirect("risk:reference-price-list")
    price.description = hs_descriptions(codes={price.hs_code}).get(price.hs_code, "")
    return render(request, "risk/reference_price_form.html", _reference_price_context(form, price=price))


@risk_admin_required
@require_POST
def reference_price_remove(request, pk):
    price = get_object_or_404(reference_prices(), pk=pk)
    reference_price_delete(reference_price=price, user=request.user)
    messages.success(request, _("Reference price for %(code)s in %(unit)s deleted.") % {
        "code": price.hs_code, "unit": price.unit_id})
    return redirect("risk:reference-price-list")
