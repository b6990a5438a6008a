"""WebSocket endpoint of live updates: /ws/declarations/.

A trader's socket joins its enterprise's group only; officers and risk admins join the
staff group. Anyone else is refused. Messages: {"type": "declaration.changed",
"declaration": {"id", "number", "status", "channel", "version"}}.
"""
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from declarations.live import STAFF_GROUP, enterprise_group


class DeclarationUpdatesConsumer(AsyncJsonWebsocketConsumer):
    groups: list = []

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        if user.is_customs_staff:
            self.joined = [STAFF_GROUP]
        elif user.is_trader and user.enterprise_id:
            self.joined = [enterprise_group(user.enterprise_id)]
        else:
            await self.close(code=4403)
            return
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
