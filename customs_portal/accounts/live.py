"""Closing the live-update sockets of a session that ended or of a user whose password changed.

Every WebSocket consumer of the portal (declarations.consumers) joins, besides the groups of
what it listens to, the group of its session and the group of its user. Logging out (any
logout: the portal's page, the admin's) sends "session.closed" to the session's group, a
password change (User.save) to the user's: the consumers close with code 4401 at once. Nothing
is checked per event, so the events themselves cost no database query.
"""
import hashlib

from customs_portal.live import groups_send

# The message a consumer gets when it must close (its handler: `session_closed`).
CLOSE = {"type": "session.closed"}


def session_group(session_key: str) -> str:
    """The group of one session; named by a digest of the key so that no session key reaches Redis."""
    return "accounts.session." + hashlib.sha256(session_key.encode()).hexdigest()[:40]


def user_group(user_id: int) -> str:
    return f"accounts.user.{user_id}"


def session_sockets_close(*, session_key: str | None) -> None:
    if session_key:
        groups_send(groups=(session_group(session_key),), message=CLOSE)


def user_sockets_close(*, user_id: int) -> None:
    groups_send(groups=(user_group(user_id),), message=CLOSE)


def logout_sockets_close(sender, request, user, **kwargs) -> None:
    """Receiver of `user_logged_out` (AccountsConfig.ready): the session's sockets close with it."""
    session = getattr(request, "session", None)
    session_sockets_close(session_key=getattr(session, "session_key", None))
