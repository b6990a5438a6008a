"""The rule pages: the list, a rule's versions and what each changed, the rule form (create and
edit; a change to an active rule that alters which declarations are checked goes to its preview,
risk/views/changes.py) and deactivation."""
import json

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from customs_portal.accounts.permissions import risk_admin_required
from customs_portal.errors import DomainValidationError
from declarations.lifecycle import Channel
from risk.forms.backtests import RuleBacktestForm
from risk.forms.conditions import (
    BOOL_LABELS,
    ConditionRow,
    conditions_describe,
    fields_spec,
    grouped_fields,
    ops_spec,
)
from risk.forms.rules import RuleFilterForm, RuleForm
from risk.selectors import (
    risk_change_pending,
    risk_rule_counts,
    risk_rules,
    risk_rules_matching,
)
from risk.services.changes import (
    PreviewRequired,
    risk_change_outdated,
    risk_rule_add,
    risk_rule_change_preview,
    risk_rule_edit,
)
from risk.services.rules import RULE_FIELDS, risk_rule_deactivate
from risk.views.common import safe_next
from risk.views.hit_rates import rule_list_hit_rates
from risk.views.selectivity import class_caps_context


def _validity(version, today) -> str:
    """"inactive", "scheduled" (not yet valid), "expired" or "in_force"."""
    if not version.active:
        return "inactive"
    if version.valid_from and version.valid_from > today:
        return "scheduled"
    if version.valid_to and version.valid_to < today:
        return "expired"
    return "in_force"


@risk_admin_required
@require_GET
def rule_list(request):
    filters = RuleFilterForm(request.GET or None)
    counts = risk_rule_counts()
    if filters.is_valid():
        rules = list(risk_rules_matching(state=filters.cleaned_data["state"], q=filters.cleaned_data["q"]))
    else:
        rules = list(risk_rules())
    today = timezone.localdate()
    for rule in rules:
        rule.summary = conditions_describe(rule.current.conditions)
        rule.validity = _validity(rule.current, today)
    return render(request, "risk/rule_list.html", {
        "rules": rules, "filters": filters, "counts": counts,
        "filtered": any(request.GET.get(name) for name in filters.fields),
        **rule_list_hit_rates(request, rules),
        **class_caps_context(),
    })


def rule_form_context(form, *, rule=None) -> dict:
    """The rule form, with its backtest section (the period; the rule is the form's)."""
    return {
        "form": form,
        "rule": rule,
        "backtest_period": RuleBacktestForm.for_today(),
        "run": None,
        "field_groups": grouped_fields(),
        "fields_json": json.dumps(fields_spec(), ensure_ascii=False),
        "ops_json": json.dumps(ops_spec(), ensure_ascii=False),
        "bool_labels": {"true": BOOL_LABELS[True], "false": BOOL_LABELS[False]},
        "channels": Channel.choices,
        "blank_row": ConditionRow(index="__prefix__"),
    }


@risk_admin_required
@require_http_methods(["GET", "POST"])
def rule_create(request):
    if request.method == "GET":
        return render(request, "risk/rule_form.html", rule_form_context(RuleForm()))
    form = RuleForm.from_post(request.POST)
    if form.is_valid():
        try:
            rule = risk_rule_add(user=request.user, data=form.rule_data(), change_note=form.cleaned_data["change_note"])
        except DomainValidationError as exc:
            form.set_service_errors(exc.errors)
        else:
            messages.success(request, _("Rule “%(name)s” created (version 1), inactive. Backtest it, then activate it.")
                             % {"name": rule.current.name})
            return redirect("risk:rule-detail", pk=rule.pk)
    return render(request, "risk/rule_form.html", rule_form_context(form))


@risk_admin_required
@require_http_methods(["GET", "POST"])
def rule_edit(request, pk):
    rule = get_object_or_404(risk_rules(), pk=pk)
    if request.method == "GET":
        return render(request, "risk/rule_form.html", rule_form_context(RuleForm.for_version(rule.current), rule=rule))
    form = RuleForm.from_post(request.POST)
    if form.is_valid():
        try:
            rule = risk_rule_edit(rule=rule, user=request.user, data=form.rule_data(),
                                  change_note=form.cleaned_data["change_note"])
        except PreviewRequired:
            # It changes which declarations are checked: shown, and applied once confirmed.
            change = risk_rule_change_preview(rule=rule, user=request.user, data=form.rule_data(),
                                              change_note=form.cleaned_data["change_note"])
            return redirect("risk:change", pk=change.pk)
        except DomainValidationError as exc:
            form.set_service_errors(exc.errors)
        else:
            messages.success(request, _("Rule “%(name)s” saved as version %(version)d.") % {
                "name": rule.current.name, "version": rule.current.version})
            return redirect("risk:rule-detail", pk=rule.pk)
    return render(request, "risk/rule_form.html", rule_form_context(form, rule=rule))


@risk_admin_required
@require_POST
def rule_deactivate(request, pk):
    rule = get_object_or_404(risk_rules(), pk=pk)
    if not rule.current.active:
        messages.info(request, _("Rule “%(name)s” is already inactive.") % {"name": rule.current.name})
    else:
        rule = risk_rule_deactivate(rule=rule, user=request.user)
        messages.success(request, _("Rule “%(name)s” deactivated (version %(version)d). Declarations already assessed keep their explanation.")
                         % {"name": rule.current.name, "version": rule.current.version})
    return redirect(safe_next(request, reverse("risk:rule-list")))


def _field_value(name: str, value) -> str:
    if name == "min_channel":
        return str(dict(Channel.choices).get(value, _("none"))) if value else _("none")
    if name == "active":
        return _("yes") if value else _("no")
    if name in ("valid_from", "valid_to"):
        return date_format(value, "SHORT_DATE_FORMAT") if value else "—"
    return str(value) if value not in (None, "") else "—"


def version_changes(older, newer) -> list[dict]:
    """What `newer` changed compared with `older`: scalar fields before → after, conditions added and removed."""
    labels = {"name_vi": _("Name in Vietnamese"), "name_en": _("Name in English"),
              "description_vi": _("Description in Vietnamese"), "description_en": _("Description in English"),
              "score": _("Score"),
              "min_channel": _("Minimum channel"), "active": _("Active"), "valid_from": _("Valid from"),
              "valid_to": _("Valid to")}
    changes = []
    for name in RULE_FIELDS:
        before, after = getattr(older, name), getattr(newer, name)
        if before == after:
            continue
        if name == "conditions":
            keyed_before = {json.dumps(c, sort_keys=True): c for c in before}
            keyed_after = {json.dumps(c, sort_keys=True): c for c in after}
            changes.append({
                "label": _("Conditions"), "conditions": True,
                "added": conditions_describe([c for k, c in keyed_after.items() if k not in keyed_before]),
                "removed": conditions_describe([c for k, c in keyed_before.items() if k not in keyed_after]),
            })
        else:
            changes.append({"label": labels[name], "before": _field_value(name, before), "after": _field_value(name, after)})
    return changes


@risk_admin_required
@require_GET
def rule_detail(request, pk):
    rule = get_object_or_404(risk_rules(with_versions=True), pk=pk)
    versions = list(rule.versions.all())  # newest first
    for position, version in enumerate(versions):
        version.summary = conditions_describe(version.conditions)
        older = versions[position + 1] if position + 1 < len(versions) else None
        version.changes = version_changes(older, version) if older else None
    pending = risk_change_pending(rule_id=rule.pk)
    return render(request, "risk/rule_detail.html", {
        "rule": rule, "current": rule.current, "versions": versions,
        # A change held for confirmation that still could be confirmed (an outdated one is only history).
        "pending_change": pending if pending is not None and not risk_change_outdated(pending) else None,
        "validity": _validity(rule.current, timezone.localdate()),
        "summary": conditions_describe(rule.current.conditions),
    })
