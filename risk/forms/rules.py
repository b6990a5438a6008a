"""Forms of the rule pages: a rule (with the condition builder's rows) and the rule list's filter."""

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from customs_portal.form_fields import DayField, WholeNumberField, day_input
from customs_portal.languages import english_active
from declarations.lifecycle import Channel
from risk.forms.common import PortalForm
from risk.forms.conditions import ConditionRow, ConditionRowsMixin, condition_rows_from_post

RULE_FORM_FIELDS = ("name_vi", "name_en", "description_vi", "description_en", "score", "min_channel", "active",
                    "valid_from", "valid_to")


class RuleForm(ConditionRowsMixin, PortalForm):
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
    valid_from = DayField(label=_("Valid from"), required=False, widget=day_input())
    valid_to = DayField(label=_("Valid to"), required=False, widget=day_input())
    change_note = forms.CharField(label=_("Change note"), max_length=300, required=False,
                                  help_text=_("Why the rule is created or changed; kept in the version history."))

    def __init__(self, *args, rows: list[ConditionRow] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows_init(rows)
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

    def clean(self):
        cleaned = super().clean()
        names_valid = not (self.has_error("name_vi") or self.has_error("name_en"))
        if names_valid and not (cleaned.get("name_vi") or cleaned.get("name_en")):
            self.add_error(self._name_field(), gettext("Give the rule a name, in Vietnamese or in English."))
        if not self.rows_check():
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
        items += self.rows_summary()
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
                    self.condition_error_place(message)
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
