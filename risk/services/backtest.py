"""Backtests: what a candidate rule set would have decided on past declarations.

The channel mix "now" is what was decided (the stored assessment of each declaration);
"with the candidate" re-runs the engine with the candidate rules, the current thresholds
and each declaration's own random draw. A "hit" is a past physical inspection that found
a discrepancy (audit action `record_inspection` with `discrepancy: true`) on a declaration
that the candidate sends to red (or yellow, counted separately).
"""
import logging
from collections import Counter

from django.db import transaction
from django.db.models import F, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from customs_portal.errors import DomainValidationError
from declarations.lifecycle import Status
from declarations.models import AuditEvent, Declaration, GoodsItem
from risk.conditions import ConditionError, conditions_validate
from risk.engine import CompiledRuleSet, channel_for_score, random_selection, stricter
from risk.models import Assessment, BacktestRun, RiskRule, RiskRuleVersion
from risk.services.assessment import random_draw_for, risk_settings_current
from risk.services.compilation import rule_version_compile
from risk.services.facts import declaration_facts, items_for_facts

logger = logging.getLogger(__name__)
CHUNK = 500
MAX_RULES = 2000


def _candidate_rules(rules: list) -> list[dict]:
    """Rule ids (their current version) or inline rule bodies → validated rule bodies."""
    if not isinstance(rules, list) or not rules or len(rules) > MAX_RULES:
        raise DomainValidationError({"rules": [_("Give a list of 1 to %(max)d rule ids or rules.") % {"max": MAX_RULES}]})
    ids = [r for r in rules if isinstance(r, int) and not isinstance(r, bool)]
    known = {rule.pk: rule.current for rule in RiskRule.objects.filter(pk__in=ids).select_related("current")}
    candidates, errors = [], []
    for index, entry in enumerate(rules):
        if isinstance(entry, int) and not isinstance(entry, bool):
            version = known.get(entry)
            if version is None:
                errors.append(f"[{index}] " + _("No rule %(id)s.") % {"id": entry})
                continue
            candidates.append({"origin": f"rule {entry} v{version.version}", "rule_id": entry,
                               "name": version.name_vi or version.name_en, "name_en": version.name_en or version.name_vi,
                               "conditions": version.conditions, "score": version.score, "min_channel": version.min_channel})
        elif isinstance(entry, dict):
            try:
                conditions = conditions_validate(entry.get("conditions"))
                score = entry.get("score", 0)
                if isinstance(score, bool) or not isinstance(score, int) or not -1000 <= score <= 1000:
                    raise ConditionError(_("score must be a whole number between -1000 and 1000."))
                min_channel = entry.get("min_channel") or ""
                if min_channel not in ("", "green", "yellow", "red"):
                    raise ConditionError(_("min_channel must be green, yellow or red."))
            except ConditionError as exc:
                errors.append(f"[{index}] {exc}")
                continue
            name = str(entry.get("name") or f"candidate {index + 1}")[:200]
            candidates.append({"origin": "inline", "rule_id": None, "name": name, "conditions": conditions,
                               "score": score, "min_channel": min_channel})
        else:
            errors.append(f"[{index}] " + _("A rule id or a rule object."))
    if errors:
        raise DomainValidationError({"rules": errors})
    return candidates


def backtest_start(*, user, rules: list, date_from, date_to, include_current: bool = False) -> BacktestRun:
    from risk.tasks import backtest_run_enqueue

    if date_to < date_from:
        raise DomainValidationError({"to": [_("The end of the range must not be before its start.")]})
    with transaction.atomic():
        run = BacktestRun.objects.create(
            created_by=user, date_from=date_from, date_to=date_to, rules=_candidate_rules(rules),
            include_current=include_current,
        )
        transaction.on_commit(lambda: backtest_run_enqueue(run_id=run.pk))
    return run


def _compiled_candidates(run: BacktestRun) -> CompiledRuleSet:
    compiled = []
    for index, rule in enumerate(run.rules, start=1):
        version = RiskRuleVersion(
            pk=-index, rule_id=rule["rule_id"] or -index, version=0, name_vi=rule["name"],
            name_en=rule.get("name_en") or rule["name"], conditions=rule["conditions"],
            score=rule["score"], min_channel=rule["min_channel"], active=True,
        )
        compiled.append(rule_version_compile(version))
    if run.include_current:
        current = RiskRuleVersion.objects.filter(rule__current_id=F("id"), active=True)
        candidate_ids = {rule["rule_id"] for rule in run.rules if rule["rule_id"]}
        compiled += [rule_version_compile(v) for v in current if v.rule_id not in candidate_ids]
    return CompiledRuleSet(compiled)


def backtest_execute(*, run_id: int) -> BacktestRun | None:
    """Run (or finish) a backtest. Safe to call twice: a finished run is returned as it is."""
    run = BacktestRun.objects.filter(pk=run_id).first()
    if run is None:
        logger.warning("backtest %s does not exist", run_id)
        return None
    if run.state in (BacktestRun.State.DONE, BacktestRun.State.FAILED):
        return run
    declarations = (
        Declaration.objects.filter(registered_at__date__gte=run.date_from, registered_at__date__lte=run.date_to)
        .exclude(status=Status.DRAFT)
        .select_related("enterprise")
        .order_by("id")
    )
    run.state, run.total, run.processed = BacktestRun.State.RUNNING, declarations.count(), 0
    run.save(update_fields=["state", "total", "processed"])
    try:
        rule_set = _compiled_candidates(run)
        settings = risk_settings_current()
        now_mix, candidate_mix, moves = Counter(), Counter(), Counter()
        fired_counts = Counter()
        names_en = {}  # the English name of each rule counted in `fired_counts` (by its Vietnamese name)
        discrepancies = set(
            AuditEvent.objects.filter(action="record_inspection", data__discrepancy=True, declaration__in=declarations)
            .values_list("declaration_id", flat=True)
        )
        hits = Counter()
        last_id = 0
        while True:
            chunk = list(declarations.filter(id__gt=last_id)
                         .prefetch_related(Prefetch("items", queryset=items_for_facts(GoodsItem.objects.all())))[:CHUNK])
            if not chunk:
                break
            decided, draws = {}, {}
            for a in (Assessment.objects.filter(declaration__in=chunk).order_by("declaration_id", "declaration_version")
                      .only("declaration_id", "channel", "random_draw")):
                decided[a.declaration_id] = a.channel
                draws.setdefault(a.declaration_id, a.random_draw)  # the declaration's one draw
            for declaration in chunk:
                facts = declaration_facts(declaration=declaration, items=list(declaration.items.all()))
                result = rule_set.evaluate(facts)
                channel = stricter(
                    channel_for_score(result.score, yellow_threshold=settings.yellow_threshold, red_threshold=settings.red_threshold),
                    result.min_channel,
                )
                draw = draws.get(declaration.pk)
                channel = random_selection(channel, draw=random_draw_for(declaration) if draw is None else draw,
                                           yellow_rate=settings.random_yellow_rate, red_rate=settings.random_red_rate)
                before = decided.get(declaration.pk, "unassessed")
                now_mix[before] += 1
                candidate_mix[channel] += 1
                moves[f"{before}->{channel}"] += 1
                for fired in result.fired:
                    fired_counts[fired["name"]] += 1
                    names_en[fired["name"]] = fired.get("name_en") or fired["name"]
                if declaration.pk in discrepancies:
                    hits[f"now_{before}"] += 1
                    hits[f"candidate_{channel}"] += 1
            last_id = chunk[-1].pk
            run.processed += len(chunk)
            BacktestRun.objects.filter(pk=run.pk).update(processed=run.processed)
        run.result = {
            "declarations": run.total,
            "channel_mix_now": dict(now_mix),
            "channel_mix_candidate": dict(candidate_mix),
            "moves": dict(moves),
            "fired_rules": dict(fired_counts.most_common()),
            "fired_rule_names_en": names_en,
            "inspections_with_discrepancy": len(discrepancies),
            "discrepancies_selected_now": hits["now_red"] + hits["now_yellow"],
            "discrepancies_selected_candidate": hits["candidate_red"] + hits["candidate_yellow"],
            "discrepancies_red_candidate": hits["candidate_red"],
            "thresholds": {"yellow": settings.yellow_threshold, "red": settings.red_threshold},
        }
        run.state = BacktestRun.State.DONE
    except Exception as exc:  # a failed run is reported in the page rather than retried forever
        logger.exception("backtest %s failed", run.pk)
        run.state, run.error = BacktestRun.State.FAILED, str(exc)[:2000]
    run.finished_at = timezone.now()
    run.save(update_fields=["state", "result", "error", "finished_at", "processed"])
    return run
