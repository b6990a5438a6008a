"""Duties and taxes of a declaration (domain.md, "Duties and taxes").

Per item: customs value in invoice currency (its share of freight and insurance by
value: added for imports when the Incoterm excludes them, deducted for exports when it
includes them), taxable value in VND, import or export duty, special consumption tax,
environmental tax, VAT. Each amount is rounded half-up to whole VND per item, then summed.

Which import duty rate applies (MFN, the standard rate, or an agreement's preferential rate) is
chosen by `reference.rates.duty_rate_select`; this module turns rates into amounts.

A line whose duty a special rule of the tariff sets (`reference.special_rates`) has no rate:
its duty is left at zero and marked "to be assessed by an officer" until an officer sets a
rate or an amount (`ItemTaxInput.officer_duty`); the other taxes are computed on what is known.
"""
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext

from customs_portal.localization import vnd
from declarations.models import DutyAssessment
from declarations.type_codes import NO_EXEMPTIONS, regime_exemptions
from reference.incoterms import INCOTERMS
from reference.models import Country, TariffLine
from reference.rates import duty_rate_select

ZERO = Decimal("0")
HUNDRED = Decimal("100")
TAX_NAMES = ("import_duty", "export_duty", "special_consumption_tax", "environmental_tax", "vat")
# What the tax service sets on a goods item (the services that save taxed items write these).
ITEM_TAXED_FIELDS = ("customs_value", "taxable_value", *TAX_NAMES, "rates", "exemptions", "duty_assessment")

OFFICER = "officer"


@dataclass
class ItemTaxInput:
    line: TariffLine
    origin: Country
    quantity: Decimal
    unit: str
    line_value: Decimal
    preference: str = "MFN"
    # An officer's assessment of the import duty: {"rate": "50"} (percent of the taxable value)
    # or {"amount": "120000000"} (VND), with "reason", "assessed_by", "assessed_at", "rule".
    officer_duty: dict | None = None


@dataclass
class ItemTaxes:
    customs_value: Decimal
    taxable_value: Decimal
    import_duty: Decimal = ZERO
    export_duty: Decimal = ZERO
    special_consumption_tax: Decimal = ZERO
    environmental_tax: Decimal = ZERO
    vat: Decimal = ZERO
    rates: dict = field(default_factory=dict)
    # The taxes the regime relieves: {tax name: {"code", "kind", "basis_vi", "basis_en", "amount"}}
    # (declarations.type_codes.Exemption.as_json; "amount" is what the tax would have been).
    exemptions: dict = field(default_factory=dict)
    duty_assessment: str = DutyAssessment.TARIFF

    @property
    def total(self) -> Decimal:
        return sum((getattr(self, name) for name in TAX_NAMES), ZERO)


@dataclass
class DeclarationTaxes:
    items: list[ItemTaxes]

    def total_of(self, name: str) -> Decimal:
        return sum((getattr(item, name) for item in self.items), ZERO)

    def as_json(self) -> dict:
        totals = {name: self.total_of(name) for name in TAX_NAMES}
        totals["total"] = sum(totals.values(), ZERO)
        return totals


def _apportion(amount: Decimal, share: Decimal, total: Decimal) -> Decimal:
    return amount * share / total if total else ZERO


def taxes_compute(
    *,
    direction: str,
    type_code: str,
    incoterm: str,
    freight: Decimal,
    insurance: Decimal,
    exchange_rate: Decimal,
    items: list[ItemTaxInput],
) -> DeclarationTaxes:
    """Compute every tax of every item (a duty set by a special rule counts as zero until an officer sets it);
    the taxes the regime of `type_code` relieves are zero, with their exemption record."""
    term = INCOTERMS[incoterm]
    importing = direction == "import"
    if importing:
        freight_adjustment = ZERO if term.includes_freight else freight
        insurance_adjustment = ZERO if term.includes_insurance else insurance
    else:
        freight_adjustment = -freight if term.includes_freight else ZERO
        insurance_adjustment = -insurance if term.includes_insurance else ZERO
    value_total = sum((item.line_value for item in items), ZERO)

    exemptions = regime_exemptions(type_code)
    results = []
    with localcontext() as ctx:
        ctx.prec = 40
        for item in items:
            customs_value = (
                item.line_value
                + _apportion(freight_adjustment, item.line_value, value_total)
                + _apportion(insurance_adjustment, item.line_value, value_total)
            )
            taxable_value = vnd(customs_value * exchange_rate)
            taxes = ItemTaxes(customs_value=customs_value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP), taxable_value=taxable_value)
            if importing:
                _import_taxes(taxes, item, exempt=NO_EXEMPTIONS)
            elif item.line.export_duty_rate is not None:
                taxes.export_duty = vnd(taxable_value * item.line.export_duty_rate / HUNDRED)
                taxes.rates["export_duty"] = {"rate": str(item.line.export_duty_rate)}
            relieved = [name for name in exemptions if name in taxes.rates]
            if relieved:
                # What each relieved tax would have been is kept; the chain is computed again with
                # the relieved taxes at zero (a tax on a base that includes one of them shrinks too).
                would_be = {name: getattr(taxes, name) for name in relieved}
                if importing:
                    _import_taxes(taxes, item, exempt=exemptions)
                else:
                    taxes.export_duty = ZERO
                taxes.exemptions = {name: exemptions[name].as_json(would_be[name]) for name in relieved}
            results.append(taxes)
    return DeclarationTaxes(items=results)


def _import_taxes(taxes: ItemTaxes, item: ItemTaxInput, *, exempt: dict) -> None:
    """Import duty, SCT, environmental tax and VAT of one item, in that order (each base includes the
    taxes before it); a tax named in `exempt` is zero, its rate still recorded in `rates`."""
    line, taxable_value = item.line, taxes.taxable_value
    if item.officer_duty:
        duty, taxes.rates["import_duty"] = _officer_duty(item.officer_duty, taxable_value)
        taxes.duty_assessment = DutyAssessment.OFFICER
    else:
        duty_rate = duty_rate_select(line=line, origin=item.origin, preference=item.preference)
        duty = ZERO
        if duty_rate.rate is None:
            taxes.duty_assessment = DutyAssessment.TO_BE_ASSESSED
        else:
            duty = vnd(taxable_value * duty_rate.rate / HUNDRED)
        taxes.rates["import_duty"] = duty_rate.as_json()
    taxes.import_duty = ZERO if "import_duty" in exempt else duty
    if line.special_consumption_tax_rate is not None:
        taxes.special_consumption_tax = ZERO if "special_consumption_tax" in exempt else vnd(
            (taxable_value + taxes.import_duty) * line.special_consumption_tax_rate / HUNDRED
        )
        taxes.rates["special_consumption_tax"] = {"rate": str(line.special_consumption_tax_rate)}
    if line.environmental_tax_per_unit is not None:
        taxes.environmental_tax = ZERO if "environmental_tax" in exempt else vnd(
            item.quantity * line.environmental_tax_per_unit)
        taxes.rates["environmental_tax"] = {
            "per_unit": str(line.environmental_tax_per_unit),
            "unit": line.environmental_tax_unit,
        }
    taxes.vat = ZERO if "vat" in exempt else vnd(
        (taxable_value + taxes.import_duty + taxes.special_consumption_tax + taxes.environmental_tax)
        * line.vat_rate
        / HUNDRED
    )
    taxes.rates["vat"] = {"rate": str(line.vat_rate)}


def _officer_duty(assessment: dict, taxable_value: Decimal) -> tuple[Decimal, dict]:
    """The duty an officer set (a rate of the taxable value, or an amount), and its record for `rates`."""
    record = {key: value for key, value in assessment.items() if value not in (None, "")}
    record["basis"] = OFFICER
    if record.get("rate") is not None:
        return vnd(taxable_value * Decimal(str(record["rate"])) / HUNDRED), record
    return vnd(Decimal(str(record["amount"]))), record
