# Kept whole (about 400 lines): the field specs, the reading of what is typed and the placing of
# errors are one mapping between the POSTed names and the API body; split, each part would need the others.
"""The declaration form of the browser UI.

The form does not validate anything itself: it turns the POSTed fields into the same
nested body as the REST API (api.md), which `DeclarationWriteSerializer` parses and the
declaration services validate, so the browser and the API can never disagree. It keeps
what the trader typed and places the errors of either (both shaped like DRF errors) next
to the right input.

Numbers and dates are read here as people type them (customs_portal/localization.py:
`4,50`, `1.234,56`, `25/03/2026`) and handed to the serializer in the API's form (dot
decimals, ISO dates), which stays strict for integrators.
"""
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, pgettext

from customs_portal.localization import (
    NumberUnreadable,
    date_input_text,
    date_parse,
    date_unreadable_message,
    number_input_text,
    number_parse,
    number_trimmed,
    number_understood,
    number_unreadable_message,
)
from declarations.api.serializers import DeclarationWriteSerializer
from declarations.containers import container_numbers_split
from declarations.items import ITEM_ENTERED_FIELDS
from declarations.permits import MAX_PERMITS, PermitKind

# DRF's messages that this form can show and that DRF's own Vietnamese catalogue lacks;
# listed here so `makemessages` collects them into the project's catalogue.
DRF_MESSAGES = (
    gettext_noop("This field may not be null."),
    gettext_noop("Ensure this field has no more than {max_length} characters."),
    gettext_noop("Ensure this field has at least {min_length} characters."),
    gettext_noop("This value does not match the required pattern."),
    gettext_noop("A valid integer is required."),
    gettext_noop("A valid number is required."),
    gettext_noop("Ensure this value is less than or equal to {max_value}."),
    gettext_noop("Ensure this value is greater than or equal to {min_value}."),
    gettext_noop("Ensure that there are no more than {max_digits} digits in total."),
    gettext_noop("Ensure that there are no more than {max_decimal_places} decimal places."),
    gettext_noop("Ensure that there are no more than {max_whole_digits} digits before the decimal point."),
    gettext_noop("Date has wrong format. Use one of these formats instead: {format}."),
    gettext_noop('"{input}" is not a valid choice.'),
    gettext_noop("Ensure this field has no more than {max_length} elements."),
    gettext_noop("An HS code is made of digits only."),
)


@dataclass(frozen=True)
class FieldSpec:
    key: str  # name in templates
    path: str  # path in the API body ("partner.country")
    label: str
    kind: str = "text"  # "text", "number", "date" or "containers" (a list, one per line): how what is typed is read

    @property
    def name(self) -> str:
        """The POST name: nested paths joined with a dash (partner-country)."""
        return self.path.replace(".", "-")


HEADER_FIELDS = [
    FieldSpec("direction", "direction", _("Direction")),
    FieldSpec("type_code", "type_code", _("Type code")),
    FieldSpec("customs_office", "customs_office", _("Customs office")),
    FieldSpec("partner_name", "partner.name", _("Partner name")),
    FieldSpec("partner_address", "partner.address", _("Partner address")),
    FieldSpec("partner_country", "partner.country", _("Partner country")),
    FieldSpec("transport_mode", "transport_mode", _("Transport mode")),
    FieldSpec("bill_of_lading", "bill_of_lading", _("Bill of lading / airway bill")),
    FieldSpec("vessel_flight", "vessel_flight", _("Vessel / flight")),
    FieldSpec("port_of_loading", "port_of_loading", _("Port of loading")),
    FieldSpec("port_of_discharge", "port_of_discharge", _("Port of discharge")),
    FieldSpec("arrival_date", "arrival_date", _("Arrival date"), "date"),
    FieldSpec("departure_date", "departure_date", _("Departure date"), "date"),
    FieldSpec("packages", "packages", _("Packages"), "number"),
    FieldSpec("gross_weight_kg", "gross_weight_kg", _("Gross weight (kg)"), "number"),
    FieldSpec("container_numbers", "container_numbers", _("Container numbers"), "containers"),
    FieldSpec("invoice_number", "invoice.number", _("Invoice number")),
    FieldSpec("invoice_date", "invoice.date", _("Invoice date"), "date"),
    FieldSpec("invoice_currency", "invoice.currency", _("Currency")),
    FieldSpec("invoice_incoterm", "invoice.incoterm", _("Incoterm")),
    FieldSpec("invoice_total", "invoice.total", _("Invoice total"), "number"),
    FieldSpec("freight", "freight", _("Freight"), "number"),
    FieldSpec("insurance", "insurance", _("Insurance"), "number"),
]
HEADER_BY_PATH = {spec.path: spec for spec in HEADER_FIELDS}

ITEM_INPUT_LABELS = {
    "hs_code": _("HS code"),
    "description": _("Description of goods"),
    "origin_country": _("Origin"),
    "quantity": _("Quantity"),
    "unit": _("Unit"),
    "unit_price": _("Unit price"),
    "preference": _("Preference"),
    "certificate_of_origin": _("C/O number"),
}
ITEM_NUMBER_INPUTS = ("quantity", "unit_price")
ITEM_FIELDS = [
    FieldSpec(name, name, ITEM_INPUT_LABELS[name], "number" if name in ITEM_NUMBER_INPUTS else "text")
    for name in ITEM_ENTERED_FIELDS
]
ITEM_KEYS = [spec.key for spec in ITEM_FIELDS]
ITEM_KINDS = {spec.key: spec.kind for spec in ITEM_FIELDS}
ITEM_LABELS = {spec.key: spec.label for spec in ITEM_FIELDS} | {
    # Computed values: their errors are shown on the item's row (too large to record).
    "line_value": _("Line value"), "customs_value": _("Customs value"), "taxable_value": _("Taxable value"),
    "import_duty": _("Import duty"), "export_duty": _("Export duty"), "special_consumption_tax": _("Special consumption tax"),
    "environmental_tax": _("Environmental tax"), "vat": _("VAT"), "permits": _("Permits"),
}
ITEM_NAME = re.compile(r"^items-(\d{1,4})-(\w+)$")
# A permit of an item: items-<item>-permits-<permit>-<field> (declarations/permits.py).
PERMIT_NAME = re.compile(r"^items-(\d{1,4})-permits-(\d{1,3})-(\w+)$")
PERMIT_FIELDS = [
    FieldSpec("kind", "kind", _("Kind")),
    FieldSpec("number", "number", _("Permit number")),
    FieldSpec("agency", "agency", _("Issuing agency")),
    FieldSpec("date", "date", _("Date of issue"), "date"),
]
PERMIT_KEYS = [spec.key for spec in PERMIT_FIELDS]
PERMIT_LABELS = {spec.key: spec.label for spec in PERMIT_FIELDS}
ITEM_DEFAULTS = {"preference": "MFN"}

GROUP_LABELS = {"partner": _("Partner"), "invoice": _("Invoice"), "items": _("Goods items")}
NON_FIELD = "non_field_errors"
DEFAULTS = {"direction": "import", "type_code": "A11", "transport_mode": "sea", "invoice_currency": "USD"}


@dataclass
class BoundValue:
    """One input as the template renders it: its name, id, current value and errors."""

    key: str
    name: str
    label: str
    value: str
    errors: list[str] = field(default_factory=list)
    kind: str = "text"

    @property
    def id(self) -> str:
        return f"id_{self.name}"

    @property
    def understood(self) -> str:
        """The number as read ("2.350,5"), shown beside the input; '' when blank or unreadable."""
        if self.kind != "number" or not self.value:
            return ""
        try:
            return number_understood(self.value)
        except NumberUnreadable:
            return ""


@dataclass
class PermitRow:
    """One permit of a goods item, as its four inputs."""

    index: int | str
    fields: dict[str, BoundValue]

    @property
    def number(self) -> int | str:
        return self.index + 1 if isinstance(self.index, int) else ""


@dataclass
class ItemRow:
    index: int | str
    fields: dict[str, BoundValue]
    errors: list[str]  # errors of the row that belong to no input (e.g. the line value)
    permits: list[PermitRow] = field(default_factory=list)
    permit_errors: list[str] = field(default_factory=list)  # about the list of permits (too many)

    @property
    def max_permits(self) -> int:
        return MAX_PERMITS

    @property
    def number(self) -> int | str:
        return self.index + 1 if isinstance(self.index, int) else ""

    @property
    def has_errors(self) -> bool:
        return (bool(self.errors) or bool(self.permit_errors) or any(f.errors for f in self.fields.values())
                or any(f.errors for permit in self.permits for f in permit.fields.values()))


def _text(value) -> str:
    """A parsed value back as the text of an input, as the active language writes it (4,50; 25/03/2026)."""
    if value is None:
        return ""
    if isinstance(value, list):  # container numbers: one per line
        return "\n".join(map(str, value))
    if isinstance(value, (Decimal, int)) and not isinstance(value, bool):
        return number_input_text(value)
    if isinstance(value, date):
        return date_input_text(value)
    return str(value)


def _rows_of(items: list[dict]) -> list[dict]:
    """Parsed goods items as the text of the form's rows."""
    return [{**{key: _text(item.get(key)) for key in ITEM_KEYS},
             "permits": [{key: _text(permit.get(key)) for key in PERMIT_KEYS} for permit in item.get("permits") or []]}
            for item in items]


def _read(kind: str, typed: str) -> tuple[str, str | None]:
    """What was typed, in the API's form ("4.5", "2026-03-25"), and the error when it cannot be read."""
    if kind == "number":
        try:
            return format(number_trimmed(number_parse(typed)), "f"), None
        except NumberUnreadable:
            return typed, number_unreadable_message()
    if kind == "date":
        try:
            return date_parse(typed).isoformat(), None
        except ValueError:
            return typed, date_unreadable_message()
    if kind == "containers":
        return container_numbers_split(typed), None
    return typed, None


def flatten_errors(errors, prefix: str = "") -> dict[str, list[str]]:
    """DRF-shaped errors (nested dicts, per-item lists) as {"items.0.hs_code": [messages]}."""
    flat: dict[str, list[str]] = {}

    def add(path: str, message) -> None:
        flat.setdefault(path, []).append(str(message))

    def walk(node, path: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, path if key == NON_FIELD else (f"{path}.{key}" if path else str(key)))
        elif isinstance(node, (list, tuple)):
            if all(not isinstance(entry, (dict, list, tuple)) for entry in node):
                for message in node:
                    add(path, message)
            else:
                for index, entry in enumerate(node):
                    if isinstance(entry, (dict, list, tuple)):
                        walk(entry, f"{path}.{index}" if path else str(index))
                    else:
                        add(path, entry)
        elif node:
            add(path, node)

    walk(errors, prefix)
    return flat


class DeclarationForm:
    """The header fields and goods items of a declaration, as typed, with their errors."""

    def __init__(self, *, data=None, initial: dict | None = None):
        self.errors: dict[str, list[str]] = {}
        self.import_errors: list[str] = []  # a file of goods lines that was not imported, and why
        self.reading_errors: dict[str, list[str]] = {}  # numbers and dates that cannot be read, by path
        if data is not None:
            self.values = {spec.key: (data.get(spec.name) or "").strip() for spec in HEADER_FIELDS}
            self.rows = self._rows_from_post(data)
        elif initial is not None:
            self.values, self.rows = self._from_body(initial)
        else:
            self.values = {spec.key: DEFAULTS.get(spec.key, "") for spec in HEADER_FIELDS}
            self.rows = []
        if not self.rows:
            self.rows = [{key: ITEM_DEFAULTS.get(key, "") for key in ITEM_KEYS}]
        for row in self.rows:
            row.setdefault("permits", [])

    @staticmethod
    def _rows_from_post(data) -> list[dict[str, str]]:
        """Goods items from items-<i>-<field>, in index order; rows left entirely blank are dropped."""
        by_index: dict[int, dict[str, str]] = {}
        for name in data.keys():
            match = ITEM_NAME.match(name)
            if match and match.group(2) in ITEM_KEYS:
                by_index.setdefault(int(match.group(1)), {})[match.group(2)] = (data.get(name) or "").strip()
        permits: dict[int, dict[int, dict[str, str]]] = {}
        for name in data.keys():
            match = PERMIT_NAME.match(name)
            if match and match.group(3) in PERMIT_KEYS:
                permit = permits.setdefault(int(match.group(1)), {}).setdefault(int(match.group(2)), {})
                permit[match.group(3)] = (data.get(name) or "").strip()
        rows = []
        for index in sorted(by_index.keys() | permits.keys()):
            row = {key: by_index.get(index, {}).get(key, "") for key in ITEM_KEYS}
            typed = [{key: found.get(key, "") for key in PERMIT_KEYS} for _n, found in sorted(permits.get(index, {}).items())]
            # A permit row left blank (its kind alone is a default of the select) is dropped.
            row["permits"] = [permit for permit in typed if permit["number"] or permit["agency"] or permit["date"]]
            if any(value and value != ITEM_DEFAULTS.get(key) for key, value in row.items() if key != "permits") \
                    or row["permits"]:
                row["preference"] = row["preference"] or "MFN"
                rows.append(row)
        return rows

    @staticmethod
    def _from_body(body: dict) -> tuple[dict[str, str], list[dict[str, str]]]:
        values = {}
        for spec in HEADER_FIELDS:
            node = body
            for part in spec.path.split("."):
                node = node.get(part) if isinstance(node, dict) else None
            values[spec.key] = _text(node)
        return values, _rows_of(body.get("items", []))

    def items_replace(self, items: list[dict]) -> None:
        """Put parsed goods items (a file's lines, declarations/views/items_files.py) in place of the typed rows."""
        self.rows = _rows_of(items)

    @property
    def direction(self) -> str:
        return self.values.get("direction") or "import"

    def _read(self, kind: str, typed: str, path: str) -> str:
        value, error = _read(kind, typed)
        if error:
            self.reading_errors[path] = [error]
        return value

    def body(self) -> dict:
        """The API body of what was typed; blank inputs are left out so defaults and 'required' apply.

        Numbers and dates are read the portal's way and written the API's way; what cannot be
        read is passed on as typed, and `reading_errors` says why.
        """
        self.reading_errors = {}
        body: dict = {"partner": {}, "invoice": {}}
        skipped = "departure_date" if self.direction == "import" else "arrival_date"
        for spec in HEADER_FIELDS:
            value = self.values.get(spec.key, "")
            if not value or spec.key == skipped:
                continue
            value = self._read(spec.kind, value, spec.path)
            if "." in spec.path:
                group, name = spec.path.split(".", 1)
                body[group][name] = value
            else:
                body[spec.path] = value
        body["items"] = []
        for index, row in enumerate(self.rows):
            item = {key: self._read(ITEM_KINDS[key], value, f"items.{index}.{key}")
                    for key, value in row.items() if key != "permits" and value}
            if row.get("permits"):
                item["permits"] = [
                    {key: self._read("date" if key == "date" else "text", value, f"items.{index}.permits.{n}.{key}")
                     for key, value in permit.items() if value}
                    for n, permit in enumerate(row["permits"])
                ]
            body["items"].append(item)
        return body

    def validated_data(self) -> dict | None:
        """Parse the body with the API's serializer; None (and errors set) when its shape is wrong
        or a number or date could not be read (that message replaces the serializer's)."""
        serializer = DeclarationWriteSerializer(data=self.body())
        if serializer.is_valid() and not self.reading_errors:
            return serializer.validated_data
        self.set_errors(serializer.errors)
        self.errors.update(self.reading_errors)
        return None

    def set_errors(self, errors) -> None:
        self.errors = {}
        for path, messages in flatten_errors(errors).items():
            if path.startswith("container_numbers."):  # one number of the list: shown on the box
                path = "container_numbers"
            self.errors.setdefault(path, []).extend(messages)

    @property
    def fields(self) -> dict[str, BoundValue]:
        return {
            spec.key: BoundValue(spec.key, spec.name, spec.label, self.values.get(spec.key, ""),
                                 self.errors.get(spec.path, []), spec.kind)
            for spec in HEADER_FIELDS
        }

    @property
    def items(self) -> list[ItemRow]:
        result = []
        for index, row in enumerate(self.rows):
            fields = {
                spec.key: BoundValue(
                    spec.key, f"items-{index}-{spec.key}", spec.label, row.get(spec.key, ""),
                    self.errors.get(f"items.{index}.{spec.key}", []), spec.kind,
                )
                for spec in ITEM_FIELDS
            }
            other = [
                f"{ITEM_LABELS.get(path.rsplit('.', 1)[1], path.rsplit('.', 1)[1])}: {message}"
                for path, messages in self.errors.items()
                if path.startswith(f"items.{index}.") and path.rsplit(".", 1)[1] not in ITEM_KEYS
                and not path.startswith(f"items.{index}.permits")
                for message in messages
            ]
            permits = [
                PermitRow(n, {spec.key: BoundValue(spec.key, f"items-{index}-permits-{n}-{spec.key}", spec.label,
                                                   permit.get(spec.key, ""),
                                                   self.errors.get(f"items.{index}.permits.{n}.{spec.key}", []), spec.kind)
                              for spec in PERMIT_FIELDS})
                for n, permit in enumerate(row.get("permits") or [])
            ]
            result.append(ItemRow(index, fields, other, permits, self.errors.get(f"items.{index}.permits", [])))
        return result

    @property
    def blank_permit(self) -> PermitRow:
        """The permit row that the page's script copies when the trader adds a permit to an item."""
        return PermitRow("__permit__", {
            spec.key: BoundValue(spec.key, f"items-__prefix__-permits-__permit__-{spec.key}", spec.label,
                                 PermitKind.LICENCE if spec.key == "kind" else "", kind=spec.kind)
            for spec in PERMIT_FIELDS})

    @property
    def permit_kinds(self) -> list[tuple[str, str]]:
        return list(PermitKind.choices)

    @property
    def blank_row(self) -> ItemRow:
        """The row that the page's script copies when the trader adds an item."""
        fields = {
            spec.key: BoundValue(spec.key, f"items-__prefix__-{spec.key}", spec.label, ITEM_DEFAULTS.get(spec.key, ""),
                                 kind=spec.kind)
            for spec in ITEM_FIELDS
        }
        return ItemRow("__prefix__", fields, [])

    @property
    def items_errors(self) -> list[str]:
        """Errors about the list of items as a whole (none, too many)."""
        return self.errors.get("items", [])

    @property
    def max_items(self) -> int:
        return settings.DECLARATION_MAX_ITEMS

    @property
    def summary(self) -> list[dict]:
        """Every error with a readable place and the id of the input to jump to."""
        return error_summary(self.errors)


def error_label(path: str) -> tuple[str, str]:
    """The readable place of an error path, and the id of its input ('' when there is none)."""
    if path in HEADER_BY_PATH:
        spec = HEADER_BY_PATH[path]
        return str(spec.label), f"id_{spec.name}"
    parts = path.split(".")
    if parts[0] == "items" and len(parts) >= 2 and parts[1].isdigit():
        number = int(parts[1]) + 1
        if len(parts) == 2:
            return pgettext("goods item", "Item %(number)d") % {"number": number}, ""
        if parts[2] == "permits":
            place = pgettext("goods item", "Item %(number)d") % {"number": number}
            if len(parts) >= 5 and parts[3].isdigit():
                label = PERMIT_LABELS.get(parts[4], parts[4])
                permit = pgettext("permit of an item", "Permit %(number)d") % {"number": int(parts[3]) + 1}
                anchor = f"id_items-{parts[1]}-permits-{parts[3]}-{parts[4]}" if parts[4] in PERMIT_KEYS else ""
                return f"{place} · {permit} · {label}", anchor
            return f"{place} · {_('Permits')}", ""
        label = ITEM_LABELS.get(parts[2], parts[2])
        anchor = f"id_items-{parts[1]}-{parts[2]}" if parts[2] in ITEM_KEYS else ""
        return f"{pgettext('goods item', 'Item %(number)d') % {'number': number}} · {label}", anchor
    if parts[0] in GROUP_LABELS:
        return " · ".join([str(GROUP_LABELS[parts[0]]), *parts[1:]]), ""
    return path or str(_("Declaration")), ""


def error_summary(errors: dict[str, list[str]]) -> list[dict]:
    summary = []
    for path, messages in errors.items():
        label, anchor = error_label(path)
        for message in messages:
            summary.append({"label": label, "message": message, "anchor": anchor})
    return summary


def errors_text(errors: dict) -> str:
    """A service's validation errors in one line for a message: "Label: message; …"."""
    return "; ".join(f"{e['label']}: {e['message']}" for e in error_summary(flatten_errors(errors)))
