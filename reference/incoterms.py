"""Incoterms 2020 and what each includes in the invoice price.

Freight and insurance on a declaration are the costs of the international carriage.
Imports are valued CIF: the costs a term does not include are added. Exports are
valued FOB: the costs a term includes are deducted.
"""
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Incoterm:
    code: str
    name: str
    includes_freight: bool
    includes_insurance: bool


INCOTERMS: dict[str, Incoterm] = {
    term.code: term
    for term in [
        Incoterm("EXW", _("Ex Works"), False, False),
        Incoterm("FCA", _("Free Carrier"), False, False),
        Incoterm("FAS", _("Free Alongside Ship"), False, False),
        Incoterm("FOB", _("Free On Board"), False, False),
        Incoterm("CFR", _("Cost and Freight"), True, False),
        Incoterm("CPT", _("Carriage Paid To"), True, False),
        Incoterm("CIF", _("Cost, Insurance and Freight"), True, True),
        Incoterm("CIP", _("Carriage and Insurance Paid To"), True, True),
        Incoterm("DAP", _("Delivered at Place"), True, True),
        Incoterm("DPU", _("Delivered at Place Unloaded"), True, True),
        Incoterm("DDP", _("Delivered Duty Paid"), True, True),
    ]
}
