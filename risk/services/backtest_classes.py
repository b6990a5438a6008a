"""The caps per compliance class in a backtest: each side's decisions simulated in time order.

The backtest goes through the declarations in registration order; for each side that runs the rules
(the candidate, and the rules in force when the baseline is run again), `ClassSimulation` keeps the
window of each class in memory as daily buckets over the last `cap_window_days` days, as the live
counters do (risk/selectivity.py explains the decision, `selectivity_decide`), and decides each
declaration with the window it would have seen. The decided baseline is reported from the stored
assessments (`ClassTally.add_stored`): their recorded selectivity decision, or, for assessments made
before the caps, their channel (a required channel is not told apart there).

A declaration's class is the one its enterprise had when it was assessed (the assessment's
explanation, `thresholds["selectivity"]["level"]`), or the enterprise's current level for assessments
made before the caps: counted per class in `fallback`, and said on the page.

The window before the period's start is seeded from the live counters of those days (the same for
both sides), so the first days of the period are not decided against an empty window.
"""
from collections import deque
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from customs_portal.accounts.models import ComplianceLevel
from risk.selectivity import (
    CAPPED_REASONS,
    COUNTER_FIELDS,
    ClassCaps,
    Decision,
    WindowCounts,
    selectivity_decide,
    share,
)

LEVELS = tuple(ComplianceLevel.values)
# The fields of a class's report, beside the caps.
REPORT_FIELDS = ("declarations", "yellow_selected", "red_selected", "yellow_required", "red_required", "random_yellow",
                 "random_red", "capped", "capped_yellow_to_green", "capped_red_to_yellow", "capped_red_to_green", "fallback",
                 "not_told_apart")


class ClassWindow:
    """The rolling window of one class: daily buckets of the last `days` days, and their sum."""

    def __init__(self, days: int):
        self.days = max(int(days), 1)
        self.buckets: deque[tuple[date, WindowCounts]] = deque()
        self.total = WindowCounts()

    def counts_on(self, day: date) -> WindowCounts:
        """The window a declaration of `day` sees: the days from `day` - (days - 1) to `day`."""
        first = day - timedelta(days=self.days - 1)
        while self.buckets and self.buckets[0][0] < first:
            _day, old = self.buckets.popleft()
            for name in COUNTER_FIELDS:
                setattr(self.total, name, getattr(self.total, name) - getattr(old, name))
        return self.total

    def add(self, day: date, increments: dict) -> None:
        if not self.buckets or self.buckets[-1][0] != day:
            # Days come in order; a seed's day before the last one is added to its own bucket all the same.
            self.buckets.append((day, WindowCounts()))
        self.buckets[-1][1].add(increments)
        self.total.add(increments)


@dataclass
class ClassTally:
    """A side's report of one class over the period."""

    counts: dict = field(default_factory=lambda: dict.fromkeys(REPORT_FIELDS, 0))

    def add_decision(self, decision: Decision, *, fallback: bool) -> None:
        self._add(decision.increments, fallback=fallback)
        if decision.capped:
            self.counts["capped"] += 1
            self.counts[_capped_reason(reason=decision.reason, score_channel=decision.score_channel)] += 1

    def add_stored(self, *, stored: dict | None, channel: str, random: bool, fallback: bool) -> None:
        """A decision taken at the time: the caps' decision its assessment recorded (`Decision.as_json`),
        or, for an assessment made before the caps (`stored` None), its channel counted as selected
        (random or not; a required channel is not told apart there)."""
        if stored and isinstance(stored.get("increments"), dict):
            self._add(stored["increments"], fallback=fallback)
            if stored.get("capped"):
                reason = _capped_reason(reason=stored.get("reason"), score_channel=stored.get("score_channel"))
                self.counts["capped"] += 1
                self.counts[reason] += 1
            return
        increments = {"assessed": 1}
        if channel in ("yellow", "red"):
            increments[f"{channel}_selected"] = 1
            if random:
                increments[f"random_{channel}"] = 1
            else:
                self.counts["not_told_apart"] += 1
        self._add(increments, fallback=fallback)

    def _add(self, increments: dict, *, fallback: bool) -> None:
        self.counts["declarations"] += increments.get("assessed", 1)
        for name, value in increments.items():
            if name in self.counts:
                self.counts[name] += value
        self.counts["fallback"] += fallback

    def result(self, caps: ClassCaps | None) -> dict:
        counts = dict(self.counts)
        n = counts["declarations"]
        shares = {f"{name}_share": str(share(counts[name], n)) for name in (
            "yellow_selected", "red_selected", "yellow_required", "red_required", "random_yellow", "random_red")}
        limits = {} if caps is None else {
            "yellow_cap": str(caps.yellow_cap), "red_cap": str(caps.red_cap), "class_random_yellow": str(caps.random_yellow),
            "class_random_red": str(caps.random_red),
            "yellow_over_cap": share(counts["yellow_selected"], n) > caps.yellow_cap,
            "red_over_cap": share(counts["red_selected"], n) > caps.red_cap,
        }
        return {**counts, **shares, **limits}


def _capped_reason(*, reason: str, score_channel: str) -> str:
    """Which way the cap lowered the score's channel: its reason, or, when the draw then selected the
    declaration (reason "random"), the score's channel down to green."""
    if reason in CAPPED_REASONS:
        return reason
    return "capped_yellow_to_green" if score_channel == "yellow" else "capped_red_to_green"


class ClassSimulation:
    """One side's decisions under the caps, declaration by declaration in time order."""

    def __init__(self, *, caps: dict[str, ClassCaps], window_days: int, general_yellow: Decimal, general_red: Decimal,
                 seed: dict | None = None):
        self.caps = caps
        self.general_yellow, self.general_red = Decimal(general_yellow), Decimal(general_red)
        self.windows = {level: ClassWindow(window_days) for level in caps}
        self.tallies = {level: ClassTally() for level in caps}
        for (level, day), increments in sorted((seed or {}).items(), key=lambda item: item[0][1]):
            if level in self.windows:
                self.windows[level].add(day, increments)

    def decide(self, *, level: str, day: date, score_channel: str, required_channel: str, draw: Decimal,
               fallback: bool) -> Decision:
        caps = self.caps[level]
        window = self.windows[level]
        decision = selectivity_decide(score_channel=score_channel, required_channel=required_channel, draw=draw, caps=caps,
                                      counts=window.counts_on(day), general_yellow_rate=self.general_yellow,
                                      general_red_rate=self.general_red)
        window.add(day, decision.increments)
        self.tallies[level].add_decision(decision, fallback=fallback)
        return decision

    def result(self) -> dict:
        return {level: self.tallies[level].result(self.caps[level]) for level in self.caps}


def stored_classes_result(tallies: dict[str, ClassTally], caps: dict[str, ClassCaps]) -> dict:
    """The decided baseline's report: every class, with the caps in force now beside it."""
    return {level: tallies.get(level, ClassTally()).result(caps.get(level)) for level in caps}
