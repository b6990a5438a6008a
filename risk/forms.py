"""Forms of the risk administration pages.

The forms check the shape of what was posted (numbers are numbers, a field was chosen)
and build the arguments of the risk services, which judge the business rules; the
services' `DomainValidationError`s are put back next to the inputs they concern, so the
browser and the API (which call the same services) can never disagree.

The condition builder is driven by `risk.conditions.FIELDS`: the fields, their kinds,
the operators each kind allows and the values of choice fields all come from there.
"""
import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import Decimal
from typing import ClassVar

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from customs_portal.accounts.models import ComplianceLevel
from customs_portal.form_fields import DayField, NumberField, WholeNumberField, day_input
from customs_portal.languages import english_active
from customs_portal.localization import (
    NumberUnreadable,
    number_input_text,
    number_parse,
    number_text,
    number_trimmed,
    number_unreadable_message,
)
from declarations.lifecycle import Channel
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


class PortalForm(forms.Form):
    """A form whose inputs with errors are marked for Bootstrap and assistive technologies."""

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                classes = attrs.get("class", "").split()
                if "is-invalid" not in classes:
                    attrs["class"] = " ".join([*classes, "is-invalid"])
                attrs.update({"aria-invalid": "true", "aria-describedby": f"{self[name].auto_id}-error"})


RULE_FORM_FIELDS = ("name_vi", "name_en", "description_vi", "description_en", "score", "min_channel", "active",
                    "valid_from", "valid_to")


def _date_input():
    return day_input()


class RuleForm(PortalForm):
    """A rule's name and description in both languages; a rule needs a name in at least one, and
    readers of a language it has no text in see the other (docs/decisions.md)."""

    name_vi = forms.CharField(label=_("Name in Vietnamese"), max_length=200, required=False)
    name_en = forms.CharField(label=_("Name in English"), max_length=200, required=False)
    description_vi = forms.CharField(label=_("Description in Vietnamese"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 2}))
    description_en = forms.CharField(label=_("Description in English"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 2}))
    score = WholeNumberField(label=_("Score"), min_value=-1000, max_value=1000, initial=0,
                             help_text=_("Added to the declaration's score when the rule fires; negative lowers it."))
    min_channel = forms.ChoiceField(label=_("Minimum channel"), required=False,
                                    choices=[("", _("None (score only)")), *Channel.choices],
                                    help_text=_("Forces at least this channel when the rule fires."))
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    valid_from = DayField(label=_("Valid from"), required=False, widget=_date_input())
    valid_to = DayField(label=_("Valid to"), required=False, widget=_date_input())
    change_note = forms.CharField(label=_("Change note"), max_length=300, required=False,
                                  help_text=_("Why the rule is created or changed; kept in the version history."))

    def __init__(self, *args, rows: list[ConditionRow] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows if rows is not None else []
        self._conditions_errors: list[str] = []
        for bound in self.fields.values():
            if isinstance(bound.widget, forms.CheckboxInput):
                bound.widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(bound.widget, forms.Select):
                bound.widget.attrs.setdefault("class", "form-select")
            else:
                bound.widget.attrs.setdefault("class", "form-control")
        self.fields["score"].widget.attrs.update(inputmode="numeric")

    @classmethod
    def for_version(cls, version) -> "RuleForm":
        initial = {name: getattr(version, name) for name in RULE_FORM_FIELDS}
        rows = [ConditionRow.from_condition(index, c) for index, c in enumerate(version.conditions)]
        return cls(initial=initial, rows=rows)

    @classmethod
    def from_post(cls, data: QueryDict) -> "RuleForm":
        return cls(data=data, rows=condition_rows_from_post(data))

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

    def clean(self):
        cleaned = super().clean()
        names_valid = not (self.has_error("name_vi") or self.has_error("name_en"))
        if names_valid and not (cleaned.get("name_vi") or cleaned.get("name_en")):
            self.add_error(self._name_field(), gettext("Give the rule a name, in Vietnamese or in English."))
        for row in self.rows:
            if not row.field:
                row.errors.append(gettext("Choose a field."))
            elif row.field in FIELDS and not row.op:
                row.errors.append(gettext("Choose an operator."))
            elif row.field in FIELDS and not row.values:
                row.errors.append(gettext("Give a value."))
            elif row.unreadable_numbers():
                row.errors.append(number_unreadable_message())
        if any(row.errors for row in self.rows):
            raise forms.ValidationError(gettext("Some conditions are incomplete."), code="conditions")
        return cleaned

    @property
    def summary(self) -> list[dict]:
        """Every problem of the form for the error summary: {"anchor", "label", "message"}."""
        items = []
        for name, errors in self.errors.items():
            if name == forms.forms.NON_FIELD_ERRORS:
                continue
            items += [{"anchor": self[name].auto_id, "label": self.fields[name].label, "message": e} for e in errors]
        for position, row in enumerate(self.rows, start=1):
            label = gettext("Condition %(number)d") % {"number": position}
            items += [{"anchor": f"{row.prefix}-field", "label": label, "message": e} for e in row.errors]
        items += [{"anchor": "conditions", "label": gettext("Conditions"), "message": e} for e in self._conditions_errors]
        for error in self.non_field_errors().as_data():
            if error.code != "conditions":
                items += [{"anchor": "", "label": gettext("Rule"), "message": m} for m in error.messages]
        return items

    @staticmethod
    def _name_field() -> str:
        """The name field of the reader's language: where a missing name is reported."""
        return "name_en" if english_active() else "name_vi"

    def rule_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in RULE_FORM_FIELDS}
        data["conditions"] = [row.condition() for row in self.rows]
        return data

    def set_service_errors(self, errors: dict) -> None:
        """Place a DomainValidationError's messages: conditions by row ("[i] ..."), the rest by field."""
        for key, messages in errors.items():
            messages = messages if isinstance(messages, list) else [messages]
            for message in map(str, messages):
                if key == "conditions":
                    match = re.match(r"^\[(\d+)\]\s*(.*)$", message, re.DOTALL)
                    if match and int(match.group(1)) < len(self.rows):
                        self.rows[int(match.group(1))].errors.append(match.group(2))
                    else:
                        self._conditions_errors.append(message)
                elif key == "name":
                    self.add_error(self._name_field(), message)
                elif key in self.fields:
                    self.add_error(key, message)
                else:
                    self.add_error(None, message)


class RuleFilterForm(PortalForm):
    state = forms.ChoiceField(
        label=_("State"), required=False,
        choices=[("", _("All rules")), ("active", _("Active")), ("inactive", _("Inactive"))],
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    q = forms.CharField(label=_("Name contains"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"class": "form-control form-control-sm", "type": "search"}))


class RiskSettingsForm(PortalForm):
    """Rates are entered as percentages (2 %) and stored as fractions (0.02)."""

    yellow_threshold = WholeNumberField(label=_("Yellow threshold"), min_value=-100000, max_value=100000,
                                        help_text=_("A score at or above this goes to the yellow channel (document check)."))
    red_threshold = WholeNumberField(label=_("Red threshold"), min_value=-100000, max_value=100000,
                                     help_text=_("A score at or above this goes to the red channel (physical inspection)."))
    random_yellow_percent = NumberField(label=_("Random green → yellow (%)"), min_value=0, max_value=100,
                                        max_digits=5, decimal_places=2,
                                        help_text=_("Share of otherwise-green declarations sent to yellow at random."))
    random_red_percent = NumberField(label=_("Random green → red (%)"), min_value=0, max_value=100,
                                     max_digits=5, decimal_places=2,
                                     help_text=_("Share of otherwise-green declarations sent to red at random."))

    SERVICE_FIELDS: ClassVar[dict] = {"random_yellow_rate": "random_yellow_percent", "random_red_rate": "random_red_percent"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for bound in self.fields.values():
            bound.widget.attrs.update({"class": "form-control", "inputmode": "decimal"})

    @classmethod
    def for_settings(cls, settings) -> "RiskSettingsForm":
        return cls(initial={
            "yellow_threshold": settings.yellow_threshold,
            "red_threshold": settings.red_threshold,
            "random_yellow_percent": (settings.random_yellow_rate * 100).normalize(),
            "random_red_percent": (settings.random_red_rate * 100).normalize(),
        })

    def settings_data(self) -> dict:
        data = self.cleaned_data
        return {
            "yellow_threshold": data["yellow_threshold"],
            "red_threshold": data["red_threshold"],
            "random_yellow_rate": (data["random_yellow_percent"] / 100).quantize(Decimal("0.0001")),
            "random_red_rate": (data["random_red_percent"] / 100).quantize(Decimal("0.0001")),
        }

    def set_service_errors(self, errors: dict) -> None:
        for key, messages in errors.items():
            name = self.SERVICE_FIELDS.get(key, key)
            for message in messages if isinstance(messages, list) else [messages]:
                self.add_error(name if name in self.fields else None, str(message))


class EnterpriseSearchForm(PortalForm):
    q = forms.CharField(label=_("Tax code or name"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"class": "form-control form-control-sm", "type": "search"}))
    level = forms.ChoiceField(label=_("Compliance level"), required=False,
                              choices=[("", _("Any")), *ComplianceLevel.choices],
                              widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
    watchlist = forms.ChoiceField(label=_("Watchlist"), required=False,
                                  choices=[("", _("Any")), ("yes", _("On the watchlist")), ("no", _("Not on the watchlist"))],
                                  widget=forms.Select(attrs={"class": "form-select form-select-sm"}))


class ComplianceForm(PortalForm):
    compliance_level = forms.ChoiceField(label=_("Compliance level"), choices=ComplianceLevel.choices)
    on_watchlist = forms.BooleanField(label=_("On the watchlist"), required=False)


def _set_errors(form: forms.Form, errors: dict) -> None:
    for key, messages in errors.items():
        for message in messages if isinstance(messages, list) else [messages]:
            form.add_error(key if key in form.fields else None, str(message))


class WatchlistedPartnerForm(PortalForm):
    name = forms.CharField(label=_("Partner name"), max_length=255,
                           widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}))
    country = forms.CharField(label=_("Country"), max_length=2, required=False,
                              help_text=_("ISO code, e.g. CN; leave empty for any country."),
                              widget=forms.TextInput(attrs={"class": "form-control font-monospace text-uppercase",
                                                            "list": "country-list", "autocomplete": "off",
                                                            "placeholder": "CN"}))
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False,
                             widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}))

    set_service_errors = _set_errors


class ReferencePriceForm(PortalForm):
    hs_code = forms.CharField(label=_("HS code or prefix"), max_length=10,
                              help_text=_("2 to 8 digits; the longest prefix with a price in the item's unit applies."),
                              widget=forms.TextInput(attrs={"class": "form-control font-monospace", "inputmode": "numeric",
                                                            "autocomplete": "off", "placeholder": "8471"}))
    unit = forms.CharField(label=_("Unit"), max_length=3,
                           widget=forms.TextInput(attrs={"class": "form-control font-monospace text-uppercase",
                                                         "list": "unit-list", "autocomplete": "off", "placeholder": "PCE"}))
    price_vnd = NumberField(label=_("Reference unit price (VND)"), max_digits=18, decimal_places=2,
                            widget=forms.TextInput(attrs={"class": "form-control text-end"}))
    note = forms.CharField(label=_("Note"), max_length=300, required=False,
                           widget=forms.TextInput(attrs={"class": "form-control"}))

    set_service_errors = _set_errors

    def price_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("hs_code", "unit", "price_vnd", "note")}
