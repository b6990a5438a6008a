"""Duties and taxes on real tariff lines, against hand calculations (domain.md, "Duties and taxes")."""
from decimal import Decimal

import pytest

from customs_portal.localization import vnd
from declarations.services.taxes import ItemTaxInput, taxes_compute
from reference.models import Country, TariffLine

pytestmark = pytest.mark.django_db

D = Decimal
USD_RATE = D("25000")


def line(code, **overrides):
    tariff_line = TariffLine.objects.get(hs_code=code)
    for name, value in overrides.items():
        setattr(tariff_line, name, value)
    return tariff_line


def country(code):
    return Country.objects.get(code=code)


def laptops(origin="CN", preference="MFN"):
    # 84713020 laptops: MFN 0 %, VAT 10 %.
    return ItemTaxInput(line=line("84713020", vat_rate=D("10")), origin=country(origin), quantity=D("100"), unit="PCE",
                        line_value=D("25000.00"), preference=preference)


def oranges(origin="US", preference="MFN"):
    # 08051010 fresh oranges: MFN 20 %, ACFTA 0, AKFTA "0(-KH, LA, KR)"; VAT 5 % (set per line by admins).
    return ItemTaxInput(line=line("08051010", vat_rate=D("5")), origin=country(origin), quantity=D("1000"), unit="KGM",
                        line_value=D("1500.00"), preference=preference)


def test_real_tariff_rates_are_the_source_rates():
    assert TariffLine.objects.get(hs_code="84713020").mfn_rate == D("0")
    assert TariffLine.objects.get(hs_code="08051010").mfn_rate == D("20")
    assert TariffLine.objects.get(hs_code="22030091").mfn_rate == D("35")


def test_fob_import_adds_freight_and_insurance_by_value_share():
    result = taxes_compute(direction="import", type_code="A11", incoterm="FOB", freight=D("1200"), insurance=D("80"),
                           exchange_rate=USD_RATE, items=[laptops(), oranges()])
    first, second = result.items
    # Laptops: 25000 + 1280 × 25000/26500 = 26207.5471698… USD × 25000 = 655,188,679.2 VND.
    assert first.customs_value == D("26207.5472")
    assert first.taxable_value == D("655188679")
    assert first.import_duty == D("0")
    assert first.vat == D("65518868")  # 10 % of 655,188,679 = 65,518,867.9
    # Oranges: 1500 + 1280 × 1500/26500 = 1572.4528302 USD → 39,311,320.75 VND.
    assert second.taxable_value == D("39311321")
    assert second.import_duty == D("7862264")  # 20 % of 39,311,321 = 7,862,264.2
    assert second.vat == D("2358679")  # 5 % of 47,173,585 = 2,358,679.25
    assert second.rates["import_duty"] == {"rate": "20.000", "basis": "MFN"}
    totals = result.as_json()
    assert totals["import_duty"] == D("7862264")
    assert totals["vat"] == D("65518868") + D("2358679")
    assert totals["total"] == D("7862264") + D("65518868") + D("2358679")


def test_cif_import_does_not_add_freight_again():
    result = taxes_compute(direction="import", type_code="A11", incoterm="CIF", freight=D("1200"), insurance=D("80"),
                           exchange_rate=USD_RATE, items=[laptops(), oranges()])
    assert [item.taxable_value for item in result.items] == [D("625000000"), D("37500000")]
    assert result.items[1].import_duty == D("7500000")


def test_cfr_import_adds_only_insurance():
    result = taxes_compute(direction="import", type_code="A11", incoterm="CFR", freight=D("1200"), insurance=D("80"),
                           exchange_rate=USD_RATE, items=[oranges()])
    assert result.items[0].taxable_value == D("39500000")  # (1500 + 80) × 25000


def test_accepted_preference_uses_the_agreement_rate():
    result = taxes_compute(direction="import", type_code="A11", incoterm="CIF", freight=D("0"), insurance=D("0"),
                           exchange_rate=USD_RATE, items=[oranges(origin="CN", preference="ACFTA")])
    item = result.items[0]
    assert item.import_duty == D("0")
    assert item.rates["import_duty"]["basis"] == "ACFTA"
    assert item.rates["import_duty"]["preference_applied"] is True
    assert item.vat == D("1875000")  # 5 % of 37,500,000


def test_preference_refused_for_an_excluded_origin():
    # AKFTA on 08051010 is "0(-KH, LA, KR)": Korea itself is excluded.
    result = taxes_compute(direction="import", type_code="A11", incoterm="CIF", freight=D("0"), insurance=D("0"),
                           exchange_rate=USD_RATE, items=[oranges(origin="KR", preference="AKFTA")])
    item = result.items[0]
    assert item.import_duty == D("7500000")  # MFN 20 %
    duty = item.rates["import_duty"]
    assert duty["basis"] == "MFN"
    assert duty["preference_applied"] is False
    assert "KR is excluded from the AKFTA rate" in duty["preference_refused_reason"]


def test_special_consumption_tax_on_duty_paid_value_then_vat_on_everything():
    beer = ItemTaxInput(line=line("22030091", special_consumption_tax_rate=D("65"), vat_rate=D("10")),
                        origin=country("DE"), quantity=D("1000"), unit="LTR", line_value=D("2000"))
    item = taxes_compute(direction="import", type_code="A11", incoterm="CIF", freight=D("0"), insurance=D("0"),
                         exchange_rate=USD_RATE, items=[beer]).items[0]
    assert item.taxable_value == D("50000000")
    assert item.import_duty == D("17500000")  # 35 %
    assert item.special_consumption_tax == D("43875000")  # 65 % of 67,500,000
    assert item.vat == D("11137500")  # 10 % of 111,375,000


def test_environmental_tax_per_unit():
    petrol = ItemTaxInput(line=line("27101224", environmental_tax_per_unit=D("2000"), environmental_tax_unit="LTR",
                                    special_consumption_tax_rate=D("10"), vat_rate=D("10")),
                          origin=country("SG"), quantity=D("10000"), unit="LTR", line_value=D("8000"))
    item = taxes_compute(direction="import", type_code="A11", incoterm="CIF", freight=D("0"), insurance=D("0"),
                         exchange_rate=USD_RATE, items=[petrol]).items[0]
    assert item.taxable_value == D("200000000")
    assert item.import_duty == D("20000000")  # MFN 10 %
    assert item.special_consumption_tax == D("22000000")
    assert item.environmental_tax == D("20000000")
    assert item.vat == D("26200000")  # 10 % of 262,000,000


def test_each_tax_rounds_half_up_to_whole_dong():
    # 01012900 horses: MFN 5 %. Taxable 90 VND → duty 4.5 → 5 (banker's rounding would give 4); VAT 9.5 → 10.
    horse = ItemTaxInput(line=line("01012900", vat_rate=D("10")), origin=country("FR"), quantity=D("1"), unit="PCE",
                         line_value=D("90"))
    item = taxes_compute(direction="import", type_code="A11", incoterm="CIF", freight=D("0"), insurance=D("0"),
                         exchange_rate=D("1"), items=[horse]).items[0]
    assert (item.taxable_value, item.import_duty, item.vat) == (D("90"), D("5"), D("10"))
    assert vnd(D("2.5")) == D("3")
    assert vnd(D("-2.5")) == D("-3")


def test_export_pays_export_duty_only_where_the_line_has_one_and_is_valued_fob():
    ore = ItemTaxInput(line=line("08051010", export_duty_rate=D("10")), origin=country("VN"), quantity=D("1000"),
                       unit="KGM", line_value=D("1500"))
    plain = ItemTaxInput(line=line("84713020"), origin=country("VN"), quantity=D("10"), unit="PCE",
                         line_value=D("2500"))
    result = taxes_compute(direction="export", type_code="B11", incoterm="CIF", freight=D("400"), insurance=D("40"),
                           exchange_rate=USD_RATE, items=[ore, plain])
    first, second = result.items
    # CIF export: deduct 440 × 1500/4000 = 165 → FOB 1335 USD → 33,375,000 VND.
    assert first.taxable_value == D("33375000")
    assert first.export_duty == D("3337500")
    assert (first.import_duty, first.vat) == (D("0"), D("0"))
    assert second.export_duty == D("0")
    assert result.as_json()["total"] == D("3337500")


# Customs regimes (type codes) and their tax treatment (declarations/type_codes.py, docs/decisions.md).

def fabric():
    # 52081100 woven cotton fabric, plain weave ≤ 100 g/m²: MFN 12 %, VAT 10 % (tariff-2026.csv). 20,000 USD CIF.
    return ItemTaxInput(line=line("52081100"), origin=country("CN"), quantity=D("40000"), unit="MTR",
                        line_value=D("20000"))


def petrol():
    # 27101224 unblended motor spirit: MFN 10 %, SCT 10 %, environmental tax 2,000 VND/litre, VAT 10 %. 8,000 USD CIF.
    return ItemTaxInput(line=line("27101224"), origin=country("SG"), quantity=D("10000"), unit="LTR",
                        line_value=D("8000"))


def import_under(type_code, *items):
    return taxes_compute(direction="import", type_code=type_code, incoterm="CIF", freight=D("0"), insurance=D("0"),
                         exchange_rate=USD_RATE, items=list(items)).items[0]


def amounts(item):
    return (item.import_duty, item.special_consumption_tax, item.environmental_tax, item.vat)


def codes(item):
    return {name: entry["code"] for name, entry in item.exemptions.items()}


def test_the_regime_lines_have_their_real_rates():
    cloth, spirit = TariffLine.objects.get(hs_code="52081100"), TariffLine.objects.get(hs_code="27101224")
    assert (cloth.mfn_rate, cloth.vat_rate, cloth.special_consumption_tax_rate, cloth.environmental_tax_per_unit) == (
        D("12"), D("10"), None, None)
    assert (spirit.mfn_rate, spirit.vat_rate, spirit.special_consumption_tax_rate, spirit.environmental_tax_per_unit,
            spirit.environmental_tax_unit) == (D("10"), D("10"), D("10"), D("2000"), "LTR")


def test_fabric_under_a11_pays_import_duty_and_vat():
    item = import_under("A11", fabric())
    # 20,000 USD × 25,000 = 500,000,000; duty 12 % = 60,000,000; VAT 10 % of 560,000,000 = 56,000,000.
    assert item.taxable_value == D("500000000")
    assert amounts(item) == (D("60000000"), D("0"), D("0"), D("56000000"))
    assert item.exemptions == {}


def test_fabric_under_e31_is_exempt_from_import_duty_and_not_subject_to_vat():
    item = import_under("E31", fabric())
    assert item.taxable_value == D("500000000")
    assert amounts(item) == (D("0"), D("0"), D("0"), D("0"))
    assert item.total == D("0")
    duty, vat = item.exemptions["import_duty"], item.exemptions["vat"]
    assert set(item.exemptions) == {"import_duty", "vat"}
    assert (duty["code"], duty["kind"], duty["amount"]) == ("XNK07", "exempt", "60000000")
    assert (vat["code"], vat["kind"], vat["amount"]) == ("VK520", "not_subject", "56000000")
    assert duty["basis_vi"].startswith("Khoản 7 Điều 16 ") and "107/2016/QH13" in duty["basis_vi"]
    assert "Article 16.7" in duty["basis_en"]
    assert "48/2024/QH15" in vat["basis_vi"] and "Article 5.20" in vat["basis_en"]
    # The duty's rate stays recorded as the tariff gives it.
    assert item.rates["import_duty"] == {"rate": "12.000", "basis": "MFN"}


def test_petrol_under_a11_pays_every_tax():
    item = import_under("A11", petrol())
    # 8,000 × 25,000 = 200,000,000; duty 10 % = 20,000,000; SCT 10 % of 220,000,000 = 22,000,000;
    # environmental 10,000 L × 2,000 = 20,000,000; VAT 10 % of 262,000,000 = 26,200,000.
    assert amounts(item) == (D("20000000"), D("22000000"), D("20000000"), D("26200000"))


def test_petrol_under_e21_bears_no_tax_and_names_each_relief():
    item = import_under("E21", petrol())
    assert amounts(item) == (D("0"), D("0"), D("0"), D("0"))
    assert codes(item) == {"import_duty": "XNK06", "special_consumption_tax": "TTK03", "environmental_tax": "MTK41",
                           "vat": "VK520"}
    assert {name: entry["amount"] for name, entry in item.exemptions.items()} == {
        "import_duty": "20000000", "special_consumption_tax": "22000000", "environmental_tax": "20000000",
        "vat": "26200000"}
    assert "Article 16.6" in item.exemptions["import_duty"]["basis_en"]
    assert "66/2025/QH15" in item.exemptions["special_consumption_tax"]["basis_vi"]
    assert "57/2010/QH12" in item.exemptions["environmental_tax"]["basis_vi"]


def test_petrol_under_e31_still_pays_sct_and_environmental_tax_on_a_duty_free_base():
    item = import_under("E31", petrol())
    # SCT on 200,000,000 + 0 duty = 20,000,000; environmental 20,000,000; duty and VAT relieved
    # (what they would have been: the A11 amounts).
    assert amounts(item) == (D("0"), D("20000000"), D("20000000"), D("0"))
    assert codes(item) == {"import_duty": "XNK07", "vat": "VK520"}
    assert (item.exemptions["import_duty"]["amount"], item.exemptions["vat"]["amount"]) == ("20000000", "26200000")


def test_duty_free_temporary_import_g13_bears_no_tax():
    item = import_under("G13", petrol())
    assert amounts(item) == (D("0"), D("0"), D("0"), D("0"))
    assert codes(item) == {"import_duty": "XNK09", "special_consumption_tax": "TTK03", "environmental_tax": "MTK41",
                           "vat": "VK520"}
    assert "Article 16.9" in item.exemptions["import_duty"]["basis_en"]


@pytest.mark.parametrize("type_code", ["G11", "G12", "G14"])
def test_other_temporary_imports_pay_duty_and_sct_but_not_vat_or_environmental_tax(type_code):
    item = import_under(type_code, petrol())
    # Article 16.9 of Law 107/2016 does not exempt these (project machinery is excluded from 16.9(a);
    # trade re-export needs a guarantee the portal does not hold): duty 20,000,000 and SCT 22,000,000 are due.
    assert amounts(item) == (D("20000000"), D("22000000"), D("0"), D("0"))
    assert codes(item) == {"environmental_tax": "MTK41", "vat": "VK520"}
    # VAT would have been 10 % of 262,000,000.
    assert item.exemptions["vat"]["amount"] == "26200000"


def test_fabric_into_an_export_processing_enterprise_e11_is_not_subject_to_duty_or_vat():
    item = import_under("E11", fabric())
    assert amounts(item) == (D("0"), D("0"), D("0"), D("0"))
    assert {name: (entry["code"], entry["kind"]) for name, entry in item.exemptions.items()} == {
        "import_duty": ("XNK02", "not_subject"), "vat": ("VK520", "not_subject")}


@pytest.mark.parametrize("type_code", ["A12", "A21", "A31", "A41", "A42", "E15", "E41", "G51", "H11"])
def test_regimes_without_relief_pay_as_a11(type_code):
    item = import_under(type_code, petrol())
    assert amounts(item) == (D("20000000"), D("22000000"), D("20000000"), D("26200000"))
    assert item.exemptions == {}


FIVE_PERCENT = D("5")


def fabric_export(export_duty_rate=FIVE_PERCENT):
    # The 2026 tariff loaded has no export duty column: a 5 % export rate is set on the line for the test.
    return ItemTaxInput(line=line("52081100", export_duty_rate=export_duty_rate), origin=country("VN"),
                        quantity=D("8000"), unit="MTR", line_value=D("4000"))


def export_under(type_code, item):
    return taxes_compute(direction="export", type_code=type_code, incoterm="FOB", freight=D("0"), insurance=D("0"),
                         exchange_rate=USD_RATE, items=[item]).items[0]


@pytest.mark.parametrize("type_code", ["B11", "B12", "B13", "E54", "E62", "G21", "G22", "G24", "G61", "H21"])
def test_exports_without_relief_pay_export_duty(type_code):
    item = export_under(type_code, fabric_export())
    # 4,000 USD FOB × 25,000 = 100,000,000; export duty 5 % = 5,000,000.
    assert (item.taxable_value, item.export_duty) == (D("100000000"), D("5000000"))
    assert item.exemptions == {}


@pytest.mark.parametrize(("type_code", "code", "kind", "article"), [
    ("E52", "XXK06", "exempt", "Article 16.6"),
    ("G23", "XXK09", "exempt", "Article 16.9"),
    ("E42", "XXK02", "not_subject", "Article 2.4(c)"),
])
def test_relieved_exports_pay_no_export_duty_and_name_the_basis(type_code, code, kind, article):
    item = export_under(type_code, fabric_export())
    assert (item.taxable_value, item.export_duty, item.total) == (D("100000000"), D("0"), D("0"))
    entry = item.exemptions["export_duty"]
    assert (entry["code"], entry["kind"], entry["amount"]) == (code, kind, "5000000")
    assert article in entry["basis_en"]
    assert item.rates["export_duty"] == {"rate": "5"}


def test_a_relieved_export_of_goods_without_export_duty_records_nothing():
    item = export_under("E52", fabric_export(export_duty_rate=None))
    assert (item.export_duty, item.exemptions, item.rates) == (D("0"), {}, {})
