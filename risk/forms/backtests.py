"""Forms of the backtests: the backtest page (rules picked from the list, a period) and the
period of the rule form's backtest. The service (risk.services.backtest) judges the rest."""
import re
from datetime import timedelta
from decimal import Decimal
from typing import ClassVar

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customs_portal.form_fields import DayField, day_input
from risk.forms.common import PortalForm


class BacktestForm(PortalForm):
    """Rules are picked from the list of named rules; inline rules (JSON) are for the API only."""

    rules = forms.TypedMultipleChoiceField(label=_("Rules"), coerce=int, widget=forms.CheckboxSelectMultiple,
                                           error_messages={"required": _("Choose at least one rule.")})
    date_from = DayField(label=_("From"), widget=day_input())
    date_to = DayField(label=_("To"), widget=day_input())
    include_current = forms.BooleanField(label=_("Add to the rules in force"), required=False,
                                         help_text=_("Otherwise the chosen rules are tried on their own."),
                                         widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))

    # The preset "rules in force + model rule" (`preset=True`): model.score ≥ threshold → +score, added to
    # the rules in force, against the rules in force alone (risk.services.backtest.backtest_model_rule_start).
    model_threshold = forms.DecimalField(label=_("Model score at least"), min_value=0, max_value=1, max_digits=5,
                                         decimal_places=4, initial=Decimal("0.8"), required=False,
                                         widget=forms.NumberInput(attrs={"step": "0.01", "class": "form-control"}))
    model_score = forms.IntegerField(label=_("Adds to the score"), min_value=-1000, max_value=1000, initial=40,
                                     required=False, widget=forms.NumberInput(attrs={"class": "form-control"}))

    SERVICE_FIELDS: ClassVar[dict] = {"to": "date_to", "from": "date_from"}
    PRESET = "model_rule"

    def __init__(self, *args, rule_choices=(), preset: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rules"].choices = list(rule_choices)
        self.preset = preset
        if preset:  # the model rule alone is a candidate; the rules chosen, if any, are added to it
            self.fields["rules"].required = False
            self.fields["model_threshold"].required = self.fields["model_score"].required = True
        self.rule_errors: list[str] = []

    def set_service_errors(self, errors: dict) -> None:
        """The service's "[i] message" about the i-th rule chosen is said of that rule, by its name."""
        names = dict(self.fields["rules"].choices)
        chosen = self.cleaned_data.get("rules") or []
        for key, messages in errors.items():
            for message in map(str, messages if isinstance(messages, list) else [messages]):
                if key != "rules":
                    name = self.SERVICE_FIELDS.get(key, key)
                    self.add_error(name if name in self.fields else None, message)
                    continue
                match = re.match(r"^\[(\d+)\]\s*(.*)$", message, re.DOTALL)
                if match and int(match.group(1)) < len(chosen):
                    message = f"{names.get(chosen[int(match.group(1))], '')}: {match.group(2)}"
                self.rule_errors.append(message)


class RuleBacktestForm(PortalForm):
    """The period of the rule form's backtest (the rule itself is the rule form)."""

    backtest_from = DayField(label=_("From"), widget=day_input())
    backtest_to = DayField(label=_("To"), widget=day_input())
    DEFAULT_DAYS = 90

    @classmethod
    def for_today(cls) -> "RuleBacktestForm":
        today = timezone.localdate()
        return cls(initial={"backtest_from": today - timedelta(days=cls.DEFAULT_DAYS), "backtest_to": today})

    def set_service_errors(self, errors: dict) -> None:
        for message in errors.get("to", []):
            self.add_error("backtest_to", str(message))
