"""Celery tasks of the automated clearance. Thin: they call `risk_assess`, which is idempotent."""
import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from declarations.lifecycle import Status
from declarations.models import Declaration
from risk.services.assessment import risk_assess
from risk.services.backtest import backtest_execute
from risk.services.risk_model import risk_model_train
from risk.services.risk_model_sweep import risk_model_versions_sweep

logger = logging.getLogger(__name__)
RISK_QUEUE = "risk"


@shared_task(
    name="risk.assess",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=1,
    retry_backoff_max=30,
    max_retries=8,
)
def risk_assess_task(declaration_id: int) -> None:
    assessment = risk_assess(declaration_id=declaration_id)
    if assessment is not None:
        logger.info("declaration %s assessed: %s", declaration_id, assessment.channel)


def risk_assess_enqueue(*, declaration_id: int) -> None:
    """Queue an assessment. If the broker is unreachable the sweeper picks the declaration up later."""
    try:
        risk_assess_task.apply_async(args=[declaration_id], queue=RISK_QUEUE, retry=False)
    except Exception:
        logger.warning("could not enqueue the assessment of declaration %s; the sweeper will", declaration_id,
                       exc_info=True)


@shared_task(name="risk.sweep_unassessed", acks_late=True)
def risk_sweep_unassessed() -> int:
    """Re-enqueue registered declarations left unassessed for more than a minute."""
    cutoff = timezone.now() - timedelta(seconds=settings.RISK_SWEEP_AFTER_SECONDS)
    ids = list(
        Declaration.objects.filter(status=Status.REGISTERED, registered_at__lt=cutoff)
        .order_by("registered_at")
        .values_list("id", flat=True)[:5000]
    )
    for declaration_id in ids:
        risk_assess_enqueue(declaration_id=declaration_id)
    if ids:
        logger.info("sweeper re-enqueued %d unassessed declarations", len(ids))
    return len(ids)


@shared_task(name="risk.backtest", acks_late=True, reject_on_worker_lost=True,
             autoretry_for=(OperationalError, InterfaceError), retry_backoff=2, max_retries=5)
def backtest_run_task(run_id: int) -> None:
    backtest_execute(run_id=run_id)


def backtest_run_enqueue(*, run_id: int) -> None:
    try:
        backtest_run_task.apply_async(args=[run_id], queue="batch", retry=False)
    except Exception:
        logger.warning("could not enqueue backtest %s", run_id, exc_info=True)


@shared_task(name="risk.model_train", acks_late=True, reject_on_worker_lost=True,
             autoretry_for=(OperationalError, InterfaceError), retry_backoff=2, max_retries=5)
def risk_model_train_task(version_id: int) -> None:
    """Train a model version (risk.services.risk_model); a version already trained is left alone."""
    risk_model_train(version_id=version_id)


def risk_model_train_enqueue(*, version_id: int) -> None:
    try:
        risk_model_train_task.apply_async(args=[version_id], queue="batch", retry=False)
    except Exception:
        logger.warning("could not enqueue the training of model version %s", version_id, exc_info=True)


@shared_task(name="risk.compliance_compute", acks_late=True,
             autoretry_for=(OperationalError, InterfaceError), retry_backoff=5, max_retries=3)
def compliance_compute_task() -> int:
    """The nightly computation of every enterprise's compliance level (idempotent). Returns the changes."""
    from risk.services.compliance import compliance_compute

    return len(compliance_compute().changed)


@shared_task(name="risk.model_sweep", acks_late=True)
def risk_model_sweep_task() -> dict:
    """Queue again model versions whose training message was lost; fail those whose worker died."""
    sweep = risk_model_versions_sweep(enqueue=risk_model_train_enqueue)
    return {"queued": sweep.queued, "failed": sweep.failed}
