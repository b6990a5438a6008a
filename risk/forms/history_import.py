"""The form a risk admin uploads outside history with (risk/views/history_import.py)."""
from django import forms
from django.utils.translation import gettext_lazy as _

from risk.forms.common import PortalForm

MAX_UPLOAD_BYTES = 200 * 1024 * 1024  # the KCS training file is 3.9 MB; a million rows ~ 100 MB


class HistoryImportForm(PortalForm):
    file = forms.FileField(label=_("File (CSV in the KCS data set's format)"))
    source = forms.SlugField(label=_("Source"), initial="kcs", max_length=32,
                             help_text=_("A short name that keeps these rows apart, e.g. kcs."))
    currency = forms.CharField(label=_("Currency of the prices"), initial="KRW", max_length=3, min_length=3)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than %(mb)d MB.") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)})
        return upload

    def clean_source(self):
        return self.cleaned_data["source"].lower()

    def clean_currency(self):
        return self.cleaned_data["currency"].upper()
