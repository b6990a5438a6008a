"""WebSocket endpoint of live updates: /ws/declarations/.

A trader's socket joins its enterprise's group only; officers and risk admins join the
staff group. Anyone else is refused (4401 without a login, 4403 for a role that sees no
declarations or customs staff whose session owes the second factor). Messages:
{"type": "declaration.changed", "declaration": {"id", "number", "status", "channel", "version"}}.

The socket also joins its session's and its user's groups (customs_portal.accounts.live): logging
out or changing the password closes it (code 4401), with no check per event.
"""
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from customs_portal.accounts.live import session_group, user_group
from customs_portal.accounts.second_factor import second_factor_required, session_second_factor_verified
from declarations.live import STAFF_GROUP, enterprise_group


class DeclarationUpdatesConsumer(AsyncJsonWebsocketConsumer):
    groups: list = []

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        session = self.scope.get("session")
        if second_factor_required(user) and not (session is not None and await database_sync_to_async(
                session_second_factor_verified)(user=user, session=session)):
            await self.close(code=4403)
            return
        if user.is_customs_staff:
            joined = [STAFF_GROUP]
        elif user.is_trader and user.enterprise_id:
            joined = [enterprise_group(user.enterprise_id)]
        else:
            await self.close(code=4403)
            return
        joined.append(user_group(user.pk))
        if session is not None and session.session_key:
            joined.append(session_group(session.session_key))
        self.joined = joined
        for group in self.joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        for group in getattr(self, "joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        """Clients only listen; anything they send is ignored."""

    async def declaration_changed(self, event):
        await self.send_json({"type": "declaration.changed", "declaration": event["declaration"]})

    async def session_closed(self, event):
        """The session logged out or the user's password changed (customs_portal.accounts.live)."""
        await self.close(code=4401)
