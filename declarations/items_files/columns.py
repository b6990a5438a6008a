"""The columns of the goods-lines template, in its order, with their headers in Vietnamese and English.

The headers are data, not translations: the Vietnamese template is Vietnamese whatever the
language of the page that links it, and a file of either language is read whatever the
reader's language. A header is recognised by `header_key`: case, accents (đ as d), spaces,
underscores and punctuation do not matter, so "ĐƠN GIÁ", "don gia", "Unit price" and
`unit_price` name the same column.
"""
import re
import unicodedata
from dataclasses import dataclass

from declarations.items import ITEM_DECLARED_FIELDS

LANGUAGES = ("vi", "en")


@dataclass(frozen=True)
class Column:
    field: str  # the API's name of the value ("unit_price", "permit_number")
    vi: str
    en: str
    kind: str = "text"  # "text", "code" (trimmed, upper-cased by the API), "number" or "date"
    aliases: tuple[str, ...] = ()  # other headers traders write
    help_vi: str = ""
    help_en: str = ""

    def label(self, language: str) -> str:
        return self.vi if language == "vi" else self.en

    def help(self, language: str) -> str:
        return self.help_vi if language == "vi" else self.help_en


# One column per value a goods line has (declarations/items.py), the permits as one permit per row:
# a row with only permit columns filled adds a permit to the line above it.
COLUMNS = (
    Column("hs_code", "Mã HS", "HS code", "code", ("Mã số HS", "Mã hàng", "HS", "Mã HS (8 số)", "HS code (8 digits)"),
           "8 chữ số theo Biểu thuế AHTN, ví dụ 84713020", "8 digits of the AHTN tariff, e.g. 84713020"),
    Column("description", "Mô tả hàng hóa", "Description of goods", "text", ("Mô tả", "Tên hàng", "Description"),
           "Tên hàng, quy cách (tối đa 500 ký tự)", "Name and specification (at most 500 characters)"),
    Column("origin_country", "Xuất xứ", "Origin", "code", ("Nước xuất xứ", "Country of origin", "Origin country"),
           "Mã nước 2 chữ cái ISO 3166, ví dụ CN, JP, KR", "ISO 3166 two-letter country code, e.g. CN, JP, KR"),
    Column("quantity", "Số lượng", "Quantity", "number", ("Lượng",),
           "Số; dấu phẩy là dấu thập phân: 1.234,5", "A number, e.g. 1,234.5"),
    Column("unit", "Đơn vị tính", "Unit", "code", ("ĐVT", "Đơn vị", "Unit of measure", "UOM"),
           "Mã UN/ECE Rec. 20, ví dụ PCE, KGM, LTR, SET", "UN/ECE Rec. 20 code, e.g. PCE, KGM, LTR, SET"),
    Column("unit_price", "Đơn giá", "Unit price", "number", ("Đơn giá hóa đơn", "Price"),
           "Theo nguyên tệ của hóa đơn; dấu phẩy là dấu thập phân: 12,50",
           "In the invoice currency, e.g. 12.50"),
    Column("line_value", "Trị giá", "Line value", "number", ("Trị giá hóa đơn", "Thành tiền", "Value", "Amount"),
           "Không bắt buộc: số lượng × đơn giá, tính khi để trống",
           "Optional: quantity × unit price, computed when left blank"),
    Column("preference", "Ưu đãi", "Preference", "code", ("Mã biểu thuế", "Ưu đãi đặc biệt", "Tariff preference"),
           "MFN (mặc định) hoặc mã hiệp định: ACFTA, AKFTA, AJCEP, VKFTA, ATIGA, CPTPP, EVFTA…",
           "MFN (default) or an agreement code: ACFTA, AKFTA, AJCEP, VKFTA, ATIGA, CPTPP, EVFTA…"),
    Column("certificate_of_origin", "Số C/O", "C/O number", "text", ("C/O", "Số chứng nhận xuất xứ",
                                                                     "Certificate of origin"),
           "Bắt buộc khi hưởng ưu đãi đặc biệt", "Required with a preference other than MFN"),
    Column("permit_kind", "Loại giấy phép", "Permit kind", "text", ("Loại GP",),
           "licence, quarantine, quality hoặc other; mỗi dòng một giấy phép, dòng chỉ có giấy phép thêm giấy phép "
           "cho dòng hàng phía trên",
           "licence, quarantine, quality or other; one permit per row: a row with only permit columns adds a permit "
           "to the line above"),
    Column("permit_number", "Số giấy phép", "Permit number", "text", ("Số GP",),
           "Số giấy phép, kết quả kiểm tra chuyên ngành", "The number of the permit or inspection result"),
    Column("permit_agency", "Cơ quan cấp", "Issuing agency", "text", ("Cơ quan cấp phép", "Permit agency"),
           "Cơ quan cấp giấy phép", "The agency that issued it"),
    Column("permit_date", "Ngày cấp", "Date of issue", "date", ("Ngày cấp phép", "Permit date"),
           "dd/mm/yyyy", "dd/mm/yyyy"),
)
COLUMNS_BY_FIELD = {column.field: column for column in COLUMNS}
PERMIT_COLUMNS = {"permit_kind": "kind", "permit_number": "number", "permit_agency": "agency", "permit_date": "date"}
LINE_FIELDS = tuple(column.field for column in COLUMNS if column.field not in PERMIT_COLUMNS)
assert set(LINE_FIELDS) | {"permits"} == set(ITEM_DECLARED_FIELDS), "a goods line's fields are the template's columns"
REQUIRED_FIELDS = ("hs_code", "description", "origin_country", "quantity", "unit", "unit_price")


def header_key(text) -> str:
    """A header as compared: without accents, case, or anything but letters and digits ("Đơn giá" -> "don gia")."""
    text = unicodedata.normalize("NFKD", str(text or "").replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(re.findall(r"[a-z0-9]+", text))


def _known_headers() -> dict[str, tuple[str, str | None]]:
    """header key -> (field, language of the header or None for the API's name and aliases)."""
    known: dict[str, tuple[str, str | None]] = {}
    for column in COLUMNS:
        for text, language in ((column.field, None), *((alias, None) for alias in column.aliases),
                               (column.en, "en"), (column.vi, "vi")):
            known[header_key(text)] = (column.field, language)
    return known


KNOWN_HEADERS = _known_headers()
