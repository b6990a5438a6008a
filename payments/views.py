"""Payments in the browser: the Pay button, the declaration page's payment panel, receipts, and
the reconciliation reports for customs staff. Views parse, call one service or selector, render."""
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from customs_portal.accounts.permissions import customs_staff_required
from customs_portal.errors import DomainConflict, DomainValidationError
from customs_portal.localization import date_parse, date_text, date_unreadable_message
from declarations.selectors import declaration_get, declaration_id_visible
from payments.gateway import bank_payment_url
from payments.models import DifferenceKind
from payments.panel import payment_panel_context
from payments.selectors import (
    payment_get,
    payments_pending_on,
    reconciliation_report_get,
    reconciliation_reports,
    rejected_callbacks_on,
)
from payments.services.payments import payment_start
from payments.services.receipts import payment_receipt_pdf, receipt_filename
from payments.tasks import reconcile_enqueue

REPORTS_PER_PAGE = 30


@login_required
@require_POST
def payment_start_view(request, pk):
    """Start paying the declaration's amount due and send the trader to the bank."""
    declaration_id = declaration_id_visible(user=request.user, pk=pk)
    bank = request.POST.get("bank", "").strip()
    if not bank:
        messages.error(request, _("Choose the bank you pay through."))
        return redirect("declarations:detail", pk=declaration_id)
    try:
        payment = payment_start(declaration_id=declaration_id, user=request.user, bank=bank)
    except DomainConflict as exc:
        messages.error(request, str(exc))
        return redirect("declarations:detail", pk=declaration_id)
    except DomainValidationError as exc:
        messages.error(request, " ".join(message for messages_ in exc.errors.values() for message in messages_))
        return redirect("declarations:detail", pk=declaration_id)
    return_url = request.build_absolute_uri(reverse("declarations:detail", args=[declaration_id]))
    return redirect(bank_payment_url(payment=payment, return_url=return_url))


@login_required
@require_GET
def payment_panel_view(request, pk):
    """The payment panel alone (htmx refresh after a payment or a live update)."""
    declaration = declaration_get(user=request.user, pk=pk)
    return render(request, "payments/_panel.html", payment_panel_context(request=request, declaration=declaration))


@login_required
@require_GET
def receipt_download(request, pk):
    payment = payment_get(user=request.user, pk=pk)
    try:
        pdf = payment_receipt_pdf(payment=payment)
    except DomainConflict as exc:
        messages.error(request, str(exc))
        return redirect("declarations:detail", pk=payment.declaration_id)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{receipt_filename(payment)}"'
    return response


@customs_staff_required
def reconciliation_list(request):
    if request.method == "POST":
        try:
            statement_date = date_parse(request.POST.get("statement_date", ""))
        except ValueError:
            messages.error(request, date_unreadable_message())
        else:
            if statement_date >= timezone.localdate():
                messages.error(request, _("Only a past day can be reconciled: its statement is complete."))
            else:
                transaction.on_commit(lambda: reconcile_enqueue(statement_date=statement_date, user_id=request.user.pk))
                messages.success(request, _("Reconciliation of %(date)s queued; the report appears here when done.")
                                 % {"date": date_text(statement_date)})
        return redirect("payments:reconciliation-list")
    page = Paginator(reconciliation_reports(), REPORTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "payments/reconciliation_list.html", {
        "page": page,
        "yesterday": timezone.localdate() - timedelta(days=1),
    })


@customs_staff_required
@require_GET
def reconciliation_detail(request, statement_date):
    try:
        day = date.fromisoformat(statement_date)
    except ValueError:
        return redirect("payments:reconciliation-list")
    report = reconciliation_report_get(statement_date=day)
    differences = list(report.differences.select_related("payment", "payment__declaration"))
    counts = {kind: 0 for kind in DifferenceKind.values}
    for difference in differences:
        counts[difference.kind] += 1
    return render(request, "payments/reconciliation_detail.html", {
        "report": report,
        "differences": differences,
        "counts": [(DifferenceKind(kind).label, kind, n) for kind, n in counts.items() if n],
        "rejected": rejected_callbacks_on(day=day),
        "pending": payments_pending_on(day=day),
    })
