"""Caps and random selection per compliance class on the risk settings page: the table of classes
with their live window (`class_rows`), and the edit of one class (risk admins only)."""
from decimal import Decimal

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from customs_portal.accounts.models import ComplianceLevel
from customs_portal.accounts.permissions import risk_admin_required
from customs_portal.errors import DomainValidationError
from declarations.review_display import decimal_text
from risk.forms.selectivity import CapWindowForm, ClassSelectivityForm
from risk.selectors.selectivity import class_selectivity_of
from risk.services.assessment import risk_settings_current
from risk.services.selectivity import ClassFigures, cap_window_update, class_figures, class_selectivity_update

ONE_PLACE = Decimal("0.1")


def percent_text(rate: Decimal) -> str:
    """A rate as a percentage to one decimal place, the reader's way (0.053 → "5.3" / "5,3")."""
    return decimal_text((Decimal(rate) * 100).quantize(ONE_PLACE))


def class_row(figures: ClassFigures) -> dict:
    counts, row = figures.counts, figures.row
    return {
        "level": figures.level, "label": figures.label, "counts": counts,
        "yellow_cap": percent_text(row.yellow_cap), "red_cap": percent_text(row.red_cap),
        "random_yellow_min": percent_text(row.random_yellow_min), "random_red_min": percent_text(row.random_red_min),
        "random_yellow_rate": percent_text(figures.random_yellow_rate), "random_red_rate": percent_text(figures.random_red_rate),
        "yellow_share": percent_text(figures.yellow_share), "red_share": percent_text(figures.red_share),
        "random_yellow_share": percent_text(figures.random_yellow_share),
        "random_red_share": percent_text(figures.random_red_share),
        "yellow_at_cap": not figures.yellow_open, "red_at_cap": not figures.red_open,
    }


def class_rows() -> list[dict]:
    return [class_row(figures) for figures in class_figures()]


def class_caps_context() -> dict:
    """What templates/risk/_class_caps.html needs: the classes against their caps, and the window."""
    figures = class_figures()
    return {"classes": [class_row(f) for f in figures], "cap_window_days": figures[0].window_days}


@risk_admin_required
@require_http_methods(["GET", "POST"])
def class_selectivity_edit(request, level: str):
    if level not in ComplianceLevel.values:
        raise Http404
    row = class_selectivity_of(level=level)
    if request.method == "GET":
        form = ClassSelectivityForm.for_row(row)
    else:
        form = ClassSelectivityForm(data=request.POST)
        if form.is_valid():
            try:
                class_selectivity_update(user=request.user, level=level, data=form.class_data())
            except DomainValidationError as exc:
                form.set_service_errors(exc.errors)
            else:
                messages.success(request, _("The caps and random rates of the class %(level)s are saved.")
                                 % {"level": ComplianceLevel(level).label})
                return redirect("risk:settings")
    return render(request, "risk/class_selectivity_form.html", {
        "form": form, "row": row, "level": level, "label": ComplianceLevel(level).label,
    })


@risk_admin_required
@require_http_methods(["GET", "POST"])
def cap_window_edit(request):
    current = risk_settings_current()
    if request.method == "GET":
        form = CapWindowForm(initial={"days": current.cap_window_days})
    else:
        form = CapWindowForm(data=request.POST)
        if form.is_valid():
            try:
                cap_window_update(user=request.user, days=form.cleaned_data["days"])
            except DomainValidationError as exc:
                form.set_service_errors(exc.errors)
            else:
                messages.success(request, _("The caps are now held over the last %(days)d days.")
                                 % {"days": form.cleaned_data["days"]})
                return redirect("risk:settings")
    return render(request, "risk/cap_window_form.html", {"form": form, "settings": current})
