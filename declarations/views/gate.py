"""The gate officer's page (/gate/): record that the goods of a cleared declaration leave the
customs-controlled area, in two steps. The officer types the container numbers seen and scans the
QR code of the printout (or types its number); the page shows what the declaration says of the
goods (`gate_release_check`); the officer confirms and the goods are released (`gate_release`,
the same service as `POST /api/v1/gate/release/`, which checks everything again).

The summary shows a cleared declaration whose number was given and whose containers match, and
nothing else; each gate user may ask for `GATE_LOOKUPS_PER_HOUR` summaries an hour, so that the
page cannot be used to read declarations number after number.
Its URLs are declarations/urls_gate.py (included at /gate/ by the project's urls).
"""
import logging
import time

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from customs_portal.accounts.permissions import gate_required
from customs_portal.errors import DomainConflict, DomainValidationError
from customs_portal.localization import number_text
from declarations.containers import container_numbers_split
from declarations.models import GateRelease
from declarations.services.gate import gate_release, gate_release_check

logger = logging.getLogger(__name__)
RECENT_RELEASES = 20
# Where the service's field errors show on the form.
FORM_FIELDS = {"declaration_number": "scanned", "container_numbers": "containers"}
# The declaration the officer released last, shown once the page is loaded again.
SESSION_RELEASED = "gate_released"


class GateReleaseForm(forms.Form):
    containers = forms.CharField(
        label=_("Container numbers"), required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4, "autofocus": True, "spellcheck": "false", "autocomplete": "off",
                                     "class": "form-control font-monospace", "placeholder": "MSCU1234566\nTGHU7654320"}),
        help_text=_("The containers on the vehicle, one per line or separated by commas; leave empty for goods not in "
                    "containers. Where the declaration lists containers, they must be the same."),
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
        return container_numbers_split(self.cleaned_data.get("containers") or "")


def _recent_releases():
    return GateRelease.objects.select_related("declaration__enterprise", "released_by").order_by("-released_at", "-id")[
        :RECENT_RELEASES
    ]


def _lookup_allowed(user) -> bool:
    """Count one summary asked for by `user` in this hour; False beyond GATE_LOOKUPS_PER_HOUR. When the
    cache cannot count, the page still works (the limit is a brake on enumeration, not a lock)."""
    # The user's creation time too: a user id can come again after a database is rebuilt (tests, restores).
    key = f"gate-lookups:{user.pk}:{int(user.date_joined.timestamp())}:{int(time.time() // 3600)}"
    try:
        cache.add(key, 0, timeout=3700)
        count = cache.incr(key)
    except Exception:
        logger.warning("gate look-ups of user %s could not be counted", user.pk, exc_info=True)
        return True
    return count <= settings.GATE_LOOKUPS_PER_HOUR


def _page(request, form, *, status=200, **context):
    return render(request, "gate/release.html", {
        "form": form, "releases": _recent_releases(), "recent_limit": RECENT_RELEASES, **context,
    }, status=status)


def _refused(request, form, exc, *, status):
    """The page with the service's refusal (409) or its field errors (400)."""
    if isinstance(exc, DomainConflict):
        return _page(request, form, status=409, refusal={"message": str(exc), "code": exc.code})
    for field, messages in exc.errors.items():
        for message in messages if isinstance(messages, list) else [messages]:
            form.add_error(FORM_FIELDS.get(field), str(message))
    return _page(request, form, status=status)


def _summary(check) -> dict:
    declaration = check.declaration
    return {
        "declaration": declaration,
        "items": check.items,
        "containers": check.containers,
        "containers_declared": check.containers_declared,
        "packages": number_text(declaration.packages, places=0),
        "gross_weight": number_text(declaration.gross_weight_kg.normalize()),
    }


@gate_required
@require_http_methods(["GET", "POST"])
def gate_release_view(request):
    """Step 1: scan or type, then see the summary (or the reason the goods may not leave)."""
    if request.method == "GET":
        released = None
        pk = request.session.get(SESSION_RELEASED)
        if pk:
            released = GateRelease.objects.select_related("declaration__enterprise").filter(
                declaration_id=pk, released_by=request.user).first()
        return _page(request, GateReleaseForm(), released=released)
    form = GateReleaseForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    request.session.pop(SESSION_RELEASED, None)
    if not _lookup_allowed(request.user):
        return _page(request, form, status=429, refusal={"code": "too_many_lookups", "message": gettext(
            "Too many declarations looked up in the last hour: wait a little, or ask a supervisor.")})
    try:
        check = gate_release_check(scanned=form.cleaned_data["scanned"], container_numbers=form.container_numbers())
    except (DomainConflict, DomainValidationError) as exc:
        return _refused(request, form, exc, status=400)
    logger.info("gate %s looked up declaration %s", request.user.get_username(), check.declaration.number)
    form.fields["containers"].widget.attrs.pop("autofocus", None)  # the confirm button has the focus
    return _page(request, form, summary=_summary(check))


@gate_required
@require_POST
def gate_release_confirm(request):
    """Step 2: the goods leave; the release is recorded (every check made again, under the row lock)."""
    form = GateReleaseForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    try:
        declaration = gate_release(user=request.user, scanned=form.cleaned_data["scanned"],
                                   container_numbers=form.container_numbers())
    except (DomainConflict, DomainValidationError) as exc:
        return _refused(request, form, exc, status=400)
    # Post/redirect/get: a reload shows the result instead of releasing again.
    request.session[SESSION_RELEASED] = declaration.pk
    return redirect("gate:release")
