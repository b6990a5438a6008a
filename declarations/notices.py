"""A notice's message, rendered in the reader's language when it is shown: a notice stores its kind
and parameters (declarations/models/notice.py), never a sentence in one language."""
from datetime import datetime

from django.utils.translation import gettext as _

from customs_portal.localization import moment_text
from declarations.models import Notice, NoticeKind


def _moment(value: str | None) -> str:
    return moment_text(datetime.fromisoformat(value)) if value else ""


def notice_message(notice: Notice) -> str:
    params = notice.params or {}
    if notice.kind == NoticeKind.DRAFT_EXPIRING:
        return _("Draft #%(pk)s has not been changed for 6 days: it expires on %(when)s unless you edit or submit "
                 "it before.") % {"pk": params.get("pk", notice.declaration_id), "when": _moment(params.get("expires_at"))}
    if notice.kind == NoticeKind.DRAFT_EXPIRED:
        return _("Draft #%(pk)s expired: it was not changed for 7 days. It is kept, read-only; copy it to file "
                 "a new declaration.") % {"pk": params.get("pk", notice.declaration_id)}
    if notice.kind == NoticeKind.REGISTRATION_LAPSED:
        return _("Declaration %(number)s, registered on %(when)s, was cancelled automatically: customs had not "
                 "decided it within 15 days of registration (Law on Customs, art. 29(2)). Its unpaid taxes are "
                 "no longer owed.") % {"number": params.get("number", ""), "when": _moment(params.get("registered_at"))}
    return str(NoticeKind(notice.kind).label) if notice.kind in NoticeKind.values else notice.kind
