"""One goods item of a past or present declaration as the model sees it, whatever its source:
an imported history row (risk.learned_models.HistoryItem) or a goods item of the portal's own."""
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class HistoryRow:
    source: str  # "portal", or the outside source's name ("kcs")
    key: str  # unique within the source: the declaration ID (and line) there
    declared_on: date
    office: str
    transport_mode: str  # declarations.models.TransportMode
    importer: str  # party keys, unique across sources ("portal:0101234567", "kcs:QLRUBN9"); "" unknown
    declarant: str
    seller: str
    courier: str
    hs6: str
    origin_country: str
    departure_country: str
    tax_rate: float  # the import duty rate in %
    tax_type: str  # the duty's basis: a preference code (portal), the source's tax type (outside)
    net_mass: float  # the quantity in `unit` (kg for the imported history); 0 unknown
    item_price: float  # in `currency`
    currency: str
    process_type: str = ""
    import_type: str = ""  # the portal's type code (A11…) or the source's import type
    import_use: str = ""
    payment_type: str = ""
    origin_indicator: str = ""
    unit: str = "KGM"  # UN/ECE Rec. 20 code of `net_mass`
    fraud: bool | None = None  # the label: a check found a discrepancy / found none / not checked
