"""The risk explanation of a declaration as the officer's review page shows it: the rules that
fired with the values that fired them (in words), the score against the thresholds, the
channel the rules or the content required, and the learned model's score with its reasons
(risk/model_explanation.py). Reads only; declarations' review page asks for it
through its `risk_explanation` extension point (registered in risk/apps.py)."""
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customs_portal.accounts.models import ComplianceLevel
from declarations.lifecycle import Channel
from declarations.models import Declaration
from declarations.review_display import decimal_or_none, decimal_text, value_text
from risk.condition_text import reason_sentence
from risk.model_explanation import model_explanation
from risk.selectivity import (
    CAPPED_RED_TO_GREEN,
    CAPPED_RED_TO_YELLOW,
    CAPPED_YELLOW_TO_GREEN,
    RANDOM,
    REQUIRED,
    SCORE,
)
from risk.selectors import assessment_latest, fired_rule_name, rule_version_descriptions
from risk.services.minimums import requirement_explanation, requirement_label


def risk_explanation(*, declaration: Declaration) -> dict | None:
    """The latest assessment of `declaration` for the officer's review page (declarations'
    `risk_explanation` extension point), or None before the first."""
    assessment = assessment_latest(declaration_id=declaration.pk)
    if assessment is None:
        return None
    fired = assessment.fired_rules or []
    keys = {(rule.get("rule"), rule.get("version")) for rule in fired}
    descriptions = rule_version_descriptions(keys=keys)
    rules = []
    for rule in fired:
        rules.append({
            **rule,
            "name": fired_rule_name(rule),
            "description": descriptions.get((rule.get("rule"), rule.get("version")), ""),
            "reasons": [_reason_display(reason) for reason in rule.get("reason") or []],
        })
    thresholds = assessment.thresholds or {}
    yellow, red = thresholds.get("yellow"), thresholds.get("red")
    selectivity = thresholds.get("selectivity")
    rates = selectivity or thresholds
    scale = max(int(red or 0) * 3 // 2, assessment.score, 1)
    return {
        "assessment": assessment,
        "rules": rules,
        "thresholds": thresholds,
        "yellow": yellow,
        "red": red,
        "scale": scale,
        "meter_value": max(assessment.score, 0),
        # <meter> counts a value equal to `low` as low; a score equal to a threshold is already the next channel.
        "meter_low": f"{int(yellow) - 0.5}" if yellow is not None else "0",
        "meter_high": f"{int(red) - 0.5}" if red is not None else str(scale),
        "forced_channel": _forced_channel(thresholds.get("min_channel"), assessment.required_minimums or []),
        "required": [_required_display(minimum) for minimum in assessment.required_minimums or []],
        # The rates applied: the class's (general or class minimum, the higher) once caps per class exist.
        "random_yellow_pct": _percent(rates.get("random_yellow_rate")),
        "random_red_pct": _percent(rates.get("random_red_rate")),
        "selectivity": selectivity_text(selectivity, score=assessment.score, yellow=yellow, red=red) if selectivity else "",
        "stale": assessment.declaration_version != declaration.version,
        "floor": thresholds.get("channel_floor"),
        "model": model_explanation(assessment),
    }


def _share_percent(rate) -> str:
    """A share or cap as a percentage to one decimal place, the reader's way ("5.3" / "5,3")."""
    return decimal_text((Decimal(str(rate)) * 100).quantize(Decimal("0.1")))


def selectivity_text(stored: dict, *, score: int, yellow, red) -> str:
    """The class's caps and random selection in the decision, in words (Assessment.thresholds["selectivity"],
    risk/selectivity.py): e.g. "Score 40 ≥ 30, but class High is at 5.3 % document checks in the last 30
    days against a 5 % cap: green by the cap"."""
    level = stored.get("level", "")
    counts = stored.get("counts") or {}
    values = {
        "level": ComplianceLevel(level).label if level in ComplianceLevel.values else level,
        "score": score, "yellow": yellow, "red": red, "days": stored.get("window_days", ""),
        "yellow_share": _share_percent(stored.get("yellow_share", 0)), "red_share": _share_percent(stored.get("red_share", 0)),
        "yellow_cap": _share_percent(stored.get("yellow_cap", 0)), "red_cap": _share_percent(stored.get("red_cap", 0)),
        "assessed": counts.get("assessed", 0),
        "random_yellow": _share_percent(stored.get("random_yellow_rate", 0)),
        "random_red": _share_percent(stored.get("random_red_rate", 0)),
    }
    reason = stored.get("reason")
    capped_yellow = _("Score %(score)s ≥ %(yellow)s, but class %(level)s is at %(yellow_share)s %% document checks in the "
                      "last %(days)s days against a %(yellow_cap)s %% cap: green by the cap.")
    capped_red_to_yellow = _("Score %(score)s ≥ %(red)s, but class %(level)s is at %(red_share)s %% physical inspections "
                             "in the last %(days)s days against a %(red_cap)s %% cap: yellow by the cap.")
    capped_red_to_green = _("Score %(score)s ≥ %(red)s, but class %(level)s is at %(red_share)s %% physical inspections "
                            "against a %(red_cap)s %% cap and %(yellow_share)s %% document checks against a %(yellow_cap)s %% "
                            "cap in the last %(days)s days: green by the caps.")
    if reason == CAPPED_YELLOW_TO_GREEN:
        return capped_yellow % values
    if reason == CAPPED_RED_TO_YELLOW:
        return capped_red_to_yellow % values
    if reason == CAPPED_RED_TO_GREEN:
        return capped_red_to_green % values
    if reason == REQUIRED:
        return _("Class %(level)s: the channel is required by a rule's minimum channel or by the content; it always "
                 "applies and is counted apart from the caps.") % values
    if reason == RANDOM:
        text = _("Class %(level)s: selected at random (rates applied %(random_yellow)s %% to yellow, %(random_red)s %% to "
                 "red, the general rate or the class's minimum, the higher); counted in the class's share.") % values
        if stored.get("capped"):
            lowered = capped_yellow if stored.get("score_channel") == Channel.YELLOW else capped_red_to_green
            text = f"{lowered % values} {text}"
        return text
    within = _("Class %(level)s is at %(yellow_share)s %% document checks and %(red_share)s %% physical inspections in the "
               "last %(days)s days (%(assessed)s assessed), against caps of %(yellow_cap)s %% and %(red_cap)s %%.") % values
    if reason == SCORE:
        return f"{within} {_('Under the cap: selected by the score.')}"
    return within


def _forced_channel(rules_minimum: str | None, required: list[dict]) -> str:
    """The strictest minimum channel, from the rules or required by the content; "" when none is above green."""
    order = list(Channel.values)
    channels = [channel for channel in [rules_minimum, *(minimum.get("channel") for minimum in required)] if channel in order]
    strictest = max(channels, key=order.index, default="")
    return "" if strictest in ("", Channel.GREEN) else strictest


def _required_display(minimum: dict) -> dict:
    return {
        "code": minimum.get("code", ""),
        "name": requirement_label(minimum.get("code", "")),
        "explanation": requirement_explanation(minimum.get("code", "")),
        "channel": minimum.get("channel", ""),
        "items": minimum.get("items", []),
    }


def _percent(rate) -> str:
    if rate in (None, ""):
        return "—"
    return f"{decimal_text(Decimal(str(rate)) * 100)} %"


OPERATORS = {"eq": "=", "ne": "≠", "lt": "<", "lte": "≤", "gt": ">", "gte": "≥", "in": "∈", "not_in": "∉",
             "startswith": gettext_lazy("starts with")}


def _watchlist_match_text(partner) -> str:
    """Which watchlisted partner a declared name is or resembles (risk.services.partner_match)."""
    if not isinstance(partner, dict) or not partner.get("name"):
        return ""
    values = {"name": partner["name"], "country": partner.get("country") or _("any country"),
              "similarity": decimal_text(decimal_or_none(partner.get("similarity")))}
    if decimal_or_none(partner.get("similarity")) == 100:
        return _("Listed as %(name)s (%(country)s)") % values
    return _("Resembles the watchlisted partner %(name)s (%(country)s): %(similarity)s %% similar") % values


def _reason_display(reason: dict) -> dict:
    """A condition that fired: `text` in words with the value found, for everyone who reads the
    explanation; the stored condition (`field`, `op`, `value`, `actual`) for risk admins."""
    return {
        "text": reason_sentence(reason),
        "field": reason.get("field", ""),
        "op": str(OPERATORS.get(reason.get("op"), reason.get("op", ""))),
        "value": value_text(reason.get("value")),
        "actual": value_text(reason.get("actual")),
        "item": reason.get("item"),
        "watchlist_match": _watchlist_match_text(reason.get("watchlisted_partner")),
    }
