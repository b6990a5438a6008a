"""Who sees which statistics, and the query a request asks for (`statistics_query`): the API and the
pages share it.

- Traders: release times, channel mix and revenue of their own enterprise, with the average of the
  offices they declared at beside them (when at least `COMPARISON_MIN_ENTERPRISES` enterprises make
  it, so that no other enterprise's figures can be read from it).
- Officers: their offices' figures (every office for one who works for all offices) and their own
  workload; supervisors also the hit rates and every officer's workload of their offices.
- Risk administrators (and superusers): everything, national.
- The gate system: nothing.

A bad parameter raises ValidationError (HTTP 400) naming it; asking for what the user may not see
raises PermissionDenied (HTTP 403).
"""
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers

from customs_portal.accounts.models import ComplianceLevel, Enterprise
from declarations.lifecycle import Channel
from declarations.models import Direction, TransportMode
from reference.models import CustomsOffice

REPORTS = ("release-times", "channel-mix", "hit-rates", "revenue", "workload")
TRADER_REPORTS = ("release-times", "channel-mix", "revenue")
UNASSESSED = "unassessed"
CHANNELS = (*(str(c) for c in Channel), UNASSESSED)
GROUP_BY = {
    "release-times": ("channel", "office", "transport_mode", "week", "direction", "class"),
    "channel-mix": ("office", "class", "hs_chapter", "enterprise", "direction", "week"),
    "hit-rates": (),
    "revenue": ("day", "week", "month", "office", "direction"),
    "workload": (),
}
DEFAULT_GROUP_BY = {"release-times": "channel", "revenue": "day"}
SOURCES = ("portal", "history", "all")
DEFAULT_PERIOD_DAYS = 30
MAX_PERIOD_DAYS = 3 * 366
COMPARISON_MIN_ENTERPRISES = 5


@dataclass(frozen=True)
class StatisticsQuery:
    report: str
    date_from: date
    date_to: date
    offices: tuple[str, ...] | None = None  # office codes; None: every office
    enterprise_id: int | None = None
    enterprise_tax_code: str | None = None
    direction: str | None = None
    channel: str | None = None  # a Channel, "unassessed", or None
    compliance_class: str | None = None
    transport_mode: str | None = None
    group_by: str | None = None
    source: str = "portal"
    # A trader's own view: the figures of the offices it declared at beside its own.
    comparison: bool = False
    # Workload: whose rows (None: every officer of `offices`; else only these user ids).
    officer_ids: tuple[int, ...] | None = None

    def as_json(self) -> dict:
        return {"office": list(self.offices) if self.offices is not None else None,
                "enterprise": self.enterprise_tax_code, "direction": self.direction, "channel": self.channel,
                "class": self.compliance_class, "transport_mode": self.transport_mode}


def _bad(name: str, message: str):
    return serializers.ValidationError({name: [message]})


def _choice(params, name: str, choices) -> str | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    if raw not in choices:
        raise _bad(name, _("Use one of: %(choices)s.") % {"choices": ", ".join(choices)})
    return raw


def _period(params) -> tuple[date, date]:
    today = timezone.localdate()
    parsed = {}
    for name in ("from", "to"):
        raw = (params.get(name) or "").strip()
        if not raw:
            parsed[name] = None
            continue
        try:
            parsed[name] = date.fromisoformat(raw)
        except ValueError:
            raise _bad(name, _("Give a date as YYYY-MM-DD.")) from None
        if len(raw) != 10:
            raise _bad(name, _("Give a date as YYYY-MM-DD."))
    date_to = parsed["to"] or today
    date_from = parsed["from"] or date_to - timedelta(days=DEFAULT_PERIOD_DAYS - 1)
    if date_from > date_to:
        raise _bad("to", _("The end of the period is before its start."))
    if (date_to - date_from).days >= MAX_PERIOD_DAYS:
        raise _bad("from", _("The period is at most three years."))
    return date_from, date_to


def allowed_reports(user) -> tuple[str, ...]:
    """The reports a user may read (none for the gate, for users without a role or not signed in)."""
    if not user.is_authenticated:
        return ()
    if user.is_risk_admin:
        return REPORTS
    if user.is_officer:
        return REPORTS if user.is_supervisor else tuple(r for r in REPORTS if r != "hit-rates")
    if user.is_trader and user.enterprise_id:
        return TRADER_REPORTS
    return ()


def offices_visible(user) -> list[CustomsOffice]:
    """The offices whose figures the user may read (for the pages' office filter)."""
    if user.is_risk_admin or (user.is_officer and user.all_offices):
        return list(CustomsOffice.objects.order_by("code"))
    if user.is_officer:
        return list(user.offices.order_by("code"))
    return []


def statistics_query(*, user, params, report: str) -> StatisticsQuery:
    """The query of one report from a query string (a QueryDict or dict), within what `user` may see."""
    if report not in allowed_reports(user):
        raise PermissionDenied(_("You may not see these statistics."))
    date_from, date_to = _period(params)
    group_by = _choice(params, "group_by", GROUP_BY[report]) if GROUP_BY[report] else None
    if not GROUP_BY[report] and (params.get("group_by") or "").strip():
        raise _bad("group_by", _("This report has no grouping."))
    source = _choice(params, "source", SOURCES) or "portal"
    if source != "portal" and report != "hit-rates":
        raise _bad("source", _("The imported history has only what checks found: ask the hit rates for it."))
    direction = _choice(params, "direction", [str(d) for d in Direction])
    channel = _choice(params, "channel", CHANNELS)
    compliance_class = _choice(params, "class", [str(c) for c in ComplianceLevel])
    transport_mode = _choice(params, "transport_mode", [str(t) for t in TransportMode])

    office = (params.get("office") or "").strip().upper() or None
    if office is not None and not CustomsOffice.objects.filter(code=office).exists():
        raise _bad("office", _("No customs office has this code."))
    tax_code = (params.get("enterprise") or "").strip() or None
    enterprise = None
    if tax_code is not None:
        enterprise = Enterprise.objects.filter(tax_code=tax_code).only("pk", "tax_code").first()
        if enterprise is None and not (user.is_trader and user.enterprise_id):
            raise _bad("enterprise", _("No enterprise has this tax code."))

    comparison, officer_ids = False, None
    offices = (office,) if office else None
    if user.is_trader:
        if tax_code is not None and (enterprise is None or enterprise.pk != user.enterprise_id):
            raise PermissionDenied(_("Traders see only their own enterprise's statistics."))
        enterprise = user.enterprise
        comparison = True
    elif user.is_officer and not user.all_offices:
        own = tuple(user.offices.order_by("code").values_list("code", flat=True))
        if office is not None and office not in own:
            raise PermissionDenied(_("You see the statistics of your own customs offices only."))
        offices = offices or own
    if user.is_officer and not user.is_supervisor:
        officer_ids = (user.pk,)

    return StatisticsQuery(
        report=report, date_from=date_from, date_to=date_to, offices=offices,
        enterprise_id=enterprise.pk if enterprise else None, enterprise_tax_code=enterprise.tax_code if enterprise else None,
        direction=direction, channel=channel, compliance_class=compliance_class, transport_mode=transport_mode,
        group_by=group_by or DEFAULT_GROUP_BY.get(report), source=source, comparison=comparison, officer_ids=officer_ids)
