"""`GET /api/v1/statistics/{release-times,channel-mix,hit-rates,revenue,workload}/`
(docs/api-additions.md, "Statistics"): the query is parsed and checked by `statistics_query`, the
figures read by the report's selector, both shared with the pages."""
from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import APIView

from customs_portal.accounts.models import ComplianceLevel
from customs_statistics.access import CHANNELS, GROUP_BY, SOURCES, statistics_query
from customs_statistics.api.serializers import RESPONSES
from customs_statistics.selectors.reports import REPORTS
from declarations.models import Direction, TransportMode

DESCRIPTIONS = {
    "release-times": ("Release times (WCO Time Release Study)",
                      "Median and 90th percentile of registration → assessment, → clearance (split into the time "
                      "customs held the file and the time the trader did: documents requested, waiting for payment) "
                      "and → gate release, of the declarations registered in the period, per group."),
    "channel-mix": ("Channel mix",
                    "Declarations registered in the period per channel (`green`, `yellow`, `red`, `unassessed`) with "
                    "their `total`, those selected at random, and the shares against each compliance class's caps."),
    "hit-rates": ("Selection hit rates",
                  "Of the yellow and red checks of the declarations registered in the period that have a result, the "
                  "share that found a discrepancy: all, physical, documentary, random, per rule and per model "
                  "version and band. `source=history` or `all` adds the imported outside history."),
    "revenue": ("Revenue",
                "Duties and taxes assessed (declarations registered in the period), paid (credited in the period), "
                "overdue now, and late interest, in VND, per group."),
    "workload": ("Workload",
                 "Declarations under review or inspection now per office and officer with their age since the "
                 "assessment, and the checks each officer concluded per day in the period."),
}


def _parameters(report: str) -> list:
    parameters = [
        OpenApiParameter("from", str, description="first day, YYYY-MM-DD (default: 29 days before `to`)"),
        OpenApiParameter("to", str, description="last day, YYYY-MM-DD, included (default: today)"),
        OpenApiParameter("office", str, description="customs office code"),
        OpenApiParameter("enterprise", str, description="enterprise tax code"),
        OpenApiParameter("direction", str, enum=[str(d) for d in Direction]),
        OpenApiParameter("channel", str, enum=list(CHANNELS)),
        OpenApiParameter("class", str, enum=[str(c) for c in ComplianceLevel], description="compliance class"),
        OpenApiParameter("transport_mode", str, enum=[str(t) for t in TransportMode]),
        OpenApiParameter("source", str, enum=list(SOURCES),
                         description="portal (default); history and all only for the hit rates"),
    ]
    if GROUP_BY[report]:
        parameters.append(OpenApiParameter("group_by", str, enum=list(GROUP_BY[report])))
    return parameters


class StatisticsView(APIView):
    report = ""

    def get(self, request):
        try:
            query = statistics_query(user=request.user, params=request.query_params, report=self.report)
        except PermissionDenied as denied:
            raise exceptions.PermissionDenied(str(denied)) from None
        return Response(REPORTS[self.report](query))


def _view(report: str):
    summary, description = DESCRIPTIONS[report]
    schema = extend_schema(
        summary=summary, description=description, parameters=_parameters(report), tags=["statistics"],
        operation_id=f"statistics_{report.replace('-', '_')}",
        responses={200: RESPONSES[report], 400: OpenApiResponse(description="A bad parameter, named in the body"),
                   403: OpenApiResponse(description="Not allowed to see these figures")})
    name = "".join(part.title() for part in report.split("-")) + "StatisticsView"

    def get(self, request):  # a function of its own: extend_schema annotates the function it is given
        return StatisticsView.get(self, request)

    return type(name, (StatisticsView,), {"report": report, "get": schema(get)}).as_view()


VIEWS = {report: _view(report) for report in DESCRIPTIONS}
