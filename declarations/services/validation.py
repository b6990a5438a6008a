"""Business validation of declaration data, shared by the API and the browser form.

Input is the declaration body of api.md with values already parsed to Python types
(the serializer does that). Output is the same dict with codes resolved to rows (shared
copies from `reference.cache`: read them, never change them), or a
DomainValidationError whose `errors` map fields to messages (items as a list aligned
with the input items, as DRF reports nested errors).
"""
from collections import defaultdict
from datetime import date
from decimal import Decimal, localcontext

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from customs_portal.errors import DomainValidationError
from customs_portal.localization import amount_text, date_text
from declarations.containers import container_numbers_clean
from declarations.models import Declaration, Direction, GoodsItem
from declarations.permits import permits_clean
from declarations.type_codes import TYPE_CODES
from reference.agreements import AGREEMENTS
from reference.cache import ReferenceCopies, reference_copies
from reference.incoterms import INCOTERMS
from reference.models import Country, Currency, CustomsOffice, Port, TariffLine, Unit
from reference.selectors.exchange_rates import exchange_rate_in_force

LINE_VALUE_TOLERANCE = Decimal("0.01")
# Below the 20 digits of the VND columns, leaving room for late interest, and what a bank
# callback may carry (payments.services.callbacks.MAX_AMOUNT).
TAX_TOTAL_LIMIT = Decimal(10) ** 18
COMPUTED_ITEM_AMOUNTS = ("customs_value", "taxable_value", "import_duty", "export_duty", "special_consumption_tax",
                         "environmental_tax", "vat")


class _Errors:
    def __init__(self, item_count: int):
        self.header: dict[str, list] = defaultdict(list)
        self.nested: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        self.items: list[dict[str, list]] = [defaultdict(list) for _ in range(item_count)]

    def add(self, field: str, message: str) -> None:
        if "." in field:
            group, name = field.split(".", 1)
            self.nested[group][name].append(message)
        else:
            self.header[field].append(message)

    def item(self, index: int, field: str, message: str) -> None:
        self.items[index][field].append(message)

    def items_have(self, field: str) -> bool:
        return any(field in item for item in self.items)

    def raise_if_any(self) -> None:
        errors: dict = {k: v for k, v in self.header.items()}
        for group, fields in self.nested.items():
            errors[group] = dict(fields)
        if any(self.items) and "items" not in errors:  # a list-level error (count) says more than per-item ones
            errors["items"] = [dict(e) for e in self.items]
        if errors:
            raise DomainValidationError(errors)


def line_value_of(item: dict) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 60  # quantity × unit price exactly, however large: the bound is checked, not hit
        return (item["quantity"] * item["unit_price"]).quantize(Decimal("0.01"))


def column_limit(model, name: str) -> Decimal:
    """The smallest amount that the DecimalField `name` of `model` cannot hold (its whole digits)."""
    field = model._meta.get_field(name)
    return Decimal(10) ** (field.max_digits - field.decimal_places)


def column_holds(model, name: str, value: Decimal) -> bool:
    """Whether `value`, rounded to the column's decimal places, fits the DecimalField `name` of `model`."""
    field = model._meta.get_field(name)
    with localcontext() as ctx:
        ctx.prec = 60
        rounded = value.quantize(Decimal(1).scaleb(-field.decimal_places))
    return abs(rounded) < column_limit(model, name)


def taxes_fit_columns(*, declaration: Declaration, items: list[GoodsItem]) -> None:
    """Refuse computed values (customs and taxable values, taxes, their totals) that no column could hold.

    Every input is bounded by its own column, but their products are not: a quantity of
    999,999,999,999,999 at 10 USD is a valid line value whose value in VND is not.
    """
    errors = _Errors(len(items))
    for index, item in enumerate(items):
        for name in COMPUTED_ITEM_AMOUNTS:
            value = getattr(item, name)
            if not column_holds(GoodsItem, name, value):
                errors.item(index, name, _("The computed amount %(value)s is too large to record (it must be below "
                                           "%(limit)s): check the quantity, the unit price, the freight and the insurance.") % {
                    "value": value, "limit": column_limit(GoodsItem, name)})
    errors.raise_if_any()
    if declaration.tax_total >= TAX_TOTAL_LIMIT:
        errors.add("items", _("The taxes of the declaration add up to %(value)s VND, more than can be recorded (they "
                              "must be below %(limit)s VND): split the goods over several declarations.") % {
            "value": declaration.tax_total, "limit": TAX_TOTAL_LIMIT})
    errors.raise_if_any()


def _customs_value_check(errors: _Errors, *, term, importing: bool, value_sum: Decimal, freight: Decimal,
                         insurance: Decimal) -> None:
    """The customs value of the goods must be above zero and recordable.

    Imports are valued CIF: the costs the term leaves out are added. Exports are valued FOB: the
    costs the term includes are deducted, and they cannot be worth as much as the goods.
    """
    costs = [("freight", freight, term.includes_freight), ("insurance", insurance, term.includes_insurance)]
    if importing:
        added = sum((value for _field, value, included in costs if not included), Decimal("0"))
        if not column_holds(GoodsItem, "customs_value", value_sum + added):
            for field, value, included in costs:
                if value and not included:
                    errors.add(field, _("The goods with freight and insurance are worth %(value)s, too large to record (it "
                                        "must be below %(limit)s).") % {
                        "value": value_sum + added, "limit": column_limit(GoodsItem, "customs_value")})
        return
    deducted = sum((value for _field, value, included in costs if included), Decimal("0"))
    if value_sum - deducted > 0:
        return
    for field, value, included in costs:
        if value and included:
            errors.add(field, _("Under %(term)s the freight and insurance (%(costs)s) are deducted from the value of the goods "
                                "(%(value)s) to find the customs value: they must be less than the value of the goods.") % {
                "term": term.code, "costs": deducted, "value": value_sum})


def goods_items_validate(*, items: list[dict], direction: str, references: ReferenceCopies | None = None) -> list[dict]:
    """The business rules of goods lines alone (no header): what `declaration_data_validate` checks of
    each item, for lines read before they join a declaration (declarations/items_import.py). Returns
    the items resolved, or a DomainValidationError {"items": [{field: [messages]}, ...]}."""
    errors = _Errors(len(items))
    resolved, _sum, _valid = _items_check(errors, items, importing=direction == "import",
                                          references=references or reference_copies())
    errors.raise_if_any()
    return resolved


def _items_check(errors: _Errors, items: list[dict], *, importing: bool,
                 references: ReferenceCopies) -> tuple[list[dict], Decimal, bool]:
    """Check each goods item; return them resolved, the sum of their values and whether every value is valid."""
    countries = references.rows(Country, {item["origin_country"] for item in items})
    hs_codes = {item["hs_code"] for item in items if len(item["hs_code"]) == 8}
    lines = references.rows(TariffLine, hs_codes, field="hs_code")
    units = references.rows(Unit, {item["unit"] for item in items})
    resolved_items = []
    value_sum = Decimal("0")
    values_valid = True  # the invoice total is compared with the sum only when every line value is valid
    for index, item in enumerate(items):
        entry = dict(item)
        code = item["hs_code"]
        line = lines.get(code)
        if len(code) != 8:
            errors.item(index, "hs_code", _("An HS code has 8 digits (AHTN); %(code)s has %(n)d.") % {"code": code, "n": len(code)})
        elif line is None:
            errors.item(index, "hs_code", _("HS code %(code)s is not in the tariff.") % {"code": code})
        entry["tariff_line"] = line
        origin = countries.get(item["origin_country"])
        if origin is None:
            errors.item(index, "origin_country", _("Unknown country code %(code)s.") % {"code": item["origin_country"]})
        entry["origin_country"] = origin
        unit = units.get(item["unit"])
        if unit is None:
            errors.item(index, "unit", _("Unknown unit %(code)s (use UN/ECE Recommendation 20 codes such as KGM, PCE, LTR).") % {"code": item["unit"]})
        elif line is not None and importing and line.environmental_tax_per_unit is not None and line.environmental_tax_unit and unit.code != line.environmental_tax_unit:
            errors.item(index, "unit", _("Environmental tax on HS %(code)s is charged per %(unit)s: declare the quantity in %(unit)s.") % {
                "code": code, "unit": line.environmental_tax_unit})
        entry["unit"] = unit
        if item["quantity"] <= 0:
            errors.item(index, "quantity", _("The quantity must be greater than zero."))
            values_valid = False
        if item["unit_price"] <= 0:
            errors.item(index, "unit_price", _("The unit price must be greater than zero."))
            values_valid = False
        computed = line_value_of(item)
        given = item.get("line_value")
        if not column_holds(GoodsItem, "line_value", computed):
            errors.item(index, "line_value", _("Quantity × unit price is %(computed)s, too large for one goods item (it must be below %(limit)s).") % {
                "computed": computed, "limit": column_limit(GoodsItem, "line_value")})
            values_valid = False
        elif item["quantity"] > 0 and item["unit_price"] > 0 and computed <= 0:
            errors.item(index, "line_value", _("Quantity × unit price rounds to 0.00: a goods item must have a value."))
            values_valid = False
        elif given is not None and abs(given - computed) > LINE_VALUE_TOLERANCE:
            errors.item(index, "line_value", _("The line value %(given)s does not equal quantity × unit price (%(computed)s).") % {
                "given": amount_text(given), "computed": amount_text(computed)})
            values_valid = False
        entry["line_value"] = given if given is not None else computed
        value_sum += entry["line_value"]
        preference = item.get("preference") or "MFN"
        entry["preference"] = preference
        if preference != "MFN":
            if not importing:
                errors.item(index, "preference", _("Preferential rates apply to imports only."))
            elif preference not in AGREEMENTS:
                errors.item(index, "preference", _("Unknown preference %(code)s.") % {"code": preference})
            elif not item.get("certificate_of_origin"):
                errors.item(index, "certificate_of_origin", _("A %(agreement)s preference needs the number of its certificate of origin (form %(form)s).") % {
                    "agreement": preference, "form": AGREEMENTS[preference].certificate})
        entry["permits"], permit_errors = permits_clean(item.get("permits"))
        if permit_errors:
            errors.items[index]["permits"] = permit_errors
        resolved_items.append(entry)
    return resolved_items, value_sum, values_valid


def declaration_data_validate(*, data: dict, today: date | None = None, references: ReferenceCopies | None = None) -> dict:
    """Check every business rule of a declaration's data; return it with codes resolved to rows."""
    today = today or timezone.localdate()
    references = references or reference_copies()
    items = data.get("items") or []
    errors = _Errors(len(items))
    direction = data["direction"]
    importing = direction == "import"
    direction_label = str(Direction(direction).label).lower()

    # Header codes.
    type_code = data["type_code"]
    if type_code not in TYPE_CODES[direction]:
        other = "export" if importing else "import"
        if type_code in TYPE_CODES[other]:
            errors.add("type_code", _("%(code)s is a type code for %(other)s; a declaration for %(direction)s needs one of %(allowed)s.") % {
                "code": type_code, "other": str(Direction(other).label).lower(), "direction": direction_label,
                "allowed": ", ".join(TYPE_CODES[direction])})
        else:
            errors.add("type_code", _("Unknown type code %(code)s; allowed: %(allowed)s.") % {
                "code": type_code, "allowed": ", ".join(TYPE_CODES[direction])})

    resolved = dict(data)
    office = references.row(CustomsOffice, data["customs_office"])
    if office is None:
        errors.add("customs_office", _("Unknown customs office %(code)s.") % {"code": data["customs_office"]})
    resolved["customs_office"] = office

    countries = references.rows(Country, {data["partner"]["country"]})
    partner_country = countries.get(data["partner"]["country"])
    if partner_country is None:
        errors.add("partner.country", _("Unknown country code %(code)s.") % {"code": data["partner"]["country"]})
    resolved["partner_country"] = partner_country

    ports = references.rows(Port, {data["port_of_loading"], data["port_of_discharge"]})
    for field in ("port_of_loading", "port_of_discharge"):
        if data[field] not in ports:
            errors.add(field, _("Unknown UN/LOCODE %(code)s.") % {"code": data[field]})
        resolved[field] = ports.get(data[field])
    vietnamese_port = "port_of_discharge" if importing else "port_of_loading"
    if resolved[vietnamese_port] is not None and resolved[vietnamese_port].country != "VN":
        errors.add(vietnamese_port, _("The port of discharge of an import must be in Vietnam.") if importing
                   else _("The port of loading of an export must be in Vietnam."))

    # Dates.
    transport_date_field = "arrival_date" if importing else "departure_date"
    transport_date = data.get(transport_date_field)
    if transport_date is None:
        errors.add(transport_date_field, _("The arrival date is required for an import.") if importing
                   else _("The departure date is required for an export."))
    invoice = data["invoice"]
    if invoice["date"] > today:
        errors.add("invoice.date", _("The invoice date cannot be in the future."))
    if transport_date is not None and invoice["date"] > transport_date:
        errors.add("invoice.date", _("The invoice date must not be after the %(field)s.") % {
            "field": _("arrival date") if importing else _("departure date")})

    # Invoice.
    currency = references.row(Currency, invoice["currency"])
    if currency is None:
        errors.add("invoice.currency", _("Unknown currency %(code)s.") % {"code": invoice["currency"]})
    elif exchange_rate_in_force(currency=currency.code, on=today, references=references) is None:
        errors.add("invoice.currency", _("No exchange rate is in force for %(code)s on %(date)s.") % {"code": currency.code, "date": date_text(today)})
    resolved["invoice_currency"] = currency
    term = INCOTERMS.get(invoice["incoterm"])
    if term is None:
        errors.add("invoice.incoterm", _("Unknown Incoterms 2020 term %(code)s; allowed: %(allowed)s.") % {
            "code": invoice["incoterm"], "allowed": ", ".join(INCOTERMS)})
    elif importing and not term.includes_freight and not data.get("freight"):
        errors.add("freight", _("Imports are valued CIF: give the freight, which %(term)s does not include.") % {"term": term.code})

    # Containers (optional): ISO 6346, normalised, each once.
    resolved["container_numbers"], container_errors = container_numbers_clean(data.get("container_numbers") or [])
    for message in container_errors:
        errors.add("container_numbers", message)

    # Items.
    max_items = settings.DECLARATION_MAX_ITEMS
    if not items:
        errors.add("items", _("A declaration needs at least one goods item."))
    elif len(items) > max_items:
        errors.add("items", _("A declaration has at most %(max)d goods items; this one has %(count)d.") % {"max": max_items, "count": len(items)})
    resolved_items, value_sum, values_valid = _items_check(errors, items, importing=importing, references=references)
    resolved["items"] = resolved_items

    if not column_holds(Declaration, "invoice_total", invoice["total"]):
        errors.add("invoice.total", _("The invoice total %(total)s is too large to record (it must be below %(limit)s).") % {
            "total": amount_text(invoice["total"]), "limit": amount_text(column_limit(Declaration, "invoice_total"))})
    elif items and values_valid and abs(value_sum - invoice["total"]) > LINE_VALUE_TOLERANCE * len(items):
        errors.add("invoice.total", _("The invoice total %(total)s does not match the sum of the item values (%(sum)s).") % {
            "total": amount_text(invoice["total"]), "sum": amount_text(value_sum)})
    if term is not None and items and not errors.items_have("line_value"):
        _customs_value_check(errors, term=term, importing=importing, value_sum=value_sum,
                             freight=data.get("freight") or Decimal("0"), insurance=data.get("insurance") or Decimal("0"))

    errors.raise_if_any()
    return resolved
