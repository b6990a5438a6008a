"""Celery tasks of the statistics: the refresh, every minute by beat (settings CELERY_BEAT_SCHEDULE)."""
from celery import shared_task

from customs_statistics.services.refresh import statistics_refresh


@shared_task(name="customs_statistics.refresh", ignore_result=True)
def statistics_refresh_task() -> None:
    """Idempotent: what changed since the last run is recomputed; a second run at once finds nothing."""
    statistics_refresh()
