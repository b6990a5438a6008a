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
    result = taxes_compute(direction="import", incoterm="FOB", freight=D("1200"), insurance=D("80"),
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
    result = taxes_compute(direction="import", incoterm="CIF", freight=D("1200"), insurance=D("80"),
                           exchange_rate=USD_RATE, items=[laptops(), oranges()])
    assert [item.taxable_value for item in result.items] == [D("625000000"), D("37500000")]
    assert result.items[1].import_duty == D("7500000")


def test_cfr_import_adds_only_insurance():
    result = taxes_compute(direction="import", incoterm="CFR", freight=D("1200"), insurance=D("80"),
                           exchange_rate=USD_RATE, items=[oranges()])
    assert result.items[0].taxable_value == D("39500000")  # (1500 + 80) × 25000


def test_accepted_preference_uses_the_agreement_rate():
    result = taxes_compute(direction="import", incoterm="CIF", freight=D("0"), insurance=D("0"),
                           exchange_rate=USD_RATE, items=[oranges(origin="CN", preference="ACFTA")])
    item = result.items[0]
    assert item.import_duty == D("0")
    assert item.rates["import_duty"]["basis"] == "ACFTA"
    assert item.rates["import_duty"]["preference_applied"] is True
    assert item.vat == D("1875000")  # 5 % of 37,500,000


def test_preference_refused_for_an_excluded_origin():
    # AKFTA on 08051010 is "0(-KH, LA, KR)": Korea itself is excluded.
    result = taxes_compute(direction="import", incoterm="CIF", freight=D("0"), insurance=D("0"),
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
    item = taxes_compute(direction="import", incoterm="CIF", freight=D("0"), insurance=D("0"),
                         exchange_rate=USD_RATE, items=[beer]).items[0]
    assert item.taxable_value == D("50000000")
    assert item.import_duty == D("17500000")  # 35 %
    assert item.special_consumption_tax == D("43875000")  # 65 % of 67,500,000
    assert item.vat == D("11137500")  # 10 % of 111,375,000


def test_environmental_tax_per_unit():
    petrol = ItemTaxInput(line=line("27101224", environmental_tax_per_unit=D("2000"), environmental_tax_unit="LTR",
                                    special_consumption_tax_rate=D("10"), vat_rate=D("10")),
                          origin=country("SG"), quantity=D("10000"), unit="LTR", line_value=D("8000"))
    item = taxes_compute(direction="import", incoterm="CIF", freight=D("0"), insurance=D("0"),
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
    item = taxes_compute(direction="import", incoterm="CIF", freight=D("0"), insurance=D("0"),
                         exchange_rate=D("1"), items=[horse]).items[0]
    assert (item.taxable_value, item.import_duty, item.vat) == (D("90"), D("5"), D("10"))
    assert vnd(D("2.5")) == D("3")
    assert vnd(D("-2.5")) == D("-3")


def test_export_pays_export_duty_only_where_the_line_has_one_and_is_valued_fob():
    ore = ItemTaxInput(line=line("08051010", export_duty_rate=D("10")), origin=country("VN"), quantity=D("1000"),
                       unit="KGM", line_value=D("1500"))
    plain = ItemTaxInput(line=line("84713020"), origin=country("VN"), quantity=D("10"), unit="PCE",
                         line_value=D("2500"))
    result = taxes_compute(direction="export", incoterm="CIF", freight=D("400"), insurance=D("40"),
                           exchange_rate=USD_RATE, items=[ore, plain])
    first, second = result.items
    # CIF export: deduct 440 × 1500/4000 = 165 → FOB 1335 USD → 33,375,000 VND.
    assert first.taxable_value == D("33375000")
    assert first.export_duty == D("3337500")
    assert (first.import_duty, first.vat) == (D("0"), D("0"))
    assert second.export_duty == D("0")
    assert result.as_json()["total"] == D("3337500")
