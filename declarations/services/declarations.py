# Kept whole (about 400 lines): create, update, submit and the next version share the private
# helpers that build a declaration's rows from a validated body and tax them (_header_values,
# _build_items, declaration_taxes_apply); one module keeps those helpers private to their callers.
"""Create, edit and submit declarations, and apply an amendment's content as the next version
(the amendment workflow: declarations.services.amendments). The API and the browser both call these."""
import json
from datetime import date
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customs_portal.audit.services import audit_record
from customs_portal.errors import DomainConflict, DomainValidationError
from customs_portal.localization import date_text
from declarations import extensions
from declarations.items import ITEM_DECLARED_FIELDS, ITEM_STORED_FIELDS
from declarations.lifecycle import Action, Status, check_transition
from declarations.models import (
    Declaration,
    DeclarationVersion,
    DutyAssessment,
    GoodsItem,
    PaymentStatus,
)
from declarations.permits import permits_parsed
from declarations.selectors import declaration_group_locked, declaration_items, declaration_number_next
from declarations.services.lifecycle import declaration_lock, declaration_transition
from declarations.services.registration_block import registration_allowed_check
from declarations.services.taxes import (
    ITEM_TAXED_FIELDS,
    TAX_NAMES,
    ItemTaxInput,
    taxes_compute,
)
from declarations.services.validation import declaration_data_validate, line_value_of, taxes_fit_columns
from reference.cache import ReferenceCopies, reference_copies
from reference.selectors.exchange_rates import exchange_rate_in_force

HEADER_FIELDS = (
    "direction", "type_code", "customs_office", "partner_country", "transport_mode", "bill_of_lading",
    "vessel_flight", "port_of_loading", "port_of_discharge", "arrival_date", "departure_date", "packages",
    "gross_weight_kg", "freight", "insurance", "invoice_currency",
)

# The columns `_header_values` sets, and those `declaration_taxes_apply` sets.
HEADER_COLUMNS = (
    *HEADER_FIELDS, "container_numbers", "partner_name", "partner_address", "invoice_number", "invoice_date", "incoterm",
    "invoice_total",
)
TAXED_COLUMNS = ("exchange_rate", "exchange_rate_date", *TAX_NAMES, "tax_total", "taxed_on", "taxed_with_reference_version")
# What `declaration_next_version_apply` sets on the row, for the caller's transition to save.
NEXT_VERSION_COLUMNS = (*HEADER_COLUMNS, *TAXED_COLUMNS, "version", "amount_due", "payment_status")
ITEM_ATTRIBUTES = {name: GoodsItem._meta.get_field(name).attname for name in ITEM_DECLARED_FIELDS}


def _header_values(resolved: dict) -> dict:
    values = {name: resolved.get(name) for name in HEADER_FIELDS}
    values["bill_of_lading"] = values["bill_of_lading"] or ""
    values["vessel_flight"] = values["vessel_flight"] or ""
    values["freight"] = values["freight"] or Decimal("0")
    values["insurance"] = values["insurance"] or Decimal("0")
    values["container_numbers"] = resolved.get("container_numbers") or []
    values["partner_name"] = resolved["partner"]["name"]
    values["partner_address"] = resolved["partner"].get("address") or ""
    invoice = resolved["invoice"]
    values.update(
        invoice_number=invoice["number"],
        invoice_date=invoice["date"],
        incoterm=invoice["incoterm"],
        invoice_total=invoice["total"],
    )
    assert set(values) == set(HEADER_COLUMNS), "HEADER_COLUMNS must name every column _header_values sets"
    return values


def _build_items(declaration: Declaration, resolved_items: list[dict]) -> list[GoodsItem]:
    items = []
    for line_no, entry in enumerate(resolved_items, start=1):
        values = {name: entry.get(name) for name in ITEM_STORED_FIELDS}
        values["certificate_of_origin"] = values["certificate_of_origin"] or ""
        values["permits"] = list(entry.get("permits") or [])  # validated: declarations.permits.permits_clean
        items.append(GoodsItem(declaration=declaration, line_no=line_no, **values))
    return items


def declaration_taxes_apply(*, declaration: Declaration, items: list[GoodsItem], on: date,
                            references: ReferenceCopies | None = None) -> None:
    """Compute the taxes with the exchange rate in force on `on`, and store them on the rows (unsaved).

    An import duty an officer assessed on an item (`duty_assessment` "officer") is kept; items
    built anew from the declaration's content start from the tariff again.
    """
    references = references or reference_copies()
    found = exchange_rate_in_force(currency=declaration.invoice_currency_id, on=on, references=references)
    if found is None:
        raise DomainValidationError(
            {"invoice": {"currency": [_("No exchange rate is in force for %(code)s on %(date)s.") % {
                "code": declaration.invoice_currency_id, "date": date_text(on)}]}}
        )
    declaration.exchange_rate, declaration.exchange_rate_date = found
    result = taxes_compute(
        direction=declaration.direction,
        type_code=declaration.type_code,
        incoterm=declaration.incoterm,
        freight=declaration.freight,
        insurance=declaration.insurance,
        exchange_rate=declaration.exchange_rate,
        items=[
            ItemTaxInput(
                line=item.tariff_line,
                origin=item.origin_country,
                quantity=item.quantity,
                unit=item.unit_id,
                line_value=item.line_value,
                preference=item.preference,
                officer_duty=(item.rates or {}).get("import_duty") if item.duty_assessment == DutyAssessment.OFFICER else None,
            )
            for item in items
        ],
    )
    for item, taxes in zip(items, result.items):
        item.customs_value = taxes.customs_value
        item.taxable_value = taxes.taxable_value
        for name in TAX_NAMES:
            setattr(item, name, getattr(taxes, name))
        item.rates = taxes.rates
        item.exemptions = taxes.exemptions
        item.duty_assessment = taxes.duty_assessment
    totals = result.as_json()
    for name in TAX_NAMES:
        setattr(declaration, name, totals[name])
    declaration.tax_total = totals["total"]
    taxes_fit_columns(declaration=declaration, items=items)
    declaration.taxed_on, declaration.taxed_with_reference_version = on, references.version


def declaration_preview(*, user, data: dict) -> tuple[Declaration, list[GoodsItem]]:
    """Validate and compute taxes with today's rate without saving anything (the form's live preview)."""
    references, today = reference_copies(), timezone.localdate()
    resolved = declaration_data_validate(data=data, today=today, references=references)
    declaration = Declaration(enterprise_id=user.enterprise_id, created_by=user, status=Status.DRAFT, **_header_values(resolved))
    items = _build_items(declaration, resolved["items"])
    declaration_taxes_apply(declaration=declaration, items=items, on=today, references=references)
    return declaration, items


@transaction.atomic
def declaration_create(*, user, data: dict, copied_from: Declaration | None = None) -> Declaration:
    """Create a draft for the user's enterprise (never one named in the body); a copy names its source in the audit."""
    declaration, items = declaration_preview(user=user, data=data)
    declaration.enterprise = user.enterprise
    declaration.save()
    GoodsItem.objects.bulk_create(items)
    declaration.items_set_loaded(items)
    audit_data = {"items": len(items)}
    if copied_from is not None:
        audit_data.update(copied_from=copied_from.pk, copied_from_number=copied_from.number or "")
    audit_record(declaration=declaration, actor=user, action=Action.CREATE, to_status=Status.DRAFT, data=audit_data)
    return declaration


@transaction.atomic
def declaration_update(*, declaration: Declaration, user, data: dict) -> Declaration:
    """Replace a draft's content with `data` (a full, validated body)."""
    locked = declaration_lock(declaration_id=declaration.pk)
    check_transition(Action.EDIT, locked.status)
    references, today = reference_copies(), timezone.localdate()
    resolved = declaration_data_validate(data=data, today=today, references=references)
    before = {name: str(getattr(locked, name)) for name in ("invoice_total", "tax_total")}
    for name, value in _header_values(resolved).items():
        setattr(locked, name, value)
    items = _build_items(locked, resolved["items"])
    declaration_taxes_apply(declaration=locked, items=items, on=today, references=references)
    locked.save(update_fields=[*HEADER_COLUMNS, *TAXED_COLUMNS, "updated_at"])
    locked.items.all().delete()
    GoodsItem.objects.bulk_create(items)
    locked.items_set_loaded(items)
    audit_record(declaration=locked, actor=user, action=Action.EDIT, from_status=locked.status, to_status=locked.status,
                 data={"before": before, "after": {"invoice_total": str(locked.invoice_total), "tax_total": str(locked.tax_total)},
                       "items": len(items)})
    return locked


def _next_number(direction: str) -> str:
    """12 digits: 10 (import) or 30 (export), then a never-reused sequence number."""
    value = declaration_number_next()
    return f"{'10' if direction == 'import' else '30'}{value:010d}"


@transaction.atomic
def declaration_submit(*, declaration_id: int, user) -> Declaration:
    """Register a draft: number it, fix the exchange rate of the registration date, recompute the
    taxes, and queue the automated risk assessment once the registration is committed.

    A branch of a group (declarations/services/branches.py) registers the whole group: every branch
    is checked first, and any that fails leaves all of them drafts (the errors name the branch);
    then the numbers are drawn in branch order, and each branch is assessed on its own."""
    locked = declaration_lock(declaration_id=declaration_id)
    if locked.branch_of_id is None:
        check_transition(Action.SUBMIT, locked.status)
        registration_allowed_check(enterprise=locked.enterprise, on=timezone.localdate())  # overdue tax or suspended
        _registration_prepare(locked)
        _registration_record(locked, user=user)
        return locked
    members = declaration_group_locked(first_id=locked.branch_of_id)
    for member in members:
        if member.status != Status.DRAFT:
            raise DomainConflict(_("Branch %(index)d/%(count)d is %(status)s: the branches of a group are registered "
                                   "together, all drafts. Import the lines again to make the group anew.") % {
                "index": member.branch_index, "count": member.branch_count,
                "status": member.get_status_display().lower()}, code="illegal_transition")
    registration_allowed_check(enterprise=locked.enterprise, on=timezone.localdate())  # overdue tax or suspended
    errors = {}
    for member in members:
        try:
            _registration_prepare(member)
        except DomainValidationError as exc:
            errors[str(member.branch_index)] = exc.errors
    if errors:
        raise DomainValidationError({"branches": errors, "non_field_errors": [
            _("Branch %(index)s/%(count)d cannot be registered, so none of the group is.") % {
                "index": index, "count": len(members)} for index in errors]})
    for member in members:
        _registration_record(member, user=user)
    return next(member for member in members if member.pk == locked.pk)


def _registration_prepare(locked: Declaration) -> None:
    """Validate a locked draft and tax it with the rules and rates of today (the registration date)."""
    references, today = reference_copies(), timezone.localdate()
    if locked.taxed_on == today and locked.taxed_with_reference_version == references.version:
        # Validated and taxed today against the same reference data: it would all come out the same.
        items = declaration_items(declaration=locked)
    else:
        items = list(locked.items.select_related("tariff_line", "origin_country").order_by("line_no"))
        declaration_data_validate(data=declaration_as_data(declaration=locked, items=items), today=today, references=references)
        computed_fields = list(ITEM_TAXED_FIELDS)
        before = [[getattr(item, name) for name in computed_fields] for item in items]
        declaration_taxes_apply(declaration=locked, items=items, on=today, references=references)
        # Often the rate or the tariff changed nothing on the lines: write only those that changed.
        changed = [item for item, old in zip(items, before) if [getattr(item, name) for name in computed_fields] != old]
        if changed:
            GoodsItem.objects.bulk_update(changed, computed_fields)
    locked.items_set_loaded(items)


def _registration_record(locked: Declaration, *, user) -> None:
    """Number a prepared draft and register it; its assessment is queued once committed."""
    assess = extensions.assessment_enqueue.handler
    number = _next_number(locked.direction)
    data = {"number": number, "exchange_rate": str(locked.exchange_rate), "tax_total": str(locked.tax_total)}
    if locked.branch_of_id is not None:
        data.update(branch_index=locked.branch_index, branch_count=locked.branch_count, first_declaration=locked.branch_of_id)
    declaration_transition(
        declaration=locked,
        action=Action.SUBMIT,
        to_status=Status.REGISTERED,
        actor=user,
        data=data,
        fields={
            "number": number,
            "registered_at": timezone.now(),
            "amount_due": locked.tax_total,
            "payment_status": PaymentStatus.UNPAID if locked.tax_total > 0 else PaymentStatus.NOT_DUE,
        },
        saved=TAXED_COLUMNS,  # taxed again when the rate or the tariff could have changed
        on_commit=[lambda: assess(declaration_id=locked.pk)],
    )


def declaration_as_data(*, declaration: Declaration, items=None) -> dict:
    """The declaration as the body of api.md (parsed values), for edits that change part of it."""
    items = items if items is not None else declaration.items.all().order_by("line_no")
    return {
        "direction": declaration.direction,
        "type_code": declaration.type_code,
        "customs_office": declaration.customs_office_id,
        "partner": {
            "name": declaration.partner_name,
            "address": declaration.partner_address,
            "country": declaration.partner_country_id,
        },
        "transport_mode": declaration.transport_mode,
        "bill_of_lading": declaration.bill_of_lading,
        "vessel_flight": declaration.vessel_flight,
        "port_of_loading": declaration.port_of_loading_id,
        "port_of_discharge": declaration.port_of_discharge_id,
        "arrival_date": declaration.arrival_date,
        "departure_date": declaration.departure_date,
        "packages": declaration.packages,
        "gross_weight_kg": declaration.gross_weight_kg,
        "container_numbers": list(declaration.container_numbers or []),
        "invoice": {
            "number": declaration.invoice_number,
            "date": declaration.invoice_date,
            "currency": declaration.invoice_currency_id,
            "incoterm": declaration.incoterm,
            "total": declaration.invoice_total,
        },
        "freight": declaration.freight,
        "insurance": declaration.insurance,
        # Foreign keys as their codes (origin_country_id, unit_id); permits with their dates as dates.
        "items": [{**{name: getattr(item, ITEM_ATTRIBUTES[name]) for name in ITEM_DECLARED_FIELDS},
                   "permits": permits_parsed(item.permits)} for item in items],
    }


def _version_snapshot(*, declaration: Declaration, items: list[GoodsItem], user, reason: str) -> DeclarationVersion:
    content = declaration_as_data(declaration=declaration, items=items)
    for entry, item in zip(content["items"], items):
        entry.update(
            {name: getattr(item, name) for name in ("customs_value", "taxable_value", *TAX_NAMES)},
            rates=item.rates,
            exemptions=item.exemptions,
        )
    taxes = {name: getattr(declaration, name) for name in TAX_NAMES}
    taxes.update(total=declaration.tax_total, amount_due=declaration.amount_due)
    return DeclarationVersion.objects.create(
        declaration=declaration,
        version=declaration.version,
        status=declaration.status,
        channel=declaration.channel,
        content=json.loads(json.dumps(content, cls=DjangoJSONEncoder)),
        taxes=json.loads(json.dumps(taxes, cls=DjangoJSONEncoder)),
        exchange_rate=declaration.exchange_rate,
        registered_at=declaration.registered_at,
        assessed_at=declaration.assessed_at,
        superseded_by=user,
        reason=reason,
    )


def declaration_amendment_resolve(*, declaration: Declaration, data: dict) -> dict:
    """Validate an amendment's full body against the rules and rates of the registration date."""
    resolved = declaration_data_validate(data=data, today=timezone.localdate(declaration.registered_at))
    if resolved["direction"] != declaration.direction:
        raise DomainValidationError({"direction": [_("An amendment cannot change the direction of a declaration.")]})
    return resolved


def declaration_content_json(content: dict) -> dict:
    """A declaration body (`declaration_as_data`) as stored in JSON: decimals and dates as strings."""
    return json.loads(json.dumps(content, cls=DjangoJSONEncoder))


# What `declaration_content_parse` turns back from strings: (path of a header value or "items.<key>", type).
_PARSED = {
    "arrival_date": date, "departure_date": date, "invoice.date": date, "gross_weight_kg": Decimal,
    "freight": Decimal, "insurance": Decimal, "invoice.total": Decimal,
    "items.quantity": Decimal, "items.unit_price": Decimal, "items.line_value": Decimal,
}


def _parsed_value(kind, value):
    if value is None or value == "":
        return None
    return date.fromisoformat(value) if kind is date else Decimal(str(value))


def declaration_content_parse(content: dict) -> dict:
    """The inverse of `declaration_content_json`: a stored body with its dates and decimals parsed,
    ready for `declaration_data_validate`."""
    data = {key: (dict(value) if isinstance(value, dict) else value) for key, value in content.items() if key != "items"}
    data["items"] = [dict(item) for item in content.get("items") or []]
    for path, kind in _PARSED.items():
        group, _dot, name = path.rpartition(".")
        if group == "items":
            for item in data["items"]:
                if name in item:
                    item[name] = _parsed_value(kind, item[name])
        elif group:
            if name in (data.get(group) or {}):
                data[group][name] = _parsed_value(kind, data[group][name])
        elif name in data:
            data[name] = _parsed_value(kind, data[name])
    for item in data["items"]:
        if item.get("permits"):
            item["permits"] = permits_parsed(item["permits"])
    return data


def declaration_amendment_preview(*, declaration: Declaration, resolved: dict) -> tuple[dict, dict]:
    """(content, taxes) that `resolved` would have as the next version of `declaration`, in JSON,
    taxed at the exchange rate of the registration date. Nothing is saved."""
    draft = Declaration(enterprise_id=declaration.enterprise_id, status=declaration.status,
                        registered_at=declaration.registered_at, **_header_values(resolved))
    items = _build_items(draft, resolved["items"])
    declaration_taxes_apply(declaration=draft, items=items, on=timezone.localdate(declaration.registered_at))
    taxes = {name: getattr(draft, name) for name in TAX_NAMES}
    taxes.update(total=draft.tax_total, exchange_rate=draft.exchange_rate)
    return declaration_content_json(declaration_as_data(declaration=draft, items=items)), declaration_content_json(taxes)


def declaration_next_version_apply(*, declaration: Declaration, resolved: dict, user, reason: str) -> DeclarationVersion:
    """Keep the current version readable and put `resolved` content in its place (on the locked row,
    not yet saved: the caller's transition saves it with the next version number), taxed at the
    exchange rate of the registration date; what was already paid counts. Returns the kept version."""
    previous_items = list(declaration.items.order_by("line_no"))
    snapshot = _version_snapshot(declaration=declaration, items=previous_items, user=user, reason=reason)
    for name, value in _header_values(resolved).items():
        setattr(declaration, name, value)
    items = _build_items(declaration, resolved["items"])
    declaration_taxes_apply(declaration=declaration, items=items, on=timezone.localdate(declaration.registered_at))
    declaration.items.all().delete()
    GoodsItem.objects.bulk_create(items)
    declaration.items_set_loaded(items)
    declaration.version = snapshot.version + 1
    for name, value in amount_due_after_tax_change(declaration).items():
        setattr(declaration, name, value)
    return snapshot


def amount_due_after_tax_change(declaration: Declaration) -> dict:
    """What is still owed once the taxes changed: what was already paid counts."""
    declaration.payment_status = PaymentStatus.UNPAID
    balance = extensions.balance.handler(declaration=declaration)
    if balance.amount_due > 0:
        status = PaymentStatus.UNPAID
    else:
        status = PaymentStatus.PAID if balance.tax_paid > 0 else PaymentStatus.NOT_DUE
    return {"amount_due": balance.amount_due, "payment_status": status}


def declaration_goods_reassess(*, declaration: Declaration, items: list[dict]) -> list[dict]:
    """Replace the goods of a locked declaration with the goods found at inspection and reassess
    its taxes (exchange rate of the registration date). Returns the goods as they were declared.

    What was already paid counts: the amount due changes by the difference in taxes.
    """
    data = declaration_as_data(declaration=declaration)
    previous = list(declaration.items.order_by("line_no"))
    before = json.loads(json.dumps(data["items"], cls=DjangoJSONEncoder))
    for entry, item in zip(before, previous):
        entry.update(taxable_value=str(item.taxable_value), tax_total=str(item.tax_total))
    # Goods as found keep the permits declared on their line unless the officer gives others.
    items = [item if "permits" in item or index >= len(previous)
             else {**item, "permits": permits_parsed(previous[index].permits)} for index, item in enumerate(items)]
    data["items"] = items
    data["invoice"] = {**data["invoice"], "total": sum((line_value_of(item) if item.get("line_value") is None
                                                        else item["line_value"] for item in items), Decimal("0"))}
    resolved = declaration_data_validate(data=data, today=timezone.localdate(declaration.registered_at))
    old_total = declaration.tax_total
    new_items = _build_items(declaration, resolved["items"])
    declaration_taxes_apply(declaration=declaration, items=new_items, on=timezone.localdate(declaration.registered_at))
    declaration.invoice_total = data["invoice"]["total"]
    declaration.amount_due = max(declaration.amount_due + declaration.tax_total - old_total, Decimal("0"))
    if declaration.amount_due > 0:
        declaration.payment_status = PaymentStatus.UNPAID
    elif declaration.payment_status == PaymentStatus.UNPAID:
        declaration.payment_status = PaymentStatus.NOT_DUE
    declaration.save(update_fields=[*TAXED_COLUMNS, "invoice_total", "amount_due", "payment_status", "updated_at"])
    declaration.items.all().delete()
    GoodsItem.objects.bulk_create(new_items)
    return before
