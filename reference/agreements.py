"""Free-trade agreements whose preferential rates Vietnam's tariff lists, with their parties.

A preferential rate applies only where the goods originate in a party (other than
Vietnam) and the tariff line does not exclude that party. RCEP's six columns in the
source are unlabelled; we read them as A = ASEAN members, B = Australia, C = China,
D = Japan, E = Korea, F = New Zealand (docs/decisions.md).
"""
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ASEAN = frozenset({"BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN"})
EU = frozenset(
    {
        "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
        "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
    }
)


@dataclass(frozen=True)
class Agreement:
    code: str
    name: str | Promise  # in the reader's language
    certificate: str
    parties: frozenset
    # Tariff column, or {origin country: column} where the schedule differs by partner.
    column: str = ""
    column_by_party: dict = field(default_factory=dict)

    def column_for(self, origin: str) -> str | None:
        if self.column_by_party:
            return self.column_by_party.get(origin)
        return self.column


_RCEP_COLUMNS = {c: "rcep_a" for c in ASEAN} | {"AU": "rcep_b", "CN": "rcep_c", "JP": "rcep_d", "KR": "rcep_e", "NZ": "rcep_f"}

AGREEMENTS: dict[str, Agreement] = {
    a.code: a
    for a in [
        Agreement("ACFTA", _("ASEAN–China"), "E", ASEAN | {"CN"}, "acfta"),
        Agreement("ATIGA", _("ASEAN Trade in Goods Agreement"), "D", ASEAN, "atiga"),
        Agreement("AJCEP", _("ASEAN–Japan"), "AJ", ASEAN | {"JP"}, "ajcep"),
        Agreement("VJEPA", _("Vietnam–Japan"), "VJ", frozenset({"VN", "JP"}), "vjepa"),
        Agreement("AKFTA", _("ASEAN–Korea"), "AK", ASEAN | {"KR"}, "akfta"),
        Agreement("AANZFTA", _("ASEAN–Australia–New Zealand"), "AANZ", ASEAN | {"AU", "NZ"}, "aanzfta"),
        Agreement("AIFTA", _("ASEAN–India"), "AI", ASEAN | {"IN"}, "aifta"),
        Agreement("VKFTA", _("Vietnam–Korea"), "VK", frozenset({"VN", "KR"}), "vkfta"),
        Agreement("VCFTA", _("Vietnam–Chile"), "VC", frozenset({"VN", "CL"}), "vcfta"),
        Agreement("VN_EAEU", _("Vietnam–Eurasian Economic Union"), "EAV", frozenset({"VN", "RU", "BY", "KZ", "AM", "KG"}), "vn_eaeu"),
        Agreement(
            "CPTPP",
            _("Comprehensive and Progressive Agreement for Trans-Pacific Partnership"),
            "CPTPP",
            frozenset({"VN", "AU", "BN", "CA", "CL", "JP", "MY", "MX", "NZ", "PE", "SG", "GB"}),
            "cptpp",
        ),
        Agreement("AHKFTA", _("ASEAN–Hong Kong, China"), "AHK", ASEAN | {"HK"}, "ahkfta"),
        Agreement("EVFTA", _("EU–Vietnam"), "EUR.1", EU | {"VN"}, "evfta"),
        Agreement("UKVFTA", _("UK–Vietnam"), "EUR.1 UK", frozenset({"VN", "GB"}), "ukvfta"),
        Agreement("VIFTA", _("Vietnam–Israel"), "VIFTA", frozenset({"VN", "IL"}), "vifta"),
        Agreement(
            "RCEP",
            _("Regional Comprehensive Economic Partnership"),
            "RCEP",
            ASEAN | {"AU", "CN", "JP", "KR", "NZ"},
            column_by_party=_RCEP_COLUMNS,
        ),
    ]
}

PREFERENCE_CODES = ["MFN", *AGREEMENTS]
TARIFF_COLUMNS = [
    "acfta", "atiga", "ajcep", "vjepa", "akfta", "aanzfta", "aifta", "vkfta", "vcfta", "vn_eaeu",
    "cptpp", "ahkfta", "evfta", "ukvfta", "vifta", "rcep_a", "rcep_b", "rcep_c", "rcep_d", "rcep_e", "rcep_f",
]
