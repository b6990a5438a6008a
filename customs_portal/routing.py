"""WebSocket routes (live updates arrive with the automated-clearance work)."""

websocket_urlpatterns: list = []
