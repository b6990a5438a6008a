"""The risk explanation of a declaration as the officer's review page shows it: the rules that
fired with the values that fired them (in words), the score against the thresholds, the
channel the rules or the content required. Reads only; declarations' review page asks for it
through its `risk_explanation` extension point (registered in risk/apps.py)."""
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from declarations.lifecycle import Channel
from declarations.models import Declaration
from declarations.review_display import decimal_or_none, decimal_text, value_text
from risk.condition_text import reason_sentence
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
        "random_yellow_pct": _percent(thresholds.get("random_yellow_rate")),
        "random_red_pct": _percent(thresholds.get("random_red_rate")),
        "stale": assessment.declaration_version != declaration.version,
        "floor": thresholds.get("channel_floor"),
    }


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
