"""Hit rates in a backtest: for each rule of a side, the past checks of the declarations it fires on,
and how many of them found a discrepancy; the same for the side's random selection.

"Check" and "found a discrepancy" are those of the rule list's hit rates (risk/selectors/hit_rates.py,
`past_checks`): a check counts once it has a result, physical inspections (red, or an inspection was
recorded) and document checks (yellow) separately. A rule's declarations are those it fires on in
the backtest, whatever channel the side then gives them (a rule of +10 still shows how risky its
declarations were found to be); the random selection's are the declarations the side sends to yellow
or red by the draw alone. The decided baseline has no rules run again: its random selection is the
one recorded in the stored assessment. docs/decisions.md, "Hit rates".
"""
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from risk.selectors.hit_rates import DOCUMENT, PHYSICAL, PastCheck

KINDS = (PHYSICAL, DOCUMENT)


def _rate(checked: int, found: int) -> str | None:
    """found / checked as the hit-rate API writes it ("0.5000"), None without checks."""
    if not checked:
        return None
    return str((Decimal(found) / Decimal(checked)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))


def _counts() -> dict:
    return {kind: [0, 0] for kind in KINDS}


def _as_result(counts: dict) -> dict:
    return {kind: {"checked": checked, "found": found, "hit_rate": _rate(checked, found)}
            for kind, (checked, found) in counts.items()}


class HitTally:
    """The past checks counted for one side of a backtest, declaration by declaration."""

    def __init__(self):
        self.rules: dict[tuple, dict] = defaultdict(_counts)
        self.random = _counts()

    def add(self, *, fired_keys, check: PastCheck | None, random: bool) -> None:
        """A declaration of the side: the keys of the rules that fired on it, its past check (None: not
        checked, or no result yet) and whether the side selected it at random."""
        for key in fired_keys:
            self.rules[key]  # a rule that fired is listed, with or without checks
        if check is None:
            return
        for key in fired_keys:
            counts = self.rules[key][check.kind]
            counts[0] += 1
            counts[1] += check.found
        if random:
            self.random[check.kind][0] += 1
            self.random[check.kind][1] += check.found

    def result(self, *, named) -> dict:
        """{"rules": [{<the rule's name and version, by `named(key)`>, "physical": {"checked", "found",
        "hit_rate"}, "document": {…}}] (most checks first), "random": {"physical": …, "document": …}}."""
        entries = [{**named(key), **_as_result(counts)} for key, counts in self.rules.items()]
        entries.sort(key=lambda e: (-(e[PHYSICAL]["checked"] + e[DOCUMENT]["checked"]), e.get("name") or ""))
        return {"rules": entries, "random": _as_result(self.random)}

    def random_result(self) -> dict:
        return {"rules": None, "random": _as_result(self.random)}
