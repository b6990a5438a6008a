"""The statistics page, `/statistics/`: customs staff read release times, channel mix, hit rates (supervisors
and risk admins), revenue and workload of the offices they may see; a trader reads its own release times,
channel mix and revenue beside the figures of its offices. Each section is one report of the API, read by
the same `statistics_query` and selector, drawn as a table here and as a chart by static/js/statistics.js
from the same dict (`json_script`)."""
from dataclasses import dataclass
from datetime import datetime

from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from customs_statistics.access import allowed_reports, statistics_query
from customs_statistics.exports import age_labels, comparison_label, duration_labels, group_title, tax_labels
from customs_statistics.selectors.reports import REPORTS
from customs_statistics.views.filters import filters_read, statistics_reader_required

# The grouping a section offers (its own query parameter, so each section keeps its own), staff / traders.
NO_GROUP = ""


@dataclass(frozen=True)
class Grouping:
    parameter: str
    staff: tuple[str, ...]
    trader: tuple[str, ...]

    def choices(self, user) -> tuple[str, ...]:
        return self.trader if user.is_trader else self.staff


GROUPINGS = {
    "release-times": Grouping("release_by", ("channel", "office", "transport_mode", "direction", "class"),
                              ("channel", "office", "transport_mode", "direction")),
    "channel-mix": Grouping("mix_by", ("class", "office", "hs_chapter", "enterprise", "direction", "week"),
                            (NO_GROUP, "office", "hs_chapter", "direction", "week")),
    "revenue": Grouping("revenue_by", ("day", "week", "month", "office", "direction"),
                        ("day", "week", "month", "office", "direction")),
}
SECTION_IDS = {"release-times": "release", "channel-mix": "mix", "hit-rates": "hits", "revenue": "revenue",
               "workload": "workload"}


def _export_links(report: str, params: dict, group_by: str | None) -> dict:
    query = urlencode({**params, **({"group_by": group_by} if group_by else {})})
    return {extension: reverse(f"statistics:export-{extension}", kwargs={"report": report}) + (f"?{query}" if query else "")
            for extension in ("csv", "xlsx")}


def _grouping(request, report: str) -> tuple[str | None, list[dict]]:
    """The section's grouping (asked for in the query string, else its first choice) and the links to the others."""
    grouping = GROUPINGS.get(report)
    if grouping is None:
        return None, []
    choices = grouping.choices(request.user)
    asked = request.GET.get(grouping.parameter)
    chosen = asked if asked in choices else choices[0]
    links = []
    for choice in choices:
        query = request.GET.copy()
        query[grouping.parameter] = choice
        links.append({"value": choice, "label": group_title(choice) if choice else _("Total"), "active": choice == chosen,
                      "url": f"?{query.urlencode()}#section-{SECTION_IDS[report]}"})
    return chosen or None, links


def _section(request, params: dict, report: str, *, group_by: str | None = None, links=(), key: str | None = None) -> dict:
    query = statistics_query(user=request.user, params={**params, **({"group_by": group_by} if group_by else {})},
                             report=report)
    name = key or SECTION_IDS[report]
    return {"id": name, "report": report, "data": REPORTS[report](query), "groupings": links,
            "group_title": group_title(query.group_by), "exports": _export_links(report, params, group_by),
            "json_id": f"stat-{name}-data"}


def _as_of(sections: dict) -> datetime | None:
    """When the rollups were last refreshed (the workload is live: not its `as_of`)."""
    for name, section in sections.items():
        if name != "workload" and section["data"].get("as_of"):
            return datetime.fromisoformat(section["data"]["as_of"])
    return None


def chart_labels(own_label: str) -> dict:
    """The words the charts print, in the reader's language (static/js/statistics.js)."""
    return {
        "median": _("Median"), "p90": _("90th percentile"), "hours": _("hours"), "declarations": _("Declarations"),
        "durations": duration_labels(), "taxes": tax_labels(), "ages": age_labels(),
        "channels": {"green": _("Green"), "yellow": _("Yellow"), "red": _("Red"), "unassessed": _("Not assessed")},
        "share": _("Share of declarations (%)"), "total": own_label, "comparison": comparison_label(),
        "yellow_counted_short": _("Yellow, counted"), "red_counted_short": _("Red, counted"),
        "yellow_cap": _("Yellow cap"), "red_cap": _("Red cap"),
        "hit_rate": _("Hit rate (%)"), "all_checks": _("All checks"), "physical": _("Physical inspections"),
        "documentary": _("Document checks"), "random": _("Random selection"), "checks": _("Checks"), "found": _("Found"),
        "assessed": pgettext("revenue", "Assessed"), "assessed_total": _("Assessed in total"), "paid": _("Paid"),
        "late_interest": _("Late interest"), "vnd": _("VND"), "million_vnd": _("million VND"), "billion_vnd": _("billion VND"),
        "open": pgettext("workload", "Open"), "decisions": _("Decisions"),
    }


@statistics_reader_required
def statistics_dashboard(request):
    form, params = filters_read(request)
    reports = allowed_reports(request.user)
    sections = {}
    for report in reports:
        group_by, links = _grouping(request, report)
        sections[SECTION_IDS[report]] = _section(request, params, report, group_by=group_by, links=links)
        if report == "release-times":
            sections["trend"] = _section(request, params, report, group_by="week", key="trend")
    # A trader's total is its own enterprise's, beside the total of every enterprise at its offices.
    own_label = _("Your enterprise") if request.user.is_trader else _("Total")
    return render(request, "statistics/dashboard.html", {
        "form": form, "sections": sections, "as_of": _as_of(sections), "trader": request.user.is_trader,
        "own_label": own_label, "chart_labels": chart_labels(own_label), "durations": duration_labels(), "taxes": tax_labels(), "ages": age_labels(),
    })
