"""The gate officer's page (/gate/): record that the goods of a cleared declaration leave the
customs-controlled area, by scanning the QR code of its printout or typing its number.

The page calls the same service as `POST /api/v1/gate/release/` (`gate_release`), so the
browser and the gate system's API accept and refuse exactly the same declarations.
The module carries its own `urlpatterns` (included at /gate/ by the project's urls).
"""
import re

from django import forms
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from customs_portal.accounts.permissions import gate_required
from customs_portal.errors import DomainConflict, DomainValidationError
from declarations.models import GateRelease
from declarations.services.review import gate_release

RECENT_RELEASES = 20
# Container numbers come one per line or separated by commas or semicolons
# (not by spaces: "MSKU 123456 5" is one container written in groups).
CONTAINER_SEPARATORS = re.compile(r"[\r\n,;]+")
# Where the service's field errors show on the form.
FORM_FIELDS = {"declaration_number": "scanned", "container_numbers": "containers"}


class GateReleaseForm(forms.Form):
    containers = forms.CharField(
        label=_("Container numbers"), required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4, "autofocus": True, "spellcheck": "false", "autocomplete": "off",
                                     "class": "form-control font-monospace", "placeholder": "MSCU1234566\nTGHU7654320"}),
        help_text=_("One per line or separated by commas; leave empty for goods not in containers."),
    )
    scanned = forms.CharField(
        label=_("Declaration QR code or number"), max_length=200,
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off",
                                      "class": "form-control form-control-lg font-monospace",
                                      "placeholder": "VNCUSTOMS|100000000123|…"}),
        help_text=_("Scan the QR code of the printed declaration (the scanner submits the form), "
                    "or type the 12-digit number."),
    )

    def container_numbers(self) -> list[str]:
        text = self.cleaned_data.get("containers") or ""
        return [part.strip() for part in CONTAINER_SEPARATORS.split(text) if part.strip()]


def _recent_releases():
    return GateRelease.objects.select_related("declaration__enterprise", "released_by").order_by("-released_at", "-id")[
        :RECENT_RELEASES
    ]


@gate_required
@require_http_methods(["GET", "POST"])
def gate_release_view(request):
    refusal = None
    released = None
    status = 200
    if request.method == "POST":
        form = GateReleaseForm(request.POST)
        if form.is_valid():
            try:
                declaration = gate_release(user=request.user, scanned=form.cleaned_data["scanned"],
                                           container_numbers=form.container_numbers())
            except DomainConflict as exc:
                refusal = {"message": str(exc), "code": exc.code}
                status = 409
            except DomainValidationError as exc:
                for field, messages in exc.errors.items():
                    for message in messages if isinstance(messages, list) else [messages]:
                        form.add_error(FORM_FIELDS.get(field), str(message))
                status = 400
            else:
                # Post/redirect/get: a reload shows the result instead of scanning the declaration again.
                return redirect(f"{reverse('gate:release')}?{urlencode({'released': declaration.number})}")
        else:
            status = 400
    else:
        form = GateReleaseForm()
        number = request.GET.get("released", "")
        if number:
            released = GateRelease.objects.select_related("declaration__enterprise").filter(
                declaration__number=number).first()
    return render(request, "gate/release.html", {
        "form": form,
        "refusal": refusal,
        "released": released,
        "releases": _recent_releases(),
        "recent_limit": RECENT_RELEASES,
    }, status=status)


app_name = "gate"

urlpatterns = [
    path("", gate_release_view, name="release"),
]
