"""Bring the statistics tables up to date (customs_statistics/models.py): every minute by Celery beat,
and on demand (`manage.py statistics_refresh`, `--rebuild` to derive everything again).

One transaction: consume the declarations recorded as changed, recompute their facts, then rebuild
the day cells of every registration day and the payment cells of every credit day they counted on
before or count on now — everything when a migration changed what the tables hold
(`StatisticsState.rebuild_needed`), then analysed and, outside a transaction, vacuumed for the
covering indexes. A refresh already running makes another one a no-op; a failure rolls everything
back, the change records included, so the next run does it again.
"""
import logging
import time

from django.db import connection, transaction
from django.utils import timezone

from customs_statistics.models import StatisticsState
from customs_statistics.selectors.facts import (
    changes_consumed,
    day_cells_write,
    facts_days,
    facts_write,
    payment_cells_write,
    statistics_analyze,
    statistics_lock,
    statistics_state,
    statistics_vacuum,
)

logger = logging.getLogger(__name__)


def _state_save(*, declarations: int, started: float) -> StatisticsState:
    state = StatisticsState.objects.select_for_update().order_by("pk").first() or StatisticsState()
    state.refreshed_at = timezone.now()
    state.rebuild_needed = False
    state.declarations = declarations
    state.milliseconds = round((time.perf_counter() - started) * 1000)
    state.save()
    return state


def statistics_refresh(*, rebuild: bool = False) -> StatisticsState | None:
    """Recompute what changed (everything with `rebuild`); the state written, or None when another
    refresh holds the lock."""
    started = time.perf_counter()
    with transaction.atomic():
        if not statistics_lock():
            logger.info("statistics refresh skipped: another one is running")
            return None
        ids = changes_consumed()
        rebuild = rebuild or statistics_state().rebuild_needed
        if rebuild:
            written = facts_write(declaration_ids=None)
            day_cells_write(days=None)
            payment_cells_write(days=None)
            statistics_analyze()
        else:
            written = 0
            if ids:
                registered_before, paid_before = facts_days(declaration_ids=ids)
                written = facts_write(declaration_ids=ids)
                registered_now, paid_now = facts_days(declaration_ids=ids)
                day_cells_write(days=sorted(registered_before | registered_now))
                payment_cells_write(days=sorted(paid_before | paid_now))
        state = _state_save(declarations=written, started=started)
    if rebuild and not connection.in_atomic_block:  # VACUUM cannot run in a transaction (nor in a test's)
        statistics_vacuum()
    logger.info("statistics refreshed: %s declarations in %s ms", written, state.milliseconds)
    return state
