"""Officers' availability in the browser: the supervisor's "Officers" page (the officers of their
offices, their open work, absent or available) and the form that marks an officer absent or back,
used there and by an officer for themself on the review queue. The service: declarations.services.absence."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from customs_portal.accounts.models import User
from customs_portal.accounts.permissions import officer_required
from declarations.selectors import office_pool_count, officers_supervised
from declarations.services.absence import officer_availability_set
from declarations.services.assignment import officer_name


@officer_required
@require_GET
def officers_view(request):
    user = request.user
    if not user.is_supervisor:
        raise PermissionDenied
    officers = list(officers_supervised(supervisor=user))
    for officer in officers:
        officer.name = officer_name(officer)
        officer.office_codes = sorted(office.pk for office in officer.offices.all())
    return render(request, "declarations/review/officers.html", {
        "officers": officers,
        "absent_count": sum(1 for officer in officers if not officer.available),
        "open_total": sum(officer.open_work for officer in officers),
        "pool_count": office_pool_count(officer=user),
    })


def _back(request) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("declarations:officers") if request.user.is_supervisor else reverse("declarations:review-queue")


@officer_required
@require_POST
def officer_availability_view(request, pk):
    available = request.POST.get("available", "")
    if available not in ("0", "1"):
        messages.error(request, _("Choose absent or available."))
        return redirect(_back(request))
    try:
        officer, moved = officer_availability_set(officer_id=pk, actor=request.user, available=available == "1",
                                                  reason=request.POST.get("reason", "").strip()[:500])
    except User.DoesNotExist:
        raise Http404 from None
    name = officer_name(officer)
    yourself = officer.pk == request.user.pk
    if officer.available:
        text = _("You are available again: new work comes to you.") if yourself else \
            _("%(name)s is available again: new work goes to them.") % {"name": name}
        if moved["assigned"]:
            text += " " + _("Declarations taken from the pool: %(count)d.") % {"count": moved["assigned"]}
    else:
        text = _("You are marked absent: you get no new work.") if yourself else \
            _("%(name)s is marked absent: they get no new work.") % {"name": name}
        if moved["released"]:
            text += " " + _("Open declarations given to other officers or back to the pool: %(count)d.") % {
                "count": moved["released"]}
    messages.success(request, text)
    return redirect(_back(request))
