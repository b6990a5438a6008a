"""The rows the learned risk model learns from and scores (risk/learned/rows.py): imported outside
history and the portal's own goods items, each declaration's label from what its checks found.

Labels of the portal's declarations (docs/decisions.md, "The learned risk model"): a declaration
sent to yellow or red whose check concluded (risk/selectors/hit_rates.py) is positive when it found a
discrepancy and negative otherwise; a post-clearance audit's outcome, from the apps above risk that
register a label source here, makes it positive when it found one, negative when it closed without;
anything else is unlabelled (None): an unchecked declaration is no evidence of compliance.
"""
from datetime import date

from django.db import connection
from django.db.models.fields.json import KT
from django.utils import timezone

from declarations.lifecycle import Channel, Status
from declarations.models import Declaration, GoodsItem
from risk.learned.kcs import party_key
from risk.learned.rows import HistoryRow
from risk.learned_models import PORTAL_SOURCE, HistoryItem
from risk.selectors.hit_rates import _concluded, _found, _outcome_parameters

ITEM_DUTY_RATE = KT("rates__import_duty__rate")

# Apps above risk (post_clearance) register a function here in AppConfig.ready(): it takes
# (declaration_ids) and answers {declaration id: True found / False closed without a finding}.
_label_sources: list = []


def model_label_source_register(source) -> None:
    if source not in _label_sources:
        _label_sources.append(source)


def portal_row(declaration: Declaration, item: GoodsItem, *, fraud: bool | None = None) -> HistoryRow:
    """A goods item of the portal as the model's row. Reads the declaration's enterprise (select_related
    by the callers) and the item's `duty_rate` (annotated, see `ITEM_DUTY_RATE`); no query of its own."""
    try:
        tax_rate = float(item.duty_rate or 0)  # annotated: KT("rates__import_duty__rate")
    except (TypeError, ValueError):
        tax_rate = 0.0
    seller = f"{declaration.partner_country_id}:{' '.join(declaration.partner_name.casefold().split())}"
    return HistoryRow(
        source=PORTAL_SOURCE,
        key=f"{declaration.pk}:{item.line_no}",
        declared_on=timezone.localdate(declaration.registered_at or declaration.created_at),
        office=declaration.customs_office_id,
        transport_mode=declaration.transport_mode,
        importer=party_key(PORTAL_SOURCE, "importer", declaration.enterprise.tax_code),
        declarant=party_key(PORTAL_SOURCE, "declarant", str(declaration.created_by_id)),
        seller=party_key(PORTAL_SOURCE, "seller", seller),
        courier="",
        hs6=item.hs_code[:6],
        origin_country=item.origin_country_id or "",
        departure_country=(declaration.port_of_loading_id or "")[:2],
        tax_rate=tax_rate,
        tax_type=item.preference or "",
        net_mass=float(item.quantity or 0),
        unit=item.unit_id,
        # The customs value in VND (`taxable_value`; `customs_value` is in the invoice's currency), or
        # the line's value in the invoice's currency before the taxes are computed.
        item_price=float(item.taxable_value or item.line_value or 0),
        currency="VND" if item.taxable_value else declaration.invoice_currency_id,
        import_type=declaration.type_code,
        fraud=fraud,
    )


def portal_labels(*, declaration_ids=None) -> dict[int, bool]:
    """{declaration id: found} for the portal's checked declarations whose check concluded, then
    post-clearance outcomes on top (a finding after clearance makes a declaration positive)."""
    params = {**_outcome_parameters(), "checked": (str(Channel.YELLOW), str(Channel.RED))}
    where = ""
    if declaration_ids is not None:
        ids = tuple(declaration_ids) or (0,)
        params["ids"] = ids
        where = " AND d.id IN %(ids)s"
    sql = (f"SELECT d.id, {_found('d')} FROM {Declaration._meta.db_table} d"
           f" WHERE d.channel IN %(checked)s AND {_concluded('d')}{where}")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        labels = {pk: bool(found) for pk, found in cursor.fetchall()}
    for source in _label_sources:
        for pk, found in source(declaration_ids=declaration_ids).items():
            labels[pk] = labels.get(pk, False) or found
    return labels


def portal_history_rows(*, until: date | None = None) -> list[HistoryRow]:
    """Every goods item of the portal's registered declarations (cancelled ones too: what was declared
    is history), registered on or before `until`, with its declaration's label."""
    labels = portal_labels()
    items = (GoodsItem.objects.filter(declaration__registered_at__isnull=False)
             .exclude(declaration__status=Status.DRAFT)
             .select_related("declaration", "declaration__enterprise")
             .only("line_no", "hs_code", "origin_country_id", "quantity", "unit_id", "taxable_value", "line_value",
                   "preference", "declaration__id", "declaration__registered_at", "declaration__created_at",
                   "declaration__customs_office_id", "declaration__transport_mode", "declaration__enterprise__tax_code",
                   "declaration__created_by_id", "declaration__partner_name", "declaration__partner_country_id",
                   "declaration__port_of_loading_id", "declaration__type_code", "declaration__invoice_currency_id")
             .annotate(duty_rate=ITEM_DUTY_RATE)
             .order_by("declaration__registered_at", "declaration_id", "line_no"))
    rows = []
    for item in items.iterator(chunk_size=2000):
        declaration = item.declaration
        row = portal_row(declaration, item, fraud=labels.get(declaration.pk))
        if until is None or row.declared_on <= until:
            rows.append(row)
    return rows


def imported_history_rows(*, sources, until: date | None = None) -> list[HistoryRow]:
    """The imported history of `sources` (HistoryItem), as rows."""
    if not sources:
        return []
    queryset = HistoryItem.objects.filter(source__in=list(sources))
    if until is not None:
        queryset = queryset.filter(declared_on__lte=until)
    values = queryset.values_list(
        "source", "external_id", "declared_on", "office", "transport_mode", "importer__external_id",
        "declarant__external_id", "seller__external_id", "courier__external_id", "hs6", "origin_country",
        "departure_country", "tax_rate", "tax_type", "net_mass", "item_price", "currency", "process_type",
        "import_type", "import_use", "payment_type", "origin_indicator", "fraud",
    ).order_by("declared_on", "external_id")
    rows = []
    for (source, external_id, declared_on, office, mode, importer, declarant, seller, courier, hs6, origin,
         departure, tax_rate, tax_type, mass, price, currency, process, import_type, use, payment, indicator,
         fraud) in values.iterator(chunk_size=5000):
        rows.append(HistoryRow(
            source=source, key=external_id, declared_on=declared_on, office=office, transport_mode=mode,
            importer=party_key(source, "importer", importer or ""), declarant=party_key(source, "declarant", declarant or ""),
            seller=party_key(source, "seller", seller or ""), courier=party_key(source, "courier", courier or ""),
            hs6=hs6, origin_country=origin, departure_country=departure, tax_rate=float(tax_rate), tax_type=tax_type,
            net_mass=float(mass), item_price=float(price), currency=currency, process_type=process,
            import_type=import_type, import_use=use, payment_type=payment, origin_indicator=indicator, fraud=fraud,
        ))
    return rows


def model_history_rows(*, sources=(), until: date | None = None) -> list[HistoryRow]:
    """What a model trains on: the imported history of `sources` and the portal's own items."""
    return imported_history_rows(sources=sources, until=until) + portal_history_rows(until=until)
