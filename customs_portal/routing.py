"""WebSocket routes."""
from django.urls import path

from declarations.consumers import DeclarationUpdatesConsumer

websocket_urlpatterns = [
    path("ws/declarations/", DeclarationUpdatesConsumer.as_asgi()),
]
