"""The risk administration pages: rules and their versions, settings, enterprises' compliance,
watchlisted partners and reference prices (backtests: risk/backtest_views.py; changes shown before
they apply: risk/change_views.py). Risk admins only; others get 403.

Views parse the request with a form, call one service (the same as the REST API) and
render; the services' validation errors are shown next to the inputs they concern.
"""
import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from customs_portal.accounts.models import ComplianceLevel, Enterprise
from customs_portal.accounts.permissions import risk_admin_required
from customs_portal.errors import DomainConflict, DomainValidationError
from declarations.lifecycle import Channel
from reference.models import Country, HSCode, TariffLine, Unit
from risk.hit_rate_display import rule_list_hit_rates
from risk import forms
from risk.backtest_forms import RuleBacktestForm
from risk.models import ReferencePrice, WatchlistedPartner
from risk.selectors import reference_prices, risk_rules, watchlisted_partners
from risk.services.assessment import risk_settings_current
from risk.services.changes import (
    PreviewRequired,
    risk_change_outdated,
    risk_rule_add,
    risk_rule_change_preview,
    risk_rule_edit,
    risk_settings_change_preview,
    risk_settings_edit,
)
from risk.services.reference_prices import (
    reference_price_delete,
    reference_price_set,
)
from risk.services.rules import RULE_FIELDS, enterprise_compliance_update, risk_rule_deactivate
from risk.services.watchlists import (
    watchlisted_partner_add,
    watchlisted_partner_deactivate,
)

PAGE_SIZE = 25


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _english() -> bool:
    return (get_language() or "").startswith("en")


# --- Rules -------------------------------------------------------------------------------------

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
    filters = forms.RuleFilterForm(request.GET or None)
    rules = risk_rules()
    counts = {"all": rules.count(), "active": rules.filter(current__active=True).count()}
    if filters.is_valid():
        state, q = filters.cleaned_data["state"], filters.cleaned_data["q"].strip()
        if state:
            rules = rules.filter(current__active=state == "active")
        if q:
            rules = rules.filter(Q(current__name_vi__icontains=q) | Q(current__name_en__icontains=q))
    rules = list(rules)
    today = timezone.localdate()
    for rule in rules:
        rule.summary = forms.conditions_describe(rule.current.conditions)
        rule.validity = _validity(rule.current, today)
    return render(request, "risk/rule_list.html", {
        **rule_list_hit_rates(request, rules),
        "rules": rules, "filters": filters, "counts": counts,
        "filtered": any(request.GET.get(name) for name in filters.fields),
    })


def rule_form_context(form, *, rule=None) -> dict:
    """The rule form, with its backtest section (the period; the rule is the form's)."""
    return {
        "form": form,
        "rule": rule,
        "backtest_period": RuleBacktestForm.for_today(),
        "run": None,
        "field_groups": forms.grouped_fields(),
        "fields_json": json.dumps(forms.fields_spec(), ensure_ascii=False),
        "ops_json": json.dumps(forms.ops_spec(), ensure_ascii=False),
        "bool_labels": {"true": forms.BOOL_LABELS[True], "false": forms.BOOL_LABELS[False]},
        "channels": Channel.choices,
        "blank_row": forms.ConditionRow(index="__prefix__"),
    }


@risk_admin_required
@require_http_methods(["GET", "POST"])
def rule_create(request):
    if request.method == "GET":
        return render(request, "risk/rule_form.html", rule_form_context(forms.RuleForm()))
    form = forms.RuleForm.from_post(request.POST)
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
        return render(request, "risk/rule_form.html", rule_form_context(forms.RuleForm.for_version(rule.current), rule=rule))
    form = forms.RuleForm.from_post(request.POST)
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
    return redirect(_safe_next(request, reverse("risk:rule-list")))


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
                "added": forms.conditions_describe([c for k, c in keyed_after.items() if k not in keyed_before]),
                "removed": forms.conditions_describe([c for k, c in keyed_before.items() if k not in keyed_after]),
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
        version.summary = forms.conditions_describe(version.conditions)
        older = versions[position + 1] if position + 1 < len(versions) else None
        version.changes = version_changes(older, version) if older else None
    pending = rule.changes.filter(applied_at__isnull=True).select_related("created_by").order_by("-created_at", "-id").first()
    return render(request, "risk/rule_detail.html", {
        "rule": rule, "current": rule.current, "versions": versions,
        # A change held for confirmation that still could be confirmed (an outdated one is only history).
        "pending_change": pending if pending is not None and not risk_change_outdated(pending) else None,
        "validity": _validity(rule.current, timezone.localdate()),
        "summary": forms.conditions_describe(rule.current.conditions),
    })


# --- Settings ----------------------------------------------------------------------------------

@risk_admin_required
@require_http_methods(["GET", "POST"])
def settings_edit(request):
    current = risk_settings_current()
    if request.method == "GET":
        form = forms.RiskSettingsForm.for_settings(current)
    else:
        form = forms.RiskSettingsForm(data=request.POST)
        if form.is_valid():
            try:
                current = risk_settings_edit(user=request.user, data=form.settings_data())
            except PreviewRequired:
                change = risk_settings_change_preview(user=request.user, data=form.settings_data())
                return redirect("risk:change", pk=change.pk)
            except DomainValidationError as exc:
                form.set_service_errors(exc.errors)
            else:
                messages.info(request, _("Nothing changed: these are the settings in force."))
                return redirect("risk:settings")
    return render(request, "risk/settings.html", {
        "form": form, "settings": current,
        "random_yellow_pct": number_format((current.random_yellow_rate * 100).normalize()),
        "random_red_pct": number_format((current.random_red_rate * 100).normalize()),
    })


# --- Enterprises -------------------------------------------------------------------------------

@risk_admin_required
@require_GET
def enterprise_list(request):
    search = forms.EnterpriseSearchForm(request.GET or None)
    enterprises = Enterprise.objects.order_by("name", "tax_code")
    if search.is_valid():
        q, level, watchlist = (search.cleaned_data[name] for name in ("q", "level", "watchlist"))
        q = q.strip()
        if q:
            enterprises = enterprises.filter(Q(tax_code__startswith=q) | Q(name__icontains=q))
        if level:
            enterprises = enterprises.filter(compliance_level=level)
        if watchlist:
            enterprises = enterprises.filter(on_watchlist=watchlist == "yes")
    page = Paginator(enterprises, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "risk/enterprise_list.html", {
        "search": search, "page": page, "levels": ComplianceLevel.choices,
        "filtered": any(request.GET.get(name) for name in search.fields),
    })


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


@risk_admin_required
@require_POST
def enterprise_compliance(request, tax_code):
    enterprise = get_object_or_404(Enterprise, tax_code=tax_code)
    form = forms.ComplianceForm(data=request.POST)
    saved = False
    if form.is_valid():
        with transaction.atomic():
            enterprise = enterprise_compliance_update(enterprise=enterprise, user=request.user, **form.cleaned_data)
        saved = True
    if _is_htmx(request):
        return render(request, "risk/_enterprise_row.html", {
            "enterprise": enterprise, "levels": ComplianceLevel.choices, "saved": saved,
            "errors": [e for errors in form.errors.values() for e in errors],
            "next": _safe_next(request, reverse("risk:enterprise-list")),
        })
    if saved:
        messages.success(request, _("%(enterprise)s: compliance level %(level)s, %(watchlist)s.") % {
            "enterprise": enterprise.name, "level": enterprise.get_compliance_level_display(),
            "watchlist": _("on the watchlist") if enterprise.on_watchlist else _("not on the watchlist")})
    else:
        messages.error(request, _("Nothing saved: %(errors)s") % {
            "errors": "; ".join(e for errors in form.errors.values() for e in errors)})
    return redirect(_safe_next(request, reverse("risk:enterprise-list")))


# --- Watchlisted partners ----------------------------------------------------------------------

WATCHLIST_SHOW = {"active": True, "inactive": False, "all": None}


@risk_admin_required
@require_http_methods(["GET", "POST"])
def watchlist(request):
    form = forms.WatchlistedPartnerForm()
    if request.method == "POST":
        form = forms.WatchlistedPartnerForm(data=request.POST)
        if form.is_valid():
            try:
                partner = watchlisted_partner_add(user=request.user, **form.cleaned_data)
            except DomainValidationError as exc:
                form.set_service_errors(exc.errors)
            else:
                messages.success(request, _("%(partner)s is on the watchlist.") % {"partner": partner})
                return redirect("risk:watchlist")
    show = request.GET.get("show") if request.GET.get("show") in WATCHLIST_SHOW else "active"
    q = request.GET.get("q", "").strip()[:100]
    partners = watchlisted_partners(active=WATCHLIST_SHOW[show], q=q)
    page = Paginator(partners, PAGE_SIZE).get_page(request.GET.get("page"))
    countries = Country.objects.in_bulk({partner.country for partner in page.object_list if partner.country})
    for partner in page.object_list:
        partner.country_name = countries[partner.country].name if partner.country in countries else ""
    return render(request, "risk/watchlist.html", {
        "form": form, "page": page, "show": show, "q": q,
        "countries": Country.objects.order_by("code").only("code", "name_vi", "name_en"),
    })


@risk_admin_required
@require_POST
def watchlist_deactivate(request, pk):
    partner = get_object_or_404(WatchlistedPartner, pk=pk)
    try:
        partner = watchlisted_partner_deactivate(partner=partner, user=request.user)
    except DomainConflict as exc:
        messages.info(request, str(exc))
    else:
        messages.success(request, _("%(partner)s was taken off the watchlist.") % {"partner": partner})
    return redirect(_safe_next(request, reverse("risk:watchlist")))


# --- Reference prices --------------------------------------------------------------------------

def _hs_descriptions(codes) -> dict[str, str]:
    """The tariff description of each 8-digit code, the HS description of each 2/4/6-digit prefix."""
    english = _english()
    found = {}
    for line in TariffLine.objects.filter(hs_code__in=[c for c in codes if len(c) == 8]).only(
            "hs_code", "description_vi", "description_en"):
        found[line.hs_code] = (line.description_en if english and line.description_en else line.description_vi).lstrip("- –")
    for heading in HSCode.objects.filter(code__in=[c for c in codes if len(c) in (2, 4, 6)]).only("code", "description"):
        found[heading.code] = heading.description
    return found


def _reference_price_context(form, *, price=None) -> dict:
    return {"form": form, "price": price, "units": Unit.objects.order_by("code")}


@risk_admin_required
@require_http_methods(["GET", "POST"])
def reference_price_list(request):
    form = forms.ReferencePriceForm()
    if request.method == "POST":
        form = forms.ReferencePriceForm(data=request.POST)
        if form.is_valid():
            try:
                price = reference_price_set(user=request.user, **form.price_data())
            except DomainValidationError as exc:
                form.set_service_errors(exc.errors)
            else:
                messages.success(request, _("Reference price for %(code)s in %(unit)s saved.") % {
                    "code": price.hs_code, "unit": price.unit_id})
                return redirect("risk:reference-price-list")
    q = request.GET.get("q", "").strip()[:20]
    page = Paginator(reference_prices(q=q), PAGE_SIZE).get_page(request.GET.get("page"))
    descriptions = _hs_descriptions({price.hs_code for price in page.object_list})
    for price in page.object_list:
        price.description = descriptions.get(price.hs_code, "")
    return render(request, "risk/reference_price_list.html", {**_reference_price_context(form), "page": page, "q": q})


@risk_admin_required
@require_http_methods(["GET", "POST"])
def reference_price_edit(request, pk):
    price = get_object_or_404(ReferencePrice.objects.select_related("unit"), pk=pk)
    if request.method == "GET":
        form = forms.ReferencePriceForm(initial={"hs_code": price.hs_code, "unit": price.unit_id,
                                                 "price_vnd": price.price_vnd, "note": price.note})
    else:
        form = forms.ReferencePriceForm(data=request.POST)
        if form.is_valid():
            try:
                price = reference_price_set(user=request.user, reference_price=price, **form.price_data())
            except DomainValidationError as exc:
                form.set_service_errors(exc.errors)
            else:
                messages.success(request, _("Reference price for %(code)s in %(unit)s saved.") % {
                    "code": price.hs_code, "unit": price.unit_id})
                return redirect("risk:reference-price-list")
    price.description = _hs_descriptions({price.hs_code}).get(price.hs_code, "")
    return render(request, "risk/reference_price_form.html", _reference_price_context(form, price=price))


@risk_admin_required
@require_POST
def reference_price_remove(request, pk):
    price = get_object_or_404(ReferencePrice, pk=pk)
    reference_price_delete(reference_price=price, user=request.user)
    messages.success(request, _("Reference price for %(code)s in %(unit)s deleted.") % {
        "code": price.hs_code, "unit": price.unit_id})
    return redirect("risk:reference-price-list")
