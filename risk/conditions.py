"""What a risk rule may test: the fields, their types, the operators that fit each type,
and the validation of a rule's conditions, so that a stored rule can never crash the engine.

A condition is {"field", "op", "value"}; `in`/`not_in` take a list, `startswith` a
prefix or a list of prefixes (any of them). Fields under `items.` hold when any goods item
satisfies them.
"""
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import pycountry
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from customs_portal.accounts.models import ComplianceLevel
from customs_portal.localization import number_text
from declarations.models import Direction, TransportMode
from reference.agreements import PREFERENCE_CODES

EQUALITY = ("eq", "ne", "in", "not_in")
TEXT_OPS = (*EQUALITY, "startswith")
NUMBER_OPS = ("eq", "ne", "gt", "gte", "lt", "lte", "in", "not_in")
BOOL_OPS = ("eq", "ne")
ALL_OPS = ("eq", "ne", "in", "not_in", "startswith", "gt", "gte", "lt", "lte")
LIST_OPS = ("in", "not_in")
MAX_LIST = 500


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # "text", "code", "country", "hs", "choice", "number", "bool"
    label: str
    choices: tuple = ()
    bounds: tuple = ()  # a number field's (lowest, highest) value, when it has them

    @property
    def ops(self) -> tuple:
        if self.kind == "number":
            return NUMBER_OPS
        if self.kind == "bool":
            return BOOL_OPS
        if self.kind == "choice":
            return EQUALITY
        return TEXT_OPS

    @property
    def is_item(self) -> bool:
        return self.name.startswith("items.")


FIELDS: dict[str, Field] = {
    f.name: f
    for f in [
        Field("direction", "choice", gettext_noop("Direction"), tuple(Direction.values)),
        Field("type_code", "code", gettext_noop("Type code")),
        Field("customs_office", "code", gettext_noop("Customs office")),
        Field("enterprise.tax_code", "code", gettext_noop("Enterprise tax code")),
        Field("enterprise.compliance_level", "choice", gettext_noop("Enterprise compliance level"), tuple(ComplianceLevel.values)),
        Field("enterprise.age_days", "number", gettext_noop("Enterprise age (days)")),
        Field("enterprise.on_watchlist", "bool", gettext_noop("Enterprise on watchlist")),
        Field("partner.country", "country", gettext_noop("Partner country")),
        Field("partner.name", "text", gettext_noop("Partner name")),
        Field("partner.on_watchlist", "bool", gettext_noop("Partner on watchlist")),
        # 0–100: how close the partner's name is to an active watchlisted partner's (100 = on it;
        # under risk.services.partner_match.SIMILARITY_FLOOR reads 0).
        Field("partner.watchlist_similarity", "number", gettext_noop("Partner name similarity to the watchlist (0–100)")),
        Field("transport_mode", "choice", gettext_noop("Transport mode"), tuple(TransportMode.values)),
        Field("port_of_loading", "code", gettext_noop("Port of loading")),
        Field("port_of_discharge", "code", gettext_noop("Port of discharge")),
        Field("invoice.currency", "code", gettext_noop("Invoice currency")),
        Field("invoice.incoterm", "code", gettext_noop("Incoterm")),
        Field("invoice.total", "number", gettext_noop("Invoice total")),
        Field("items.hs_code", "hs", gettext_noop("Item HS code")),
        Field("items.origin_country", "country", gettext_noop("Item origin country")),
        Field("items.preference", "choice", gettext_noop("Item preference"), tuple(PREFERENCE_CODES)),
        Field("items.description", "text", gettext_noop("Item description")),
        Field("items.unit_price_vs_reference", "number", gettext_noop("Item unit price ÷ reference price")),
        Field("items.specialised_management", "bool", gettext_noop("Item under specialised management")),
        Field("items.specialised_without_permit", "bool",
              gettext_noop("Item under specialised management without a permit")),
        Field("taxes.total", "number", gettext_noop("Taxes total (VND)")),
        Field("item_count", "number", gettext_noop("Number of items")),
        # The active learned model's score, 0–1 (risk/services/model_score.py); absent without an
        # active model, when no condition on it holds.
        Field("model.score", "number", gettext_noop("Learned model's score (0–1)"), bounds=(Decimal(0), Decimal(1))),
    ]
}
COUNTRY_CODES = frozenset(c.alpha_2 for c in pycountry.countries)


class ConditionError(ValueError):
    pass


def _normalise_scalar(field: Field, value, op: str):
    kind = field.kind
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise ConditionError(_("%(field)s needs a number.") % {"field": field.name})
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise ConditionError(_("%(field)s needs a number, not %(value)r.") % {"field": field.name, "value": value}) from None
        if not number.is_finite() or abs(number) > Decimal("1e15"):
            raise ConditionError(_("%(field)s needs a finite number.") % {"field": field.name})
        if field.bounds and not field.bounds[0] <= number <= field.bounds[1]:
            low, high = field.bounds
            raise ConditionError(_("%(field)s is a number from %(low)s to %(high)s, not %(value)s.") % {
                "field": field.name, "low": number_text(low), "high": number_text(high), "value": number_text(number)})
        return str(number)
    if kind == "bool":
        if not isinstance(value, bool):
            raise ConditionError(_("%(field)s needs true or false.") % {"field": field.name})
        return value
    if not isinstance(value, str) or not value.strip():
        raise ConditionError(_("%(field)s needs a non-empty text value.") % {"field": field.name})
    if "\x00" in value:  # PostgreSQL stores no NUL, in jsonb neither
        raise ConditionError(_("The value for %(field)s contains a NUL character.") % {"field": field.name})
    value = value.strip()
    if len(value) > 255:
        raise ConditionError(_("The value for %(field)s is too long.") % {"field": field.name})
    if kind == "text":
        return value
    value = value.upper()
    if kind == "choice":
        lowered = {c.lower(): c for c in field.choices}
        match = lowered.get(value.lower())
        if match is None:
            raise ConditionError(_("%(field)s must be one of %(choices)s.") % {"field": field.name, "choices": ", ".join(field.choices)})
        return match
    if kind == "country" and op != "startswith" and value not in COUNTRY_CODES:
        raise ConditionError(_("%(value)s is not an ISO 3166 country code.") % {"value": value})
    if kind == "hs" and (not value.isdigit() or len(value) > 8 or (op != "startswith" and len(value) != 8)):
        raise ConditionError(
            _("%(field)s takes digits: 8 for eq/in, 1 to 8 for startswith.") % {"field": field.name}
        )
    return value


def condition_validate(condition) -> dict:
    """A clean copy of one condition, or ConditionError saying what is wrong."""
    if not isinstance(condition, dict):
        raise ConditionError(_("A condition is an object with field, op and value."))
    unknown = set(condition) - {"field", "op", "value"}
    if unknown:
        raise ConditionError(_("Unknown keys in a condition: %(keys)s.") % {"keys": ", ".join(sorted(map(str, unknown)))})
    name, op = condition.get("field"), condition.get("op")
    if not isinstance(name, str) or name not in FIELDS:
        raise ConditionError(_("Unknown field %(field)r; allowed: %(fields)s.") % {"field": name, "fields": ", ".join(FIELDS)})
    field = FIELDS[name]
    if op not in field.ops:
        raise ConditionError(
            _("Operator %(op)r does not fit %(field)s; allowed: %(ops)s.") % {"op": op, "field": name, "ops": ", ".join(field.ops)}
        )
    if "value" not in condition:
        raise ConditionError(_("The condition on %(field)s has no value.") % {"field": name})
    value = condition["value"]
    if op in LIST_OPS or (op == "startswith" and isinstance(value, list)):
        if not isinstance(value, list) or not value or len(value) > MAX_LIST:
            raise ConditionError(_("%(op)s needs a list of 1 to %(max)d values.") % {"op": op, "max": MAX_LIST})
        clean = [_normalise_scalar(field, v, op) for v in value]
    else:
        clean = _normalise_scalar(field, value, op)
    return {"field": name, "op": op, "value": clean}


def conditions_validate(conditions) -> list[dict]:
    """Validate a rule's condition list; raise ConditionError with the index of the bad one."""
    if not isinstance(conditions, list):
        raise ConditionError(_("conditions must be a list."))
    if len(conditions) > 50:
        raise ConditionError(_("A rule has at most 50 conditions."))
    clean = []
    for index, condition in enumerate(conditions):
        try:
            clean.append(condition_validate(condition))
        except ConditionError as exc:
            raise ConditionError(f"[{index}] {exc}") from None
    return clean
