"""What the engine sees of a declaration, gathered in a fixed number of queries."""
from decimal import Decimal

from django.db import connection
from django.db.models import QuerySet

from customs_portal.prepared import PreparedQuery
from declarations.models import Declaration, GoodsItem
from reference.specialised import procedures_applicable
from risk.engine import Facts
from risk.models import ReferencePrice
from risk.services.partner_match import partner_watchlist_match

RATIO_PLACES = Decimal("0.0001")
# What the engine reads of a goods item and its tariff line. The rest of the rows (amounts, the
# rates applied, the tariff's descriptions and preferential schedule as JSON) is not loaded:
# reading it took half the time of gathering the facts.
ITEM_FIELDS = ("declaration", "line_no", "hs_code", "origin_country", "preference", "description", "unit_price",
               "unit", "tariff_line", "tariff_line__specialised_procedures", "permits")


def items_for_facts(items: QuerySet[GoodsItem]) -> QuerySet[GoodsItem]:
    """`items` with what `declaration_facts` needs of them, in line order."""
    return items.select_related("tariff_line").only(*ITEM_FIELDS).order_by("line_no")


def _reference_prices(items) -> dict[tuple[str, str], Decimal]:
    """The reference prices of every prefix of the items' HS codes, in their units. Two array
    parameters keep the SQL the same whatever the number of items (Django's `__in` writes one
    parameter per value, so its SQL would be compiled again for every declaration)."""
    prefixes = sorted({item.hs_code[:length] for item in items for length in range(2, 9)})
    units = sorted({item.unit_id for item in items})
    hs_code, unit, price = (ReferencePrice._meta.get_field(name).column for name in ("hs_code", "unit", "price_vnd"))
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT "{hs_code}", "{unit}", "{price}" FROM "{ReferencePrice._meta.db_table}" '
            f'WHERE "{hs_code}" = ANY(%s) AND "{unit}" = ANY(%s)',
            [prefixes, units],
        )
        return {(code, unit_code): value for code, unit_code, value in cursor.fetchall()}


def _reference_for(prices: dict, hs_code: str, unit: str) -> Decimal | None:
    for length in range(8, 1, -1):
        price = prices.get((hs_code[:length], unit))
        if price is not None:
            return price
    return None


# Run once per assessment: compiled once (customs_portal.prepared).
_items_of = PreparedQuery(lambda declaration_id: items_for_facts(GoodsItem.objects.filter(declaration_id=declaration_id)))


def partner_on_watchlist(*, name: str, country: str) -> bool:
    match = partner_watchlist_match(name=name, country=country)
    return match is not None and match.exact


def declaration_facts(*, declaration: Declaration, items=None) -> Facts:
    items = items if items is not None else _items_of(declaration_id=declaration.pk)
    enterprise = declaration.enterprise
    on = (declaration.registered_at or declaration.created_at).date()
    rate = declaration.exchange_rate or Decimal("0")
    prices = _reference_prices(items)
    match = partner_watchlist_match(name=declaration.partner_name, country=declaration.partner_country_id)
    header = {
        "direction": declaration.direction,
        "type_code": declaration.type_code,
        "customs_office": declaration.customs_office_id,
        "enterprise.tax_code": enterprise.tax_code,
        "enterprise.compliance_level": enterprise.compliance_level,
        "enterprise.age_days": Decimal(enterprise.age_days(on)),
        "enterprise.on_watchlist": enterprise.on_watchlist,
        "partner.country": declaration.partner_country_id,
        "partner.name": declaration.partner_name.casefold(),
        "partner.on_watchlist": match is not None and match.exact,
        "partner.watchlist_similarity": match.similarity if match is not None else Decimal(0),
        "transport_mode": declaration.transport_mode,
        "port_of_loading": declaration.port_of_loading_id,
        "port_of_discharge": declaration.port_of_discharge_id,
        "invoice.currency": declaration.invoice_currency_id,
        "invoice.incoterm": declaration.incoterm,
        "invoice.total": declaration.invoice_total,
        "taxes.total": declaration.tax_total,
        "item_count": Decimal(len(items)),
    }
    facts_items = []
    for item in items:
        reference = _reference_for(prices, item.hs_code, item.unit_id)
        ratio = None
        specialised = bool(procedures_applicable(item.tariff_line.specialised_procedures))
        if reference and rate:
            ratio = (item.unit_price * rate / reference).quantize(RATIO_PLACES)
        facts_items.append(
            {
                "line_no": item.line_no,
                "items.hs_code": item.hs_code,
                "items.origin_country": item.origin_country_id,
                "items.preference": item.preference,
                "items.description": item.description.casefold(),
                "items.unit_price_vs_reference": ratio,
                "items.specialised_management": specialised,
                # declarations/permits.py: the line needs a permit, licence or inspection result and gives none.
                "items.specialised_without_permit": specialised and not item.permits,
            }
        )
    details = {}
    if match is not None:
        details = {"partner.watchlist_similarity": match.explanation()}
        if match.exact:
            details["partner.on_watchlist"] = match.explanation()
    return Facts(header=header, items=facts_items, on=on, details=details)
