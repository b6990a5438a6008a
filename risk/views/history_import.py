"""Outside history for the learned risk model, imported by a risk admin: a file they upload, or the
labelled data set shipped with the portal (risk/history_data/kcs/). The same service as
`manage.py import_history` (risk/services/history_import.py): every bad row is listed with its line
and column, and nothing is imported then."""
from decimal import Decimal
from pathlib import Path

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from customs_portal.accounts.permissions import risk_admin_required
from declarations.review_display import decimal_text
from risk.forms.history_import import HistoryImportForm
from risk.selectors.history import history_sources
from risk.services.history_import import HistoryImportError, history_import

SHIPPED = Path(__file__).resolve().parent.parent / "history_data" / "kcs"
SHIPPED_FILES = ("df_syn_train_eng.csv", "df_syn_valid_eng.csv")
SHOWN_PROBLEMS = 50


def sources_shown() -> list[dict]:
    """history_sources() with its counts grouped the reader's way (45.519 / 45,519)."""
    return [{**source, **{f"{name}_text": decimal_text(Decimal(source[name])) for name in ("rows", "labelled", "positives")}}
            for source in history_sources()]


def _problems_context(error: HistoryImportError) -> dict:
    problems = [str(problem) for problem in error.problems]
    return {"problems": problems[:SHOWN_PROBLEMS], "more_problems": max(0, len(problems) - SHOWN_PROBLEMS)}


@risk_admin_required
@require_http_methods(["GET", "POST"])
def history_import_page(request):
    context = {"sources": sources_shown(), "shipped_files": SHIPPED_FILES}
    if request.method == "POST":
        form = HistoryImportForm(data=request.POST, files=request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = history_import(path_or_file=upload, source=form.cleaned_data["source"], file_name=upload.name,
                                        currency=form.cleaned_data["currency"], user=request.user)
            except HistoryImportError as error:
                context.update(_problems_context(error))
            else:
                messages.success(request, report.summary())
                return redirect("risk:history-import")
    else:
        form = HistoryImportForm()
    return render(request, "risk/history_import.html", {**context, "form": form})


@risk_admin_required
@require_POST
def history_import_shipped(request):
    """Import the KCS data set's two files (idempotent: rows already there are skipped)."""
    for name in SHIPPED_FILES:
        try:
            report = history_import(path_or_file=SHIPPED / name, source="kcs", currency="KRW", user=request.user)
        except HistoryImportError as error:
            return render(request, "risk/history_import.html", {
                "form": HistoryImportForm(), "sources": sources_shown(), "shipped_files": SHIPPED_FILES,
                **_problems_context(error)})
        messages.success(request, report.summary())
    messages.info(request, _("The history is ready to learn from: train a new version of the model."))
    return redirect("risk:history-import")
