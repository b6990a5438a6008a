from django.apps import AppConfig


class DemoConfig(AppConfig):
    """An app only so that Django finds the `seed_demo` command; it has no models."""

    name = "customs_portal.demo"
    label = "demo"
    verbose_name = "Demonstration data"
