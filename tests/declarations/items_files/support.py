"""Spreadsheets of goods lines built as traders' files are: openpyxl workbooks, CSV text, hostile zips."""
import io
import unicodedata
import zipfile

from msoffcrypto.format.ooxml import OOXMLFile
from openpyxl import Workbook

from declarations.api.item_rows import sheet_items_parse
from declarations.items_files.reading import items_file_read
from declarations.services.items_import import declaration_items_import
from tests.factories import draft_of
from tests.payloads import import_body

VI_HEADER = ["Mã HS", "Mô tả hàng hóa", "Xuất xứ", "Số lượng", "Đơn vị tính", "Đơn giá", "Ưu đãi", "Số C/O"]
EN_HEADER = ["HS code", "Description of goods", "Origin", "Quantity", "Unit", "Unit price", "Preference", "C/O number"]
API_HEADER = ["hs_code", "description", "origin_country", "quantity", "unit", "unit_price", "preference",
              "certificate_of_origin"]
KEYBOARDS = ["84716030", "Bàn phím máy tính", "CN", "200", "PCE", "12,5", "MFN", None]
T_SHIRTS = ["61091010", "Áo thun cotton nam", "CN", "1.000", "PCE", "3", "MFN", None]


def xlsx_bytes(rows: list[list], *, title_rows: list[list] = (), merge: str | None = None) -> bytes:
    """A workbook whose first sheet holds `title_rows` then `rows` (cells as given: str, int, float, None,
    or a formula "=..."), with the range `merge` merged."""
    workbook = Workbook()
    sheet = workbook.active
    for row in [*title_rows, *rows]:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def lines_vi(count: int) -> list[list]:
    """`count` keyboard lines, Vietnamese numbers as text ("1.234,5"), after the Vietnamese header."""
    return [VI_HEADER] + [["84716030", f"Bàn phím máy tính mẫu {n}", "CN", "1.234,5", "PCE", "2,25", "MFN", None]
                          for n in range(1, count + 1)]


def csv_bytes(rows: list[list], *, delimiter: str = ",", bom: bool = True, encoding: str = "utf-8") -> bytes:
    text = "\r\n".join(delimiter.join("" if cell is None else str(cell) for cell in row) for row in rows) + "\r\n"
    encoded = cp1258_bytes(text) if encoding == "cp1258" else text.encode(encoding)
    return (b"\xef\xbb\xbf" if bom else b"") + encoded


TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def cp1258_bytes(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows writes it: a letter (â, ơ...) then its tone mark as a combining character."""
    out = b""
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONE_MARKS))
            out += base.encode("cp1258") + "".join(c for c in parts if c in TONE_MARKS).encode("cp1258")
    return out


def zip_bomb_bytes() -> bytes:
    """A small .xlsx-looking zip whose directory says an entry unpacks to 2 GB (it never does: the
    directory is what is checked, before anything is unpacked)."""
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * 1000)
    data = bytearray(output.getvalue())
    # Rewrite the uncompressed size of the sheet's entry in the central directory (offset 24 of its header).
    marker = data.find(b"PK\x01\x02", data.find(b"xl/worksheets/sheet1.xml") + 1)
    while marker != -1:
        name_length = int.from_bytes(data[marker + 28:marker + 30], "little")
        name = bytes(data[marker + 46:marker + 46 + name_length])
        if name == b"xl/worksheets/sheet1.xml":
            data[marker + 24:marker + 28] = (2 * 1024 ** 3).to_bytes(4, "little")
        marker = data.find(b"PK\x01\x02", marker + 1)
    return bytes(data)


def macro_workbook_bytes() -> bytes:
    """A workbook carrying a VBA project, as an .xlsm saved under the name .xlsx carries one."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes([EN_HEADER, KEYBOARDS])))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in source.infolist():
            archive.writestr(entry, source.read(entry.filename))
        archive.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 not really VBA")
    return output.getvalue()


# The first bytes of an Office file encrypted with a password: an OLE compound document (MS-OFFCRYPTO).
ENCRYPTED_WORKBOOK = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + b"EncryptionInfo" + b"\x00" * 200


def encrypted_xlsx_bytes(rows: list[list], password: str = "mat-khau") -> bytes:
    """A real password-protected workbook, as Excel saves one: `rows` encrypted with the OOXML (agile)
    encryption by msoffcrypto-tool, an OLE file holding EncryptionInfo and EncryptedPackage."""
    encrypted = io.BytesIO()
    OOXMLFile(io.BytesIO(xlsx_bytes(rows))).encrypt(password, encrypted)
    return encrypted.getvalue()


def lines_two_goods(count: int) -> list[list]:
    """`count` lines of 1 000 USD each (10 pieces at 100) after the Vietnamese header: odd lines keyboards
    (MFN 0 %, VAT 10 %), even lines cotton T-shirts (MFN 20 %, VAT 10 %)."""
    return [VI_HEADER] + [["84716030" if n % 2 else "61091010", f"Dòng hàng {n}", "CN", "10", "PCE", "100", "MFN", None]
                          for n in range(1, count + 1)]


def imported_group(user, count: int):
    """A draft of `user` (FOB, freight 1 200 and insurance 120 USD) with `count` lines of `lines_two_goods`
    imported, as the API's import does: branch 1 of its group when there are more than 50."""
    draft = draft_of(user, import_body(insurance="120.00"))
    sheet = items_file_read(name="lines.xlsx", content=xlsx_bytes(lines_two_goods(count)), language="vi")
    items, errors = sheet_items_parse(sheet)
    return declaration_items_import(declaration=draft, user=user, items=items, lines=sheet.lines, errors=errors)
