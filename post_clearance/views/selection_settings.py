"""The risk admins' post-clearance selection settings, a section of the risk area: per compliance
class the random rate and cap with the live share over the window, and the audit rules (created,
edited and deactivated with the risk rules' condition builder). Risk admins only, as every risk page."""
import json
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from customs_portal.accounts.models import ComplianceLevel
from customs_portal.accounts.permissions import risk_admin_required
from customs_portal.errors import DomainValidationError
from post_clearance.forms import AuditRuleForm, ClassPolicyForm, percent_of
from post_clearance.models import AuditRule
from post_clearance.selectors import audit_rules, class_policies_with_share
from post_clearance.services.selection_settings import (
    audit_rule_create,
    audit_rule_deactivate,
    audit_rule_update,
    class_policy_set,
)
from risk.forms.conditions import (
    BOOL_LABELS,
    ConditionRow,
    conditions_describe,
    fields_spec,
    grouped_fields,
    ops_spec,
)


def _settings_page(request, *, posted: dict | None = None, status: int = 200):
    """The page; `posted` ({level: bound form}) shows a class's form as typed, with its errors."""
    classes = class_policies_with_share()
    for entry in classes:
        entry["form"] = (posted or {}).get(entry["level"]) or ClassPolicyForm.for_class(entry)
        entry["over_cap"] = entry["share"] is not None and entry["share"] > entry["cap_rate"]
        entry["random_percent"], entry["cap_percent"] = percent_of(entry["random_rate"]), percent_of(entry["cap_rate"])
        entry["share_percent"] = None if entry["share"] is None else (entry["share"] * 100).quantize(Decimal("0.1"))
        entry["bar_width"] = 0 if entry["share"] is None or not entry["cap_rate"] else \
            min(100, int(entry["share"] / entry["cap_rate"] * 100))
    rules = list(audit_rules())
    for rule in rules:
        rule.summary = conditions_describe(rule.conditions)
    return render(request, "post_clearance/settings.html", {
        "classes": classes, "rules": rules, "window_days": settings.POST_CLEARANCE_WINDOW_DAYS,
        # A refused class form is shown at its POST-only URL: the language switch goes back to the page.
        "language_next": reverse("post_clearance_settings:selection")}, status=status)


@risk_admin_required
@require_GET
def selection_settings_view(request):
    return _settings_page(request)


@risk_admin_required
@require_POST
def class_policy_edit(request, level):
    if level not in ComplianceLevel.values:
        raise Http404
    form = ClassPolicyForm(data=request.POST, level=level)
    if form.is_valid():
        try:
            class_policy_set(user=request.user, level=level, **form.rates(), reason=request.POST.get("reason", "")[:500])
        except DomainValidationError as exc:
            form.set_service_errors(exc.errors)
        else:
            messages.success(request, _("Post-clearance selection of class “%(level)s” saved.") % {
                "level": ComplianceLevel(level).label})
            return redirect("post_clearance_settings:selection")
    return _settings_page(request, posted={level: form}, status=400)


def _rule_form_page(request, form: AuditRuleForm, *, rule: AuditRule | None = None, status: int = 200):
    return render(request, "post_clearance/audit_rule_form.html", {
        "form": form, "rule": rule,
        "field_groups": grouped_fields(),
        "fields_json": json.dumps(fields_spec(), ensure_ascii=False),
        "ops_json": json.dumps(ops_spec(), ensure_ascii=False),
        "bool_labels": {"true": BOOL_LABELS[True], "false": BOOL_LABELS[False]},
        "blank_row": ConditionRow(index="__prefix__"),
    }, status=status)


@risk_admin_required
@require_http_methods(["GET", "POST"])
def audit_rule_create_view(request):
    if request.method == "GET":
        return _rule_form_page(request, AuditRuleForm())
    form = AuditRuleForm.from_post(request.POST)
    if form.is_valid():
        try:
            rule = audit_rule_create(user=request.user, data=form.rule_data())
        except DomainValidationError as exc:
            form.set_service_errors(exc.errors)
        else:
            messages.success(request, _("Audit rule “%(name)s” created.") % {"name": rule.name})
            return redirect("post_clearance_settings:selection")
    return _rule_form_page(request, form, status=400)


@risk_admin_required
@require_http_methods(["GET", "POST"])
def audit_rule_edit_view(request, pk):
    rule = get_object_or_404(AuditRule, pk=pk)
    if request.method == "GET":
        return _rule_form_page(request, AuditRuleForm.for_rule(rule), rule=rule)
    form = AuditRuleForm.from_post(request.POST)
    if form.is_valid():
        try:
            rule = audit_rule_update(user=request.user, rule_id=rule.pk, data=form.rule_data())
        except DomainValidationError as exc:
            form.set_service_errors(exc.errors)
        else:
            messages.success(request, _("Audit rule “%(name)s” saved.") % {"name": rule.name})
            return redirect("post_clearance_settings:selection")
    return _rule_form_page(request, form, rule=rule, status=400)


@risk_admin_required
@require_POST
def audit_rule_deactivate_view(request, pk):
    rule = get_object_or_404(AuditRule, pk=pk)
    rule = audit_rule_deactivate(user=request.user, rule_id=rule.pk)
    messages.success(request, _("Audit rule “%(name)s” deactivated: it selects no more declarations.") % {"name": rule.name})
    return redirect("post_clearance_settings:selection")
