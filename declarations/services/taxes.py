"""Duties and taxes of a declaration (domain.md, "Duties and taxes").

Per item: customs value in invoice currency (its share of freight and insurance by
value: added for imports when the Incoterm excludes them, deducted for exports when it
includes them), taxable value in VND, import or export duty, special consumption tax,
environmental tax, VAT. Each amount is rounded half-up to whole VND per item, then summed.

A line whose duty a special rule of the tariff sets (`declarations.special_rates`) has no rate:
its duty is left at zero and marked "to be assessed by an officer" until an officer sets a
rate or an amount (`ItemTaxInput.officer_duty`); the other taxes are computed on what is known.
"""
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext

from django.utils.translation import gettext as _

from declarations.agreements import AGREEMENTS
from declarations.incoterms import INCOTERMS
from declarations.models import Country, DutyAssessment, TariffLine
from declarations.tariff_notation import rate_note

ZERO = Decimal("0")
HUNDRED = Decimal("100")
STANDARD_RATE_FACTOR = Decimal("1.5")
TAX_NAMES = ("import_duty", "export_duty", "special_consumption_tax", "environmental_tax", "vat")


def vnd(amount: Decimal) -> Decimal:
    """Round to whole dong, half up."""
    return amount.quantize(Decimal("1"), rounding=ROUND_HALF_UP)


SPECIAL_RULE = "special_rule"
OFFICER = "officer"


@dataclass
class DutyRate:
    rate: Decimal | None  # None: a special rule sets the duty (`special_rule` says which)
    basis: str  # "MFN", "standard", an agreement code, or "special_rule"
    note: str = ""
    preference_requested: str = "MFN"
    preference_refused: str = ""  # why a requested preference was not applied
    special_rule: str = ""  # the tariff's text of the rule

    def as_json(self) -> dict:
        if self.rate is None:
            data = {"basis": SPECIAL_RULE, "rule": self.special_rule}
        else:
            data = {"rate": str(self.rate), "basis": self.basis}
        if self.note:
            data["note"] = self.note
        if self.preference_requested != "MFN":
            data["preference_requested"] = self.preference_requested
            data["preference_applied"] = not self.preference_refused
            if self.preference_refused:
                data["preference_refused_reason"] = self.preference_refused
        return data


def mfn_rate_note(line: TariffLine) -> str:
    """The note on the line's MFN rate in the reader's language (the table keeps it in English)."""
    return rate_note(line.mfn_rate_raw) if line.mfn_rate_note else ""


def _preferential_note(parsed: dict, line: TariffLine) -> str:
    return rate_note(parsed.get("raw", ""), mfn=line.mfn_rate) if parsed.get("note") else ""


def _ordinary_rate(*, line: TariffLine, origin: Country) -> DutyRate:
    if line.mfn_rate is None:
        return DutyRate(rate=None, basis=SPECIAL_RULE, special_rule=line.mfn_rate_raw)
    if origin.mfn_treatment:
        return DutyRate(rate=line.mfn_rate, basis="MFN", note=mfn_rate_note(line))
    standard = line.standard_rate if line.standard_rate is not None else line.mfn_rate * STANDARD_RATE_FACTOR
    return DutyRate(
        rate=standard,
        basis="standard",
        note=_("%(country)s has no most-favoured-nation treatment: the standard rate applies.") % {"country": origin.code},
    )


def duty_rate_select(*, line: TariffLine, origin: Country, preference: str) -> DutyRate:
    """The import duty rate for goods of `origin` on `line`, applying `preference` only where allowed."""
    ordinary = _ordinary_rate(line=line, origin=origin)
    if preference in ("", "MFN"):
        return ordinary
    ordinary.preference_requested = preference
    agreement = AGREEMENTS.get(preference)
    params = {"agreement": preference, "country": origin.code, "code": line.hs_code}
    if agreement is None:
        ordinary.preference_refused = _("%(agreement)s is not a known trade agreement.") % params
        return ordinary
    if origin.code == "VN" or origin.code not in agreement.parties:
        ordinary.preference_refused = _("Origin %(country)s is not a party to %(agreement)s.") % params
        return ordinary
    column = agreement.column_for(origin.code)
    parsed = line.preferential.get(column) if column else None
    if not parsed or parsed.get("status") == "none":
        ordinary.preference_refused = _("The tariff has no %(agreement)s rate for HS %(code)s.") % params
        return ordinary
    if parsed.get("status") != "rate" or parsed.get("rate") is None:
        ordinary.preference_refused = _("The %(agreement)s rate for HS %(code)s cannot be applied automatically: %(note)s") % {
            **params,
            "note": _preferential_note(parsed, line) or parsed.get("raw", ""),
        }
        return ordinary
    if origin.code in parsed.get("excluded", []):
        ordinary.preference_refused = _("Origin %(country)s is excluded from the %(agreement)s rate on HS %(code)s.") % params
        return ordinary
    rate = Decimal(parsed.get("country_rates", {}).get(origin.code, parsed["rate"]))
    return DutyRate(
        rate=rate,
        basis=preference,
        note=_preferential_note(parsed, line),
        preference_requested=preference,
    )


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
    incoterm: str,
    freight: Decimal,
    insurance: Decimal,
    exchange_rate: Decimal,
    items: list[ItemTaxInput],
) -> DeclarationTaxes:
    """Compute every tax of every item (a duty set by a special rule counts as zero until an officer sets it)."""
    term = INCOTERMS[incoterm]
    importing = direction == "import"
    if importing:
        freight_adjustment = ZERO if term.includes_freight else freight
        insurance_adjustment = ZERO if term.includes_insurance else insurance
    else:
        freight_adjustment = -freight if term.includes_freight else ZERO
        insurance_adjustment = -insurance if term.includes_insurance else ZERO
    value_total = sum((item.line_value for item in items), ZERO)

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
            line = item.line
            if importing:
                if item.officer_duty:
                    taxes.import_duty, taxes.rates["import_duty"] = _officer_duty(item.officer_duty, taxable_value)
                    taxes.duty_assessment = DutyAssessment.OFFICER
                else:
                    duty = duty_rate_select(line=line, origin=item.origin, preference=item.preference)
                    if duty.rate is None:
                        taxes.duty_assessment = DutyAssessment.TO_BE_ASSESSED
                    else:
                        taxes.import_duty = vnd(taxable_value * duty.rate / HUNDRED)
                    taxes.rates["import_duty"] = duty.as_json()
                if line.special_consumption_tax_rate is not None:
                    taxes.special_consumption_tax = vnd(
                        (taxable_value + taxes.import_duty) * line.special_consumption_tax_rate / HUNDRED
                    )
                    taxes.rates["special_consumption_tax"] = {"rate": str(line.special_consumption_tax_rate)}
                if line.environmental_tax_per_unit is not None:
                    taxes.environmental_tax = vnd(item.quantity * line.environmental_tax_per_unit)
                    taxes.rates["environmental_tax"] = {
                        "per_unit": str(line.environmental_tax_per_unit),
                        "unit": line.environmental_tax_unit,
                    }
                taxes.vat = vnd(
                    (taxable_value + taxes.import_duty + taxes.special_consumption_tax + taxes.environmental_tax)
                    * line.vat_rate
                    / HUNDRED
                )
                taxes.rates["vat"] = {"rate": str(line.vat_rate)}
            elif line.export_duty_rate is not None:
                taxes.export_duty = vnd(taxable_value * line.export_duty_rate / HUNDRED)
                taxes.rates["export_duty"] = {"rate": str(line.export_duty_rate)}
            results.append(taxes)
    return DeclarationTaxes(items=results)


def _officer_duty(assessment: dict, taxable_value: Decimal) -> tuple[Decimal, dict]:
    """The duty an officer set (a rate of the taxable value, or an amount), and its record for `rates`."""
    record = {key: value for key, value in assessment.items() if value not in (None, "")}
    record["basis"] = OFFICER
    if record.get("rate") is not None:
        return vnd(taxable_value * Decimal(str(record["rate"])) / HUNDRED), record
    return vnd(Decimal(str(record["amount"]))), record
