"""The reference-data loader against the real files in reference/data/ and a real PostgreSQL.

The session fixture (tests/conftest.py) has already loaded the data once through
`manage.py load_reference_data`; `load_report` loads it once more for this module, so
its report is that of a re-load and must create nothing.
"""
import csv
from decimal import Decimal
from io import StringIO

import pycountry
import pytest
from django.core.management import call_command
from django.db.models.functions import Substr

from reference.models import Country, Currency, CustomsOffice, ExchangeRate, HSCode, HSSection, Port, TariffLine, Unit
from reference.services import DATA_DIR, reference_data_load
from reference.tariff_notation import parse_rate

pytestmark = pytest.mark.django_db
D = Decimal

EXPECTED_ROWS = {
    "hs_sections": 21,
    "hs_codes": 6939,  # 6,940 rows less the TOTAL row
    "tariff_lines": 11871,  # 12,000 eight-digit rows less 129 duplicate chapter-98 rows
    "countries": len(pycountry.countries),
    "currencies": len(pycountry.currencies),
    "units": 55,
    "ports": 333,  # 240 Vietnamese + 93 foreign
    "customs_offices": 28,
    "exchange_rates": 135,  # 15 currencies x 9 dates
}
MODELS = {
    "hs_sections": HSSection,
    "hs_codes": HSCode,
    "tariff_lines": TariffLine,
    "countries": Country,
    "currencies": Currency,
    "units": Unit,
    "ports": Port,
    "customs_offices": CustomsOffice,
    "exchange_rates": ExchangeRate,
}


@pytest.fixture(scope="module")
def load_report(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return reference_data_load()


def test_load_counts_and_speed(load_report, capsys):
    assert {name: count.rows for name, count in load_report.counts.items()} == EXPECTED_ROWS
    assert {name: model.objects.count() for name, model in MODELS.items()} == EXPECTED_ROWS
    assert load_report.elapsed < 60
    with capsys.disabled():
        print(f"\nreference data re-load: {load_report.elapsed:.2f} s")


def test_reload_creates_nothing_and_reports_the_source_defects(load_report):
    assert {name: count.created for name, count in load_report.counts.items()} == dict.fromkeys(EXPECTED_ROWS, 0)
    assert load_report.unparsed == []
    assert len(load_report.duplicates) == 78
    assert sum(len(lines) for lines in load_report.duplicates.values()) == 129
    assert load_report.duplicates["98050000"] == [16823, 16824, 16825, 16826, 16827, 16828, 16829, 16830]
    assert load_report.ignored == [
        "tariff-2026.csv line 17245: code '9849170' is not 8 digits",
        "tariff-2026.csv line 17247: code '9849170' is not 8 digits",
        "tariff-2026.csv line 17248: code '9849170' is not 8 digits",
        "tariff-2026.csv line 17258: code '9849190' is not 8 digits",
    ]
    assert load_report.warnings == [
        "VNVIC: misquoted row in the source repaired (function '1-------')",
        "VNVAG: name 'V?ng Ang' with a lost letter repaired to 'Vung Ang'",
    ]
    assert load_report.seeded_on_existing == {
        "special_consumption_tax_rate": 0,
        "environmental_tax_per_unit": 0,
    }


def test_hs_nomenclature(load_report):
    heading = HSCode.objects.get(code="0101")
    assert (heading.description, heading.level, heading.parent_id, heading.section_id) == (
        "Horses, asses, mules and hinnies; live",
        4,
        "01",
        "I",
    )
    assert HSCode.objects.get(code="01").parent_id is None
    assert HSCode.objects.get(code="999999").section_id is None
    assert not HSCode.objects.filter(code="TOTAL").exists()
    assert HSSection.objects.get(number="I").name == "Live animals; animal products"
    assert HSSection.objects.get(number="XXI").name == "Works of art, collectors' pieces and antiques"


def test_plain_tariff_line(load_report):
    line = TariffLine.objects.get(hs_code="01012900")
    assert (line.mfn_rate, line.standard_rate, line.mfn_rate_raw, line.standard_rate_raw) == (D("5"), D("7.5"), "5", "7.5")
    assert line.description_en == "- - Other"
    assert line.preferential["vifta"] == {"raw": "2.9", "status": "rate", "rate": "2.9"}
    assert line.preferential["acfta"] == {"raw": "0", "status": "rate", "rate": "0"}
    assert set(line.preferential) == {
        "acfta", "atiga", "ajcep", "vjepa", "akfta", "aanzfta", "aifta", "vkfta", "vcfta", "vn_eaeu", "cptpp",
        "ahkfta", "evfta", "ukvfta", "vifta", "rcep_a", "rcep_b", "rcep_c", "rcep_d", "rcep_e", "rcep_f",
    }
    assert "CITES" in line.specialised_procedures
    assert (line.vat_rate, line.special_consumption_tax_rate, line.environmental_tax_per_unit) == (D("10"), None, None)


def test_star_is_absent_from_preferential(load_report):
    assert "vn_eaeu" not in TariffLine.objects.get(hs_code="01031000").preferential


def test_line_with_an_exclusion(load_report):
    line = TariffLine.objects.get(hs_code="12073000")
    assert line.preferential["acfta"] == {"raw": "0 (-KH)", "status": "rate", "rate": "0", "excluded": ["KH"]}


def test_cptpp_mexico_rate(load_report):
    line = TariffLine.objects.get(hs_code="02031100")
    assert line.preferential["cptpp"] == {
        "raw": "2,7; M: 5,4",
        "status": "rate",
        "rate": "2.7",
        "country_rates": {"MX": "5.4"},
    }


def test_in_quota_line_and_quota_preference(load_report):
    line = TariffLine.objects.get(hs_code="04072100")
    assert (line.mfn_rate, line.standard_rate, line.mfn_rate_raw) == (D("80"), D("120"), "40 (NHN: 80)")
    assert line.mfn_rate_note == (
        "in-quota rate 40, out-of-quota (NHN) rate 80: tariff-quota allocation is not modelled, "
        "so the out-of-quota rate is taken"
    )
    assert line.preferential["vn_eaeu"] == {
        "raw": "Q",
        "status": "quota",
        "note": "preference subject to a tariff quota (not modelled)",
    }


def test_chapter_98_rule_line_is_special(load_report):
    line = TariffLine.objects.get(hs_code="87021010")
    assert (line.mfn_rate, line.standard_rate) == (None, None)
    assert line.mfn_rate_raw == "Theo hướng dẫn tại khoản 1.1 Chương 98"
    assert line.standard_rate_raw == "150% thuế MFN"
    assert parse_rate(line.mfn_rate_raw).status == "special"
    assert line.mfn_rate_note == "rate set by a chapter-98 rule of the tariff; it cannot be computed automatically"
    assert line.preferential == {}


def test_duplicate_chapter_98_code_keeps_the_first_row(load_report):
    line = TariffLine.objects.get(hs_code="98050000")
    assert (line.description_vi, line.mfn_rate, line.standard_rate) == ("Quả và hạt có dầu để làm giống.", D("0"), D("5"))


@pytest.mark.parametrize(
    "hs_code, sct, env, env_unit, vat",
    [
        ("24022090", D("75"), None, "", D("10")),  # cigarettes
        ("22030011", D("65"), None, "", D("10")),  # beer
        ("22083010", D("65"), None, "", D("10")),  # whisky
        ("22089091", None, None, "", D("10")),  # "-" cancels the 2208 seed (at most 1.14 % vol)
        ("22042111", D("35"), None, "", D("10")),  # wine up to 15 % vol
        ("87032145", D("35"), None, "", D("10")),  # sedan up to 1,000 cc
        ("87032357", D("50"), None, "", D("10")),  # car 2,000-2,500 cc
        ("87034063", D("28"), None, "", D("10")),  # petrol hybrid 1,500-1,800 cc: 70 % of 40 %
        ("87032143", None, None, "", D("10")),  # ambulance: no SCT
        ("27101224", D("10"), D("2000"), "LTR", D("10")),  # petrol RON 90-97
        ("27101971", None, D("1000"), "LTR", D("10")),  # automotive diesel
        ("39232199", None, D("50000"), "KGM", D("10")),  # polyethylene bags
        ("31021000", None, None, "", D("5")),  # urea
        ("08051010", None, None, "", D("5")),  # fresh oranges
    ],
)
def test_seeded_taxes(load_report, hs_code, sct, env, env_unit, vat):
    line = TariffLine.objects.get(hs_code=hs_code)
    assert line.special_consumption_tax_rate == sct
    assert (line.environmental_tax_per_unit, line.environmental_tax_unit) == (env, env_unit)
    assert line.vat_rate == vat


def test_every_tax_seed_prefix_matches_a_tariff_line(load_report):
    with open(DATA_DIR / "excise_and_environmental_taxes.csv", encoding="utf-8") as file:
        prefixes = [row["hs_prefix"] for row in csv.DictReader(file)]
    codes = list(TariffLine.objects.values_list("hs_code", flat=True))
    assert [prefix for prefix in prefixes if not any(code.startswith(prefix) for code in codes)] == []


def test_code_lists(load_report):
    assert (Country.objects.get(code="VN").name_en, Country.objects.get(code="VN").name_vi) == ("Viet Nam", "Việt Nam")
    assert (Currency.objects.get(code="VND").name_en, Currency.objects.get(code="VND").name_vi) == ("Dong", "Đồng Việt Nam")
    assert (Unit.objects.get(code="KGM").name_en, Unit.objects.get(code="KGM").name_vi) == ("kilogram", "kilôgam")
    assert not Unit.objects.filter(code__in=["BX", "CT", "ROL"]).exists()
    assert CustomsOffice.objects.get(code="02CI").province == "Thành phố Hồ Chí Minh"
    assert CustomsOffice.objects.get(code="03CE").kind == "seaport"
    rate = ExchangeRate.objects.get(currency_id="USD", valid_on="2026-11-23")
    assert rate.rate == D("26345")


def test_ports(load_report):
    assert Port.objects.filter(country="VN").count() == 240
    hcmc = Port.objects.get(locode="VNSGN")
    assert (hcmc.name_en, hcmc.name_vi, hcmc.subdivision, hcmc.function) == (
        "Ho Chi Minh City", "Thành phố Hồ Chí Minh", "SG", "1-3456--")
    vict = Port.objects.get(locode="VNVIC")
    assert (vict.name_en, vict.name_vi, vict.subdivision, vict.function, vict.iata) == ("VICT", "VICT", "", "1-------", "")
    vung_ang = Port.objects.get(locode="VNVAG")
    assert (vung_ang.name_en, vung_ang.name_vi) == ("Vung Ang", "Vũng Áng")
    shanghai = Port.objects.get(locode="CNSHA")
    assert (shanghai.name_en, shanghai.name_vi, shanghai.country, shanghai.iata) == ("Shanghai", "Shanghai", "CN", "PVG")
    assert not Port.objects.exclude(country=Substr("locode", 1, 2)).exists()


def test_reload_keeps_admin_edits_and_prints_its_report(load_report):
    """A second `load_reference_data` changes no count and no admin-maintained value."""
    TariffLine.objects.filter(hs_code="01012900").update(vat_rate=D("8"), export_duty_rate=D("2"))
    TariffLine.objects.filter(hs_code="22030011").update(special_consumption_tax_rate=D("70"))
    TariffLine.objects.filter(hs_code="27101224").update(environmental_tax_per_unit=D("2500"))
    TariffLine.objects.filter(hs_code="22083010").update(special_consumption_tax_rate=None)  # cleared: seeded again
    TariffLine.objects.filter(hs_code="01012100").delete()  # missing line: created again
    Country.objects.filter(code="KP").update(mfn_treatment=False)
    ExchangeRate.objects.filter(currency_id="USD", valid_on="2026-11-23").update(rate=D("26400"))

    output = StringIO()
    call_command("load_reference_data", stdout=output)

    assert {name: model.objects.count() for name, model in MODELS.items()} == EXPECTED_ROWS
    edited = TariffLine.objects.get(hs_code="01012900")
    assert (edited.vat_rate, edited.export_duty_rate) == (D("8"), D("2"))
    assert TariffLine.objects.get(hs_code="22030011").special_consumption_tax_rate == D("70")
    assert TariffLine.objects.get(hs_code="27101224").environmental_tax_per_unit == D("2500")
    assert TariffLine.objects.get(hs_code="22083010").special_consumption_tax_rate == D("65")
    assert TariffLine.objects.get(hs_code="01012100").mfn_rate == D("0")
    assert Country.objects.get(code="KP").mfn_treatment is False
    assert ExchangeRate.objects.get(currency_id="USD", valid_on="2026-11-23").rate == D("26400")

    printed = output.getvalue()
    assert "tariff_lines: 11871 rows (1 new)" in printed
    assert (
        "taxes seeded on existing tariff lines: special_consumption_tax_rate 1, environmental_tax_per_unit 0"
    ) in printed
    assert "duplicate tariff codes: 78 codes, 129 later rows skipped" in printed
    assert "unparsed rates: none" in printed
    assert "loaded hs_sections 21, hs_codes 6939, tariff_lines 11871" in printed
    assert printed.rstrip().endswith(" s")


def test_unparsed_rate_is_reported_and_loaded_as_absent(tmp_path, load_report):
    """A cell the parser does not know is listed with its code and column; the line still loads, without it."""
    for path in DATA_DIR.glob("*.csv"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    tariff = (tmp_path / "tariff-2026.csv").read_text(encoding="utf-8")
    row = "2,01012900,- - Loại khác,- - Other,7.5,5,0,0,0,0,0,0,0,0,0,0,0,0,0,0,2.9,0,0,0,0,0,0"
    assert row in tariff
    broken = "2,01012900,- - Loại khác,- - Other,7.5,5 %%,0,0,0,0,0,0,0,0,0,0,0,0,0,0,2.9 ?,0,0,0,0,0,0"
    (tmp_path / "tariff-2026.csv").write_text(tariff.replace(row, broken), encoding="utf-8")

    output = StringIO()
    call_command("load_reference_data", data_dir=str(tmp_path), stdout=output)

    line = TariffLine.objects.get(hs_code="01012900")
    assert (line.mfn_rate, line.mfn_rate_raw, line.standard_rate) == (None, "5 %%", D("7.5"))
    assert line.mfn_rate_note == "unrecognised rate notation: '5 %%'"
    assert "vifta" not in line.preferential
    assert line.preferential["acfta"] == {"raw": "0", "status": "rate", "rate": "0"}
    printed = output.getvalue()
    assert "unparsed rates (2), loaded as absent:" in printed
    assert "  01012900 mfn_rate: '5 %%'" in printed
    assert "  01012900 vifta: '2.9 ?'" in printed
