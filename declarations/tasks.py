"""Celery tasks of declarations. Thin: they call services that are safe to run twice."""
from celery import shared_task

from declarations.services.assignment import assignments_rebalance
from declarations.services.limits import time_limits_enforce


@shared_task(name="declarations.assignments_rebalance")
def assignments_rebalance_task() -> dict:
    """Beat (CELERY_BEAT_SCHEDULE): absent officers' open work to the others, the pool to officers with room."""
    return assignments_rebalance()


@shared_task(name="declarations.time_limits_enforce")
def time_limits_enforce_task() -> dict:
    """Beat (CELERY_BEAT_SCHEDULE): drafts warned and expired, registrations lapsed after 15 days."""
    return time_limits_enforce()
