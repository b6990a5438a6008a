"""`/statistics/<report>.csv` and `.xlsx`: a section of the statistics page as a file, with the page's
filters (the same query string) and its access; `group_by` names the section's grouping."""
from django.core.exceptions import BadRequest
from django.http import Http404, HttpResponse
from rest_framework.exceptions import ValidationError

from customs_statistics.access import REPORTS as REPORT_NAMES
from customs_statistics.access import statistics_query
from customs_statistics.exports import csv_bytes, export_filename, export_tables, xlsx_bytes
from customs_statistics.forms import StatisticsFilterForm
from customs_statistics.selectors.reports import REPORTS
from customs_statistics.views.filters import statistics_reader_required

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
WRITERS = {"csv": csv_bytes, "xlsx": xlsx_bytes}


@statistics_reader_required
def statistics_export(request, report: str, extension: str):
    if report not in REPORT_NAMES:
        raise Http404
    form = StatisticsFilterForm(request.GET, user=request.user)
    if not form.is_valid():
        raise BadRequest(" ".join(str(message) for messages in form.errors.values() for message in messages))
    params = {**form.params(), **({"group_by": request.GET["group_by"]} if request.GET.get("group_by") else {})}
    try:
        query = statistics_query(user=request.user, params=params, report=report)
    except ValidationError as error:
        raise BadRequest(" ".join(str(message) for messages in error.detail.values() for message in messages)) from None
    body = REPORTS[report](query)
    response = HttpResponse(WRITERS[extension](export_tables(report, body)), content_type=CONTENT_TYPES[extension])
    response["Content-Disposition"] = f'attachment; filename="{export_filename(report, body, extension)}"'
    return response
