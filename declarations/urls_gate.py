"""The gate officer's pages, included at /gate/ by the project's urls (declarations/views/gate.py)."""
from django.urls import path

from declarations.views import gate

app_name = "gate"

urlpatterns = [
    path("", gate.gate_release_view, name="release"),
    path("confirm/", gate.gate_release_confirm, name="confirm"),
]
