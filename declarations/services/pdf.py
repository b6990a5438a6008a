"""The declaration as a printable PDF (tờ khai hàng hóa xuất khẩu / nhập khẩu), rendered by WeasyPrint.

The printout is bilingual whatever the reader's language: Vietnamese labels with the
English beneath, as on the forms traders hand to carriers and foreign partners. Numbers
are written the Vietnamese way (1.234.567,89). The fonts are bundled in static/fonts
and loaded through @font-face, so the output never depends on the fonts installed on
the server. A numbered declaration carries a QR code of `qr_payload`, which the gate
scans; its verification code is printed beside it for typing by hand.
"""
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from declarations.lifecycle import Channel, Status
from declarations.models import Declaration, GateRelease, PaymentStatus, TransportMode
from declarations.permits import permits_parsed
from declarations.services.taxes import TAX_NAMES
from declarations.services.verification import qr_payload, verification_code
from declarations.type_codes import EXEMPT, NOT_SUBJECT, TYPE_CODES, exemption_entries

FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts"
TEMPLATE = "declarations/pdf/declaration.html"
# Mã phân loại kiểm tra: the channel as printed on VNACCS declarations.
CHANNEL_CODES = {Channel.GREEN: "1", Channel.YELLOW: "2", Channel.RED: "3"}
# A QR module of 4 px, drawn ~0.7 mm wide: crisp on a 300 dpi printer and for a hand scanner.
QR_SCALE = 4
# Widths (mm) of the goods table's columns; the description takes the rest of the 190 mm.
ITEM_COLUMNS_MM = {"line_no": 5, "hs_code": 11.5, "origin": 6, "quantity": 14, "unit_price": 13.5, "line_value": 15.5,
                   "taxable_value": 18.5}
TAX_COLUMN_MM = 15  # four taxes on imports
EXPORT_TAX_COLUMN_MM = 19  # export duty and the item's total
CELL_PADDING_MM = 1.9  # both sides, and the border
AMOUNT_FONT_PT = 6.8
SMALLEST_AMOUNT_FONT_PT = 4.5
MM_PER_PT = 25.4 / 72
# Advance widths (em) of DejaVu Sans Condensed's digits and separators: the only glyphs of an amount.
AMOUNT_GLYPH_EM = {**dict.fromkeys("0123456789", 0.5723), ".": 0.2856, ",": 0.2856, "-": 0.3247}
WATERMARKS = {
    Status.DRAFT: ("BẢN NHÁP", "DRAFT"),
    Status.CANCELLED: ("ĐÃ HỦY", "CANCELLED"),
    Status.REJECTED: ("BỊ TỪ CHỐI", "REJECTED"),
    Status.EXPIRED: ("HẾT HẠN", "EXPIRED"),
}
# The title's qualifier, as VNACCS prints it: the channel notice before clearance, "thông quan" after.
TITLE_QUALIFIERS = {
    Status.DRAFT: ("bản nháp — chưa gửi cơ quan hải quan", "draft — not lodged with customs"),
    Status.REGISTERED: ("đã đăng ký", "registered"),
    Status.ASSESSED: ("thông báo kết quả phân luồng", "channel notice"),
    Status.UNDER_REVIEW: ("thông báo kết quả phân luồng", "channel notice"),
    Status.UNDER_INSPECTION: ("thông báo kết quả phân luồng", "channel notice"),
    Status.CLEARED: ("thông quan", "cleared"),
    Status.RELEASED: ("thông quan — đã qua khu vực giám sát", "cleared — released at the gate"),
    Status.CANCELLED: ("đã hủy", "cancelled"),
    Status.REJECTED: ("bị từ chối", "rejected"),
    Status.EXPIRED: ("bản nháp hết hạn — chưa gửi cơ quan hải quan", "expired draft — never lodged with customs"),
}


@dataclass(frozen=True)
class Bilingual:
    vi: str
    en: str


def _bilingual(label) -> Bilingual:
    """A lazily translated label in both languages of the printout."""
    with translation.override("vi"):
        vi = str(label)
    with translation.override("en"):
        en = str(label)
    return Bilingual(vi=vi, en=en)


def _bilingual_name(row) -> Bilingual:
    """A reference row's name (country, port, office): the Vietnamese one, and the English one where it differs."""
    vi = row.name_vi or row.name_en
    return Bilingual(vi=vi, en=row.name_en if row.name_en != vi else "")


def vn_number(value: Decimal | int | None, places: int | None = None, *, min_places: int = 0) -> str:
    """1234567.5 -> "1.234.567,5": grouped with dots, decimals after a comma.

    `places=None` keeps only the significant decimals (a quantity of 3.500 prints as 3,5),
    but at least `min_places` of them (a unit price of 3 prints as 3,00 with min_places=2).
    """
    if value is None:
        return ""
    value = Decimal(value)
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = format(value, "f")
    sign = "-" if text.startswith("-") else ""
    whole, _, fraction = text.lstrip("-").partition(".")
    if places is None:
        fraction = fraction.rstrip("0").ljust(min_places, "0")
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"


def _percent(rate: str | None) -> str:
    return f"{vn_number(Decimal(rate))}%" if rate not in (None, "") else ""


def _when(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M") if moment else ""


def _day(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _qr_data_uri(number: str) -> str:
    return segno.make(qr_payload(number=number), error="m", micro=False).png_data_uri(scale=QR_SCALE, border=4)


def _amount(text: str, width_mm: float) -> dict:
    """An amount of the goods table, with the smaller font size (pt) at which it fits its column on one
    line when the table's size is too large: a 15-digit VND figure shrinks rather than wrapping."""
    em = sum(AMOUNT_GLYPH_EM.get(char, AMOUNT_GLYPH_EM["0"]) for char in text)
    fitting = (width_mm - CELL_PADDING_MM) / (em * MM_PER_PT) if em else AMOUNT_FONT_PT
    size = f"{max(SMALLEST_AMOUNT_FONT_PT, fitting):.2f}" if fitting < AMOUNT_FONT_PT else ""
    return {"text": text, "size": size}


# The PDF is in Vietnamese: the bases of an import duty that are not a tariff column's code.
DUTY_BASIS_LABELS = {
    "standard": "thông thường",
    "special_rule": "chờ công chức hải quan xác định (Chương 98)",
    "officer": "do công chức hải quan xác định",
}


def _item_columns(importing: bool) -> dict:
    tax = TAX_COLUMN_MM if importing else EXPORT_TAX_COLUMN_MM
    return {**ITEM_COLUMNS_MM, "tax": tax}


# The PDF is bilingual whatever the reader's language: Vietnamese, with English in italics.
PERMIT_KINDS_PDF = {"licence": ("Giấy phép", "Licence"), "quarantine": ("Giấy chứng nhận kiểm dịch", "Quarantine certificate"),
                    "quality": ("Kết quả kiểm tra chất lượng", "Quality inspection result"), "other": ("Khác", "Other")}


def _permit_rows(item) -> list[dict]:
    return [{"kind_vi": PERMIT_KINDS_PDF.get(permit["kind"], (permit["kind"], ""))[0],
             "kind_en": PERMIT_KINDS_PDF.get(permit["kind"], ("", permit["kind"]))[1],
             "number": permit["number"], "agency": permit["agency"],
             "date": permit["date"].strftime("%d/%m/%Y") if permit.get("date") else ""}
            for permit in permits_parsed(item.permits)]


# The taxes' names as the PDF prints them (Vietnamese, English).
TAX_NAMES_PDF = {
    "import_duty": ("Thuế nhập khẩu", "Import duty"),
    "export_duty": ("Thuế xuất khẩu", "Export duty"),
    "special_consumption_tax": ("Thuế tiêu thụ đặc biệt", "Special consumption tax"),
    "environmental_tax": ("Thuế bảo vệ môi trường", "Environmental protection tax"),
    "vat": ("Thuế giá trị gia tăng", "Value added tax"),
}
EXEMPTION_KINDS_PDF = {EXEMPT: ("Miễn thuế", "Exempt"), NOT_SUBJECT: ("Không chịu thuế", "Not subject")}


def _exemption_rows(item) -> list[dict]:
    """The taxes the regime relieves on the item, with code and legal basis in both languages."""
    return [{"tax": entry["tax"], "tax_vi": TAX_NAMES_PDF[entry["tax"]][0], "tax_en": TAX_NAMES_PDF[entry["tax"]][1],
             "kind_vi": EXEMPTION_KINDS_PDF.get(entry["kind"], ("", ""))[0],
             "kind_en": EXEMPTION_KINDS_PDF.get(entry["kind"], ("", ""))[1],
             "code": entry["code"], "amount": vn_number(entry["amount"], 0),
             "basis_vi": entry["basis_vi"], "basis_en": entry["basis_en"]}
            for entry in exemption_entries(item.exemptions)]


def _item_rows(declaration: Declaration, columns: dict) -> list[dict]:
    rows = []
    for item in declaration.items.all():
        rates = item.rates or {}
        duty = rates.get("import_duty") or {}
        environmental = rates.get("environmental_tax") or {}
        basis = duty.get("basis", "")
        tax = {name: _amount(vn_number(getattr(item, name), 0) if name in rates else "", columns["tax"])
               for name in TAX_NAMES}  # empty where the goods do not bear the tax
        exemptions = _exemption_rows(item)
        rows.append({
            "line_no": item.line_no,
            "exemptions": exemptions,
            "exemption_codes": {entry["tax"]: entry["code"] for entry in exemptions},
            "hs_code": item.hs_code,
            "description": item.description,
            "preference": item.preference,
            "certificate_of_origin": item.certificate_of_origin,
            "permits": _permit_rows(item),
            "preference_refused": duty.get("preference_refused_reason", ""),
            "origin": item.origin_country_id,
            "quantity": _amount(vn_number(item.quantity), columns["quantity"]),
            "unit": item.unit_id,
            "unit_price": _amount(vn_number(item.unit_price, min_places=2), columns["unit_price"]),
            "line_value": _amount(vn_number(item.line_value, 2), columns["line_value"]),
            "taxable_value": _amount(vn_number(item.taxable_value, 0), columns["taxable_value"]),
            "import_duty": tax["import_duty"],
            "import_duty_rate": _percent(duty.get("rate")),
            "import_duty_basis": DUTY_BASIS_LABELS.get(basis, basis),
            "special_consumption_tax": tax["special_consumption_tax"],
            "special_consumption_tax_rate": _percent((rates.get("special_consumption_tax") or {}).get("rate")),
            "environmental_tax": tax["environmental_tax"],
            "environmental_tax_rate": (
                f"{vn_number(Decimal(environmental['per_unit']))}/{environmental.get('unit', '')}" if environmental else ""
            ),
            "vat": tax["vat"],
            "vat_rate": _percent((rates.get("vat") or {}).get("rate")),
            "export_duty": tax["export_duty"],
            "export_duty_rate": _percent((rates.get("export_duty") or {}).get("rate")),
            "tax_total": _amount(vn_number(item.tax_total, 0), columns["tax"]),
        })
    return rows


def _context(declaration: Declaration) -> dict:
    importing = declaration.direction == "import"
    numbered = bool(declaration.number) and declaration.status != Status.DRAFT
    office = declaration.customs_office
    release = GateRelease.objects.filter(declaration=declaration).first() if declaration.released_at else None
    type_code_label = TYPE_CODES.get(declaration.direction, {}).get(declaration.type_code)
    taxes = [("Thuế xuất khẩu", "Export duty", declaration.export_duty)]
    if importing:
        taxes = [
            ("Thuế nhập khẩu", "Import duty", declaration.import_duty),
            ("Thuế tiêu thụ đặc biệt", "Special consumption tax", declaration.special_consumption_tax),
            ("Thuế bảo vệ môi trường", "Environmental protection tax", declaration.environmental_tax),
            ("Thuế giá trị gia tăng", "Value added tax", declaration.vat),
        ]
    columns = _item_columns(importing)
    items = _item_rows(declaration, columns)
    # A draft owes nothing yet: its taxes, at today's rate, are what it would owe if registered today.
    estimated = declaration.status in (Status.DRAFT, Status.EXPIRED)
    return {
        "font_dir": FONT_DIR.as_uri(),
        "d": declaration,
        "importing": importing,
        "title": ("TỜ KHAI HÀNG HÓA NHẬP KHẨU", "IMPORT GOODS DECLARATION") if importing
        else ("TỜ KHAI HÀNG HÓA XUẤT KHẨU", "EXPORT GOODS DECLARATION"),
        "qualifier": TITLE_QUALIFIERS.get(declaration.status),
        "watermark": WATERMARKS.get(declaration.status),
        "reference": declaration.number if numbered else f"NHÁP/DRAFT #{declaration.pk}",
        "qr": _qr_data_uri(declaration.number) if numbered else None,
        "verification_code": verification_code(number=declaration.number) if numbered else "",
        "status": _bilingual(Status(declaration.status).label),
        "channel": _bilingual(Channel(declaration.channel).label) if declaration.channel else None,
        "channel_code": CHANNEL_CODES.get(declaration.channel, ""),
        "type_code_label": _bilingual(type_code_label) if type_code_label else None,
        "transport_mode": _bilingual(TransportMode(declaration.transport_mode).label),
        "payment_status": (Bilingual("Ước tính, chưa đăng ký", "Estimated, not registered") if estimated
                           else _bilingual(PaymentStatus(declaration.payment_status).label)),
        "payment_status_code": "estimated" if estimated else declaration.payment_status,
        "estimated": estimated,
        "office": office,
        "office_name": _bilingual_name(office),
        "partner_country": _bilingual_name(declaration.partner_country),
        "port_of_loading": _bilingual_name(declaration.port_of_loading),
        "port_of_discharge": _bilingual_name(declaration.port_of_discharge),
        "registered_at": _when(declaration.registered_at),
        "cleared_at": _when(declaration.cleared_at),
        "released_at": _when(declaration.released_at),
        "containers": release.container_numbers if release else [],
        "transport_date": _day(declaration.arrival_date if importing else declaration.departure_date),
        "invoice_date": _day(declaration.invoice_date),
        "exchange_rate": vn_number(declaration.exchange_rate) if declaration.exchange_rate else "",
        "exchange_rate_date": _day(declaration.exchange_rate_date),
        "invoice_total": vn_number(declaration.invoice_total, 2),
        "freight": vn_number(declaration.freight, 2),
        "insurance": vn_number(declaration.insurance, 2),
        "gross_weight": vn_number(declaration.gross_weight_kg),
        "packages": vn_number(declaration.packages),
        "items": items,
        "exemptions": [{"line_no": item["line_no"], **entry} for item in items for entry in item["exemptions"]],
        "columns": columns,
        "amount_font_pt": AMOUNT_FONT_PT,
        "taxes": [(vi, en, vn_number(amount, 0)) for vi, en, amount in taxes],
        "tax_total": vn_number(declaration.tax_total, 0),
        "declared_by": declaration.created_by.get_full_name() or declaration.created_by.get_username(),
        "amount_due": vn_number(declaration.tax_total if estimated else declaration.amount_due, 0),
        "printed_at": _when(timezone.now()),
    }


def declaration_pdf_render(*, declaration: Declaration) -> bytes:
    """The declaration as an A4 PDF. Reads its items (prefetch them to save the queries)."""
    html = render_to_string(TEMPLATE, _context(declaration))
    font_config = FontConfiguration()
    return HTML(string=html, base_url=str(FONT_DIR)).write_pdf(font_config=font_config)


def declaration_pdf_filename(*, declaration: Declaration) -> str:
    """`to-khai-<number>.pdf`, or `to-khai-draft-<id>.pdf` before the declaration is numbered."""
    return f"to-khai-{declaration.number or f'draft-{declaration.pk}'}.pdf"
