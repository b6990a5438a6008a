"""The learned model's pages (risk admins only): the history a version learns from, the form that asks
for a new version, the versions with their activation, and one version's evaluation in plain words,
followed while it trains. Thin over risk.services.risk_model."""
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from customs_portal.accounts.permissions import risk_admin_required
from risk.forms.model_versions import ModelTrainForm
from risk.learned_models import PORTAL_SOURCE, RiskModelVersion
from risk.selectors.history import history_sources
from risk.selectors.model_versions import (
    history_source_names,
    model_version_of,
    model_versions,
    portal_history,
)
from risk.services.risk_model import (
    RiskModelError,
    risk_model_activate,
    risk_model_deactivate,
    risk_model_rollback,
    risk_model_version_create,
)
from risk.views.common import is_htmx, safe_next

SHARES = ("1", "2", "5", "10")
EXPLAINED_SHARE = "5"
POLLED = (RiskModelVersion.State.PENDING, RiskModelVersion.State.TRAINING)
# What risk.learned.training reports it is doing (`progress_note`), in the reader's words.
PROGRESS_NOTES = {
    "features": gettext_lazy("Computing each item's features from what was known before its day"),
    "evaluation model": gettext_lazy("Training on the earlier rows and testing on the latest window"),
    "final model": gettext_lazy("Training the final model on every labelled row"),
    "storing": gettext_lazy("Storing the model"),
}


def _pct(fraction) -> float | None:
    return None if fraction is None else round(float(fraction) * 100, 1)


def source_label(source: str) -> str:
    return _("The portal's declarations") if source == PORTAL_SOURCE else source


def version_summary(version: RiskModelVersion) -> dict:
    """The figures of a version's row in the list: precision among the top 5 % and 10 %, AUC."""
    top = (version.metrics or {}).get("top", {})
    return {"p5": _pct(top.get("5", {}).get("precision")), "p10": _pct(top.get("10", {}).get("precision")),
            "auc": (version.metrics or {}).get("auc")}


def version_evaluation(version: RiskModelVersion) -> dict | None:
    """A ready version's evaluation shaped for the page, or None before it has one."""
    metrics = version.metrics or {}
    if version.state != RiskModelVersion.State.READY or not metrics:
        return None
    top = metrics.get("top", {})
    shares = [{"share": int(share), "rows": top[share]["rows"], "precision": _pct(top[share]["precision"]),
               "recall": _pct(top[share]["recall"]), "lift": top[share]["lift"]}
              for share in SHARES if share in top]
    explained = next((s for s in shares if str(s["share"]) == EXPLAINED_SHARE), shares[0] if shares else None)
    calibration = [{"from": _pct(b["from"]), "to": _pct(b["to"]), "rows": b["rows"],
                    "mean_score": _pct(b["mean_score"]), "observed": _pct(b["observed"])}
                   for b in metrics.get("calibration", [])]
    rows = version.rows or {}
    sources = [{"source": name, "label": source_label(name), **counts}
               for name, counts in sorted(rows.get("sources", {}).items(), key=lambda kv: (kv[0] != PORTAL_SOURCE, kv[0]))]
    return {
        "shares": shares, "explained": explained, "base_rate": _pct(metrics.get("base_rate")),
        "evaluation_rows": metrics.get("rows"), "evaluation_positives": metrics.get("positives"),
        "auc": metrics.get("auc"), "brier": metrics.get("brier"), "calibration": calibration,
        "rows": rows, "sources": sources,
        "parameters": sorted((version.parameters or {}).items()),
        "library_versions": sorted((version.library_versions or {}).items()),
    }


def version_context(version: RiskModelVersion) -> dict:
    """What templates/risk/_model_version_status.html shows of a version."""
    note = version.progress_note
    return {
        "version": version, "evaluation": version_evaluation(version), "polling": version.state in POLLED,
        "progress_note": PROGRESS_NOTES.get(note, note), "sources_label": [source_label(s) for s in version.include_sources],
    }


@risk_admin_required
@require_http_methods(["GET", "POST"])
def model_overview(request):
    names = history_source_names()
    if request.method == "POST":
        form = ModelTrainForm(data=request.POST, source_choices=names)
        if form.is_valid():
            version = risk_model_version_create(user=request.user, sources=form.cleaned_data["sources"],
                                                seed=form.cleaned_data["seed"])
            messages.success(request, _("Version %(number)s is queued for training.") % {"number": version.number})
            return redirect("risk:model-version", number=version.number)
    else:
        form = ModelTrainForm(source_choices=names)
    versions = list(model_versions())
    for version in versions:
        version.summary = version_summary(version)
    return render(request, "risk/model.html", {
        "form": form, "sources": history_sources(), "portal": portal_history(), "versions": versions,
        "active": next((v for v in versions if v.active), None),
    })


@risk_admin_required
@require_GET
def model_version(request, number: int):
    version = model_version_of(number=number)
    if version is None:
        raise Http404
    context = version_context(version)
    if is_htmx(request):
        return render(request, "risk/_model_version_status.html", context)
    return render(request, "risk/model_version.html", context)


def _back(request):
    return redirect(safe_next(request, reverse("risk:model")))


@risk_admin_required
@require_POST
def model_version_activate(request, number: int):
    version = model_version_of(number=number)
    if version is None:
        raise Http404
    try:
        risk_model_activate(version_id=version.pk, user=request.user)
    except RiskModelError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Version %(number)s is now the active model.") % {"number": version.number})
    return _back(request)


@risk_admin_required
@require_POST
def model_rollback(request):
    try:
        version = risk_model_rollback(user=request.user)
    except RiskModelError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Rolled back: version %(number)s is the active model again.") % {"number": version.number})
    return _back(request)


@risk_admin_required
@require_POST
def model_deactivate(request):
    try:
        risk_model_deactivate(user=request.user)
    except RiskModelError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The learned model is switched off: declarations are assessed by the rules alone."))
    return _back(request)
