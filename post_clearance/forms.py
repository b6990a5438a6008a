"""Forms of the risk admins' post-clearance settings page: a class's rates (typed as percentages,
the reader's way: 1,5 in Vietnamese) and an audit rule with the risk rules' condition builder."""
from decimal import Decimal

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from customs_portal.form_fields import NumberField
from customs_portal.languages import english_active
from risk.forms.common import PortalForm
from risk.forms.conditions import ConditionRow, ConditionRowsMixin, condition_rows_from_post

HUNDRED = Decimal("100")


def percent_of(rate: Decimal) -> Decimal:
    """A stored share as the percentage shown and typed: 0.0150 -> 1.5, 0.1000 -> 10 (never 1E+1)."""
    value = rate * HUNDRED
    return value.quantize(Decimal("1")) if value == value.to_integral_value() else value.normalize()


class ClassPolicyForm(PortalForm):
    """Rates are typed as percentages (1 %) and stored as shares (0.01)."""

    random_percent = NumberField(label=_("Random selection (%)"), min_value=0, max_value=100, max_digits=5, decimal_places=2)
    cap_percent = NumberField(label=_("Cap (%)"), min_value=0, max_value=100, max_digits=5, decimal_places=2)

    SERVICE_FIELDS = {"random_rate": "random_percent", "cap_rate": "cap_percent"}

    def __init__(self, *args, level: str, **kwargs):
        kwargs.setdefault("prefix", f"class-{level}")
        super().__init__(*args, **kwargs)
        for bound in self.fields.values():
            bound.widget.attrs.update({"class": "form-control form-control-sm text-end", "inputmode": "decimal"})

    @classmethod
    def for_class(cls, entry: dict) -> "ClassPolicyForm":
        return cls(level=entry["level"], initial={"random_percent": percent_of(entry["random_rate"]),
                                                  "cap_percent": percent_of(entry["cap_rate"])})

    def rates(self) -> dict:
        return {"random_rate": self.cleaned_data["random_percent"] / HUNDRED,
                "cap_rate": self.cleaned_data["cap_percent"] / HUNDRED}

    def set_service_errors(self, errors: dict) -> None:
        for key, messages in errors.items():
            name = self.SERVICE_FIELDS.get(key, key)
            for message in messages if isinstance(messages, list) else [messages]:
                self.add_error(name if name in self.fields else None, str(message))


class AuditRuleForm(ConditionRowsMixin, PortalForm):
    name_vi = forms.CharField(label=_("Name in Vietnamese"), max_length=200, required=False)
    name_en = forms.CharField(label=_("Name in English"), max_length=200, required=False)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, rows: list[ConditionRow] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows_init(rows)
        self.fields["name_vi"].widget.attrs["class"] = "form-control"
        self.fields["name_en"].widget.attrs["class"] = "form-control"
        self.fields["active"].widget.attrs["class"] = "form-check-input"

    @classmethod
    def for_rule(cls, rule) -> "AuditRuleForm":
        return cls(initial={"name_vi": rule.name_vi, "name_en": rule.name_en, "active": rule.active},
                   rows=[ConditionRow.from_condition(index, c) for index, c in enumerate(rule.conditions)])

    @classmethod
    def from_post(cls, data: QueryDict) -> "AuditRuleForm":
        return cls(data=data, rows=condition_rows_from_post(data))

    def clean(self):
        cleaned = super().clean()
        if not self.rows_check():
            raise forms.ValidationError(gettext("Some conditions are incomplete."), code="conditions")
        return cleaned

    @property
    def summary(self) -> list[dict]:
        """Every problem of the form for the error summary: {"anchor", "label", "message"}."""
        items = []
        for name, errors in self.errors.items():
            if name in self.fields:
                items += [{"anchor": self[name].auto_id, "label": self.fields[name].label, "message": e} for e in errors]
        return items + self.rows_summary()

    def rule_data(self) -> dict:
        return {"name_vi": self.cleaned_data["name_vi"], "name_en": self.cleaned_data["name_en"],
                "active": self.cleaned_data["active"], "conditions": [row.condition() for row in self.rows]}

    def set_service_errors(self, errors: dict) -> None:
        """Conditions by row ("[i] ..."), a missing name at the reader's language's name, the rest by field."""
        for key, messages in errors.items():
            for message in map(str, messages if isinstance(messages, list) else [messages]):
                if key == "conditions":
                    self.condition_error_place(message)
                elif key == "name":
                    self.add_error("name_en" if english_active() else "name_vi", message)
                else:
                    self.add_error(key if key in self.fields else None, message)
