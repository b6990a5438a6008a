"""The review page's assignment form: a supervisor reassigns, an officer takes unassigned work.
Parsed by the API's serializer and done by the one service, as `POST .../assign/`."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from customs_portal.accounts.models import Role, User
from customs_portal.errors import DomainConflict, DomainValidationError
from declarations.api.assignment_views import AssignSerializer
from declarations.lifecycle import HELD
from declarations.selectors import declaration_get
from declarations.services.assignment import declaration_assign, officer_may_assign, officer_name


def assignment_context(user, declaration) -> dict:
    """What the review page shows of the assignment, and the form the user may use."""
    if declaration.status not in HELD:
        return {"assignment": None}
    assigned = declaration.assigned_to
    context = {"assigned_name": officer_name(assigned) if assigned else "", "may_take": False, "candidates": []}
    if user.is_officer:
        context["may_take"] = assigned is None and officer_may_assign(actor=user, declaration=declaration, officer_id=user.pk)
        if user.is_supervisor and officer_may_assign(actor=user, declaration=declaration, officer_id=None):
            officers = (User.objects.filter(role=Role.OFFICER, is_active=True, available=True)
                        .filter(offices=declaration.customs_office_id).order_by("last_name", "first_name", "username"))
            context["candidates"] = [(officer.pk, officer_name(officer)) for officer in officers]
    return {"assignment": context}


@login_required
@require_POST
def declaration_assign_view(request, pk):
    user = request.user
    if not user.is_officer:
        if user.is_trader:
            declaration_get(user=user, pk=pk)  # 404 for another enterprise's
        raise PermissionDenied
    declaration = declaration_get(user=user, pk=pk)
    typed = request.POST.get("officer", "").strip()
    body = AssignSerializer(data={"officer": None if typed in ("", "none") else typed,
                                  "reason": request.POST.get("reason", "")})
    try:
        if not body.is_valid():
            raise DomainValidationError(body.errors)
        declaration_assign(declaration_id=declaration.pk, actor=user, officer_id=body.validated_data["officer"],
                           reason=body.validated_data["reason"])
    except DomainValidationError as error:
        messages.error(request, " ".join(str(m) for ms in error.errors.values() for m in ms))
    except DomainConflict as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Assignment saved."))
    return redirect("declarations:review", pk=declaration.pk)
