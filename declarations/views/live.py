"""The state of the declarations a page shows, for static/js/live.js when its socket (re)connects:
messages published while the page had no socket are not replayed, so it asks once (declarations/live.py)."""
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from customs_portal.accounts.permissions import declaration_reader_required
from declarations.selectors import LIVE_STATE_MAX, declarations_live_state


@declaration_reader_required
@require_GET
def live_state(request):
    """`?id=1&id=2…` (at most LIVE_STATE_MAX): {"declarations": [{"id", "number", "status", "channel", "version", "seq"}]},
    for those the user may see; the others are left out, whether they exist or not."""
    ids = request.GET.getlist("id")[:LIVE_STATE_MAX]
    return JsonResponse({"declarations": declarations_live_state(user=request.user, ids=ids)},
                        headers={"Cache-Control": "no-store"})
