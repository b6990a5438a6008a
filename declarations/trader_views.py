"""The trader's actions on a declaration in the browser: amend it, cancel it (a draft too: withdrawn).

The amend page is the declaration form of `declarations.views`, pre-filled with the current
version; what is typed becomes the API body and `declaration_amend` judges it: applied and
reassessed before customs holds the declaration, a request for the officer in charge after.
"""
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from customs_portal.accounts.permissions import trader_required
from customs_portal.errors import DomainConflict, DomainValidationError
from declarations.forms import DeclarationForm, flatten_errors
from declarations.lifecycle import HELD, Action, allowed_actions
from declarations.selectors import declaration_get, declaration_get_with_items
from declarations.services.amendments import amendment_pending_of, declaration_amend
from declarations.services.declarations import declaration_as_data
from declarations.services.review import declaration_cancel
from declarations.views import _form_context

REASON_MAX_LENGTH = 2000


def amendable(declaration) -> bool:
    """Amended at once (registered, assessed) or by a request to the officer (under review or inspection)."""
    allowed = allowed_actions(declaration.status)
    return Action.AMEND in allowed or Action.REQUEST_AMENDMENT in allowed


@trader_required
@require_POST
def declaration_cancel_view(request, pk):
    declaration = declaration_get(user=request.user, pk=pk)
    reason = request.POST.get("reason", "").strip()[:REASON_MAX_LENGTH]
    try:
        declaration = declaration_cancel(declaration_id=declaration.pk, user=request.user, reason=reason)
    except DomainConflict as exc:
        messages.error(request, str(exc))
    except DomainValidationError as exc:
        for problems in flatten_errors(exc.errors).values():
            for message in problems:
                messages.error(request, message)
    else:
        if declaration.number:
            messages.success(request, _("Declaration %(number)s is cancelled.") % {"number": declaration.number})
        else:
            messages.success(request, _("Draft #%(pk)s is withdrawn: it stays in your list as cancelled, without a number.")
                             % {"pk": declaration.pk})
    return redirect("declarations:detail", pk=pk)


def _render_amend(request, form, declaration, *, reason: str = "", reason_errors=(), status: int = 200):
    context = _form_context(form, declaration=declaration)
    context.update(reason=reason, reason_errors=list(reason_errors), reason_max_length=REASON_MAX_LENGTH,
                   held=declaration.status in HELD)
    return render(request, "declarations/amend.html", context, status=status)


@trader_required
@require_http_methods(["GET", "POST"])
def declaration_amend_view(request, pk):
    declaration = declaration_get_with_items(user=request.user, pk=pk)
    if not amendable(declaration):
        messages.warning(request, _("Only a registered declaration that is not yet cleared can be amended; this one is %(status)s.")
                         % {"status": declaration.get_status_display().lower()})
        return redirect("declarations:detail", pk=declaration.pk)
    pending = amendment_pending_of(declaration)
    if pending is not None:
        messages.warning(request, _("Your amendment request of %(when)s still awaits the decision of the officer in "
                                    "charge; you may amend again once it is decided.")
                         % {"when": timezone.localtime(pending.requested_at).strftime("%Y-%m-%d %H:%M")})
        return redirect("declarations:detail", pk=declaration.pk)
    if request.method == "GET":
        form = DeclarationForm(initial=declaration_as_data(declaration=declaration, items=declaration.items.all()))
        return _render_amend(request, form, declaration)

    form = DeclarationForm(data=request.POST)
    reason = request.POST.get("reason", "").strip()
    if len(reason) > REASON_MAX_LENGTH:
        return _render_amend(request, form, declaration, reason=reason, status=400, reason_errors=[
            _("Keep the reason under %(max)d characters.") % {"max": REASON_MAX_LENGTH}])
    data = form.validated_data()
    if data is not None:
        try:
            amended = declaration_amend(declaration=declaration, user=request.user, data=data, reason=reason)
        except DomainConflict as exc:
            messages.error(request, str(exc))
            return redirect("declarations:detail", pk=declaration.pk)
        except DomainValidationError as exc:
            form.set_errors(exc.errors)
        else:
            if amended.status in HELD:
                messages.success(request, _("Your amendment of declaration %(number)s is sent to the officer in charge, "
                                            "who decides on it; until then the declaration stays as it is.")
                                 % {"number": amended.number})
            else:
                messages.success(request, _("Declaration %(number)s amended: version %(version)d is registered and will be "
                                            "assessed again. Version %(previous)d stays readable.")
                                 % {"number": amended.number, "version": amended.version, "previous": amended.version - 1})
            return redirect("declarations:detail", pk=declaration.pk)
    return _render_amend(request, form, declaration, reason=reason, status=400)
