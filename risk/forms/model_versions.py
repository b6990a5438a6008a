"""The form that asks for a new version of the learned model (risk.services.risk_model): the imported
sources it learns from besides the portal's own declarations, and the seed."""
from django import forms
from django.utils.translation import gettext_lazy as _

from customs_portal.form_fields import WholeNumberField
from risk.forms.common import PortalForm
from risk.selectors.model_versions import SEED_MAX


class ModelTrainForm(PortalForm):
    sources = forms.MultipleChoiceField(label=_("Imported history to learn from"), required=False,
                                        widget=forms.CheckboxSelectMultiple,
                                        help_text=_("The portal's own declarations are always included."))
    seed = WholeNumberField(label=_("Seed"), min_value=0, max_value=SEED_MAX, initial=7,
                            help_text=_("The same history and seed train the same model."))

    def __init__(self, *args, source_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sources"].choices = [(name, name) for name in source_choices]
        self.fields["seed"].widget.attrs.update({"class": "form-control"})
