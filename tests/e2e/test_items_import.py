"""A trader imports 20 goods lines from a spreadsheet (Vietnamese headers and numbers) into a new
declaration's form, sees them, saves the draft and submits it; a file with bad rows is refused
with the rows and columns named, in Vietnamese and in English. Screenshots in /tmp."""
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.declarations.items_files.support import VI_HEADER, xlsx_bytes
from tests.e2e.support import log_in

pytestmark = pytest.mark.e2e

SCREENSHOTS = "/tmp/e2e-items-import-{language}-{state}.png"


def twenty_lines() -> list[list]:
    """20 lines: keyboards and T-shirts, quantities 1.201,5 … 1.220,5 at 2,00 (exact cents): the sum is 48.440,00."""
    return [VI_HEADER] + [
        ["84716030" if n % 2 else "61091010", f"Bàn phím máy tính mẫu {n}" if n % 2 else f"Áo thun cotton nam mẫu {n}",
         "CN", f"1.2{n:02d},5", "PCE", "2,00", "MFN", None]
        for n in range(1, 21)]


def bad_lines() -> list[list]:
    return [VI_HEADER, ["84716030", "Bàn phím", "CN", "10", "PCE", "2,00", "MFN", None],
            ["84716030", "Bàn phím", "CN", "10", "PCE", "hai đô", "MFN", None],
            ["6109", "Áo thun", "CN", "10", "PCE", "3", "ACFTA", None]]


def fill_header(page, *, vietnamese: bool):
    today = timezone.localdate()
    page.select_option("#id_type_code", "A11")
    page.select_option("#id_customs_office", "03CE")
    page.fill("#id_partner-name", "Shenzhen Example Electronics Co., Ltd.")
    page.fill("#id_partner-country", "CN")
    page.select_option("#id_transport_mode", "sea")
    page.fill("#id_bill_of_lading", "COSU6312345671")
    page.fill("#id_port_of_loading", "CNSHA")
    page.fill("#id_port_of_discharge", "VNHPH")
    page.fill("#id_arrival_date", (today - timedelta(days=1)).strftime("%d/%m/%Y"))
    page.fill("#id_packages", "40")
    page.fill("#id_gross_weight_kg", "3850,5" if vietnamese else "3850.5")
    page.fill("#id_invoice-number", "INV-2026-2020")
    page.fill("#id_invoice-date", (today - timedelta(days=10)).strftime("%d/%m/%Y"))
    page.select_option("#id_invoice-currency", "USD")
    page.select_option("#id_invoice-incoterm", "FOB")
    page.fill("#id_freight", "1200")
    page.fill("#id_insurance", "80")


def import_file(page, path):
    page.set_input_files("#id_items_file", str(path))
    page.click("#import-items")
    page.wait_for_load_state("domcontentloaded")


def test_import_twenty_lines_in_vietnamese_then_submit(page, tmp_path):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    good, bad = tmp_path / "dong-hang.xlsx", tmp_path / "dong-hang-loi.xlsx"
    good.write_bytes(xlsx_bytes(twenty_lines()))
    bad.write_bytes(xlsx_bytes(bad_lines()))
    log_in(page)
    page.click("#lang-vi")
    page.click("#nav-new-declaration")
    expect(page.locator("#items-template-vi")).to_have_attribute("href", "/api/v1/declarations/items-template.xlsx?lang=vi")
    fill_header(page, vietnamese=True)

    import_file(page, bad)
    errors = page.locator("#items-import-errors")
    expect(errors).to_contain_text("Chưa nhập dòng hàng nào:")
    expect(errors.locator("li")).to_have_text([
        "dòng 3, cột Đơn giá: Hãy nhập một số, ví dụ 1.234,56.",
        "dòng 4, cột Mã HS: Mã HS gồm 8 chữ số (AHTN); 6109 có 4 chữ số.",
        "dòng 4, cột Số C/O: Ưu đãi ACFTA cần số giấy chứng nhận xuất xứ (C/O mẫu E).",
    ])
    expect(page.locator("[data-item-row]")).to_have_count(1)  # the form's blank line, unchanged
    expect(page.locator("#id_partner-name")).to_have_value("Shenzhen Example Electronics Co., Ltd.")
    page.screenshot(path=SCREENSHOTS.format(language="vi", state="errors"), full_page=True)

    import_file(page, good)
    expect(page.locator(".alert-success")).to_contain_text("Đã nhập 20 dòng hàng từ dong-hang.xlsx.")
    expect(page.locator("#items-import-errors")).to_have_count(0)
    expect(page.locator("[data-item-row]")).to_have_count(20)
    expect(page.locator("[data-item-count]")).to_have_text("20 / 50")
    expect(page.locator("#id_items-0-quantity")).to_have_value("1.201,5")
    expect(page.locator("#id_items-19-description")).to_have_value("Áo thun cotton nam mẫu 20")
    page.click("[data-use-sum]")  # the sum of the lines becomes the invoice total
    expect(page.locator("#id_invoice-total")).to_have_value("48.440,00")
    page.screenshot(path=SCREENSHOTS.format(language="vi", state="imported"), full_page=True)
    expect(page.locator("#preview-table tbody tr")).to_have_count(20, timeout=20_000)

    page.click("#save-draft")
    page.wait_for_url(re.compile(r".*/declarations/\d+/$"))
    expect(page.locator("#items-table tbody tr")).to_have_count(20)
    page.click("#submit-declaration")
    expect(page.locator("#declaration-number")).to_have_text(re.compile(r"^10\d{10}$"))
    assert dialogs
    expect(page.locator("#download-items")).to_have_text("Dòng hàng (Excel)")
    number = page.locator("#declaration-number").inner_text()
    page.screenshot(path=SCREENSHOTS.format(language="vi", state="submitted"), full_page=False)

    # Copy it: a new draft with the same 20 lines, without the number.
    page.click("#copy-declaration")
    page.wait_for_url(re.compile(r".*/declarations/\d+/edit/$"))
    expect(page.locator(".alert-success")).to_contain_text("Đã sao chép thành bản nháp #")
    expect(page.locator("[data-item-row]")).to_have_count(20)
    expect(page.locator("#id_items-19-description")).to_have_value("Áo thun cotton nam mẫu 20")
    expect(page.locator("body")).not_to_contain_text(number)


def test_the_import_in_english(page, tmp_path):
    good, bad = tmp_path / "lines.xlsx", tmp_path / "bad-lines.xlsx"
    good.write_bytes(xlsx_bytes(twenty_lines()))
    bad.write_bytes(xlsx_bytes(bad_lines()))
    log_in(page)
    page.click("#nav-new-declaration")
    fill_header(page, vietnamese=False)

    import_file(page, bad)
    expect(page.locator("#items-import-errors li")).to_have_text([
        # The file's headers are Vietnamese: its numbers are read, and exemplified, the Vietnamese way.
        "row 3, column Unit price: Type a number, for example 1.234,56.",
        "row 4, column HS code: An HS code has 8 digits (AHTN); 6109 has 4.",
        "row 4, column C/O number: A ACFTA preference needs the number of its certificate of origin (form E).",
    ])
    page.screenshot(path=SCREENSHOTS.format(language="en", state="errors"), full_page=True)

    import_file(page, good)
    expect(page.locator(".alert-success")).to_contain_text("20 goods lines imported from lines.xlsx.")
    expect(page.locator("[data-item-row]")).to_have_count(20)
    expect(page.locator("#id_items-0-quantity")).to_have_value("1,201.5")
    page.screenshot(path=SCREENSHOTS.format(language="en", state="imported"), full_page=True)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_import_120_lines_makes_three_linked_branches_submitted_together(page, tmp_path, language):
    """The issue's "done when": 120 lines from a spreadsheet become three linked drafts (50/50/20) seen
    together, submitted once, and three registered declarations under one first number."""
    page.on("dialog", lambda dialog: dialog.accept())
    lines = tmp_path / "dong-hang-120.xlsx"
    lines.write_bytes(xlsx_bytes([VI_HEADER] + [
        ["84716030" if n % 2 else "61091010", f"Dòng hàng mẫu {n}", "CN", "10", "PCE", "100", "MFN", None]
        for n in range(1, 121)]))
    log_in(page)
    page.click(f"#lang-{language}")
    page.click("#nav-new-declaration")
    fill_header(page, vietnamese=language == "vi")

    import_file(page, lines)
    group = page.locator("#branch-group")
    expect(group).to_contain_text("Tờ khai nhánh 1/3" if language == "vi" else "Branch declaration 1/3")
    expect(group.locator("tbody tr")).to_have_count(3)
    expect(page.locator(".alert-success")).to_contain_text(
        "Đã nhập 120 dòng hàng từ dong-hang-120.xlsx vào 3 tờ khai nhánh" if language == "vi"
        else "120 goods lines imported from dong-hang-120.xlsx into 3 linked branch declarations")
    page.screenshot(path=f"/work/briefs/shots/branches-{language}-drafts.png", full_page=True)

    page.click("#submit-declaration")
    page.wait_for_load_state("domcontentloaded")
    numbers = group.locator("tbody tr td.font-monospace")
    expect(numbers).to_have_count(3)
    expect(numbers.nth(0)).to_have_text(re.compile(r"^10\d{10}$"))
    expect(numbers.nth(2)).to_have_text(re.compile(r"^10\d{10}$"))
    first = numbers.nth(0).inner_text()
    expect(page.locator("#branch-first-number")).to_have_text(first)
    group.locator("tbody tr").nth(1).locator("a").click()
    page.wait_for_load_state("domcontentloaded")
    expect(page.locator("#branch-group")).to_contain_text("Tờ khai nhánh 2/3" if language == "vi" else "Branch declaration 2/3")
    expect(page.locator("#branch-first-number")).to_have_text(first)
    page.screenshot(path=f"/work/briefs/shots/branches-{language}-registered.png", full_page=True)
