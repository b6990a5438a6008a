"""Permits for specialised management (giấy phép, kết quả kiểm tra chuyên ngành).

Goods of a tariff line under another ministry's management (`reference.specialised`) need a
permit, licence, quarantine certificate or quality-inspection result, issued through the national
single window. The trader gives its reference on the goods item: `permits`, a list of
{"kind", "number", "agency", "date"} stored as JSON on the item (dates as ISO text), so that
versions, amendments and copies carry it with the rest of the line.

A line that needs one and has none is not refused: the form and the preview warn
(`permit_warnings`), and a risk rule can select it (`items.specialised_without_permit`).
"""
import re
from dataclasses import dataclass
from datetime import date

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reference.specialised import procedures_applicable

MAX_PERMITS = 10
NUMBER_MAX = 50
AGENCY_MAX = 200
# A legal reference inside a procedure's text: "(01/2024/TT-BNNPTNT M1)", "(1725/QĐ-BCT 2024)".
_REFERENCE = re.compile(r"\(([^()]*\d[^()]*/[^()]*)\)")


class PermitKind(models.TextChoices):
    LICENCE = "licence", gettext_lazy("Licence")
    QUARANTINE = "quarantine", gettext_lazy("Quarantine certificate")
    QUALITY = "quality", gettext_lazy("Quality inspection result")
    OTHER = "other", gettext_lazy("Other")


def permits_clean(permits: list[dict] | None, *, today: date | None = None) -> tuple[list[dict], list | None]:
    """The permits of one item, stripped and with ISO dates, and their errors (None when valid):
    a list of messages about the list as a whole (too many), or a list aligned with `permits`
    of {field: [messages]} (a permit's date path reads `items[2].permits[0].date`)."""
    permits = list(permits or [])
    today = today or timezone.localdate()
    if len(permits) > MAX_PERMITS:
        return permits, [_("A goods item carries at most %(max)d permits; this one has %(count)d.") % {
            "max": MAX_PERMITS, "count": len(permits)}]
    clean, errors, seen = [], [], {}
    for position, permit in enumerate(permits, start=1):
        found: dict[str, list[str]] = {}
        kind = str(permit.get("kind") or "").strip()
        number = str(permit.get("number") or "").strip()
        agency = str(permit.get("agency") or "").strip()
        issued = permit.get("date")
        if isinstance(issued, str):
            try:
                issued = date.fromisoformat(issued)
            except ValueError:
                found["date"] = [_("Give the date the permit was issued as a real date.")]
                issued = None
        if kind not in PermitKind.values:
            found["kind"] = [_("Unknown kind of permit %(kind)s; allowed: %(allowed)s.") % {
                "kind": kind, "allowed": ", ".join(PermitKind.values)}]
        if not number:
            found["number"] = [_("Give the number of the permit.")]
        elif len(number) > NUMBER_MAX:
            found["number"] = [_("A permit number has at most %(max)d characters.") % {"max": NUMBER_MAX}]
        if not agency:
            found["agency"] = [_("Give the agency that issued the permit.")]
        elif len(agency) > AGENCY_MAX:
            found["agency"] = [_("An agency's name has at most %(max)d characters.") % {"max": AGENCY_MAX}]
        if issued is None and "date" not in found:
            found["date"] = [_("Give the date the permit was issued.")]
        elif isinstance(issued, date) and issued > today:
            found["date"] = [_("The date of a permit cannot be in the future.")]
        key = (kind, number.casefold())
        if number and key in seen:
            found.setdefault("number", []).append(
                _("The same permit (%(kind)s %(number)s) is already given as permit %(first)d.") % {
                    "kind": kind, "number": number, "first": seen[key]})
        seen.setdefault(key, position)
        errors.append(found)
        clean.append({"kind": kind, "number": number, "agency": agency,
                      "date": issued.isoformat() if isinstance(issued, date) else issued})
    return clean, (errors if any(errors) else None)


def permits_parsed(permits: list[dict] | None) -> list[dict]:
    """Stored permits (ISO dates) with their dates as `date`, as a parsed declaration body holds them."""
    return [{**permit, "date": date.fromisoformat(permit["date"]) if isinstance(permit.get("date"), str)
             else permit.get("date")} for permit in permits or []]


def procedure_references(procedures: tuple[str, ...]) -> list[str]:
    """The legal references of procedures, each once, in order: ["01/2024/TT-BNNPTNT M1", ...]."""
    found: dict[str, None] = {}
    for procedure in procedures:
        for reference in _REFERENCE.findall(procedure):
            found.setdefault(reference.strip(), None)
    return list(found)


def hs_code_display(code: str) -> str:
    """87032310 -> 8703.23.10, as the tariff prints a line."""
    return f"{code[:4]}.{code[4:6]}.{code[6:]}" if len(code) == 8 else code


@dataclass(frozen=True)
class PermitWarning:
    line_no: int
    hs_code: str
    procedures: tuple[str, ...]
    references: tuple[str, ...]

    @property
    def message(self) -> str:
        """In the reader's language, with the legal references (the procedures' text is Vietnamese only)."""
        return _("Line %(line)d (HS %(hs)s) is under specialised management (%(references)s): no permit, licence "
                 "or inspection result is declared.") % {
            "line": self.line_no, "hs": hs_code_display(self.hs_code),
            "references": "; ".join(self.references) or _("another ministry's procedures")}


def item_needs_permit(item) -> tuple[str, ...]:
    """The procedures that apply to a goods item's tariff line (empty: none, no permit needed)."""
    line = getattr(item, "tariff_line", None)
    return procedures_applicable(line.specialised_procedures) if line is not None else ()


def permit_warnings(items) -> list[PermitWarning]:
    """The goods items (GoodsItem rows, with their tariff line) under specialised management that
    carry no permit, in line order."""
    warnings = []
    for position, item in enumerate(items, start=1):
        procedures = item_needs_permit(item)
        if procedures and not item.permits:
            warnings.append(PermitWarning(item.line_no or position, item.hs_code, procedures,
                                          tuple(procedure_references(procedures))))
    return warnings
