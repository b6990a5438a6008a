"""Template context shared by every page."""
from django.urls import reverse
from django.utils.translation import gettext as _

from declarations.lifecycle import Channel, Status


def live_updates(request) -> dict:
    """Labels that static/js/live.js puts on badges when a declaration changes, in the page's language."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.sees_declarations:
        return {}
    return {
        "live_labels": {
            "status": {value: str(label) for value, label in Status.choices},
            "channel": {value: str(label) for value, label in Channel.choices},
            "channel_long": {value: _("%(channel)s channel") % {"channel": label} for value, label in Channel.choices},
            "no_channel": "—",
            "no_channel_long": _("No channel yet"),
            "state_url": reverse("declarations:live-state"),
            "changed": _("Declaration %(number)s is now: %(status)s."),
            "held": _("This declaration has changed. The page waits while a file is chosen for upload."),
            "show": _("Show the changes"),
        }
    }
