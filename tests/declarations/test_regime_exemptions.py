"""A regime's reliefs where people and programs see them: the detail page (trader), the review page
(officer), the PDF and the API carry each relieved tax's exemption code and legal basis."""
from decimal import Decimal

import pytest
from django.urls import reverse

from declarations.models import GoodsItem
from declarations.services.pdf import declaration_pdf_render
from tests.factories import draft_of, queued, registered
from tests.payloads import e31_fabric_body
from tests.support import client_for, html_of, pdf_text, review_url, squashed

pytestmark = pytest.mark.django_db

BASIS_DUTY_VI = "Khoản 7 Điều 16 Luật Thuế xuất khẩu, thuế nhập khẩu số 107/2016/QH13"
BASIS_DUTY_EN = "Law on Export and Import Duties No. 107/2016/QH13, Article 16.7"
BASIS_VAT_VI = "Khoản 20 Điều 5 Luật Thuế giá trị gia tăng số 48/2024/QH15"
BASIS_VAT_EN = "Law on Value Added Tax No. 48/2024/QH15, Article 5.20"


def relieved(item: GoodsItem) -> tuple[Decimal, Decimal]:
    """What the duty (12 % of the taxable value) and the VAT (10 % of the value with duty) would have been."""
    duty = (item.taxable_value * Decimal("0.12")).quantize(Decimal("1"))
    return duty, ((item.taxable_value + duty) * Decimal("0.10")).quantize(Decimal("1"))


def test_the_stored_item_carries_its_reliefs(trader1):
    declaration = draft_of(trader1, e31_fabric_body())
    item = declaration.items.get()
    duty, vat = relieved(item)
    assert (item.import_duty, item.vat, declaration.tax_total) == (Decimal("0"), Decimal("0"), Decimal("0"))
    assert {name: (entry["code"], entry["amount"]) for name, entry in item.exemptions.items()} == {
        "import_duty": ("XNK07", str(duty)), "vat": ("VK520", str(vat))}


def test_detail_page_in_vietnamese_shows_the_codes_and_the_legal_basis(trader1):
    declaration = draft_of(trader1, e31_fabric_body())
    html = html_of(client_for(trader1, language="vi").get(reverse("declarations:detail", args=[declaration.pk])))
    assert "Chính sách thuế của loại hình E31 (Nhập nguyên liệu sản xuất xuất khẩu)" in html
    assert 'data-exemption-line="1" data-exemption-tax="import_duty"' in html
    assert 'data-exemption-line="1" data-exemption-tax="vat"' in html
    assert BASIS_DUTY_VI in html and BASIS_VAT_VI in html
    assert BASIS_DUTY_EN not in html
    assert '<span class="badge text-bg-success-subtle text-success-emphasis border border-success-subtle font-monospace">XNK07</span> miễn ' in html
    assert "VK520</span> không chịu thuế (" in html


def test_detail_page_in_english_shows_the_english_basis(trader1):
    declaration = draft_of(trader1, e31_fabric_body())
    html = html_of(client_for(trader1, language="en").get(reverse("declarations:detail", args=[declaration.pk])))
    assert "Tax treatment of regime E31 (Import of materials for export production)" in html
    assert BASIS_DUTY_EN in html and BASIS_VAT_EN in html
    assert BASIS_DUTY_VI not in html


def test_a_regime_without_relief_shows_no_exemption_section(trader1):
    declaration = draft_of(trader1, e31_fabric_body(type_code="A11"))
    html = html_of(client_for(trader1, language="vi").get(reverse("declarations:detail", args=[declaration.pk])))
    assert "regime-exemptions" not in html and "data-exemption" not in html
    assert declaration.items.get().import_duty > 0


def test_the_officer_sees_the_reliefs_on_the_review_page(rules, trader2, officer):
    declaration = queued(trader2, type_code="E31")
    assert (declaration.status, declaration.channel) == ("under_review", "yellow")
    html = html_of(client_for(officer, language="vi").get(review_url(declaration)))
    assert "Chính sách thuế của loại hình E31" in html
    assert 'id="review-tax-table-exemptions"' in html
    assert html.count('data-exemption-tax="import_duty"') == 2 and html.count('data-exemption-tax="vat"') == 2
    assert BASIS_DUTY_VI in html


def test_the_pdf_shows_the_codes_and_the_basis_in_both_languages(trader1):
    declaration = registered(trader1, e31_fabric_body())
    _, text = pdf_text(declaration_pdf_render(declaration=declaration))
    text = squashed(text)
    # The section title is printed in capitals (CSS); a long basis may wrap after a slash.
    assert "MIỄN THUẾ, KHÔNG CHỊU THUẾ THEO LOẠI HÌNH E31 Tax relief of regime E31" in text
    assert "Miễn thuế Exempt XNK07" in text and "Không chịu thuế Not subject VK520" in text
    unspaced = text.replace(" ", "")
    for basis in (BASIS_DUTY_VI, BASIS_DUTY_EN, BASIS_VAT_VI, BASIS_VAT_EN):
        assert basis.replace(" ", "") in unspaced


def test_the_api_returns_the_exemptions_of_each_item(trader1, api_client_for):
    client = api_client_for(trader1)
    created = client.post("/api/v1/declarations/", e31_fabric_body(), format="json")
    assert created.status_code == 201, created.json()
    item = created.json()["items"][0]
    stored = GoodsItem.objects.get(declaration_id=created.json()["id"])
    duty, vat = relieved(stored)
    assert (item["import_duty"], item["vat"]) == ("0", "0")
    assert item["exemptions"]["import_duty"] == {
        "code": "XNK07", "kind": "exempt", "basis_vi": stored.exemptions["import_duty"]["basis_vi"],
        "basis_en": stored.exemptions["import_duty"]["basis_en"], "amount": str(duty)}
    assert item["exemptions"]["import_duty"]["basis_vi"].startswith(BASIS_DUTY_VI)
    assert item["exemptions"]["vat"]["code"] == "VK520" and item["exemptions"]["vat"]["amount"] == str(vat)
    fetched = client.get(f"/api/v1/declarations/{created.json()['id']}/").json()
    assert fetched["items"][0]["exemptions"] == item["exemptions"]
    plain = client.post("/api/v1/declarations/", e31_fabric_body(type_code="A11"), format="json").json()
    assert plain["items"][0]["exemptions"] == {}

