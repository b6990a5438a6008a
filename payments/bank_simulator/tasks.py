import logging

from celery import shared_task

from payments.bank_simulator.services import PortalUnreachable, callbacks_deliver

logger = logging.getLogger(__name__)


@shared_task(name="bank_simulator.deliver_callback", bind=True, acks_late=True, max_retries=6)
def callback_deliver_task(self, transaction_id: int) -> int:
    """Send the callback; like a real bank, try again with backoff while the portal does not answer."""
    try:
        return callbacks_deliver(transaction_id=transaction_id)
    except PortalUnreachable as exc:
        raise self.retry(countdown=min(2 ** self.request.retries, 60), exc=exc) from exc


def callback_deliver_enqueue(*, transaction_id: int) -> None:
    try:
        callback_deliver_task.apply_async(args=[transaction_id], queue="payments", retry=False)
    except Exception:
        logger.warning("bank simulator: could not queue the callback of transaction %s", transaction_id, exc_info=True)
