"""The rate notation of Vietnam's tariff (reference/data/tariff-2026.csv), parsed into one rate.

The source writes each rate as text: a percentage with a decimal comma or point, `*` for
"no preference", party exclusions `0 (-KH)`, a Mexico rate under CPTPP `28; M: 35`, rates
whose condition the source does not state `0/3,7`, in-quota rates `40 (NHN: 80)`, `Q` for
a preference under a tariff quota, `150% thuế MFN`, and chapter-98 references. Where the
notation leaves a choice (which alternative, in or out of quota) we take the rate that
cannot under-collect duty and say so in `note`, so the choice is visible to the officer
and the trader. Anything not recognised is `unparsed`: it is never read as zero.

Notes are written in the active language. The loader stores them in English (the `note` of
the tariff tables); messages to a reader write them again in the reader's language from the
notation itself (`rate_note`).
"""
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

RATE = "rate"
NONE = "none"
QUOTA = "quota"
SPECIAL = "special"
UNPARSED = "unparsed"

# Letters the source puts before a party-specific rate (`28; M: 35`): only Mexico in CPTPP.
COUNTRY_LETTERS = {"M": "MX"}
COUNTRY_NAMES = {"MX": gettext_lazy("Mexico")}

_NUMBER = r"\d+(?:[.,]\d+)?"
_ALTERNATIVE = re.compile(
    rf"""^\s*(?:(?P<star>\*)|(?P<number>{_NUMBER}))\s*
    (?:\(\s*-\s*(?P<excluded>[^()]*)\))?\s*
    (?:\(\s*NHN\s*:\s*(?P<out_of_quota>{_NUMBER})\s*\))?\s*$""",
    re.VERBOSE,
)
_COUNTRY_GROUP = re.compile(r"^\s*(?P<letter>[A-Z])\s*:\s*(?P<rates>.+)$")
_PERCENT_OF_MFN = re.compile(rf"^(?P<percent>{_NUMBER})\s*%\s*(?:thuế\s*)?MFN$", re.IGNORECASE)
_CHAPTER_98 = re.compile(r"Chương\s*98", re.IGNORECASE)
_GIC_SUFFIX = re.compile(r"\(\s*GIC\s*\)\s*$")
_PARTY = re.compile(r"^[A-Z]{2}$")

GIC_NOTE = gettext_lazy(
    "(GIC): under AKFTA Vietnam also grants this rate to goods made in the Gaeseong (Kaesong) "
    "Industrial Complex, North Korea, and shipped from Korea with a form AK certificate; "
    "that outward-processing case is not modelled, the rate is applied as for any AKFTA origin"
)
QUOTA_NOTE = gettext_lazy("preference subject to a tariff quota (not modelled)")


@dataclass(frozen=True)
class ParsedRate:
    raw: str
    status: str  # "rate" | "none" | "quota" | "special" | "unparsed"
    rate: Decimal | None  # the rate that applies (percent) when status == "rate"
    excluded: tuple[str, ...] = ()  # ISO alpha-2 parties denied this rate
    country_rates: dict = field(default_factory=dict)  # {"MX": Decimal("35")}
    alternatives: tuple[Decimal, ...] = ()  # "0/3,7" -> (0, 3.7)
    note: str = ""  # explanation of any choice made, in the active language

    def as_json(self) -> dict:
        """JSON-safe form stored in TariffLine.preferential: decimals as strings, empty parts omitted."""
        data = {"raw": self.raw, "status": self.status}
        if self.rate is not None:
            data["rate"] = str(self.rate)
        if self.excluded:
            data["excluded"] = list(self.excluded)
        if self.country_rates:
            data["country_rates"] = {party: str(rate) for party, rate in self.country_rates.items()}
        if self.alternatives:
            data["alternatives"] = [str(rate) for rate in self.alternatives]
        if self.note:
            data["note"] = self.note
        return data


class _Unparsed(ValueError):
    pass


@dataclass
class _Group:
    """One `/`-separated group of alternatives, e.g. `0 (-KH)/5` or `35/30`."""

    rate: Decimal | None
    numbers: tuple[Decimal, ...]
    excluded: tuple[str, ...]
    has_star: bool
    notes: list[str]


def parse_rate(raw: str, *, mfn: Decimal | None = None) -> ParsedRate:
    """Parse one cell of the tariff; `mfn` is the line's MFN rate, needed for `150% thuế MFN`."""
    raw = "" if raw is None else str(raw)
    text = unicodedata.normalize("NFC", raw).replace("\xa0", " ").strip()
    try:
        return _parse(raw, text, mfn)
    except _Unparsed as error:
        return ParsedRate(raw=raw, status=UNPARSED, rate=None,
                          note=_("unrecognised rate notation: %(error)s") % {"error": error})


def rate_note(raw: str, *, mfn: Decimal | None = None) -> str:
    """The note of a rate notation in the active language (the tables keep the loader's English one)."""
    return parse_rate(raw, mfn=mfn).note


def _parse(raw: str, text: str, mfn: Decimal | None) -> ParsedRate:
    if text in ("", "*"):
        return ParsedRate(raw=raw, status=NONE, rate=None)
    if _CHAPTER_98.search(text):
        return ParsedRate(
            raw=raw,
            status=SPECIAL,
            rate=None,
            note=_("rate set by a chapter-98 rule of the tariff; it cannot be computed automatically"),
        )
    if text.upper() == "Q":
        return ParsedRate(raw=raw, status=QUOTA, rate=None, note=str(QUOTA_NOTE))
    percent_of_mfn = _PERCENT_OF_MFN.match(text)
    if percent_of_mfn:
        return _percent_of_mfn(raw, _decimal(percent_of_mfn["percent"]), mfn)

    notes = []
    if _GIC_SUFFIX.search(text):
        text = _GIC_SUFFIX.sub("", text).strip()
        notes.append(str(GIC_NOTE))

    general_text, *country_texts = text.split(";")
    general = _group(general_text)
    country_rates = {}
    for country_text in country_texts:
        match = _COUNTRY_GROUP.match(country_text)
        if not match or match["letter"] not in COUNTRY_LETTERS:
            raise _Unparsed(f"unknown party-specific rate {country_text.strip()!r}")
        party = COUNTRY_LETTERS[match["letter"]]
        group = _group(match["rates"])
        if group.excluded:
            raise _Unparsed(f"exclusions inside the {party} rate {country_text.strip()!r}")
        if group.rate is None:
            raise _Unparsed(f"no {party} rate in {country_text.strip()!r}")
        country_rates[party] = group.rate
        notes.extend(f"{COUNTRY_NAMES.get(party, party)}: {note}" for note in group.notes)

    if general.rate is None:
        if country_rates:
            raise _Unparsed("a party-specific rate without a general rate")
        return ParsedRate(raw=raw, status=NONE, rate=None, note="; ".join(general.notes + notes))

    return ParsedRate(
        raw=raw,
        status=RATE,
        rate=general.rate,
        excluded=general.excluded,
        country_rates=country_rates,
        alternatives=general.numbers if len(general.numbers) + general.has_star > 1 else (),
        note="; ".join(general.notes + notes),
    )


def _group(text: str) -> _Group:
    numbers, excluded_by_alternative, notes, shown = [], [], [], []
    has_star = False
    for part in text.split("/"):
        match = _ALTERNATIVE.match(part)
        if not match:
            raise _Unparsed(repr(part.strip()) if part.strip() else "empty alternative")
        excluded = _parties(match["excluded"]) if match["excluded"] is not None else ()
        if match["star"]:
            has_star = True
            shown.append("*")
            if excluded or match["out_of_quota"]:
                raise _Unparsed(f"qualifiers on '*' in {part.strip()!r}")
            continue
        number = _decimal(match["number"])
        if match["out_of_quota"]:
            out_of_quota = _decimal(match["out_of_quota"])
            notes.append(
                _("in-quota rate %(in_quota)s, out-of-quota (NHN) rate %(out_of_quota)s: tariff-quota "
                  "allocation is not modelled, so the out-of-quota rate is taken")
                % {"in_quota": number, "out_of_quota": out_of_quota}
            )
            number = max(number, out_of_quota)
        numbers.append(number)
        shown.append(str(number))
        excluded_by_alternative.append(excluded)

    if not numbers:
        note = _("every alternative is '*' (no preference)") if has_star and "/" in text else ""
        return _Group(rate=None, numbers=(), excluded=(), has_star=has_star, notes=[note] if note else [])

    rate = max(numbers)
    shown = "/".join(shown)
    if has_star:
        notes.append(
            _("alternatives %(alternatives)s depend on a condition the source does not state, and under one of "
              "them there is no preference ('*'); the highest numeric rate, %(rate)s, is taken")
            % {"alternatives": shown, "rate": rate}
        )
    elif len(set(numbers)) == 1 and len(numbers) > 1:
        notes.append(_("alternatives %(alternatives)s depend on a condition the source does not state; they are equal")
                     % {"alternatives": shown})
    elif len(numbers) > 1:
        notes.append(
            _("alternatives %(alternatives)s depend on a condition the source does not state; the higher, %(rate)s, "
              "is taken") % {"alternatives": shown, "rate": rate}
        )
    union = tuple(dict.fromkeys(party for parties in excluded_by_alternative for party in parties))
    if len(numbers) > 1 and len(set(excluded_by_alternative)) > 1:
        notes.append(
            _("the alternatives exclude different parties; all of them (%(parties)s) are denied this rate, "
              "conservatively") % {"parties": ", ".join(union)}
        )
    return _Group(rate=rate, numbers=tuple(numbers), excluded=union, has_star=has_star, notes=notes)


def _percent_of_mfn(raw: str, percent: Decimal, mfn: Decimal | None) -> ParsedRate:
    if mfn is None:
        return ParsedRate(
            raw=raw,
            status=SPECIAL,
            rate=None,
            note=_("%(percent)s %% of the MFN rate, which is not a number for this line (set by a chapter-98 rule), "
                   "so it cannot be computed automatically") % {"percent": percent},
        )
    rate = _plain(percent * Decimal(mfn) / 100)
    return ParsedRate(raw=raw, status=RATE, rate=rate,
                      note=_("%(percent)s %% of the MFN rate %(mfn)s") % {"percent": percent, "mfn": _plain(Decimal(mfn))})


def _parties(text: str) -> tuple[str, ...]:
    parties = tuple(dict.fromkeys(p.strip().upper() for p in text.split(",") if p.strip()))
    if not parties:
        raise _Unparsed("empty exclusion list")
    for party in parties:
        if not _PARTY.match(party):
            raise _Unparsed(f"{party!r} is not an ISO alpha-2 party code")
    return parties


def _decimal(text: str) -> Decimal:
    return _plain(Decimal(text.replace(",", ".")))


def _plain(value: Decimal) -> Decimal:
    """5.000 -> 5, 3.70 -> 3.7, 10 stays 10 (not 1E+1)."""
    value = value.normalize()
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value
