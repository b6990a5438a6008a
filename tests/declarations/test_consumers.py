"""The live-update WebSocket closes when its session ends (issue 12, finding 7): on logout, and on a
password change of its user; sockets of other sessions and users stay open."""
import pytest
from asgiref.sync import sync_to_async
from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from customs_portal.routing import websocket_urlpatterns
from declarations.live import declaration_change_publish
from tests.security.support import sockets_run

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def socket_of(client, *, session_key: str | None = None) -> WebsocketCommunicator:
    """A socket opened by the browser of `client` (its session cookie, or `session_key`), through the routing
    the server runs."""
    cookie = f"{settings.SESSION_COOKIE_NAME}={session_key or client.cookies[settings.SESSION_COOKIE_NAME].value}"
    return WebsocketCommunicator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)), "/ws/declarations/",
                                 headers=[(b"cookie", cookie.encode())])


def publish(enterprise_id: int) -> None:
    declaration_change_publish(id=1, enterprise_id=enterprise_id, number="10000000001", status="cleared",
                               channel="green", version=1, seq=1)


def test_logging_out_closes_the_sessions_socket(trader1):
    """The attack: after logging out, the page's socket kept receiving the enterprise's declaration events."""
    browser, other_browser = signed_in(trader1), signed_in(trader1)

    async def scenario():
        socket, other = socket_of(browser), socket_of(other_browser)
        assert (await socket.connect())[0] and (await other.connect())[0]
        await sync_to_async(browser.post)("/accounts/logout/")
        closed = await socket.receive_output(timeout=3)
        await sync_to_async(publish)(trader1.enterprise_id)
        heard_by_other = await other.receive_json_from(timeout=3)
        await other.disconnect()
        return closed, heard_by_other

    closed, heard_by_other = sockets_run(scenario)

    assert closed == {"type": "websocket.close", "code": 4401}
    assert heard_by_other["declaration"]["status"] == "cleared"  # the same user's other session is not logged out


def test_a_password_change_closes_every_socket_of_the_user(trader1, trader2, django_capture_on_commit_callbacks):
    first, second, someone_else = signed_in(trader1), signed_in(trader1), signed_in(trader2)

    def change_password():
        with django_capture_on_commit_callbacks(execute=True):
            trader1.set_password("a-new-password-7")
            trader1.save()

    async def scenario():
        sockets = [socket_of(first), socket_of(second), socket_of(someone_else)]
        for socket in sockets:
            assert (await socket.connect())[0]
        await sync_to_async(change_password)()
        closed = [await socket.receive_output(timeout=3) for socket in sockets[:2]]
        still_open = await sockets[2].receive_nothing(timeout=0.3)
        await sync_to_async(publish)(trader2.enterprise_id)
        heard = await sockets[2].receive_json_from(timeout=3)
        await sockets[2].disconnect()
        return closed, still_open, heard

    closed, still_open, heard = sockets_run(scenario)

    assert closed == [{"type": "websocket.close", "code": 4401}] * 2
    assert still_open and heard["type"] == "declaration.changed"


def test_a_session_that_logged_out_cannot_open_a_socket_again(trader1):
    browser = signed_in(trader1)
    session_key = browser.cookies[settings.SESSION_COOKIE_NAME].value
    browser.post("/accounts/logout/")

    async def knock():
        return await socket_of(browser, session_key=session_key).connect()

    assert sockets_run(knock) == (False, 4401)
