"""How the import duty rate of a tariff line is chosen for goods of an origin (domain.md, "Duties and taxes").

MFN for origins with most-favoured-nation treatment; the standard rate (the tariff's, or 150 % of
MFN) for origins without it; an agreement's preferential rate when the trader requests that
agreement and the origin, the tariff's column for it and the line allow it, otherwise the
ordinary rate with the reason the preference was refused. A line whose duty a special rule of
the tariff sets (`reference.special_rates`) has no rate. The amounts are computed from these
rates by `declarations.services.taxes`.
"""
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from reference.agreements import AGREEMENTS
from reference.models import Country, TariffLine
from reference.tariff_notation import rate_note

STANDARD_RATE_FACTOR = Decimal("1.5")
SPECIAL_RULE = "special_rule"


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
