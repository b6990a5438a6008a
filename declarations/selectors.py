"""Reads: what a user may see, the row lock, the declaration number (the reference look-ups are in
`reference.selectors`).

As in every app, the reads compiled once (`customs_portal.prepared`) and raw SQL live here only, each
as a named selector; tests/declarations/test_selectors_against_orm.py compares them with the ORM.
"""
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Exists, FloatField, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from customs_portal.accounts.models import Role, User
from customs_portal.audit.models import AuditEvent
from customs_portal.prepared import PreparedList, PreparedQuery
from declarations import extensions
from declarations.amendments import AmendmentStatus
from declarations.lifecycle import Channel, Status
from declarations.live import declaration_snapshot
from declarations.models import (
    AmendmentRequest,
    Declaration,
    DeclarationVersion,
    DocumentRequest,
    GoodsItem,
    InspectionResult,
    Notice,
)


def _visibility(user) -> dict | None:
    """What limits the declarations `user` sees, as filter values: {} (officers, risk admins and
    superusers see all), {"enterprise_id": …} (traders see their own enterprise's), or None (nothing)."""
    if not user.is_authenticated:
        return None
    if user.is_customs_staff:
        return {}
    if user.is_trader and user.enterprise_id:
        return {"enterprise_id": user.enterprise_id}
    return None


def _declarations() -> QuerySet[Declaration]:
    return Declaration.objects.select_related("enterprise", "customs_office", "invoice_currency")


def declarations_visible_to(*, user) -> QuerySet[Declaration]:
    """Traders see their own enterprise's declarations; officers, risk admins and superusers see all."""
    limits = _visibility(user)
    return _declarations().none() if limits is None else _declarations().filter(**limits)


def _listed(queryset: QuerySet[Declaration]) -> QuerySet[Declaration]:
    items = GoodsItem.objects.filter(declaration=OuterRef("pk")).order_by().values("declaration")
    return queryset.annotate(
        item_count=Coalesce(Subquery(items.annotate(count=Count("*")).values("count")[:1]), 0)
    ).order_by("-created_at", "-id")


def declarations_listed_for(*, user) -> QuerySet[Declaration]:
    """The declarations a user may see, newest first, each with its `item_count`.

    The count is a subquery, which PostgreSQL evaluates only for the rows of the page (after
    the sort and limit); a join with GROUP BY would count the items of every declaration.
    """
    return _listed(declarations_visible_to(user=user))


# The reads behind nearly every API request, compiled once (customs_portal.prepared).
_listed_prepared = PreparedQuery(lambda **limits: _listed(_declarations().filter(**limits)))
_one_prepared = PreparedQuery(lambda pk, **limits: _declarations().select_related("amendment_request").filter(pk=pk, **limits))
_id_prepared = PreparedQuery(lambda pk, **limits: Declaration.objects.filter(pk=pk, **limits).values_list("pk", flat=True))
_items_prepared = PreparedQuery(lambda declaration_id: GoodsItem.objects.filter(declaration_id=declaration_id).order_by("line_no"))
_locked_prepared = PreparedQuery(
    lambda declaration_id: Declaration.objects.select_related("enterprise").select_for_update(of=("self",)).filter(pk=declaration_id)
)


def declaration_row_locked(*, declaration_id: int) -> Declaration | None:
    """The row (with its enterprise, unlocked), locked until the end of the caller's transaction; None
    when there is none. Every status change starts here (`declarations.services.lifecycle.declaration_lock`)."""
    return _locked_prepared.first(declaration_id=declaration_id)


def declaration_group_locked(*, first_id: int) -> list[Declaration]:
    """The members of a group of branch declarations (with their enterprises), locked in branch order
    (the one order every caller locks them in) until the end of the caller's transaction."""
    return list(Declaration.objects.select_related("enterprise").select_for_update(of=("self",))
                .filter(branch_of_id=first_id).order_by("branch_index"))


def declaration_group(*, declaration: Declaration) -> list[Declaration]:
    """The members of the declaration's group of branches in branch order, [] for a single declaration."""
    if declaration.branch_of_id is None:
        return []
    return list(Declaration.objects.filter(branch_of_id=declaration.branch_of_id).order_by("branch_index"))


def declaration_branch_group(*, declaration: Declaration) -> dict | None:
    """A branch declaration's group as its pages show it: the first number, each branch (number,
    status, channel, taxes) in branch order, and the group's totals; None for a single declaration.
    Every member is of the same enterprise, so whoever may read one branch may read them all."""
    members = declaration_group(declaration=declaration)
    if not members:
        return None
    return {
        "first_number": members[0].number,
        "index": declaration.branch_index,
        "count": declaration.branch_count,
        "members": members,
        "item_count": GoodsItem.objects.filter(declaration__in=members).count(),
        "invoice_total": sum((m.invoice_total for m in members), Decimal("0")),
        "tax_total": sum((m.tax_total for m in members), Decimal("0")),
        "amount_due": sum((m.amount_due for m in members), Decimal("0")),
    }


def declaration_number_next() -> int:
    """The next value of the declaration numbers' sequence. Drawing it uses it up, even if the caller's
    transaction rolls back: a number is never given twice."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('declaration_number_seq')")
        (value,) = cursor.fetchone()
    return value


def declarations_listed_page_source(*, user) -> PreparedList | QuerySet[Declaration]:
    """`declarations_listed_for` as a paginator reads it (a count and one slice), compiled once."""
    limits = _visibility(user)
    return Declaration.objects.none() if limits is None else PreparedList(_listed_prepared, **limits)


LIVE_STATE_MAX = 100


def declarations_live_state(*, user, ids) -> list[dict]:
    """The state of those of the declarations `ids` that `user` may see, as a live update carries it
    (declarations/live.py); what a page asks for when its socket (re)connects, having maybe missed messages."""
    limits = _visibility(user)
    wanted = {pk for pk in map(_pk_value, ids) if pk is not None}
    if limits is None or not wanted or len(wanted) > LIVE_STATE_MAX:
        return []
    rows = Declaration.objects.filter(pk__in=wanted, **limits).only(
        "pk", "enterprise_id", "number", "status", "channel", "version", "updated_at").order_by("pk")
    return [{key: value for key, value in declaration_snapshot(row).items() if key != "enterprise_id"} for row in rows]


def _pk_value(pk) -> int | None:
    try:
        value = int(pk)
    except (ValueError, TypeError):
        return None
    return value if 0 < value < 2**63 else None


def _one_visible(user, pk) -> Declaration:
    limits, pk = _visibility(user), _pk_value(pk)
    if limits is None or pk is None:
        raise Http404
    declaration = _one_prepared.first(pk=pk, **limits)
    if declaration is None:
        raise Http404
    return declaration


def declaration_get(*, user, pk) -> Declaration:
    """One declaration the user may see, without its goods items (with its enterprise, office,
    currency and amendment request), or Http404 (never 403: existence must not leak). Compiled once."""
    return _one_visible(user, pk)


def declaration_get_with_item_codes(*, user, pk) -> Declaration:
    """`declaration_get` with its goods items alone (`items.all()` reads no more): the API shows
    their codes. Two queries, both compiled once."""
    declaration = _one_visible(user, pk)
    declaration.items_set_loaded(declaration_items(declaration=declaration))
    return declaration


def declaration_get_with_items(*, user, pk) -> Declaration:
    """`declaration_get` with its goods items and their units, origin countries and tariff lines, the
    partner country, ports and author: what pages show by name."""
    limits, pk = _visibility(user), _pk_value(pk)
    if limits is None or pk is None:
        raise Http404
    qs = _declarations().filter(**limits).select_related("partner_country", "port_of_loading", "port_of_discharge", "created_by",
                                                         "amendment_request")
    try:
        return qs.prefetch_related("items__unit", "items__origin_country", "items__tariff_line").get(pk=pk)
    except Declaration.DoesNotExist:
        raise Http404 from None


def declaration_items(*, declaration: Declaration) -> list[GoodsItem]:
    """The declaration's goods items in line order (each knowing its declaration), compiled once."""
    items = _items_prepared(declaration_id=declaration.pk)
    for item in items:
        GoodsItem.declaration.field.set_cached_value(item, declaration)
    return items


def declaration_id_visible(*, user, pk) -> int:
    """The id of a declaration the user may see, or Http404: for services that lock the row
    themselves, so it is not read twice."""
    limits, pk = _visibility(user), _pk_value(pk)
    if limits is None or pk is None or _id_prepared.first(pk=pk, **limits) is None:
        raise Http404
    return pk


REVIEW_STATUSES = ("under_review", "under_inspection")


def with_open_document_requests(queryset: QuerySet[Declaration]) -> QuerySet[Declaration]:
    """Each declaration with `documents_requested_at`: when customs made the oldest request for
    documents that the trader has not answered yet (None when none is open)."""
    open_requests = DocumentRequest.objects.filter(declaration=OuterRef("pk"), answered_at__isnull=True)
    return queryset.annotate(documents_requested_at=Subquery(open_requests.order_by("created_at", "id").values("created_at")[:1]))


def _trader_seconds(now) -> RawSQL:
    """Seconds since the channel was assigned during which a document request was open (the union of
    the requests' intervals: two requests open at once count once), the time the trader held the file."""
    declaration, request = Declaration._meta.db_table, DocumentRequest._meta.db_table
    start = f'GREATEST(request.created_at, "{declaration}".assessed_at)'
    return RawSQL(
        f"""(SELECT COALESCE(EXTRACT(EPOCH FROM SUM(UPPER(held) - LOWER(held))), 0)::double precision
             FROM (SELECT UNNEST(RANGE_AGG(TSTZRANGE({start}, COALESCE(request.answered_at, %s)))) AS held
                   FROM "{request}" request
                   WHERE request.declaration_id = "{declaration}".id AND COALESCE(request.answered_at, %s) > {start}
                  ) AS intervals)""",
        (now, now), output_field=FloatField(),
    )


def with_holding_times(queryset: QuerySet[Declaration], *, now) -> QuerySet[Declaration]:
    """Who holds each declaration, and since when, as annotations (one query for any number of rows):

    `documents_requested_at` (the oldest open request for documents), `documents_answered_at` (the
    latest answer, once every request is answered), `trader_seconds` (time since the channel was
    assigned with a request open: the trader holds the file) and `awaiting_payment_since` (when a
    declaration awaiting payment started to wait). The time customs held it is the rest:
    `declaration_holding` in declarations/review_display.py.
    """
    answered = DocumentRequest.objects.filter(declaration=OuterRef("pk"), answered_at__isnull=False)
    into_payment = AuditEvent.objects.filter(declaration=OuterRef("pk"), to_status=Status.ASSESSED).exclude(
        from_status=Status.ASSESSED)
    return with_open_document_requests(queryset).annotate(
        documents_answered_at=Subquery(answered.order_by("-answered_at", "-id").values("answered_at")[:1]),
        trader_seconds=_trader_seconds(now),
        awaiting_payment_since=Subquery(into_payment.order_by("-created_at", "-id").values("created_at")[:1]),
    )


def review_queue(*, officer, channel: str = "", office: str = "", enterprise: str = "", hs_chapter: str = "",
                 min_wait_minutes: int | None = None, assigned: str = "", now=None) -> QuerySet[Declaration]:
    """Yellow and red declarations waiting for an officer of the officer's offices, oldest first;
    `assigned`: "me" (the officer's own), "none" (the offices' pool), "" (all).

    One query: the risk score and fired rules of the current assessment (risk's `review_queue_annotations`), the state of the
    document requests and the time the trader held the file (`with_holding_times`) come as annotations.
    """
    now = now or timezone.now()

    qs = Declaration.objects.filter(status__in=REVIEW_STATUSES).select_related("enterprise", "customs_office", "assigned_to")
    if not officer.all_offices:
        qs = qs.filter(customs_office__in=officer.offices.all())
    if channel:
        qs = qs.filter(channel=channel)
    if assigned:
        qs = qs.filter(assigned_to=officer) if assigned == "me" else qs.filter(assigned_to__isnull=True)
    if office:
        qs = qs.filter(customs_office_id=office)
    if enterprise:
        qs = qs.filter(Q(enterprise__tax_code=enterprise) | Q(enterprise__name__icontains=enterprise))
    if hs_chapter:
        qs = qs.filter(Exists(GoodsItem.objects.filter(declaration=OuterRef("pk"), hs_code__startswith=hs_chapter)))
    if min_wait_minutes:
        qs = qs.filter(assessed_at__lte=now - timezone.timedelta(minutes=min_wait_minutes))
    return with_holding_times(qs, now=now).annotate(
        **extensions.review_queue_annotations.handler(),
        amendment_pending=Exists(AmendmentRequest.objects.filter(declaration=OuterRef("pk"), status=AmendmentStatus.PENDING)),
    ).order_by("assessed_at", "id")


# --- Reads of the declaration page and the review page (formatted by declarations.review_display) ---

def declaration_audit_events(*, declaration: Declaration) -> QuerySet[AuditEvent]:
    """The declaration's audit trail, oldest first, with who acted."""
    return AuditEvent.objects.filter(declaration=declaration).select_related("actor").order_by("created_at", "id")


def declaration_versions_superseded(*, declaration: Declaration) -> QuerySet[DeclarationVersion]:
    """The earlier versions of an amended declaration, newest first, with who superseded each."""
    return declaration.versions.select_related("superseded_by").order_by("-version")


def enterprise_record(*, declaration: Declaration, limit: int) -> dict:
    """The declaring enterprise's other declarations (drafts left out): counts by channel and of
    rejections, the `limit` latest, and the `limit` latest inspection results."""
    enterprise = declaration.enterprise
    others = (Declaration.objects.filter(enterprise=enterprise).exclude(pk=declaration.pk)
              .exclude(status__in=(Status.DRAFT, Status.EXPIRED)))
    stats = others.order_by().aggregate(
        total=Count("id"),
        green=Count("id", filter=Q(channel=Channel.GREEN)),
        yellow=Count("id", filter=Q(channel=Channel.YELLOW)),
        red=Count("id", filter=Q(channel=Channel.RED)),
        rejected=Count("id", filter=Q(status=Status.REJECTED)),
    )
    history = list(others.select_related(None).only("pk", "number", "status", "channel", "registered_at", "customs_office_id")
                   .order_by("-registered_at", "-id")[:limit])
    inspections = list(
        InspectionResult.objects.filter(declaration__enterprise=enterprise).exclude(declaration=declaration)
        .select_related("declaration", "inspected_by").order_by("-created_at", "-id")[:limit]
    )
    return {"stats": stats, "history": history, "inspections": inspections}


# The first key of pg_advisory_xact_lock(int, int): the assignment lock's namespace; the second is the office.
_ASSIGNMENT_LOCK_NAMESPACE = 1515


def office_assignment_lock(*, office_id: str) -> None:
    """Until the end of the transaction: one assignment at a time for this office
    (declarations.services.assignment); taken after the declaration's row lock."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [_ASSIGNMENT_LOCK_NAMESPACE, office_id])


def officer_names(*, ids) -> dict[int, str]:
    """{user id: full name, or the username without one} of the users `ids` (the audit trail's assignments)."""
    return {user.pk: user.get_full_name() or user.username
            for user in User.objects.filter(pk__in=ids).only("pk", "first_name", "last_name", "username")}


# --- Officers' availability (declarations.services.absence): the supervisor's "Officers" page ---

def officers_supervised(*, supervisor) -> QuerySet[User]:
    """The active officers of the supervisor's offices (every officer for one who works for all
    offices), with `open_work`: the declarations under review or inspection assigned to them."""
    officers = User.objects.filter(role=Role.OFFICER, is_active=True)
    if not supervisor.all_offices:
        officers = officers.filter(Q(pk=supervisor.pk) | Q(offices__in=supervisor.offices.values("pk"))).distinct()
    return (officers.annotate(open_work=Count("assigned_declarations", distinct=True,
                                              filter=Q(assigned_declarations__status__in=REVIEW_STATUSES)))
            .prefetch_related("offices").order_by("last_name", "first_name", "username"))


def office_pool_count(*, officer) -> int:
    """Declarations under review or inspection that nobody holds, in the officer's offices (all for one of all offices)."""
    pool = Declaration.objects.filter(status__in=REVIEW_STATUSES, assigned_to__isnull=True)
    if not officer.all_offices:
        pool = pool.filter(customs_office__in=officer.offices.values("pk"))
    return pool.count()


def notices_visible_to(*, user) -> QuerySet[Notice]:
    """The notices of the trader's enterprise, newest first; none for anyone else."""
    if not user.is_trader or user.enterprise_id is None:
        return Notice.objects.none()
    return Notice.objects.filter(enterprise_id=user.enterprise_id).order_by("-created_at", "-id")
