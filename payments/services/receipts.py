"""The receipt (biên lai) of a credited payment, as a PDF drawn by WeasyPrint.

Like the declaration printout it is bilingual whatever the reader's language (Vietnamese, the
English beneath) and writes amounts the Vietnamese way (1.234.567). The fonts are the DejaVu
ones bundled in static/fonts (with their licence), so Vietnamese diacritics print the same on
every server.
"""
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from customs_portal.errors import DomainConflict
from declarations.services.pdf import vn_number
from declarations.services.taxes import TAX_NAMES
from payments.models import Payment, PaymentStatus

FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts"
FONTS = {"regular": FONT_DIR / "DejaVuSansCondensed.ttf", "bold": FONT_DIR / "DejaVuSansCondensed-Bold.ttf"}
LABELS = {
    "import_duty": ("Thuế nhập khẩu", "Import duty"),
    "export_duty": ("Thuế xuất khẩu", "Export duty"),
    "special_consumption_tax": ("Thuế tiêu thụ đặc biệt", "Special consumption tax"),
    "environmental_tax": ("Thuế bảo vệ môi trường", "Environmental protection tax"),
    "vat": ("Thuế giá trị gia tăng", "Value added tax"),
    "late_interest": ("Tiền chậm nộp", "Late-payment interest"),
}


@dataclass(frozen=True)
class ReceiptLine:
    vi: str
    en: str
    amount: str


def receipt_lines(payment: Payment) -> list[ReceiptLine]:
    """Each tax the payment settled, late interest last."""
    return [ReceiptLine(*LABELS[name], vn_number(payment.breakdown[name]))
            for name in (*TAX_NAMES, "late_interest") if name in payment.breakdown]


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
        "applied": vn_number(payment.applied_amount),
        "refund_due": vn_number(payment.refund_due) if payment.refund_due else "",
        "amount": vn_number(payment.amount),
        "registered_at": timezone.localtime(declaration.registered_at),
        "credited_at": timezone.localtime(payment.credited_at),
        "fonts": {style: path.as_uri() for style, path in FONTS.items()},
    })
    return HTML(string=html, base_url=str(FONT_DIR)).write_pdf(font_config=FontConfiguration())
