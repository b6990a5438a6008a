"""Customs regimes (mã loại hình, the VNACCS list of Decision 1357/QĐ-TCHQ 2021) and their tax treatment.

The one place that says, per type code, its direction, its names and which taxes of its goods are
exempt or not subject, with the exemption code written on the item and its legal basis. The tax
service (declarations.services.taxes) applies `exemptions`; the choices, the validation and the
pages take the codes and names from here. The codes' meanings, the treatment chosen and the
uncertainties are in docs/decisions.md ("Customs regimes and their tax treatment (issue 18)").

Exemption codes: the portal's own, five characters as VNACCS writes them (docs/decisions.md).
The legal basis is kept in Vietnamese and English as text, because it is stored on each item as
it was when the item was taxed: a later change of the law does not rewrite an assessed item.
"""
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

IMPORT, EXPORT = "import", "export"
EXEMPT, NOT_SUBJECT = "exempt", "not_subject"
KIND_LABELS = {EXEMPT: _("exempt"), NOT_SUBJECT: _("not subject")}
TAX_LABELS = {"import_duty": _("Import duty"), "export_duty": _("Export duty"),
              "special_consumption_tax": _("Special consumption tax"), "environmental_tax": _("Environmental tax"),
              "vat": _("VAT")}


@dataclass(frozen=True)
class Exemption:
    """One tax relieved by a regime: `kind` "exempt" (miễn thuế) or "not_subject" (không chịu thuế)."""

    code: str
    kind: str
    basis_vi: str
    basis_en: str

    def as_json(self, amount) -> dict:
        """The record stored on the item; `amount` is what the tax would have been without the relief (VND)."""
        return {"code": self.code, "kind": self.kind, "basis_vi": self.basis_vi, "basis_en": self.basis_en,
                "amount": str(amount)}


@dataclass(frozen=True)
class TypeCode:
    code: str
    direction: str
    name_vi: str
    name: str  # English, translatable (its Vietnamese translation is `name_vi`)
    exemptions: dict = field(default_factory=dict)  # tax name (declarations.services.taxes.TAX_NAMES) → Exemption


LAW_DUTIES = "Luật Thuế xuất khẩu, thuế nhập khẩu số 107/2016/QH13"
LAW_DUTIES_EN = "Law on Export and Import Duties No. 107/2016/QH13"
DUTY_DECREE = "Nghị định 134/2016/NĐ-CP, sửa đổi bởi Nghị định 18/2021/NĐ-CP"
DUTY_DECREE_EN = "Decree 134/2016/ND-CP as amended by Decree 18/2021/ND-CP"

IMPORT_DUTY_PROCESSING = Exemption(
    "XNK06", EXEMPT,
    f"Khoản 6 Điều 16 {LAW_DUTIES}; Điều 10 {DUTY_DECREE}: nguyên liệu, vật tư, linh kiện nhập khẩu để gia công "
    "sản phẩm xuất khẩu được miễn thuế nhập khẩu.",
    f"{LAW_DUTIES_EN}, Article 16.6; {DUTY_DECREE_EN}, Article 10: materials, supplies and components imported "
    "for processing products for export are exempt from import duty.")
IMPORT_DUTY_EXPORT_PRODUCTION = Exemption(
    "XNK07", EXEMPT,
    f"Khoản 7 Điều 16 {LAW_DUTIES}; Điều 12 {DUTY_DECREE}: nguyên liệu, vật tư, linh kiện nhập khẩu để sản xuất "
    "hàng hóa xuất khẩu được miễn thuế nhập khẩu.",
    f"{LAW_DUTIES_EN}, Article 16.7; {DUTY_DECREE_EN}, Article 12: materials, supplies and components imported "
    "to produce goods for export are exempt from import duty.")
IMPORT_DUTY_TEMPORARY = Exemption(
    "XNK09", EXEMPT,
    f"Khoản 9 Điều 16 {LAW_DUTIES}: hàng hóa tạm nhập, tái xuất trong thời hạn nhất định (hội chợ, triển lãm, "
    "sự kiện; thử nghiệm, nghiên cứu; dụng cụ nghề nghiệp; bảo hành, sửa chữa; phương tiện quay vòng) được miễn "
    "thuế nhập khẩu.",
    f"{LAW_DUTIES_EN}, Article 16.9: goods temporarily imported for re-export within a set period (fairs, "
    "exhibitions, events; testing, research; professional equipment; warranty, repair; reusable containers) are "
    "exempt from import duty.")
IMPORT_DUTY_NON_TARIFF_ZONE = Exemption(
    "XNK02", NOT_SUBJECT,
    f"Điểm c khoản 4 Điều 2 {LAW_DUTIES}: hàng hóa nhập khẩu từ nước ngoài vào khu phi thuế quan (doanh nghiệp "
    "chế xuất) và chỉ sử dụng trong khu phi thuế quan không thuộc đối tượng chịu thuế nhập khẩu.",
    f"{LAW_DUTIES_EN}, Article 2.4(c): goods imported from abroad into a non-tariff zone (export processing "
    "enterprise) and used only there are not subject to import duty.")
EXPORT_DUTY_PROCESSING = Exemption(
    "XXK06", EXEMPT,
    f"Khoản 6 Điều 16 {LAW_DUTIES}; Điều 10 {DUTY_DECREE}: sản phẩm gia công xuất khẩu được miễn thuế xuất khẩu.",
    f"{LAW_DUTIES_EN}, Article 16.6; {DUTY_DECREE_EN}, Article 10: processed products exported are exempt from "
    "export duty.")
EXPORT_DUTY_TEMPORARY = Exemption(
    "XXK09", EXEMPT,
    f"Khoản 9 Điều 16 {LAW_DUTIES}: hàng hóa tạm nhập được miễn thuế khi tái xuất trong thời hạn.",
    f"{LAW_DUTIES_EN}, Article 16.9: goods temporarily imported under a duty exemption are exempt from export "
    "duty when re-exported within the period.")
EXPORT_DUTY_NON_TARIFF_ZONE = Exemption(
    "XXK02", NOT_SUBJECT,
    f"Điểm c khoản 4 Điều 2 {LAW_DUTIES}: hàng hóa xuất khẩu từ khu phi thuế quan ra nước ngoài không thuộc đối "
    "tượng chịu thuế xuất khẩu.",
    f"{LAW_DUTIES_EN}, Article 2.4(c): goods exported from a non-tariff zone abroad are not subject to export duty.")

LAW_VAT = "Luật Thuế giá trị gia tăng số 48/2024/QH15"
LAW_VAT_EN = "Law on Value Added Tax No. 48/2024/QH15"
VAT_PROCESSING = Exemption(
    "VK520", NOT_SUBJECT,
    f"Khoản 20 Điều 5 {LAW_VAT}: nguyên liệu, vật tư nhập khẩu để sản xuất, gia công hàng hóa xuất khẩu theo hợp "
    "đồng ký với bên nước ngoài không thuộc đối tượng chịu thuế GTGT.",
    f"{LAW_VAT_EN}, Article 5.20: materials and supplies imported to produce or process goods for export under a "
    "contract with a foreign party are not subject to VAT.")
VAT_TEMPORARY = Exemption(
    "VK520", NOT_SUBJECT,
    f"Khoản 20 Điều 5 {LAW_VAT}: hàng tạm nhập khẩu, tái xuất khẩu không thuộc đối tượng chịu thuế GTGT.",
    f"{LAW_VAT_EN}, Article 5.20: goods temporarily imported for re-export are not subject to VAT.")
VAT_NON_TARIFF_ZONE = Exemption(
    "VK520", NOT_SUBJECT,
    f"Khoản 20 Điều 5 {LAW_VAT}: hàng hóa mua bán giữa nước ngoài với khu phi thuế quan không thuộc đối tượng "
    "chịu thuế GTGT.",
    f"{LAW_VAT_EN}, Article 5.20: goods traded between abroad and a non-tariff zone are not subject to VAT.")
SCT_PROCESSING = Exemption(
    "TTK03", NOT_SUBJECT,
    "Điều 3 Luật Thuế tiêu thụ đặc biệt số 66/2025/QH15: hàng hóa nhập khẩu để gia công hàng xuất khẩu cho bên "
    "nước ngoài không thuộc đối tượng chịu thuế tiêu thụ đặc biệt.",
    "Law on Special Consumption Tax No. 66/2025/QH15, Article 3: goods imported for processing for export for a "
    "foreign party are not subject to special consumption tax.")
SCT_TEMPORARY = Exemption(
    "TTK03", NOT_SUBJECT,
    "Điều 3 Luật Thuế tiêu thụ đặc biệt số 66/2025/QH15: hàng tạm nhập khẩu, tái xuất khẩu được miễn thuế nhập "
    "khẩu không thuộc đối tượng chịu thuế tiêu thụ đặc biệt.",
    "Law on Special Consumption Tax No. 66/2025/QH15, Article 3: goods temporarily imported for re-export free of "
    "import duty are not subject to special consumption tax.")
ENV_TEMPORARY = Exemption(
    "MTK41", NOT_SUBJECT,
    "Điểm b khoản 1 Điều 4 Luật Thuế bảo vệ môi trường số 57/2010/QH12: hàng hóa tạm nhập khẩu, tái xuất khẩu "
    "trong thời hạn không thuộc đối tượng chịu thuế bảo vệ môi trường.",
    "Law on Environmental Protection Tax No. 57/2010/QH12, Article 4.1(b): goods temporarily imported for "
    "re-export within the period are not subject to environmental protection tax.")
ENV_PROCESSING = Exemption(
    "MTK41", NOT_SUBJECT,
    "Điểm b khoản 1 Điều 4 Luật Thuế bảo vệ môi trường số 57/2010/QH12 (Thông tư 152/2011/TT-BTC, Điều 2): "
    "hàng hóa nhập khẩu để gia công cho nước ngoài, tái xuất, không thuộc đối tượng chịu thuế bảo vệ môi trường.",
    "Law on Environmental Protection Tax No. 57/2010/QH12, Article 4.1(b) (Circular 152/2011/TT-BTC, Article 2): "
    "goods imported for processing for a foreign party and re-exported are not subject to environmental "
    "protection tax.")

# Materials for processing for a foreign party: every tax at import is relieved.
_PROCESSING = {"import_duty": IMPORT_DUTY_PROCESSING, "vat": VAT_PROCESSING,
               "special_consumption_tax": SCT_PROCESSING, "environmental_tax": ENV_PROCESSING}
# Materials for export production: import duty and VAT; SCT and environmental tax are paid (docs/decisions.md).
_EXPORT_PRODUCTION = {"import_duty": IMPORT_DUTY_EXPORT_PRODUCTION, "vat": VAT_PROCESSING}
_NON_TARIFF_ZONE = {"import_duty": IMPORT_DUTY_NON_TARIFF_ZONE, "vat": VAT_NON_TARIFF_ZONE}

_CODES = (
    # Imports
    TypeCode("A11", IMPORT, "Nhập kinh doanh tiêu dùng", _("Import for domestic consumption (trading)")),
    TypeCode("A12", IMPORT, "Nhập kinh doanh sản xuất", _("Import for production or business")),
    TypeCode("A21", IMPORT, "Chuyển tiêu thụ nội địa từ nguồn tạm nhập",
             _("Temporarily imported goods put on the domestic market")),
    TypeCode("A31", IMPORT, "Nhập khẩu hàng xuất khẩu bị trả lại", _("Re-import of exported goods returned")),
    TypeCode("A41", IMPORT, "Nhập kinh doanh của doanh nghiệp thực hiện quyền nhập khẩu",
             _("Import by an enterprise exercising trading rights")),
    TypeCode("A42", IMPORT, "Chuyển tiêu thụ nội địa khác", _("Other goods put on the domestic market")),
    TypeCode("E11", IMPORT, "Nhập nguyên liệu của doanh nghiệp chế xuất",
             _("Import of materials by an export processing enterprise"), _NON_TARIFF_ZONE),
    TypeCode("E13", IMPORT, "Nhập tạo tài sản cố định của doanh nghiệp chế xuất",
             _("Import of fixed assets by an export processing enterprise"), _NON_TARIFF_ZONE),
    TypeCode("E15", IMPORT, "Nhập nguyên liệu của doanh nghiệp chế xuất từ nội địa",
             _("Materials bought from the domestic market by an export processing enterprise")),
    TypeCode("E21", IMPORT, "Nhập nguyên liệu để gia công cho thương nhân nước ngoài",
             _("Import of materials for processing contracts"), _PROCESSING),
    TypeCode("E23", IMPORT, "Nhập nguyên liệu gia công từ hợp đồng khác chuyển sang",
             _("Processing materials transferred from another contract"), _PROCESSING),
    TypeCode("E31", IMPORT, "Nhập nguyên liệu sản xuất xuất khẩu", _("Import of materials for export production"),
             _EXPORT_PRODUCTION),
    TypeCode("E33", IMPORT, "Nhập nguyên liệu, vật tư vào kho bảo thuế",
             _("Import of materials into a bonded (tax-suspension) warehouse"), _EXPORT_PRODUCTION),
    TypeCode("E41", IMPORT, "Nhập sản phẩm thuê gia công ở nước ngoài", _("Import of products processed abroad")),
    TypeCode("G11", IMPORT, "Tạm nhập hàng kinh doanh tạm nhập tái xuất",
             _("Temporary import of goods for temporary import and re-export trade"),
             {"vat": VAT_TEMPORARY, "environmental_tax": ENV_TEMPORARY}),
    TypeCode("G12", IMPORT, "Tạm nhập máy móc, thiết bị phục vụ thực hiện các dự án có thời hạn",
             _("Temporary import of machinery and equipment for projects of limited duration"),
             {"vat": VAT_TEMPORARY, "environmental_tax": ENV_TEMPORARY}),
    TypeCode("G13", IMPORT, "Tạm nhập miễn thuế", _("Duty-free temporary import"),
             {"import_duty": IMPORT_DUTY_TEMPORARY, "vat": VAT_TEMPORARY, "special_consumption_tax": SCT_TEMPORARY,
              "environmental_tax": ENV_TEMPORARY}),
    TypeCode("G14", IMPORT, "Tạm nhập khác", _("Other temporary import"),
             {"vat": VAT_TEMPORARY, "environmental_tax": ENV_TEMPORARY}),
    TypeCode("G51", IMPORT, "Tái nhập hàng đã tạm xuất", _("Re-import of goods temporarily exported")),
    TypeCode("H11", IMPORT, "Hàng nhập khẩu khác", _("Other imports")),
    # Exports
    TypeCode("B11", EXPORT, "Xuất kinh doanh", _("Export (trading)")),
    TypeCode("B12", EXPORT, "Xuất sau khi đã tạm xuất", _("Export of goods temporarily exported")),
    TypeCode("B13", EXPORT, "Xuất khẩu hàng đã nhập khẩu", _("Export of goods previously imported")),
    TypeCode("E42", EXPORT, "Xuất khẩu sản phẩm của doanh nghiệp chế xuất",
             _("Export of products of an export processing enterprise"),
             {"export_duty": EXPORT_DUTY_NON_TARIFF_ZONE}),
    TypeCode("E52", EXPORT, "Xuất sản phẩm gia công cho thương nhân nước ngoài", _("Export of processed products"),
             {"export_duty": EXPORT_DUTY_PROCESSING}),
    TypeCode("E54", EXPORT, "Xuất nguyên liệu gia công từ hợp đồng này sang hợp đồng khác",
             _("Processing materials transferred to another contract")),
    TypeCode("E62", EXPORT, "Xuất sản phẩm sản xuất xuất khẩu", _("Export of own production")),
    TypeCode("G21", EXPORT, "Tái xuất hàng kinh doanh tạm nhập tái xuất",
             _("Re-export of goods of temporary import and re-export trade")),
    TypeCode("G22", EXPORT, "Tái xuất máy móc, thiết bị đã tạm nhập để phục vụ dự án có thời hạn",
             _("Re-export of machinery and equipment temporarily imported for a project")),
    TypeCode("G23", EXPORT, "Tái xuất hàng tạm nhập miễn thuế", _("Re-export of goods temporarily imported duty-free"),
             {"export_duty": EXPORT_DUTY_TEMPORARY}),
    TypeCode("G24", EXPORT, "Tái xuất khác", _("Other re-export")),
    TypeCode("G61", EXPORT, "Tạm xuất hàng hóa", _("Temporary export")),
    TypeCode("H21", EXPORT, "Hàng xuất khẩu khác", _("Other exports")),
)

REGIMES: dict[str, TypeCode] = {entry.code: entry for entry in _CODES}
IMPORT_TYPE_CODES = {entry.code: entry.name for entry in _CODES if entry.direction == IMPORT}
EXPORT_TYPE_CODES = {entry.code: entry.name for entry in _CODES if entry.direction == EXPORT}
TYPE_CODES = {IMPORT: IMPORT_TYPE_CODES, EXPORT: EXPORT_TYPE_CODES}
NO_EXEMPTIONS: dict = {}


def regime_exemptions(type_code: str) -> dict:
    """The taxes the regime relieves, by tax name (an unknown code relieves nothing)."""
    regime = REGIMES.get(type_code)
    return regime.exemptions if regime else NO_EXEMPTIONS


def exemption_entries(exemptions: dict) -> list[dict]:
    """An item's stored exemptions as pages list them, in tax order: the tax's and the kind's labels,
    the code, the amount relieved (Decimal) and the legal basis in the current language."""
    basis_key = "basis_vi" if (get_language() or "").startswith("vi") else "basis_en"
    return [{"tax": name, "tax_label": TAX_LABELS[name], "code": entry["code"], "kind": entry["kind"],
             "kind_label": KIND_LABELS.get(entry["kind"], entry["kind"]), "amount": Decimal(entry["amount"]),
             "basis": entry[basis_key], "basis_vi": entry["basis_vi"], "basis_en": entry["basis_en"]}
            for name, entry in sorted((exemptions or {}).items(), key=lambda pair: list(TAX_LABELS).index(pair[0]))]
