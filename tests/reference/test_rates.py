"""How the import duty rate is chosen, on real tariff lines (reference/rates.py; domain.md, "Duties and taxes")."""
from decimal import Decimal

import pytest
from django.utils import translation

from reference.models import Country, TariffLine
from reference.rates import duty_rate_select

pytestmark = pytest.mark.django_db

D = Decimal


def line(code):
    return TariffLine.objects.get(hs_code=code)


def country(code):
    return Country.objects.get(code=code)


def test_preference_refused_for_an_origin_outside_the_agreement():
    rate = duty_rate_select(line=line("08051010"), origin=country("US"), preference="ACFTA")
    assert rate.rate == D("20")
    assert rate.preference_refused == "Origin US is not a party to ACFTA."


def test_preference_refused_where_the_tariff_has_no_rate():
    # 84713020 has "*" under VN_EAEU.
    rate = duty_rate_select(line=line("84713020"), origin=country("RU"), preference="VN_EAEU")
    assert rate.basis == "MFN"
    assert "no VN_EAEU rate" in rate.preference_refused


def test_cptpp_mexico_rate():
    # 22030091 beer: CPTPP "15; M: 18".
    assert duty_rate_select(line=line("22030091"), origin=country("MX"), preference="CPTPP").rate == D("18")
    assert duty_rate_select(line=line("22030091"), origin=country("JP"), preference="CPTPP").rate == D("15")


def test_rcep_column_depends_on_the_origin():
    # 22030091 RCEP columns: A (ASEAN) 23.3, B (AU) 23.3, C (CN) 26.3.
    assert duty_rate_select(line=line("22030091"), origin=country("CN"), preference="RCEP").rate == D("26.3")
    assert duty_rate_select(line=line("22030091"), origin=country("TH"), preference="RCEP").rate == D("23.3")


def test_standard_rate_for_an_origin_without_mfn_treatment():
    origin = country("KP")
    origin.mfn_treatment = False
    rate = duty_rate_select(line=line("01012900"), origin=origin, preference="MFN")
    assert (rate.rate, rate.basis) == (D("7.5"), "standard")


def test_line_whose_rate_is_set_by_a_chapter_98_rule_has_no_rate_but_its_rule():
    # 87021010 (buses): MFN "Theo hướng dẫn tại khoản 1.1 Chương 98", no automatic rate.
    special = TariffLine.objects.get(hs_code="87021010")
    assert special.mfn_rate is None
    rate = duty_rate_select(line=special, origin=country("CN"), preference="MFN")
    assert (rate.rate, rate.basis, rate.special_rule) == (None, "special_rule", "Theo hướng dẫn tại khoản 1.1 Chương 98")
    assert rate.as_json() == {"basis": "special_rule", "rule": "Theo hướng dẫn tại khoản 1.1 Chương 98"}


@pytest.mark.parametrize(("language", "refusal"), [
    ("vi", "Không thể tự động áp dụng thuế suất VN_EAEU cho mã HS {code}: "
           "ưu đãi theo hạn ngạch thuế quan (không được mô hình hóa)"),
    ("en", "The VN_EAEU rate for HS {code} cannot be applied automatically: "
           "preference subject to a tariff quota (not modelled)"),
])
def test_a_refusal_explains_the_tariff_note_in_the_readers_language(language, refusal):
    """The tariff keeps its notes in English; a refusal writes the note in the reader's language."""
    quota_line = TariffLine.objects.filter(preferential__vn_eaeu__status="quota").order_by("hs_code").first()
    assert quota_line.preferential["vn_eaeu"]["note"] == "preference subject to a tariff quota (not modelled)"
    with translation.override(language):
        rate = duty_rate_select(line=quota_line, origin=country("RU"), preference="VN_EAEU")
    assert rate.preference_refused == refusal.format(code=quota_line.hs_code)
