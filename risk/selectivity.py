"""Inspection caps and random selection per compliance class: the decision, pure and deterministic.

No database here: `risk/services/assessment.py` (on the live path, with counts read from the class's
daily counters under the class's row lock) and the backtest (with counts kept in memory) call
`selectivity_decide` with the same inputs and get the same decision, so an assessment's stored
explanation (`Decision.as_json`, read back by `decision_from_json`) reproduces it.

The rules (docs/decisions.md, "Inspection caps and random selection per class"):
- the channel required by rules with a minimum channel and by the content's minimums always
  applies; it is counted apart (`yellow_required`, `red_required`) and never blocked by a cap;
- a selection by the score is made only while the class is under its cap over the window, with
  the ceiling rule of the post-clearance selection: allowed while selected < ceil(cap × (assessed + 1)),
  so the first declaration of a quiet window may be selected; red over its cap falls to yellow
  when yellow is under its cap, else to green;
- an otherwise-green declaration is selected at random at the class's effective rates
  (max(general rate, class minimum)); a random selection is never blocked by a cap (it is the
  minimum) and counts in the capped share (and also apart, as random).
"""
import math
from dataclasses import asdict, dataclass, field, replace
from decimal import Decimal

from risk.engine import CHANNEL_ORDER, random_selection, stricter

GREEN, YELLOW, RED = "green", "yellow", "red"

# Decision reasons.
SCORE = "score"  # the score's channel, the class under its cap
REQUIRED = "required"  # a rule's minimum channel or the content's minimum set the channel
RANDOM = "random"  # an otherwise-green declaration drawn at random
CAPPED_YELLOW_TO_GREEN = "capped_yellow_to_green"
CAPPED_RED_TO_YELLOW = "capped_red_to_yellow"
CAPPED_RED_TO_GREEN = "capped_red_to_green"
NONE = "green"  # nothing selected it
REASONS = (SCORE, REQUIRED, RANDOM, CAPPED_YELLOW_TO_GREEN, CAPPED_RED_TO_YELLOW, CAPPED_RED_TO_GREEN, NONE)
CAPPED_REASONS = (CAPPED_YELLOW_TO_GREEN, CAPPED_RED_TO_YELLOW, CAPPED_RED_TO_GREEN)

COUNTER_FIELDS = ("assessed", "yellow_selected", "red_selected", "yellow_required", "red_required",
                  "random_yellow", "random_red")

_ZERO = Decimal(0)


@dataclass(frozen=True)
class ClassCaps:
    """One compliance class's settings: the caps on the share of its declarations sent to yellow
    (document checks) and red (physical inspections) over the window, and its minimum random rates
    (the general rates of RiskSettings apply when higher). Rates are fractions in [0, 1]."""

    level: str
    yellow_cap: Decimal
    red_cap: Decimal
    random_yellow: Decimal = _ZERO
    random_red: Decimal = _ZERO


@dataclass
class WindowCounts:
    """What the class's counters hold over the window, before this declaration.

    `yellow_selected`/`red_selected` count the selections against the caps (by score and at
    random); `yellow_required`/`red_required` the channels set by minimum-channel rules and content
    minimums (counted apart); `random_yellow`/`random_red` the random selections (also in *_selected)."""

    assessed: int = 0
    yellow_selected: int = 0
    red_selected: int = 0
    yellow_required: int = 0
    red_required: int = 0
    random_yellow: int = 0
    random_red: int = 0

    def add(self, increments: dict) -> None:
        """Count one decision (`Decision.increments`) in, as the backtest's in-memory window does."""
        for name, value in increments.items():
            setattr(self, name, getattr(self, name) + value)

    def as_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Decision:
    """The channel the class's caps and random selection give, why, and the figures behind it."""

    channel: str
    reason: str
    score_channel: str
    required_channel: str
    capped: bool  # a cap lowered the score's channel (then the reason is a capped_* one, or random)
    level: str
    caps: ClassCaps
    counts: WindowCounts
    random_yellow_rate: Decimal  # effective: max(general, class minimum)
    random_red_rate: Decimal
    draw: Decimal
    # What this decision adds to the class's counters (always "assessed": 1).
    increments: dict = field(default_factory=dict)

    @property
    def random(self) -> bool:
        return self.reason == RANDOM

    @property
    def yellow_share(self) -> Decimal:
        return share(self.counts.yellow_selected, self.counts.assessed)

    @property
    def red_share(self) -> Decimal:
        return share(self.counts.red_selected, self.counts.assessed)

    def as_json(self) -> dict:
        """For the assessment's explanation (Assessment.thresholds["selectivity"]): every input of the
        decision and its outcome, Decimals as strings. `decision_from_json` decides again from it."""
        return {
            "level": self.level,
            "channel": self.channel,
            "reason": self.reason,
            "score_channel": self.score_channel,
            "required_channel": self.required_channel,
            "capped": self.capped,
            "yellow_cap": str(self.caps.yellow_cap),
            "red_cap": str(self.caps.red_cap),
            "class_random_yellow": str(self.caps.random_yellow),
            "class_random_red": str(self.caps.random_red),
            "random_yellow_rate": str(self.random_yellow_rate),
            "random_red_rate": str(self.random_red_rate),
            "counts": self.counts.as_json(),
            "yellow_share": str(self.yellow_share),
            "red_share": str(self.red_share),
            "increments": dict(self.increments),
        }


def share(selected: int, assessed: int) -> Decimal:
    """selected / assessed to four places (0 for an empty window)."""
    if not assessed:
        return _ZERO.quantize(Decimal("0.0001"))
    return (Decimal(selected) / Decimal(assessed)).quantize(Decimal("0.0001"))


def cap_allows(cap: Decimal, *, assessed: int, selected: int) -> bool:
    """Whether one more selection keeps the class within its cap: at most ceil(cap × n) of the n
    declarations of the window, this one included (post_clearance.services.selection's rule)."""
    return selected < math.ceil(Decimal(cap) * (assessed + 1))


def effective_rates(caps: ClassCaps, *, general_yellow: Decimal = _ZERO, general_red: Decimal = _ZERO) -> tuple[Decimal, Decimal]:
    """The class's random rates: the general rate, or the class's minimum when higher."""
    return max(Decimal(general_yellow), caps.random_yellow), max(Decimal(general_red), caps.random_red)


def selectivity_decide(*, score_channel: str, required_channel: str, draw: Decimal, caps: ClassCaps,
                       counts: WindowCounts, general_yellow_rate: Decimal = _ZERO,
                       general_red_rate: Decimal = _ZERO) -> Decision:
    """The channel of one declaration of the class `caps.level`.

    `score_channel` is the channel of the score alone; `required_channel` the strictest of the
    fired rules' minimum channels and the content's minimums ("green" when none); `draw` the
    declaration's random draw in [0, 1); `counts` the class's window before it.
    """
    required = required_channel or GREEN
    yellow_rate, red_rate = effective_rates(caps, general_yellow=general_yellow_rate, general_red=general_red_rate)
    yellow_open = cap_allows(caps.yellow_cap, assessed=counts.assessed, selected=counts.yellow_selected)
    red_open = cap_allows(caps.red_cap, assessed=counts.assessed, selected=counts.red_selected)

    # The score's selection, within the caps.
    by_score, reason = score_channel, SCORE
    if score_channel == RED and not red_open:
        by_score, reason = (YELLOW, CAPPED_RED_TO_YELLOW) if yellow_open else (GREEN, CAPPED_RED_TO_GREEN)
    elif score_channel == YELLOW and not yellow_open:
        by_score, reason = GREEN, CAPPED_YELLOW_TO_GREEN

    capped = by_score != score_channel
    channel = stricter(by_score, required)
    if CHANNEL_ORDER[required] >= CHANNEL_ORDER[score_channel]:
        # The score asked for nothing beyond what is required anyway.
        capped = False
        reason = REQUIRED if required != GREEN else NONE
    elif channel != by_score:
        # Red over both caps, yellow required: yellow, as red over its cap falls to (counted as required).
        reason = CAPPED_RED_TO_YELLOW

    increments = {"assessed": 1}
    if channel == GREEN:
        drawn = random_selection(GREEN, draw=Decimal(draw), yellow_rate=yellow_rate, red_rate=red_rate)
        if drawn != GREEN:
            channel, reason = drawn, RANDOM
            increments[f"{drawn}_selected"] = 1
            increments[f"random_{drawn}"] = 1
    elif channel == required:
        increments[f"{channel}_required"] = 1
    else:
        increments[f"{channel}_selected"] = 1
    return Decision(channel=channel, reason=reason, score_channel=score_channel, required_channel=required,
                    capped=capped, level=caps.level, caps=caps, counts=replace(counts), random_yellow_rate=yellow_rate,
                    random_red_rate=red_rate, draw=Decimal(draw), increments=increments)


def decision_from_json(stored: dict, *, draw: Decimal) -> Decision:
    """The decision again, from an assessment's stored explanation (`Decision.as_json`) and its draw:
    the same inputs give the same decision (the effective random rates are stored, so they stand
    for the general rates)."""
    caps = ClassCaps(level=stored["level"], yellow_cap=Decimal(stored["yellow_cap"]), red_cap=Decimal(stored["red_cap"]),
                     random_yellow=Decimal(stored["class_random_yellow"]), random_red=Decimal(stored["class_random_red"]))
    counts = WindowCounts(**{name: int(stored["counts"].get(name, 0)) for name in COUNTER_FIELDS})
    return selectivity_decide(score_channel=stored["score_channel"], required_channel=stored["required_channel"],
                              draw=draw, caps=caps, counts=counts,
                              general_yellow_rate=Decimal(stored["random_yellow_rate"]),
                              general_red_rate=Decimal(stored["random_red_rate"]))
