"""The simulated bank's pages: where the trader confirms or declines a payment, and the statement.

Like a real bank's, neither is open: the pay page is for the payer signed in (the portal's session
stands for the bank's login: a trader of the enterprise whose declaration the payment is for), and
the statement is given to the portal only, on a request signed with BANK_CALLBACK_SECRET.
"""
from datetime import date
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from payments.bank_simulator.models import Delivery, Outcome
from payments.bank_simulator.services import statement_csv, transaction_book
from payments.banks import BANKS_BY_BIC
from payments.selectors import payments_visible_to
from payments.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, request_signature_valid, signature_compute


def _amount(text: str) -> Decimal | None:
    try:
        amount = Decimal((text or "").strip())
    except InvalidOperation:
        return None
    # Zero or negative amounts are allowed: the simulator can send the portal a callback it must refuse.
    ok = amount.is_finite() and amount == amount.to_integral_value() and abs(amount) < Decimal(10) ** 18
    return amount if ok else None


@login_required
@require_http_methods(["GET", "POST"])
def pay(request, reference):
    """?amount=…&return_url=…[&bank=BIC][&delivery=once|twice|none]: the amount to debit is editable, to try a
    wrong one; the bank the trader chose in the portal is named (every bank is this one simulator).

    Only a trader may pay, and only a payment of its own enterprise (another's is not found)."""
    if not request.user.is_trader:
        raise PermissionDenied
    if not payments_visible_to(user=request.user).filter(reference=reference).exists():
        raise Http404
    source = request.POST if request.method == "POST" else request.GET
    context = {
        "reference": reference,
        "amount": source.get("amount", ""),
        "currency": source.get("currency", "VND"),
        "bank": BANKS_BY_BIC.get(source.get("bank", "")),
        "return_url": source.get("return_url", ""),
        "delivery": source.get("delivery") if source.get("delivery") in Delivery.values else Delivery.ONCE,
        "deliveries": Delivery.choices,
    }
    if request.method == "GET":
        return render(request, "payments/bank_simulator/pay.html", context)
    amount = _amount(source.get("amount"))
    if amount is None:
        context["error"] = "The amount must be a whole number of dong."
        return render(request, "payments/bank_simulator/pay.html", context, status=400)
    outcome = Outcome.FAILED if source.get("decision") == "decline" else Outcome.SUCCESS
    callback_url = settings.BANK_SIMULATOR_CALLBACK_URL or request.build_absolute_uri(reverse("payment-bank-callback"))
    booked = transaction_book(reference=reference, amount=amount, outcome=outcome,
                              delivery=context["delivery"] if outcome == Outcome.SUCCESS else Delivery.ONCE,
                              callback_url=callback_url)
    return_url = context["return_url"]
    if return_url and url_has_allowed_host_and_scheme(return_url, allowed_hosts={request.get_host()},
                                                      require_https=request.is_secure()):
        return redirect(return_url)
    return render(request, "payments/bank_simulator/done.html", {**context, "booked": booked})


@require_GET
def statement(request, day):
    """The statement CSV of `day`, to the portal's signed request only (payments.gateway.bank_statement_fetch)."""
    if not request_signature_valid(method=request.method, path=request.get_full_path(),
                                   timestamp=request.headers.get(TIMESTAMP_HEADER),
                                   signature=request.headers.get(SIGNATURE_HEADER), secret=settings.BANK_CALLBACK_SECRET):
        return HttpResponseForbidden("The statement API answers signed requests only.", content_type="text/plain")
    try:
        statement_date = date.fromisoformat(day)
    except ValueError:
        raise Http404 from None
    content = statement_csv(day=statement_date)
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response[SIGNATURE_HEADER] = signature_compute(body=content, secret=settings.BANK_CALLBACK_SECRET)
    response["Content-Disposition"] = f'attachment; filename="statement-{statement_date.isoformat()}.csv"'
    return response
