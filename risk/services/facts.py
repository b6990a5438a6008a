"""What the engine sees of a declaration, gathered in a fixed number of queries."""
from decimal import Decimal

from django.utils import timezone

from declarations.models import Declaration
from reference.specialised import procedures_applicable
from risk.engine import Facts
from risk.selectors import declaration_items_for_facts, reference_prices_for
from risk.services.partner_match import partner_watchlist_match

RATIO_PLACES = Decimal("0.0001")


def _reference_prices(items) -> dict[tuple[str, str], Decimal]:
    """The reference prices of every prefix of the items' HS codes, in their units."""
    prefixes = sorted({item.hs_code[:length] for item in items for length in range(2, 9)})
    units = sorted({item.unit_id for item in items})
    return reference_prices_for(hs_prefixes=prefixes, units=units)


def _reference_for(prices: dict, hs_code: str, unit: str) -> Decimal | None:
    for length in range(8, 1, -1):
        price = prices.get((hs_code[:length], unit))
        if price is not None:
            return price
    return None


def partner_on_watchlist(*, name: str, country: str) -> bool:
    match = partner_watchlist_match(name=name, country=country)
    return match is not None and match.exact


def declaration_facts(*, declaration: Declaration, items=None) -> Facts:
    items = items if items is not None else declaration_items_for_facts(declaration_id=declaration.pk)
    enterprise = declaration.enterprise
    # The day in the portal's time zone (Vietnam): rules' validity dates and the enterprise's age are
    # Vietnamese days, not UTC ones (from 00:00 to 07:00 they differ).
    on = timezone.localdate(declaration.registered_at or declaration.created_at)
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
