"""Tariff lines whose import duty a special rule sets, said in the reader's language.

Vietnam's tariff gives some lines no MFN rate but a reference to chapter 98, e.g. "Theo
hướng dẫn tại khoản 1.1 Chương 98" (CKD kits of cars, buses and lorries) or "Theo hướng dẫn
tại điểm b.5.3 và b.5.4 khoản 2.2 Chương 98" (ambulances, hearses, prison vans in CKD form).
The tariff file holds only these references, no amount or formula, and the rule depends on
facts a declaration does not carry, so the duty of such a line is assessed by a customs
officer after registration (docs/decisions.md, "Lines with special rates").
"""
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

_CHAPTER_98 = re.compile(
    r"(?:điểm\s+(?P<points>.+?)\s+)?khoản\s+(?P<paragraph>\d+(?:\.\d+)*)\s+Chương\s*98", re.IGNORECASE
)
_POINT_SEPARATOR = re.compile(r"\s*(?:,|\bvà\b)\s*", re.IGNORECASE)


@dataclass(frozen=True)
class SpecialRule:
    source: str  # the tariff's own words
    paragraph: str = ""  # "1.1", "2.2"
    points: tuple[str, ...] = ()  # ("b.5.3", "b.5.4")


def special_rule_parse(source: str) -> SpecialRule:
    """The reference in `source` (a cell of the tariff that is not a rate)."""
    source = " ".join((source or "").split())
    match = _CHAPTER_98.search(source)
    if match is None:
        return SpecialRule(source=source)
    points = tuple(point for point in _POINT_SEPARATOR.split(match["points"] or "") if point)
    return SpecialRule(source=source, paragraph=match["paragraph"], points=points)


def special_rule_of(line) -> SpecialRule | None:
    """The special rule of a tariff line whose MFN duty is not a rate, or None when it is one."""
    if line.mfn_rate is not None:
        return None
    return special_rule_parse(line.mfn_rate_raw or line.mfn_rate_note)


def special_rule_reference(rule: SpecialRule) -> str:
    """Where the tariff states the rule: "paragraph 1.1 of chapter 98 of the tariff"."""
    if not rule.paragraph:
        return _("“%(text)s” in the tariff") % {"text": rule.source} if rule.source else _("a rule of the tariff")
    if not rule.points:
        return _("paragraph %(paragraph)s of chapter 98 of the tariff") % {"paragraph": rule.paragraph}
    if len(rule.points) == 1:
        return _("point %(point)s of paragraph %(paragraph)s of chapter 98 of the tariff") % {
            "point": rule.points[0], "paragraph": rule.paragraph}
    points = _("%(first)s and %(last)s") % {"first": ", ".join(rule.points[:-1]), "last": rule.points[-1]}
    return _("points %(points)s of paragraph %(paragraph)s of chapter 98 of the tariff") % {
        "points": points, "paragraph": rule.paragraph}


def special_rule_explanation(rule: SpecialRule) -> str:
    """What the rule means for the trader, in one sentence."""
    return _(
        "The import duty of this line is set by a special rule (%(reference)s), not by a rate: it cannot be "
        "computed from the declaration. A customs officer assesses it after registration; until then the "
        "duty is not counted and VAT is computed without it."
    ) % {"reference": special_rule_reference(rule)}


def special_rule_short(rule: SpecialRule) -> str:
    """The rule in a few words, for a rate column."""
    return _("Special rule: %(reference)s") % {"reference": special_rule_reference(rule)}
