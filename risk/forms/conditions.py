"""The condition builder of the rule form and the display of stored conditions.

Both are driven by `risk.conditions.FIELDS`: the fields, their kinds, the operators each kind
allows and the values of choice fields all come from there; the sentences are
`risk.condition_text`'s.
"""
import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import Decimal

from django.http import QueryDict
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from customs_portal.accounts.models import ComplianceLevel
from customs_portal.localization import (
    NumberUnreadable,
    number_input_text,
    number_parse,
    number_text,
    number_trimmed,
    number_unreadable_message,
)
from declarations.models import Direction, TransportMode
from reference.agreements import AGREEMENTS
from risk.condition_text import condition_raw, condition_sentence
from risk.conditions import FIELDS, LIST_OPS

# Groups of the field <select>, in this order; a field belongs to the group named by the
# part of its name before the dot, or to "declaration" when it has none.
FIELD_GROUPS = {
    "declaration": _("Declaration"),
    "enterprise": _("Enterprise"),
    "partner": _("Partner"),
    "invoice": _("Invoice"),
    "items": _("Goods items (any item)"),
    "taxes": _("Taxes"),
    "model": _("Learned model"),
}
OP_LABELS = {
    "eq": _("is"),
    "ne": _("is not"),
    "in": _("is one of"),
    "not_in": _("is none of"),
    "startswith": _("starts with"),
    "gt": _("is greater than"),
    "gte": _("is at least"),
    "lt": _("is less than"),
    "lte": _("is at most"),
}
STARTSWITH_ANY = _("starts with any of")
BOOL_LABELS = {True: _("yes"), False: _("no")}


def _choice_labels() -> dict[str, dict[str, str]]:
    """Readable labels of the values of choice fields; a choice field without labels shows its codes."""
    return {
        "direction": dict(Direction.choices),
        "transport_mode": dict(TransportMode.choices),
        "enterprise.compliance_level": dict(ComplianceLevel.choices),
        "items.preference": {code: f"{code} — {agreement.name}" for code, agreement in AGREEMENTS.items()},
    }


def field_group(name: str) -> str:
    prefix = name.split(".", 1)[0] if "." in name else "declaration"
    return prefix if prefix in FIELD_GROUPS else "declaration"


def field_label(name: str) -> str:
    spec = FIELDS.get(name)
    return gettext(spec.label) if spec else name


def field_choices(name: str) -> list[tuple[str, str]]:
    spec = FIELDS.get(name)
    if spec is None:
        return []
    labels = _choice_labels().get(name, {})
    return [(value, str(labels.get(value, value))) for value in spec.choices]


def grouped_fields() -> list[tuple[str, list[tuple[str, str]]]]:
    """[(group label, [(field name, field label), ...]), ...] for the field <select>."""
    groups: dict[str, list] = {key: [] for key in FIELD_GROUPS}
    for name in FIELDS:
        groups[field_group(name)].append((name, field_label(name)))
    return [(str(FIELD_GROUPS[key]), entries) for key, entries in groups.items() if entries]


def fields_spec() -> dict:
    """What the browser needs to restrict operators and adapt the value input, as JSON for a data-* attribute."""
    return {
        name: {"kind": spec.kind, "label": field_label(name), "ops": list(spec.ops), "choices": field_choices(name)}
        for name, spec in FIELDS.items()
    }


def ops_spec() -> dict:
    return {op: str(label) for op, label in OP_LABELS.items()}


def _display_value(name: str, value) -> str:
    if isinstance(value, bool):
        return str(BOOL_LABELS[value])
    labels = _choice_labels().get(name)
    if labels and value in labels:
        return str(labels[value])
    if name in FIELDS and FIELDS[name].kind == "number":
        try:
            return number_text(Decimal(str(value)))
        except ArithmeticError:
            return str(value)
    return str(value)


def condition_describe(condition: dict) -> dict:
    """A stored condition in words for the templates: {"text"} the sentence (risk.condition_text), {"raw"}
    as stored, and its parts {"field", "op", "values"}."""
    name, op, value = condition.get("field", ""), condition.get("op", ""), condition.get("value")
    values = value if isinstance(value, list) else [value]
    op_label = STARTSWITH_ANY if op == "startswith" and isinstance(value, list) and len(value) > 1 else OP_LABELS.get(op, op)
    return {"name": name, "field": field_label(name), "op": str(op_label),
            "values": [_display_value(name, v) for v in values],
            "text": condition_sentence(condition), "raw": condition_raw(condition)}


def conditions_describe(conditions) -> list[dict]:
    return [condition_describe(c) for c in conditions or [] if isinstance(c, dict)]


# --- The condition builder -------------------------------------------------------------------

ROW_FIELD = re.compile(r"^cond-(\d+)-field$")
LIST_SEPARATORS = re.compile(r"[,;\n]")
# Numbers keep their decimal comma (1,5 in Vietnamese): a list of them is split at ";", a new
# line, or a comma followed by a space ("1,5; 2,5" or "1, 2, 3").
NUMBER_LIST_SEPARATORS = re.compile(r";|\n|,\s+")


@dataclass
class ConditionRow:
    """One row of the condition builder: what was chosen or typed, and the errors about it."""

    index: int
    field: str = ""
    op: str = ""
    values: list[str] = dataclass_field(default_factory=list)
    errors: list[str] = dataclass_field(default_factory=list)

    @property
    def prefix(self) -> str:
        return f"cond-{self.index}"

    @property
    def spec(self):
        return FIELDS.get(self.field)

    @property
    def kind(self) -> str:
        return self.spec.kind if self.spec else ""

    @property
    def ops(self) -> list[tuple[str, str]]:
        allowed = self.spec.ops if self.spec else tuple(OP_LABELS)
        return [(op, str(OP_LABELS[op])) for op in allowed]

    @property
    def choices(self) -> list[tuple[str, str]]:
        return field_choices(self.field)

    @property
    def control(self) -> str:
        """The value input that fits the field and operator (the JS chooses the same way)."""
        if self.kind == "bool":
            return "bool"
        if self.kind == "choice":
            return "multi" if self.op in LIST_OPS else "choice"
        if self.kind == "number" and self.op not in LIST_OPS:
            return "number"
        return "text"

    @property
    def text(self) -> str:
        return ("; " if self.kind == "number" else ", ").join(self.values)

    @property
    def is_list(self) -> bool:
        return self.op in LIST_OPS or self.op == "startswith"

    @classmethod
    def from_condition(cls, index: int, condition: dict) -> "ConditionRow":
        value = condition.get("value")
        values = value if isinstance(value, list) else [value]
        number = FIELDS[condition["field"]].kind == "number" if condition.get("field") in FIELDS else False
        return cls(index=index, field=condition.get("field", ""), op=condition.get("op", ""),
                   values=["true" if v is True else "false" if v is False else _number_shown(v) if number else str(v)
                           for v in values])

    def parts(self) -> list[str]:
        separators = NUMBER_LIST_SEPARATORS if self.kind == "number" else LIST_SEPARATORS
        return [part.strip() for value in self.values for part in separators.split(value) if part.strip()]

    def unreadable_numbers(self) -> bool:
        """Whether a value of a number field cannot be read as a number (the row then says how to type one)."""
        if self.kind != "number":
            return False
        try:
            for part in self.parts():
                number_parse(part)
        except NumberUnreadable:
            return True
        return False

    def condition(self) -> dict:
        """The {"field", "op", "value"} that the rule services validate."""
        parts = self.parts()
        if self.op in LIST_OPS or (self.op == "startswith" and len(parts) > 1):
            value = [self._typed(part) for part in parts]
        else:
            value = self._typed(self.values[0].strip() if self.values else "")
        return {"field": self.field, "op": self.op, "value": value}

    def _typed(self, text: str):
        if self.kind == "bool":
            return {"true": True, "false": False}.get(text.lower(), text)
        if self.kind == "number":
            try:
                return format(number_trimmed(number_parse(text)), "f")
            except NumberUnreadable:
                return text
        return text


def _number_shown(value) -> str:
    """A stored number of a condition as its input shows it (1.5 -> "1,5" in Vietnamese)."""
    try:
        return number_input_text(Decimal(str(value)))
    except ArithmeticError:
        return str(value)


def condition_rows_from_post(data: QueryDict) -> list[ConditionRow]:
    """The rows of the builder in the order shown; rows left completely empty are dropped."""
    indexes = sorted(int(match.group(1)) for key in data for match in [ROW_FIELD.match(key)] if match)
    rows = []
    for index in indexes:
        row = ConditionRow(
            index=index,
            field=data.get(f"cond-{index}-field", "").strip(),
            op=data.get(f"cond-{index}-op", "").strip(),
            values=[v for v in data.getlist(f"cond-{index}-value") if v.strip()],
        )
        if row.field or row.values:
            rows.append(row)
    return rows


class ConditionRowsMixin:
    """The condition builder of a form (risk rules, post-clearance audit rules): its rows, their checks,
    their part of the error summary, and where a service's condition errors go."""

    def rows_init(self, rows: list[ConditionRow] | None) -> None:
        self.rows = rows if rows is not None else []
        self._conditions_errors: list[str] = []

    @property
    def display_rows(self) -> list[ConditionRow]:
        """The rows to show: at least one, so the builder never starts empty."""
        return self.rows or [ConditionRow(index=0)]

    @property
    def next_index(self) -> int:
        return max((row.index for row in self.display_rows), default=-1) + 1

    @property
    def conditions_errors(self) -> list[str]:
        """Messages about the conditions as a whole (not about one row)."""
        return self._conditions_errors

    def rows_check(self) -> bool:
        """Mark each incomplete row with its message; whether every row is complete."""
        for row in self.rows:
            if not row.field:
                row.errors.append(gettext("Choose a field."))
            elif row.field in FIELDS and not row.op:
                row.errors.append(gettext("Choose an operator."))
            elif row.field in FIELDS and not row.values:
                row.errors.append(gettext("Give a value."))
            elif row.unreadable_numbers():
                row.errors.append(number_unreadable_message())
        return not any(row.errors for row in self.rows)

    def rows_summary(self) -> list[dict]:
        """The rows' and the conditions' problems for the error summary: {"anchor", "label", "message"}."""
        items = []
        for position, row in enumerate(self.rows, start=1):
            label = gettext("Condition %(number)d") % {"number": position}
            items += [{"anchor": f"{row.prefix}-field", "label": label, "message": e} for e in row.errors]
        items += [{"anchor": "conditions", "label": gettext("Conditions"), "message": e} for e in self._conditions_errors]
        return items

    def condition_error_place(self, message: str) -> None:
        """A service's message about the conditions: on its row ("[i] ..."), else on the conditions as a whole."""
        match = re.match(r"^\[(\d+)\]\s*(.*)$", message, re.DOTALL)
        if match and int(match.group(1)) < len(self.rows):
            self.rows[int(match.group(1))].errors.append(match.group(2))
        else:
            self._conditions_errors.append(message)
