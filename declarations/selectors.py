"""Reads: what a user may see, reference look-ups."""
from datetime import date
from decimal import Decimal

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from declarations.models import Declaration, GoodsItem, TariffLine
from declarations.reference_cache import ReferenceCopies, reference_copies

VND_RATE = Decimal("1")


def declarations_visible_to(*, user) -> QuerySet[Declaration]:
    """Traders see their own enterprise's declarations; officers, risk admins and superusers see all."""
    qs = Declaration.objects.select_related("enterprise", "customs_office", "invoice_currency")
    if not user.is_authenticated:
        return qs.none()
    if user.is_customs_staff:
        return qs
    if user.is_trader and user.enterprise_id:
        return qs.filter(enterprise_id=user.enterprise_id)
    return qs.none()


def declarations_listed_for(*, user) -> QuerySet[Declaration]:
    """The declarations a user may see, newest first, each with its `item_count`.

    The count is a subquery, which PostgreSQL evaluates only for the rows of the page (after
    the sort and limit); a join with GROUP BY would count the items of every declaration.
    """
    items = GoodsItem.objects.filter(declaration=OuterRef("pk")).order_by().values("declaration")
    return declarations_visible_to(user=user).annotate(
        item_count=Coalesce(Subquery(items.annotate(count=Count("*")).values("count")[:1]), 0)
    ).order_by("-created_at", "-id")


def declaration_get(*, user, pk, with_items: bool | str = True) -> Declaration:
    """One declaration the user may see, or Http404 (never 403: existence must not leak).

    `with_items="codes"` fetches the items alone (the API shows their codes), True also their
    units, origin countries and tariff lines (pages show their names).
    """
    qs = declarations_visible_to(user=user)
    if with_items == "codes":
        qs = qs.prefetch_related("items")
    elif with_items:
        qs = qs.select_related("partner_country", "port_of_loading", "port_of_discharge", "created_by")
        qs = qs.prefetch_related("items__unit", "items__origin_country", "items__tariff_line")
    try:
        return qs.get(pk=pk)
    except (Declaration.DoesNotExist, ValueError, TypeError):
        raise Http404


def declaration_id_visible(*, user, pk) -> int:
    """The id of a declaration the user may see, or Http404: for services that lock the row
    themselves, so it is not read twice."""
    try:
        found = declarations_visible_to(user=user).filter(pk=pk).values_list("pk", flat=True).first()
    except (ValueError, TypeError):
        found = None
    if found is None:
        raise Http404
    return found


def exchange_rate_in_force(*, currency: str, on: date, references: ReferenceCopies | None = None) -> tuple[Decimal, date] | None:
    """The VND rate of `currency` in force on `on` (the latest rate dated on or before it), with its date."""
    if currency == "VND":
        return VND_RATE, on
    return (references or reference_copies()).exchange_rate(currency=currency, on=on)


def tariff_search(*, q: str, limit: int = 20) -> QuerySet[TariffLine]:
    """Tariff lines by code prefix (digits, dots and spaces ignored) or by words of the description."""
    q = (q or "").strip()
    digits = q.replace(".", "").replace(" ", "")
    qs = TariffLine.objects.all()
    if not q:
        return qs.none()
    if digits.isdigit():
        return qs.filter(hs_code__startswith=digits[:8]).order_by("hs_code")[:limit]
    words = [w for w in q.split() if w]
    condition = Q()
    for word in words:
        condition &= Q(description_vi__icontains=word) | Q(description_en__icontains=word)
    return qs.filter(condition).order_by("hs_code")[:limit]


REVIEW_STATUSES = ("under_review", "under_inspection")


def review_queue(*, officer, channel: str = "", office: str = "", enterprise: str = "", hs_chapter: str = "",
                 min_wait_minutes: int | None = None) -> QuerySet[Declaration]:
    """Yellow and red declarations waiting for an officer of the officer's offices, oldest first.

    One query: the risk score and fired rules of the current assessment come as annotations.
    """
    from django.db.models import Exists, OuterRef, Subquery
    from django.utils import timezone

    from declarations.models import GoodsItem
    from risk.models import Assessment

    qs = Declaration.objects.filter(status__in=REVIEW_STATUSES).select_related("enterprise", "customs_office")
    if not officer.all_offices:
        qs = qs.filter(customs_office__in=officer.offices.all())
    if channel:
        qs = qs.filter(channel=channel)
    if office:
        qs = qs.filter(customs_office_id=office)
    if enterprise:
        qs = qs.filter(Q(enterprise__tax_code=enterprise) | Q(enterprise__name__icontains=enterprise))
    if hs_chapter:
        qs = qs.filter(Exists(GoodsItem.objects.filter(declaration=OuterRef("pk"), hs_code__startswith=hs_chapter)))
    if min_wait_minutes:
        qs = qs.filter(assessed_at__lte=timezone.now() - timezone.timedelta(minutes=min_wait_minutes))
    current = Assessment.objects.filter(declaration=OuterRef("pk"), declaration_version=OuterRef("version"))
    return qs.annotate(
        risk_score=Subquery(current.values("score")[:1]),
        fired_rules=Subquery(current.values("fired_rules")[:1]),
    ).order_by("assessed_at", "id")
