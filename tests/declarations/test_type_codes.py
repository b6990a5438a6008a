"""The customs regimes (declarations/type_codes.py): the codes, their directions, their names in
both languages, and that each relief carries an exemption code and a legal basis."""
import pytest
from django.utils import translation

from customs_portal.errors import DomainValidationError
from declarations.services.validation import declaration_data_validate
from declarations.type_codes import EXEMPT, NOT_SUBJECT, REGIMES, TAX_LABELS, TYPE_CODES
from tests.factories import parsed
from tests.payloads import export_body, import_body

IMPORTS = ["A11", "A12", "A21", "A31", "A41", "A42", "E11", "E13", "E15", "E21", "E23", "E31", "E33", "E41", "G11",
           "G12", "G13", "G14", "G51", "H11"]
EXPORTS = ["B11", "B12", "B13", "E42", "E52", "E54", "E62", "G21", "G22", "G23", "G24", "G61", "H21"]


def test_every_regime_of_the_brief_is_there_with_its_direction():
    assert list(TYPE_CODES["import"]) == IMPORTS
    assert list(TYPE_CODES["export"]) == EXPORTS
    assert {code: regime.direction for code, regime in REGIMES.items()} == (
        {code: "import" for code in IMPORTS} | {code: "export" for code in EXPORTS})


@pytest.mark.parametrize("code", IMPORTS + EXPORTS)
def test_the_vietnamese_name_is_the_translation_of_the_english_one(code):
    regime = REGIMES[code]
    with translation.override("vi"):
        assert str(regime.name) == regime.name_vi
    with translation.override("en"):
        assert str(regime.name) != regime.name_vi


def test_the_reliefs_per_regime():
    relieved = {code: sorted(regime.exemptions) for code, regime in REGIMES.items() if regime.exemptions}
    assert relieved == {
        "E11": ["import_duty", "vat"],
        "E13": ["import_duty", "vat"],
        "E21": ["environmental_tax", "import_duty", "special_consumption_tax", "vat"],
        "E23": ["environmental_tax", "import_duty", "special_consumption_tax", "vat"],
        "E31": ["import_duty", "vat"],
        "E33": ["import_duty", "vat"],
        "G11": ["environmental_tax", "vat"],
        "G12": ["environmental_tax", "vat"],
        "G13": ["environmental_tax", "import_duty", "special_consumption_tax", "vat"],
        "G14": ["environmental_tax", "vat"],
        "E42": ["export_duty"],
        "E52": ["export_duty"],
        "G23": ["export_duty"],
    }


@pytest.mark.parametrize("code", [code for code, regime in REGIMES.items() if regime.exemptions])
def test_each_relief_has_a_code_a_kind_and_a_basis_in_both_languages(code):
    regime = REGIMES[code]
    for tax, exemption in regime.exemptions.items():
        assert tax in TAX_LABELS
        # Import taxes are relieved on imports, export duty on exports.
        assert (tax == "export_duty") == (regime.direction == "export")
        assert len(exemption.code) == 5 and exemption.code.isalnum()
        assert exemption.kind in (EXEMPT, NOT_SUBJECT)
        assert "Điều" in exemption.basis_vi and "Article" in exemption.basis_en


@pytest.mark.django_db
def test_a_new_code_is_accepted_in_its_direction_and_refused_in_the_other():
    assert declaration_data_validate(data=parsed(import_body(type_code="G13")))["type_code"] == "G13"
    assert declaration_data_validate(data=parsed(export_body(type_code="G23")))["type_code"] == "G23"
    with pytest.raises(DomainValidationError) as refused:
        declaration_data_validate(data=parsed(import_body(type_code="E52")))
    assert "type_code" in refused.value.errors
    with pytest.raises(DomainValidationError) as refused:
        declaration_data_validate(data=parsed(export_body(type_code="E31")))
    assert "type_code" in refused.value.errors
