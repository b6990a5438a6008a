"""Specialised management (quản lý chuyên ngành): the procedures of other ministries that
goods of a tariff line are subject to, from `data/specialised-procedures-2026.csv`.

The source lists, per line, procedures that only apply in particular cases: trade by
border residents or through secondary border gates, the suspended temporary-import
re-export business, used goods (QSD/ĐQSD), export-only rules, and lines already removed
from specialised inspection. Those are dropped; what remains applies to an ordinary
commercial import of new goods and is what risk rules and the trader's warnings use.
"""
import re
from functools import lru_cache

CONDITIONAL_MARKERS = (
    "cửa khẩu phụ",          # secondary border gates and border openings
    "cư dân biên giới",      # border residents' trade
    "TNTX",                  # temporary import for re-export business
    "QSD",                   # used goods (also ĐQSD)
    "đã được cắt giảm",      # lines removed from specialised inspection
    "không phải KTNN",       # goods not subject to state quality inspection
    "khi XK",                # export-only requirements
    "Cấm XK",                # export bans
)
_SPLIT = re.compile(r";\s*(?![^()]*\))")


@lru_cache(maxsize=16384)
def procedures_applicable(text: str) -> tuple[str, ...]:
    """The procedures of a tariff line that apply to an ordinary import of new goods."""
    if not text:
        return ()
    parts = (part.strip() for part in _SPLIT.split(text))
    return tuple(part for part in parts if part and not any(marker in part for marker in CONDITIONAL_MARKERS))
