"""The trader's notices (Thông báo) on the declaration list: what the portal did or is about to do
on its own (the time limits), and why the enterprise may not register (the block banner)."""
from django.contrib import messages
from django.db.models import Count, Q, Window
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from customs_portal.accounts.permissions import trader_required
from declarations.notices import notice_message
from declarations.selectors import notices_visible_to
from declarations.services.notices import notice_mark_read, notices_mark_all_read
from declarations.services.registration_block import registration_block_message, registration_block_of

NOTICES_SHOWN = 10


def trader_notices_context(user) -> dict:
    """The list page's notices panel and block banner (traders only)."""
    if not user.is_trader:
        return {}
    # One query: the latest notices, each with the count of the enterprise's unread ones (a window).
    shown = list(notices_visible_to(user=user).annotate(
        unread_total=Window(Count("id", filter=Q(read_at__isnull=True))))[:NOTICES_SHOWN])
    for notice in shown:
        notice.message = notice_message(notice)
    block = registration_block_of(enterprise=user.enterprise)
    return {
        "notices": shown,
        "notices_unread": shown[0].unread_total if shown else 0,
        "registration_block": block,
        "registration_block_message": registration_block_message(block) if block else "",
    }


@trader_required
@require_POST
def notice_read_view(request, notice_id):
    notice = get_object_or_404(notices_visible_to(user=request.user), pk=notice_id)
    notice_mark_read(notice=notice)
    return redirect("declarations:list")


@trader_required
@require_POST
def notices_read_all_view(request):
    count = notices_mark_all_read(enterprise_id=request.user.enterprise_id)
    messages.success(request, _("%(count)d notices marked as read.") % {"count": count})
    return redirect("declarations:list")
