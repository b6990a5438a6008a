"""Backtests: what a candidate rule set would have decided on past declarations.

The candidate side re-runs the engine with the candidate rules (alone, or in place of their
current versions among the rules in force), the current thresholds or the candidate's
(`candidate_settings`), and each declaration's own random draw. It is compared with a baseline:
- `decided`: what was decided at the time (the stored assessment of each declaration);
- `rules_in_force`: the rules and settings in force now, run again the same way, so that the
  difference is the candidate's effect alone (the rule form's backtest, the preview of a change).
Minimum channels the content requires (risk/services/minimums.py) apply on both sides. The caps and
random selection of each declaration's compliance class apply as in `risk_assess`, simulated in
registration order (risk/services/backtest_classes.py), and the result reports each class against
its caps (`classes`) and the hit rates of each side's rules and random selection (`hit_rates`,
risk/services/backtest_hit_rates.py). When a rule of either side tests `model.score`, the active learned
model scores every declaration from what was known before its day (risk/services/backtest_model.py),
and the result says which version scored and which declarations were in its training data (`model`).

A "hit" is a past physical inspection that found a discrepancy (audit action
`record_inspection` with `discrepancy: true`) on a declaration that the candidate sends to
red (or yellow, counted separately).
"""
import json
import logging
from collections import Counter
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Prefetch, Q
from django.db.models.fields.json import KT
from django.utils import timezone
from django.utils.translation import gettext as _

from customs_portal.accounts.models import ComplianceLevel
from customs_portal.audit.models import AuditEvent
from customs_portal.errors import DomainValidationError
from customs_portal.languages import in_active_language
from declarations.lifecycle import Status
from declarations.models import Declaration, DutyAssessment, GoodsItem
from risk.conditions import ConditionError, conditions_validate
from risk.engine import CompiledRuleSet, channel_for_score, stricter
from risk.models import Assessment, BacktestRun, RiskRule, RiskRuleVersion
from risk.selectors import items_for_facts
from risk.selectors.backtest_classes import ClassSelectivityInForce, class_selectivity_in_force, class_window_seed
from risk.selectors.hit_rates import past_checks
from risk.services.assessment import random_draw_for, risk_settings_current
from risk.services.backtest_classes import ClassSimulation, ClassTally, stored_classes_result
from risk.services.backtest_hit_rates import HitTally
from risk.services.backtest_model import MODEL_FIELD, backtest_model_for, model_rule
from risk.services.compilation import rule_set_compile, rule_version_compile
from risk.services.facts import declaration_facts
from risk.services.minimums import DUTY_TO_BE_ASSESSED, REQUIREMENTS
from risk.services.model_score import active_model
from risk.services.rules import rule_values_changed, rule_values_new

logger = logging.getLogger(__name__)
CHUNK = 500
MAX_RULES = 2000
# The declarations whose channel differs, kept in the result (the count is always complete).
CHANGED_LIMIT = 500
SETTINGS_FIELDS = ("yellow_threshold", "red_threshold", "random_yellow_rate", "random_red_rate")


def candidate_from_version(version: RiskRuleVersion, *, unsaved: bool = False, proposed: bool = False) -> dict:
    """A rule version as a candidate of a run: what the engine needs, and what names it. `unsaved`: typed in
    the rule form; `proposed`: the version a change held for confirmation would make (risk/services/changes.py)."""
    return {
        "origin": f"rule {version.rule_id} v{version.version}" if version.rule_id else "new rule",
        "rule_id": version.rule_id, "version": version.version,
        "unsaved": unsaved, "proposed": proposed, "name": version.name_vi or version.name_en, "name_en": version.name_en or version.name_vi,
        "conditions": version.conditions, "score": version.score, "min_channel": version.min_channel,
        "valid_from": version.valid_from.isoformat() if version.valid_from else None,
        "valid_to": version.valid_to.isoformat() if version.valid_to else None,
    }


def backtest_rule_label(rule: dict) -> str:
    """How a candidate or fired rule is named to people: "Thuốc lá (v2)", "Thuốc lá (v3, not saved)",
    "Thuốc lá (v3, not applied yet)"."""
    name = in_active_language(rule.get("name") or "", rule.get("name_en") or "")
    version = rule.get("version")
    if rule.get("proposed") and version:
        return _("%(name)s (v%(version)s, not applied yet)") % {"name": name, "version": version}
    if rule.get("unsaved"):
        if version:
            return _("%(name)s (v%(version)s, not saved)") % {"name": name, "version": version}
        return _("%(name)s (new, not saved)") % {"name": name}
    if version:
        return _("%(name)s (v%(version)s)") % {"name": name, "version": version}
    return name


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
            candidates.append(candidate_from_version(version))
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
            candidates.append({"origin": "inline", "rule_id": None, "version": None, "name": name,
                               "name_en": str(entry.get("name_en") or name)[:200], "conditions": conditions,
                               "score": score, "min_channel": min_channel})
        else:
            errors.append(f"[{index}] " + _("A rule id or a rule object."))
    if errors:
        raise DomainValidationError({"rules": errors})
    return candidates


def backtest_run_create(*, user, candidates: list[dict], date_from: date, date_to: date, include_current: bool,
                        baseline: str = BacktestRun.Baseline.DECIDED, candidate_settings: dict | None = None) -> BacktestRun:
    """A run of validated candidates (`candidate_from_version` or `_candidate_rules`), queued once committed."""
    from risk.tasks import backtest_run_enqueue

    if date_to < date_from:
        raise DomainValidationError({"to": [_("The end of the range must not be before its start.")]})
    with transaction.atomic():
        run = BacktestRun.objects.create(
            created_by=user, date_from=date_from, date_to=date_to, rules=candidates, include_current=include_current,
            baseline=baseline, candidate_settings=candidate_settings,
        )
        transaction.on_commit(lambda: backtest_run_enqueue(run_id=run.pk))
    return run


def backtest_start(*, user, rules: list, date_from, date_to, include_current: bool = False,
                   baseline: str = BacktestRun.Baseline.DECIDED) -> BacktestRun:
    """A backtest of rule ids or inline rules (the API and the backtest page), against the decisions taken
    or the rules in force run again (`baseline`)."""
    if date_to < date_from:
        raise DomainValidationError({"to": [_("The end of the range must not be before its start.")]})
    if baseline not in BacktestRun.Baseline.values:
        raise DomainValidationError({"baseline": [_("The baseline is the decisions taken or the rules in force.")]})
    return backtest_run_create(user=user, candidates=_candidate_rules(rules), date_from=date_from, date_to=date_to,
                               include_current=include_current, baseline=baseline)


def backtest_model_rule_start(*, user, threshold: Decimal, score: int, date_from: date, date_to: date,
                              rules: list = ()) -> BacktestRun:
    """The backtest page's preset: the rules in force with a rule on the active model's score (and the rules
    chosen, if any) against the rules in force alone, so that the difference is the model rule's effect."""
    errors = {}
    if not Decimal(0) <= Decimal(threshold) <= Decimal(1):
        errors["model_threshold"] = [_("The model's score is between 0 and 1.")]
    if isinstance(score, bool) or not isinstance(score, int) or not -1000 <= score <= 1000:
        errors["model_score"] = [_("score must be a whole number between -1000 and 1000.")]
    if active_model() is None:
        errors["model"] = [_("No learned model is active: activate a version before backtesting a rule on its score.")]
    if errors:
        raise DomainValidationError(errors)
    return backtest_start(user=user, rules=[*rules, model_rule(threshold=threshold, score=score)], date_from=date_from,
                          date_to=date_to, include_current=True, baseline=BacktestRun.Baseline.RULES_IN_FORCE)


def rule_form_backtest_start(*, user, rule: RiskRule | None, data: dict, date_from: date, date_to: date) -> BacktestRun:
    """The rule form's backtest: the rule as typed (`data`, not saved; active, whatever the form says)
    added to the rules in force, or in place of its current version, against the rules in force."""
    if rule is not None:
        current = RiskRule.objects.select_related("current").get(pk=rule.pk).current
        values = rule_values_changed(current=current, data=data)
        version = RiskRuleVersion(rule_id=rule.pk, version=current.version + 1, **{**values, "active": True})
    else:
        version = RiskRuleVersion(rule_id=None, version=None, **{**rule_values_new(data=data), "active": True})
    return backtest_run_create(user=user, candidates=[candidate_from_version(version, unsaved=True)], date_from=date_from,
                               date_to=date_to, include_current=True, baseline=BacktestRun.Baseline.RULES_IN_FORCE)


def _rules_in_force() -> list[RiskRuleVersion]:
    return list(RiskRuleVersion.objects.filter(rule__current_id=F("id"), active=True))


def _compiled_candidates(run: BacktestRun, in_force: list[RiskRuleVersion]) -> CompiledRuleSet:
    compiled = []
    for index, rule in enumerate(run.rules, start=1):
        if rule.get("active") is False:  # a change that deactivates the rule: it only leaves the rules in force
            continue
        version = RiskRuleVersion(
            pk=-index, rule_id=rule["rule_id"] or -index, version=rule.get("version") or 0, name_vi=rule["name"],
            name_en=rule.get("name_en") or rule["name"], conditions=rule["conditions"],
            score=rule["score"], min_channel=rule["min_channel"], active=True,
            valid_from=date.fromisoformat(rule["valid_from"]) if rule.get("valid_from") else None,
            valid_to=date.fromisoformat(rule["valid_to"]) if rule.get("valid_to") else None,
        )
        compiled.append(rule_version_compile(version))
    if run.include_current:
        candidate_ids = {rule["rule_id"] for rule in run.rules if rule["rule_id"]}
        compiled += [rule_version_compile(v) for v in in_force if v.rule_id not in candidate_ids]
    return CompiledRuleSet(compiled)


class _Decider:
    """The channel a rule set and settings give a declaration, as `risk_assess` decides it (without the
    floor of earlier versions): the score's channel and the required one (rules' minimum channels, the
    content's minimums), then the caps and random selection of the declaration's class, simulated in
    time order (`ClassSimulation`)."""

    def __init__(self, rule_set: CompiledRuleSet, settings, *, classes: ClassSelectivityInForce, seed: dict):
        self.rule_set = rule_set
        self.yellow, self.red = int(settings["yellow_threshold"]), int(settings["red_threshold"])
        self.simulation = ClassSimulation(caps=classes.caps, window_days=classes.window_days, seed=seed,
                                          general_yellow=settings["random_yellow_rate"],
                                          general_red=settings["random_red_rate"])

    def decide(self, facts, *, draw, minimum: str, level: str, day: date, fallback: bool):
        """(channel, the rules' result, whether the draw alone raised the channel)."""
        result = self.rule_set.evaluate(facts)
        decision = self.simulation.decide(
            level=level, day=day, draw=draw, fallback=fallback,
            score_channel=channel_for_score(result.score, yellow_threshold=self.yellow, red_threshold=self.red),
            required_channel=stricter(result.min_channel, minimum))
        return decision.channel, result, decision.random


def _settings_of(run: BacktestRun) -> tuple[dict, dict]:
    """(settings in force, the candidate's settings) as {"yellow_threshold", ...} with Decimal rates."""
    current = risk_settings_current()
    in_force = {name: getattr(current, name) for name in SETTINGS_FIELDS}
    candidate = dict(in_force)
    for name, value in (run.candidate_settings or {}).items():
        if name in SETTINGS_FIELDS:
            candidate[name] = Decimal(str(value)) if name.startswith("random_") else int(value)
    return in_force, candidate


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
        .order_by("registered_at", "id")  # in time order: the caps' rolling window (risk/services/backtest_classes.py)
    )
    run.state, run.total, run.processed = BacktestRun.State.RUNNING, declarations.count(), 0
    run.save(update_fields=["state", "total", "processed"])
    try:
        run.result = _backtest_result(run, declarations)
        run.state = BacktestRun.State.DONE
    except Exception as exc:  # a failed run is reported in the page rather than retried forever
        logger.exception("backtest %s failed", run.pk)
        run.state, run.error = BacktestRun.State.FAILED, str(exc)[:2000]
    run.finished_at = timezone.now()
    run.save(update_fields=["state", "result", "error", "finished_at", "processed"])
    return run


def _backtest_result(run: BacktestRun, declarations) -> dict:
    in_force = _rules_in_force()
    model_scores, model_used = backtest_model_for(run=run, in_force=in_force, declarations=declarations)
    settings_in_force, settings_candidate = _settings_of(run)
    classes = class_selectivity_in_force(window_days=risk_settings_current().cap_window_days)
    seed = class_window_seed(date_from=run.date_from, window_days=classes.window_days)
    candidate = _Decider(_compiled_candidates(run, in_force), settings_candidate, classes=classes, seed=seed)
    rerun = run.baseline == BacktestRun.Baseline.RULES_IN_FORCE
    baseline = _Decider(rule_set_compile(in_force), settings_in_force, classes=classes, seed=seed) if rerun else None
    stored_tallies = {level: ClassTally() for level in classes.caps}
    fallback_total = 0
    minimum_channel = str(REQUIREMENTS[DUTY_TO_BE_ASSESSED][0])
    now_mix, candidate_mix, moves, fired_counts = Counter(), Counter(), Counter(), Counter()
    fired_rules: dict[tuple, dict] = {}
    changed, changed_total = [], 0
    discrepancies = set(
        AuditEvent.objects.filter(action="record_inspection", data__discrepancy=True, declaration__in=declarations)
        .values_list("declaration_id", flat=True)
    )
    hits = Counter()
    candidate_tally, baseline_tally = HitTally(), HitTally()
    baseline_fired: dict[tuple, dict] = {}
    after = None  # (registered_at, id) of the last declaration processed
    while True:
        page = declarations if after is None else declarations.filter(
            Q(registered_at__gt=after[0]) | Q(registered_at=after[0], id__gt=after[1]))
        chunk = list(page.prefetch_related(Prefetch("items", queryset=items_for_facts(GoodsItem.objects.all())))[:CHUNK])
        if not chunk:
            break
        decided, draws, decided_random, selectivity = {}, {}, {}, {}
        for a in (Assessment.objects.filter(declaration__in=chunk).order_by("declaration_id", "declaration_version")
                  .only("declaration_id", "channel", "random_draw", "random_selection")
                  .annotate(selectivity=KT("thresholds__selectivity"))):
            decided[a.declaration_id] = a.channel
            decided_random[a.declaration_id] = a.random_selection
            draws.setdefault(a.declaration_id, a.random_draw)  # the declaration's one draw
            # The class and the caps' decision of the assessment that decided the channel (the first).
            if a.declaration_id not in selectivity:
                selectivity[a.declaration_id] = json.loads(a.selectivity) if a.selectivity else None
        checks = past_checks(declaration_ids=[declaration.pk for declaration in chunk])
        duty_pending = set(GoodsItem.objects.filter(declaration__in=chunk, duty_assessment=DutyAssessment.TO_BE_ASSESSED)
                           .values_list("declaration_id", flat=True))
        for declaration in chunk:
            facts = declaration_facts(declaration=declaration, items=list(declaration.items.all()))
            if model_scores is not None and declaration.pk in model_scores:
                facts.header[MODEL_FIELD] = model_scores[declaration.pk]
            draw = draws.get(declaration.pk)
            draw = random_draw_for(declaration) if draw is None else draw
            minimum = minimum_channel if declaration.pk in duty_pending else "green"
            stored = selectivity.get(declaration.pk)
            fallback = not (stored and stored.get("level") in classes.caps)
            level = declaration.enterprise.compliance_level if fallback else stored["level"]
            level = level if level in classes.caps else ComplianceLevel.NEW
            fallback_total += fallback
            day = timezone.localtime(declaration.registered_at).date()
            channel, result, drawn = candidate.decide(facts, draw=draw, minimum=minimum, level=level, day=day,
                                                      fallback=fallback)
            check = checks.get(declaration.pk)
            candidate_tally.add(fired_keys=[_fired_key(fired) for fired in result.fired], check=check, random=drawn)
            if rerun:
                before, before_result, before_drawn = baseline.decide(facts, draw=draw, minimum=minimum, level=level,
                                                                      day=day, fallback=fallback)
                baseline_tally.add(fired_keys=[_fired_key(fired) for fired in before_result.fired], check=check,
                                   random=before_drawn)
                for fired in before_result.fired:
                    baseline_fired.setdefault(_fired_key(fired), fired)
            else:
                before = decided.get(declaration.pk, "unassessed")
                baseline_tally.add(fired_keys=(), check=check, random=decided_random.get(declaration.pk, False))
                if before != "unassessed":
                    stored_tallies[level].add_stored(stored=stored, channel=before, fallback=fallback,
                                                     random=decided_random.get(declaration.pk, False))
            now_mix[before] += 1
            candidate_mix[channel] += 1
            moves[f"{before}->{channel}"] += 1
            if before != channel:
                changed_total += 1
                if len(changed) < CHANGED_LIMIT:
                    changed.append({"id": declaration.pk, "number": declaration.number, "from": before, "to": channel})
            for fired in result.fired:
                key = _fired_key(fired)
                fired_counts[key] += 1
                fired_rules.setdefault(key, fired)
            if declaration.pk in discrepancies:
                hits[f"now_{before}"] += 1
                hits[f"candidate_{channel}"] += 1
        after = (chunk[-1].registered_at, chunk[-1].pk)
        run.processed += len(chunk)
        BacktestRun.objects.filter(pk=run.pk).update(processed=run.processed)
    candidates = _candidates_by_key(run)
    return {
        "declarations": run.total,
        "baseline": run.baseline,
        "model": model_used,
        "channel_mix_now": dict(now_mix),
        "channel_mix_candidate": dict(candidate_mix),
        "moves": dict(moves),
        "changed": changed,
        "changed_total": changed_total,
        "fired_rules": _fired_by_name(fired_counts),
        "fired_rule_names_en": {key[2]: fired_rules[key].get("name_en") or key[2] for key in fired_counts},
        "fired": _fired_list(run, fired_counts, fired_rules),
        "inspections_with_discrepancy": len(discrepancies),
        "discrepancies_selected_now": hits["now_red"] + hits["now_yellow"],
        "discrepancies_selected_candidate": hits["candidate_red"] + hits["candidate_yellow"],
        "discrepancies_red_candidate": hits["candidate_red"],
        "thresholds": {"yellow": settings_candidate["yellow_threshold"], "red": settings_candidate["red_threshold"]},
        "classes": {
            "window_days": classes.window_days,
            "fallback": fallback_total,
            "seeded": bool(seed),
            "candidate": candidate.simulation.result(),
            "baseline": baseline.simulation.result() if rerun else stored_classes_result(stored_tallies, classes.caps),
        },
        "hit_rates": {
            "candidate": candidate_tally.result(named=lambda key: _rule_named(key, fired_rules[key], candidates)),
            "baseline": (baseline_tally.result(named=lambda key: _rule_named(key, baseline_fired[key], {})) if rerun
                         else baseline_tally.random_result()),
        },
    }


def _fired_key(fired: dict) -> tuple:
    return (fired["rule"], fired["version"], fired["name"])


def _candidates_by_key(run: BacktestRun) -> dict:
    """The run's candidate rules by the (rule id, version) they are compiled with: their rule id (or
    -position for one without) and their version (or 0)."""
    return {(rule["rule_id"] or -index, rule.get("version") or 0): rule for index, rule in enumerate(run.rules, start=1)}


def _rule_named(key: tuple, fired: dict, candidates: dict) -> dict:
    """{"rule", "version", "unsaved", "proposed", "name", "name_en"} of a rule that fired (`candidates`:
    `_candidates_by_key` of the side, whose rules may be unsaved or proposed)."""
    rule_id, version, name = key
    candidate = candidates.get((rule_id, version), {})
    return {"rule": rule_id if rule_id and rule_id > 0 else None, "version": version or None,
            "unsaved": bool(candidate.get("unsaved")), "proposed": bool(candidate.get("proposed")), "name": name,
            "name_en": fired.get("name_en") or name}


def _fired_by_name(fired_counts: Counter) -> dict:
    """{Vietnamese name: declarations}, most first (the result's first shape, kept for API clients)."""
    by_name = Counter()
    for (_rule, _version, name), count in fired_counts.items():
        by_name[name] += count
    return dict(by_name.most_common())


def _fired_list(run: BacktestRun, fired_counts: Counter, fired_rules: dict) -> list[dict]:
    """[{"rule", "version", "unsaved", "proposed", "name", "name_en", "count"}], most first: each rule that fired,
    by its version, so that it can be named "Thuốc lá (v2)" (`backtest_rule_label`)."""
    # A candidate is compiled with its rule id (or -position for one without) and its version (or 0).
    candidates = _candidates_by_key(run)
    return [{**_rule_named(key, fired_rules[key], candidates), "count": count} for key, count in fired_counts.most_common()]
