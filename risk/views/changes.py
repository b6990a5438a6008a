"""A change that alters which declarations are checked (activating a rule, changing an active one,
changing the thresholds or random rates) is shown with its effect on the last 30 days before it
applies: the page follows the preview's backtest, shows the channel mix now and with the change
and the declarations that would change channel, and applies it only when confirmed
(risk/services/changes.py)."""
from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from customs_portal.accounts.permissions import risk_admin_required
from customs_portal.errors import DomainConflict
from risk.forms.conditions import conditions_describe
from risk.models import RiskChange, RiskRuleVersion
from risk.selectors import risk_changes, risk_rules
from risk.services.assessment import risk_settings_current
from risk.services.backtest import backtest_rule_label
from risk.services.changes import (
    PREVIEW_DAYS,
    risk_change_confirm,
    risk_change_outdated,
    risk_rule_change_preview,
)
from risk.services.rules import RULE_FIELDS, SETTINGS_FIELDS
from risk.views.backtests import backtest_context
from risk.views.common import is_htmx
from risk.views.rules import version_changes


@risk_admin_required
@require_POST
def rule_activate(request, pk):
    """Activating an inactive rule starts with its preview."""
    rule = get_object_or_404(risk_rules(), pk=pk)
    if rule.current.active:
        messages.info(request, _("Rule “%(name)s” is already active.") % {"name": rule.current.name})
        return redirect("risk:rule-detail", pk=rule.pk)
    change = risk_rule_change_preview(rule=rule, user=request.user, data={"active": True}, change_note="activated")
    return redirect("risk:change", pk=change.pk)


def _proposed_version(change: RiskChange) -> RiskRuleVersion:
    values = dict(change.values)
    for name in ("valid_from", "valid_to"):
        values[name] = date.fromisoformat(values[name]) if values.get(name) else None
    return RiskRuleVersion(rule_id=change.rule_id, version=change.rule.current.version + 1,
                           **{name: values[name] for name in RULE_FIELDS})


def _percent(rate) -> str:
    return number_format((Decimal(str(rate)) * 100).normalize())


def _settings_rows(change: RiskChange) -> list[dict]:
    """Each threshold and rate: in force → after the change."""
    current = risk_settings_current()
    labels = {"yellow_threshold": _("Yellow threshold"), "red_threshold": _("Red threshold"),
              "random_yellow_rate": _("Random green → yellow (%)"), "random_red_rate": _("Random green → red (%)")}
    rows = []
    for name in SETTINGS_FIELDS:
        before, after = getattr(current, name), change.values[name]
        if name.startswith("random_"):
            before, after, changed = _percent(before), _percent(after), Decimal(str(before)) != Decimal(str(after))
        else:
            changed = int(before) != int(after)
        rows.append({"name": name, "label": labels[name], "before": before, "after": after, "changed": changed})
    return rows


def _change_context(change: RiskChange) -> dict:
    context = {"change": change, "outdated": change.applied_at is None and risk_change_outdated(change),
               "preview_days": PREVIEW_DAYS, **backtest_context(change.preview, preview=True)}
    if change.kind == RiskChange.Kind.RULE:
        current = change.rule.current
        proposed = _proposed_version(change)
        context.update(current=current, proposed=proposed, changes=version_changes(current, proposed),
                       proposed_label=backtest_rule_label({"name": proposed.name_vi, "name_en": proposed.name_en,
                                                           "version": proposed.version}),
                       proposed_summary=conditions_describe(proposed.conditions),
                       activating=proposed.active and not current.active)
    else:
        context["settings_rows"] = _settings_rows(change)
    return context


@risk_admin_required
@require_GET
def change_detail(request, pk):
    change = get_object_or_404(risk_changes(), pk=pk)
    context = _change_context(change)
    if is_htmx(request):
        return render(request, "risk/_change_preview.html", context)
    return render(request, "risk/change.html", context)


@risk_admin_required
@require_POST
def change_confirm(request, pk):
    change = get_object_or_404(risk_changes(), pk=pk)
    try:
        change = risk_change_confirm(change_id=change.pk, user=request.user)
    except DomainConflict as exc:
        messages.error(request, str(exc))
        return redirect("risk:change", pk=change.pk)
    if change.kind == RiskChange.Kind.RULE:
        rule = risk_rules().get(pk=change.rule_id)
        messages.success(request, _("Rule “%(name)s” saved as version %(version)d, in force from now on.") % {
            "name": rule.current.name, "version": rule.current.version}
            if rule.current.active else _("Rule “%(name)s” saved as version %(version)d.") % {
            "name": rule.current.name, "version": rule.current.version})
        return redirect("risk:rule-detail", pk=rule.pk)
    messages.success(request, _("Risk settings saved (version %(version)d).") % {"version": risk_settings_current().version})
    return redirect("risk:settings")
