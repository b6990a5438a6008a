"""Celery tasks of post-clearance selection, on the `default` queue (batch-like work, never urgent).
Thin: `post_clearance_select` decides once per declaration, so running a task twice changes nothing."""
import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError, transaction

from post_clearance.services.selection import declarations_awaiting_selection, post_clearance_select

logger = logging.getLogger(__name__)


@shared_task(name="post_clearance.select", acks_late=True, reject_on_worker_lost=True,
             autoretry_for=(OperationalError, InterfaceError), retry_backoff=2, retry_backoff_max=60, max_retries=8)
def post_clearance_select_task(declaration_id: int) -> None:
    selection = post_clearance_select(declaration_id=declaration_id)
    if selection is not None:
        logger.info("declaration %s post-clearance selection: %s", declaration_id, selection.reason)


def selection_enqueue(*, declaration_id: int) -> None:
    """Queue the selection; if the broker is unreachable the sweep picks the declaration up later."""
    try:
        post_clearance_select_task.apply_async(args=[declaration_id], retry=False)
    except Exception:
        logger.warning("could not enqueue the post-clearance selection of %s; the sweep will", declaration_id, exc_info=True)


def on_released(*, declaration) -> None:
    """Registered with declarations (declarations/extensions.py): the gate released the goods."""
    declaration_id = declaration.pk
    transaction.on_commit(lambda: selection_enqueue(declaration_id=declaration_id))


@shared_task(name="post_clearance.sweep", acks_late=True)
def post_clearance_sweep() -> int:
    """Queue again the released declarations that still have no selection decision."""
    ids = declarations_awaiting_selection()
    for declaration_id in ids:
        selection_enqueue(declaration_id=declaration_id)
    if ids:
        logger.info("post-clearance sweep queued %d released declarations", len(ids))
    return len(ids)
