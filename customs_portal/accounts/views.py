"""The browser's account pages besides logging in: the user's own API tokens."""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from .selectors import api_tokens_active
from .services import api_tokens_revoke


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request):
    """The user's API tokens that still work (first characters, issued, expires), each with a revoke
    button, and one to revoke them all. Only the user's own tokens are listed or revoked."""
    if request.method == "POST":
        token_key = request.POST.get("token_key", "")
        if request.POST.get("revoke") == "all":
            revoked = api_tokens_revoke(user=request.user)
        else:
            revoked = api_tokens_revoke(user=request.user, token_key=token_key[:32]) if token_key else 0
        if revoked:
            messages.success(request, ngettext("%(count)d API token revoked.", "%(count)d API tokens revoked.",
                                               revoked) % {"count": revoked})
        else:
            messages.info(request, _("No API token was revoked: it had expired or been revoked already."))
        return redirect("api-tokens")
    return render(request, "accounts/api_tokens.html", {"tokens": api_tokens_active(user=request.user),
                                                        "token_ttl_hours": settings.API_TOKEN_TTL_HOURS})
