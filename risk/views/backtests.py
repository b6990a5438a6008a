"""The backtest pages: the backtest of rules picked from the list, the rule form's backtest of
the rule as typed, and a run's page, which follows its progress and shows its result. The
preview of a change (risk/views/changes.py) shows its run the same way (`backtest_context`)."""
from datetime import date, timedelta

from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from customs_portal.accounts.permissions import risk_admin_required
from customs_portal.errors import DomainValidationError
from declarations.lifecycle import Channel
from risk.forms.backtests import BacktestForm, RuleBacktestForm
from risk.forms.conditions import conditions_describe
from risk.forms.rules import RuleForm
from risk.models import BacktestRun
from risk.selectors import (
    backtest_run_is_preview,
    backtest_runs,
    backtest_runs_recent,
    model_version_active,
    risk_rules,
)
from risk.services.backtest import (
    backtest_model_rule_start,
    backtest_rule_label,
    backtest_start,
    rule_form_backtest_start,
)
from risk.views.backtest_sections import classes_section, hit_rates_section
from risk.views.common import is_htmx
from risk.views.rules import rule_form_context

RECENT_BACKTESTS = 10
BACKTEST_DEFAULT_DAYS = 90
CHANNELS = ("green", "yellow", "red")


def rule_choices(rules) -> list[tuple[int, str]]:
    return [(rule.pk, backtest_rule_label({"name": rule.current.name_vi, "name_en": rule.current.name_en,
                                           "version": rule.current.version})) for rule in rules]


@risk_admin_required
@require_http_methods(["GET", "POST"])
def backtest(request):
    rules = list(risk_rules())
    choices = rule_choices(rules)
    today = timezone.localdate()
    if request.method == "GET":
        form = BacktestForm(rule_choices=choices, initial={
            "date_from": today - timedelta(days=BACKTEST_DEFAULT_DAYS), "date_to": today})
    else:
        form = BacktestForm(data=request.POST, rule_choices=choices,
                            preset=request.POST.get("preset") == BacktestForm.PRESET)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if form.preset:
                    run = backtest_model_rule_start(user=request.user, threshold=data["model_threshold"],
                                                    score=data["model_score"], rules=data["rules"] or [],
                                                    date_from=data["date_from"], date_to=data["date_to"])
                else:
                    run = backtest_start(user=request.user, rules=data["rules"], date_from=data["date_from"],
                                         date_to=data["date_to"], include_current=data["include_current"])
            except DomainValidationError as exc:
                form.set_service_errors(exc.errors)
            else:
                return redirect("risk:backtest-run", pk=run.pk)
    labels = dict(choices)
    for rule in rules:
        rule.summary = conditions_describe(rule.current.conditions)
        rule.label = labels[rule.pk]
    selected = {str(value) for value in (form["rules"].value() or [])}
    runs = backtest_runs_recent(limit=RECENT_BACKTESTS)
    for run in runs:
        run.labels = [backtest_rule_label(rule) for rule in run.rules]
    return render(request, "risk/backtest.html", {"form": form, "rules": rules, "selected": selected, "runs": runs,
                                                  "active_model": model_version_active()})


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def _side_labels(run: BacktestRun, *, preview: bool) -> tuple[str, str]:
    """What the two sides of a run are called: the baseline and the candidate."""
    if run.baseline == BacktestRun.Baseline.DECIDED:
        return _("Decided"), _("With candidate")
    if preview:
        return _("Now"), _("With the change")
    return _("Rules in force"), _("With this rule")


def _model_note(result: dict) -> dict | None:
    """Which model version scored the declarations of a run whose rules test `model.score`, and up to which
    day they were in its training data (risk/services/backtest_model.py); None when no rule tests it."""
    model = result.get("model")
    if not model:
        return None
    until = model.get("in_sample_until")
    return {**model, "in_sample_until": date.fromisoformat(until) if until else None}


def backtest_report(run: BacktestRun, *, preview: bool = False) -> dict | None:
    """The result of a finished run shaped for the page: mixes, moves, changed declarations, fired rules, hits."""
    result = run.result or {}
    if run.state != BacktestRun.State.DONE or not result:
        return None
    total = result.get("declarations", 0)
    now, candidate = result.get("channel_mix_now", {}), result.get("channel_mix_candidate", {})
    labels = {**dict(Channel.choices), "unassessed": _("Not assessed")}
    before_channels = [*CHANNELS, *(["unassessed"] if now.get("unassessed") else [])]
    mix = []
    for channel in before_channels:
        n, c = now.get(channel, 0), candidate.get(channel, 0)
        mix.append({"channel": channel, "label": labels[channel], "now": n, "now_pct": _percent(n, total),
                    "candidate": c, "candidate_pct": _percent(c, total), "delta": c - n})
    moves = result.get("moves", {})
    matrix = [{"channel": before, "label": labels[before],
               "cells": [{"channel": after, "count": moves.get(f"{before}->{after}", 0), "same": before == after}
                         for after in CHANNELS]}
              for before in before_channels]
    moved = sum(count for key, count in moves.items() if key.split("->")[0] != key.split("->")[-1])
    inspections = result.get("inspections_with_discrepancy", 0)
    selected_now = result.get("discrepancies_selected_now", 0)
    selected_candidate = result.get("discrepancies_selected_candidate", 0)
    checked_now = now.get("yellow", 0) + now.get("red", 0)
    checked_candidate = candidate.get("yellow", 0) + candidate.get("red", 0)
    if "fired" in result:
        fired = [{"name": backtest_rule_label(entry), "count": entry["count"], "pct": _percent(entry["count"], total)}
                 for entry in result["fired"]]
    else:  # runs made before the result named rules by version
        names_en = result.get("fired_rule_names_en", {})
        fired = [{"name": backtest_rule_label({"name": name, "name_en": names_en.get(name, "")}), "count": count,
                  "pct": _percent(count, total)} for name, count in result.get("fired_rules", {}).items()]
    now_label, candidate_label = _side_labels(run, preview=preview)
    changed = result.get("changed", [])
    return {
        "total": total, "mix": mix, "matrix": matrix, "channels": [(c, labels[c]) for c in CHANNELS], "moved": moved,
        "fired": fired, "thresholds": result.get("thresholds", {}), "now_label": now_label,
        "candidate_label": candidate_label, "rerun": run.baseline == BacktestRun.Baseline.RULES_IN_FORCE,
        "changed": changed, "changed_total": result.get("changed_total", moved),
        "changed_hidden": max(result.get("changed_total", moved) - len(changed), 0),
        "hit_rate_sides": hit_rates_section(result, now_label=now_label, candidate_label=candidate_label),
        "classes": classes_section(result),
        "model": _model_note(result),
        "hits": {
            "inspections": inspections,
            "now": selected_now, "now_pct": _percent(selected_now, inspections),
            "candidate": selected_candidate, "candidate_pct": _percent(selected_candidate, inspections),
            "red_candidate": result.get("discrepancies_red_candidate", 0),
            "checked_now": checked_now, "checked_candidate": checked_candidate,
            "rate_now": _percent(selected_now, checked_now), "rate_candidate": _percent(selected_candidate, checked_candidate),
        },
    }


def backtest_context(run: BacktestRun, *, preview: bool = False) -> dict:
    """What `risk/_backtest_status.html` shows of a run."""
    return {
        "run": run,
        "report": backtest_report(run, preview=preview),
        "polling": run.state in (BacktestRun.State.PENDING, BacktestRun.State.RUNNING),
        "progress_pct": _percent(run.processed, run.total) if run.total else (100.0 if run.state == BacktestRun.State.DONE else 0.0),
    }


@risk_admin_required
@require_GET
def backtest_run(request, pk):
    run = get_object_or_404(backtest_runs(), pk=pk)
    preview = backtest_run_is_preview(run=run)
    for rule in run.rules:
        rule["summary"] = conditions_describe(rule.get("conditions"))
        rule["label"] = backtest_rule_label(rule)
    context = backtest_context(run, preview=preview)
    if is_htmx(request):
        return render(request, "risk/_backtest_status.html", context)
    return render(request, "risk/backtest_run.html", context)


@risk_admin_required
@require_POST
def rule_backtest(request, pk=None):
    """The rule as typed in the form (not saved) over a period, with the rules in force: htmx puts the
    answer in the form's backtest section; without scripts the form comes back with it."""
    rule = get_object_or_404(risk_rules(), pk=pk) if pk is not None else None
    form = RuleForm.from_post(request.POST)
    period = RuleBacktestForm(data=request.POST)
    run = None
    if form.is_valid() and period.is_valid():
        try:
            run = rule_form_backtest_start(user=request.user, rule=rule, data=form.rule_data(),
                                           date_from=period.cleaned_data["backtest_from"],
                                           date_to=period.cleaned_data["backtest_to"])
        except DomainValidationError as exc:
            form.set_service_errors(exc.errors)
            period.set_service_errors(exc.errors)
    context = {"backtest_period": period, "backtest_form_errors": form.summary if run is None else [],
               **(backtest_context(run) if run is not None else {"run": None})}
    if is_htmx(request):
        return render(request, "risk/_rule_backtest.html", context)
    return render(request, "risk/rule_form.html", {**rule_form_context(form, rule=rule), **context})
