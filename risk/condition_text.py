"""A risk rule's condition as a sentence in the reader's language.

The one wording of a condition, wherever a person reads it: the risk admin's rule list and rule
pages (the condition alone: "An item's HS code starts with 2402"), and the officer's review page
and the API's risk explanation (the condition that fired, with the value that made it hold:
"The enterprise is not a priority (AEO) enterprise (compliance level: High)"). Field names and
operators (`enterprise.compliance_level ≠ priority`) are for risk admins only; see
`risk.conditions` for what a condition may be.

Each field of `risk.conditions.FIELDS` has a `Wording`: the subject of the sentence, how the
value found reads, the unit of a number, the phrases of a choice's values, the two sentences of a
yes/no field. The operator gives the predicate ("is", "is not", "starts with", "is less than" …);
a list of values reads "A, B or C".
"""
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from customs_portal.accounts.models import ComplianceLevel
from customs_portal.localization import number_text, number_trimmed
from declarations.models import Direction, TransportMode
from reference.agreements import AGREEMENTS
from reference.cache import reference_copies
from reference.models import Country
from risk.conditions import FIELDS

MISSING = object()  # no value found: the condition alone, as the rule list shows it
LIST_SHOWN = 8  # values of a long list shown before "and N more"


@dataclass(frozen=True)
class Wording:
    subject: object  # lazy text: the sentence's subject, capitalised ("The enterprise's tax code")
    found: object = ""  # how the value found reads, with %(value)s ("tax code: %(value)s")
    unit: object = ""  # a number with its unit, with %(number)s ("%(number)s days")
    scale: int = 1  # a number is shown multiplied by this (a ratio as a percentage)
    values: dict = field(default_factory=dict)  # choice value -> its phrase in a sentence
    labels: dict = field(default_factory=dict)  # choice value -> its label, for the value found
    holds: object = ""  # yes/no fields: the sentence when the field is true
    fails: object = ""  # ... and when it is false


def _choices(choices) -> dict:
    return dict(choices)


WORDINGS: dict[str, Wording] = {
    "direction": Wording(
        pgettext_lazy("condition subject", "The declaration"), gettext_lazy("direction: %(value)s"),
        values={Direction.IMPORT: gettext_lazy("an import declaration"), Direction.EXPORT: gettext_lazy("an export declaration")},
        labels=_choices(Direction.choices)),
    "type_code": Wording(pgettext_lazy("condition subject", "The type code"), gettext_lazy("type code: %(value)s")),
    "customs_office": Wording(pgettext_lazy("condition subject", "The customs office"), gettext_lazy("office: %(value)s")),
    "enterprise.tax_code": Wording(pgettext_lazy("condition subject", "The enterprise's tax code"),
                                   gettext_lazy("tax code: %(value)s")),
    "enterprise.compliance_level": Wording(
        pgettext_lazy("condition subject", "The enterprise"), gettext_lazy("compliance level: %(value)s"),
        values={
            ComplianceLevel.PRIORITY: gettext_lazy("a priority (AEO) enterprise"),
            ComplianceLevel.HIGH: gettext_lazy("an enterprise of high compliance"),
            ComplianceLevel.MEDIUM: gettext_lazy("an enterprise of medium compliance"),
            ComplianceLevel.LOW: gettext_lazy("an enterprise of low compliance"),
            ComplianceLevel.NEW: gettext_lazy("a new enterprise without a compliance record"),
        },
        labels=_choices(ComplianceLevel.choices)),
    "enterprise.age_days": Wording(pgettext_lazy("condition subject", "The enterprise's age"),
                                   gettext_lazy("%(value)s old"), unit=gettext_lazy("%(number)s days")),
    "enterprise.on_watchlist": Wording(
        pgettext_lazy("condition subject", "The enterprise"),
        holds=gettext_lazy("The enterprise is on the watchlist"), fails=gettext_lazy("The enterprise is not on the watchlist")),
    "partner.country": Wording(pgettext_lazy("condition subject", "The partner's country"), gettext_lazy("country: %(value)s")),
    "partner.name": Wording(pgettext_lazy("condition subject", "The partner's name"), gettext_lazy("name: %(value)s")),
    "partner.on_watchlist": Wording(
        pgettext_lazy("condition subject", "The partner"),
        holds=gettext_lazy("The partner is on the watchlist"), fails=gettext_lazy("The partner is not on the watchlist")),
    "partner.watchlist_similarity": Wording(
        pgettext_lazy("condition subject", "The similarity of the partner's name to a watchlisted partner's"),
        gettext_lazy("similarity: %(value)s"), unit=gettext_lazy("%(number)s %%")),
    "transport_mode": Wording(pgettext_lazy("condition subject", "The transport mode"), gettext_lazy("transport: %(value)s"),
                              labels=_choices(TransportMode.choices)),
    "port_of_loading": Wording(pgettext_lazy("condition subject", "The port of loading"), gettext_lazy("port: %(value)s")),
    "port_of_discharge": Wording(pgettext_lazy("condition subject", "The port of discharge"), gettext_lazy("port: %(value)s")),
    "invoice.currency": Wording(pgettext_lazy("condition subject", "The invoice currency"), gettext_lazy("currency: %(value)s")),
    "invoice.incoterm": Wording(pgettext_lazy("condition subject", "The Incoterm"), gettext_lazy("Incoterm: %(value)s")),
    "invoice.total": Wording(pgettext_lazy("condition subject", "The invoice total"), gettext_lazy("invoice total: %(value)s")),
    "items.hs_code": Wording(pgettext_lazy("condition subject", "An item's HS code")),
    "items.origin_country": Wording(pgettext_lazy("condition subject", "An item's country of origin")),
    "items.preference": Wording(pgettext_lazy("condition subject", "An item's tariff preference")),
    "items.description": Wording(pgettext_lazy("condition subject", "An item's description")),
    "items.unit_price_vs_reference": Wording(
        pgettext_lazy("condition subject", "An item's unit price"), unit=gettext_lazy("%(number)s %% of the reference price"),
        scale=100),
    "items.specialised_management": Wording(
        pgettext_lazy("condition subject", "An item"),
        holds=gettext_lazy("An item is under specialised management"),
        fails=gettext_lazy("An item is not under specialised management")),
    "items.specialised_without_permit": Wording(
        pgettext_lazy("condition subject", "An item"),
        holds=gettext_lazy("An item under specialised management carries no permit, licence or inspection result"),
        fails=gettext_lazy("An item carries its permit, licence or inspection result, or needs none")),
    "taxes.total": Wording(pgettext_lazy("condition subject", "The total of duties and taxes"),
                           gettext_lazy("taxes: %(value)s"), unit=gettext_lazy("%(number)s VND")),
    "item_count": Wording(pgettext_lazy("condition subject", "The number of goods items"), gettext_lazy("items: %(value)s")),
    # 0–1 as the risk admin writes it in the rule; the review page also shows it as a percentage (risk/model_explanation.py).
    "model.score": Wording(pgettext_lazy("condition subject", "The learned model's score"),
                           gettext_lazy("model's score: %(value)s")),
}


def _predicate(op: str, kind: str) -> str:
    """The sentence pattern of an operator, with %(subject)s and %(value)s (a list reads "A, B or C")."""
    if kind == "number":
        return {
            "eq": pgettext("number condition", "%(subject)s is %(value)s"),
            "in": pgettext("number condition", "%(subject)s is %(value)s"),
            "ne": pgettext("number condition", "%(subject)s is not %(value)s"),
            "not_in": pgettext("number condition", "%(subject)s is not %(value)s"),
            "gt": _("%(subject)s is more than %(value)s"),
            "gte": _("%(subject)s is at least %(value)s"),
            "lt": _("%(subject)s is less than %(value)s"),
            "lte": _("%(subject)s is at most %(value)s"),
        }[op]
    return {
        "eq": _("%(subject)s is %(value)s"),
        "in": _("%(subject)s is %(value)s"),
        "ne": _("%(subject)s is not %(value)s"),
        "not_in": _("%(subject)s is not %(value)s"),
        "startswith": _("%(subject)s starts with %(value)s"),
    }[op]


def _one_of(texts: list[str]) -> str:
    """ "A", "A or B", "A, B or C"; a long list is cut: "A, B, … H and 12 more"."""
    rest = len(texts) - LIST_SHOWN
    if rest > 0:
        return _("%(values)s and %(count)d more") % {"values": ", ".join(texts[:LIST_SHOWN]), "count": rest}
    if len(texts) == 1:
        return texts[0]
    return _("%(first)s or %(last)s") % {"first": ", ".join(texts[:-1]), "last": texts[-1]}


def _country_names(codes: list[str]) -> dict[str, str]:
    return {code: row.name for code, row in reference_copies().rows(Country, codes).items()}


def _number(name: str, value) -> str:
    wording = WORDINGS[name]
    try:
        number = Decimal(str(value)) * wording.scale
    except (InvalidOperation, ValueError):
        return str(value)
    if not number.is_finite():
        return str(value)
    text = number_text(number_trimmed(number))
    return str(wording.unit) % {"number": text} if wording.unit else text


def _value_texts(name: str, values: list, *, in_sentence: bool) -> list[str]:
    """The values of a condition (or the value found) as they read: phrases, labels, names, numbers."""
    spec, wording = FIELDS[name], WORDINGS[name]
    if spec.kind == "number":
        return [_number(name, value) for value in values]
    if spec.kind == "choice":
        texts = []
        for value in values:
            if not isinstance(value, str):
                texts.append(str(value))
            elif name == "items.preference":
                agreement = AGREEMENTS.get(value) if in_sentence else None
                texts.append(f"{value} ({agreement.name})" if agreement else str(value))
            elif in_sentence and value in wording.values:
                texts.append(str(wording.values[value]))
            elif value in wording.labels:
                label = str(wording.labels[value])
                texts.append(label[:1].lower() + label[1:] if in_sentence else label)
            else:
                texts.append(str(value))
        return texts
    if spec.kind == "country":
        names = _country_names([str(value) for value in values])
        return [f"{names[value]} ({value})" if value in names else str(value) for value in values]
    if spec.kind == "text":
        return [f"“{value}”" for value in values]
    return [str(value) for value in values]


def condition_sentence(condition: dict, *, actual=MISSING, item: int | None = None) -> str:
    """The condition as a sentence; with `actual` (the value found, as the engine's reasons hold
    it) and `item` (the goods item it was found in), followed by what was found."""
    name, op, value = condition.get("field"), condition.get("op"), condition.get("value")
    spec, wording = FIELDS.get(name), WORDINGS.get(name)
    if spec is None or wording is None or op not in spec.ops:
        return " ".join(str(part) for part in (name, op, value))  # a field the portal no longer knows
    if spec.kind == "bool":
        sentence = str(wording.holds if (value is True) == (op == "eq") else wording.fails)
    else:
        values = value if isinstance(value, list) else [value]
        sentence = _predicate(op, spec.kind) % {
            "subject": wording.subject, "value": _one_of(_value_texts(name, values, in_sentence=True))}
    found = _found(name, op, actual, item)
    return f"{sentence} ({found})" if found else sentence


def _found(name: str, op: str, actual, item: int | None) -> str:
    spec, wording = FIELDS[name], WORDINGS[name]
    if actual is MISSING or actual is None:
        return ""
    if spec.kind == "bool" or op == "eq":
        value = ""  # the sentence already says what was found
    else:
        value = _value_texts(name, [actual], in_sentence=False)[0]
    if item is not None:
        if value:
            return _("item %(item)s: %(value)s") % {"item": item, "value": value}
        return _("item %(item)s") % {"item": item}
    if not value:
        return ""
    return str(wording.found) % {"value": value} if wording.found else value


def reason_sentence(reason: dict) -> str:
    """One reason of a fired rule (risk.engine: field, op, value, actual, item) as a sentence."""
    return condition_sentence(reason, actual=reason.get("actual", MISSING), item=reason.get("item"))


OPERATOR_SIGNS = {"eq": "=", "ne": "≠", "lt": "<", "lte": "≤", "gt": ">", "gte": "≥", "in": "∈", "not_in": "∉",
                  "startswith": "starts with"}


def condition_raw(condition: dict) -> str:
    """The condition as stored, for risk admins: `enterprise.compliance_level ≠ priority`."""
    value = condition.get("value")
    values = value if isinstance(value, list) else [value]
    shown = ", ".join("true" if v is True else "false" if v is False else str(v) for v in values)
    op = condition.get("op")
    return f"{condition.get('field')} {OPERATOR_SIGNS.get(op, op)} {shown}"
