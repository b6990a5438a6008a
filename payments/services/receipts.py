"""The receipt (biên lai) of a credited payment, as a PDF drawn by WeasyPrint.

The font is DejaVu Sans Condensed, shipped in static/fonts/ (with its licence), so Vietnamese
diacritics print the same on every server whatever fonts it has installed.
"""
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from weasyprint import HTML

from customs_portal.errors import DomainConflict
from declarations.services.taxes import TAX_NAMES
from payments.models import Payment, PaymentStatus

FONT_FILES = {"regular": "fonts/DejaVuSansCondensed.ttf", "bold": "fonts/DejaVuSansCondensed-Bold.ttf"}


def _font_uri(relative: str) -> str:
    found = finders.find(relative)
    if not found:
        raise FileNotFoundError(f"static file {relative} is missing")
    return Path(found).resolve().as_uri()


def receipt_lines(payment: Payment) -> list[tuple[str, str]]:
    """(label, amount) of each tax the payment settled, late interest last."""
    labels = {
        "import_duty": _("Import duty"),
        "export_duty": _("Export duty"),
        "special_consumption_tax": _("Special consumption tax"),
        "environmental_tax": _("Environmental tax"),
        "vat": _("VAT"),
        "late_interest": _("Late-payment interest"),
    }
    return [(labels[name], payment.breakdown[name]) for name in (*TAX_NAMES, "late_interest") if name in payment.breakdown]


def receipt_filename(payment: Payment) -> str:
    return f"bien-lai-{payment.receipt_number}.pdf"


def payment_receipt_pdf(*, payment: Payment) -> bytes:
    if payment.status != PaymentStatus.CREDITED:
        raise DomainConflict(_("A receipt exists only for a credited payment."), code="no_receipt")
    declaration = payment.declaration
    html = render_to_string("payments/receipt.html", {
        "payment": payment,
        "declaration": declaration,
        "enterprise": declaration.enterprise,
        "lines": receipt_lines(payment),
        "credited_at": timezone.localtime(payment.credited_at),
        "fonts": {style: _font_uri(path) for style, path in FONT_FILES.items()},
    })
    return HTML(string=html).write_pdf()
