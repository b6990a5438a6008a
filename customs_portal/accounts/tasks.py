"""Celery tasks of accounts (the `default` queue)."""
import logging

from celery import shared_task

from .services import api_tokens_purge

logger = logging.getLogger(__name__)


@shared_task(name="accounts.api_tokens_purge")
def api_tokens_purge_task() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): delete the expired API tokens. Safe to run twice."""
    deleted = api_tokens_purge()
    logger.info("%d expired API tokens deleted", deleted)
    return deleted
