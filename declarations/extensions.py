"""Extension points of declarations for the apps above it.

declarations imports none of those apps: an app that must act when a declaration's goods are
released, or show something on the declaration (the post-clearance flag, "blue"), registers its
function here in its `AppConfig.ready()`. With nothing registered, nothing happens and the
declaration shows no post-clearance state (None).
"""
from collections.abc import Callable

_on_released: list[Callable] = []
_post_clearance_reader: list[Callable] = []


def on_released_register(callback: Callable) -> None:
    """`callback(declaration=...)` runs inside the transaction that released the goods at the gate
    (the row is locked): it schedules its work with `transaction.on_commit`."""
    if callback not in _on_released:
        _on_released.append(callback)


def declaration_released_notify(*, declaration) -> None:
    for callback in _on_released:
        callback(declaration=declaration)


def post_clearance_reader_register(reader: Callable) -> None:
    """`reader(declaration=..., staff=...)` returns the declaration's post-clearance state, a dict
    {"status", "opened_at", "outcome", "additional_amount"}, or None (no audit, or none the reader may see)."""
    _post_clearance_reader[:] = [reader]


def post_clearance_state(*, declaration, staff: bool) -> dict | None:
    return _post_clearance_reader[0](declaration=declaration, staff=staff) if _post_clearance_reader else None
