"""The sweeper of model versions that nobody is working on, run by beat (risk.tasks.risk_model_sweep_task).

A version's training message can be lost (Redis restarted, the broker unreachable when it was
asked for): a version still pending after RISK_MODEL_PENDING_RETRY_SECONDS is queued again, as
often as the sweeper runs, which is harmless since `risk_model_train` trains pending versions only.
A worker can die while it trains: the version stays "training", and the message it had taken is
not given to another worker that would train it (a version already training is left as it is). A
version still training RISK_MODEL_TRAINING_TIMEOUT_SECONDS after it started is marked failed, with
an error that says so; a risk admin then trains a new version.
"""
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from risk.learned_models import RiskModelVersion

logger = logging.getLogger(__name__)
ABANDONED_ERROR = ("The training stopped without finishing: the version was still training {minutes} minutes "
                   "after it started (the worker that trained it probably stopped). Train a new version.")


@dataclass
class ModelSweep:
    queued: list[int] = field(default_factory=list)  # numbers of the pending versions queued again
    failed: list[int] = field(default_factory=list)  # numbers of the versions marked failed


def risk_model_versions_sweep(*, enqueue: Callable[..., None], now: datetime | None = None) -> ModelSweep:
    """Queue again (`enqueue(version_id=…)`, the task's) the versions pending for too long; mark failed
    those training for too long."""
    now = now or timezone.now()
    sweep = ModelSweep()
    pending_cutoff = now - timedelta(seconds=settings.RISK_MODEL_PENDING_RETRY_SECONDS)
    for pk, number in (RiskModelVersion.objects.filter(state=RiskModelVersion.State.PENDING, created_at__lt=pending_cutoff)
                       .order_by("number").values_list("pk", "number")):
        enqueue(version_id=pk)
        sweep.queued.append(number)
    timeout = settings.RISK_MODEL_TRAINING_TIMEOUT_SECONDS
    with transaction.atomic():
        stuck = list(RiskModelVersion.objects.select_for_update(skip_locked=True).defer("artifact")
                     .filter(state=RiskModelVersion.State.TRAINING, started_at__lt=now - timedelta(seconds=timeout))
                     .order_by("number"))
        for version in stuck:
            version.state = RiskModelVersion.State.FAILED
            version.error = ABANDONED_ERROR.format(minutes=round(timeout / 60))
            version.finished_at = now
            version.progress_note = ""
            version.save(update_fields=["state", "error", "finished_at", "progress_note"])
            sweep.failed.append(version.number)
    if sweep.queued or sweep.failed:
        logger.info("model versions swept: queued again %s, marked failed %s", sweep.queued, sweep.failed)
    return sweep
