"""Versions of the learned risk model: ask for one, train it (in the batch worker, with progress),
activate one, roll back to the one active before, or switch the model off. Each change of the active
version is locked, audited and one transaction; only one version is ever active (a constraint).
docs/decisions.md, "The learned risk model"."""
import logging
import time

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from customs_portal.audit.services import audit_record
from risk.learned.features import FEATURE_NAMES
from risk.learned.training import TrainingError, model_train
from risk.learned_models import RiskModelVersion
from risk.selectors.model_history import model_history_rows

logger = logging.getLogger(__name__)
PROGRESS_EVERY_SECONDS = 1.0


class RiskModelError(ValueError):
    """A change the state of the versions does not allow; the message says why."""


def risk_model_version_create(*, user, sources=(), seed: int = 7, enqueue: bool = True) -> RiskModelVersion:
    """A new pending version, trained by the batch worker once this transaction commits."""
    with transaction.atomic():
        # Numbers are unique: a second request at once waits for the first's number.
        RiskModelVersion.objects.select_for_update().aggregate(Max("number"))
        number = (RiskModelVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1
        version = RiskModelVersion.objects.create(number=number, seed=seed, include_sources=sorted(set(sources)),
                                                  created_by=user if getattr(user, "is_authenticated", False) else None)
        audit_record(declaration=None, actor=user, action="risk_model_train",
                     data={"version": number, "sources": version.include_sources, "seed": seed})
        if enqueue:
            from risk.tasks import risk_model_train_enqueue

            transaction.on_commit(lambda: risk_model_train_enqueue(version_id=version.pk))
    return version


def _progress_writer(version_id: int):
    last = [0.0]

    def write(percent: int, note: str) -> None:
        now = time.monotonic()
        if now - last[0] >= PROGRESS_EVERY_SECONDS or percent >= 95:
            last[0] = now
            RiskModelVersion.objects.filter(pk=version_id, state=RiskModelVersion.State.TRAINING).update(
                progress=min(percent, 99), progress_note=note[:200])
    return write


def risk_model_train(*, version_id: int) -> RiskModelVersion | None:
    """Train a pending version (idempotent: a version already trained, training or failed is left as it is)."""
    with transaction.atomic():
        version = RiskModelVersion.objects.select_for_update().filter(pk=version_id).first()
        if version is None:
            logger.warning("risk_model_train: version %s does not exist", version_id)
            return None
        if version.state != RiskModelVersion.State.PENDING:
            return version
        version.state = RiskModelVersion.State.TRAINING
        version.started_at = timezone.now()
        version.progress = 1
        version.save(update_fields=["state", "started_at", "progress"])
    try:
        rows = model_history_rows(sources=version.include_sources)
        result = model_train(rows, seed=version.seed, progress=_progress_writer(version.pk))
    except TrainingError as error:
        RiskModelVersion.objects.filter(pk=version.pk, state=RiskModelVersion.State.TRAINING).update(
            state=RiskModelVersion.State.FAILED, error=str(error), finished_at=timezone.now())
        version.refresh_from_db()
        return version
    except Exception as error:
        logger.exception("training model version %s failed", version.number)
        RiskModelVersion.objects.filter(pk=version.pk).update(
            state=RiskModelVersion.State.FAILED, error=f"{type(error).__name__}: {error}", finished_at=timezone.now())
        version.refresh_from_db()
        return version
    # Only a version still training becomes ready: one the sweeper gave up on (risk_model_sweep) stays failed.
    RiskModelVersion.objects.filter(pk=version.pk, state=RiskModelVersion.State.TRAINING).update(
        state=RiskModelVersion.State.READY, progress=100, progress_note="", finished_at=timezone.now(),
        train_from=result.train_from, train_to=result.train_to, evaluation_from=result.evaluation_from,
        evaluation_to=result.evaluation_to, rows=result.rows, features=list(FEATURE_NAMES),
        parameters=result.parameters, library_versions=result.library_versions, metrics=result.metrics,
        artifact=result.artifact.to_bytes(), training_seconds=result.seconds,
    )
    version.refresh_from_db()
    return version


def _activate(version: RiskModelVersion | None, *, user, action: str) -> RiskModelVersion | None:
    current = RiskModelVersion.objects.select_for_update().filter(active=True).first()
    if version is not None and current is not None and current.pk == version.pk:
        return version
    if current is not None:
        current.active = False
        current.save(update_fields=["active"])
    if version is not None:
        version.active = True
        version.activated_at = timezone.now()
        version.activated_by = user if getattr(user, "is_authenticated", False) else None
        version.save(update_fields=["active", "activated_at", "activated_by"])
    audit_record(declaration=None, actor=user, action=action,
                 data={"from": current.number if current else None, "to": version.number if version else None})
    return version


def risk_model_activate(*, version_id: int, user) -> RiskModelVersion:
    """Make a ready version the one the engine scores with (audited `risk_model_activate`)."""
    with transaction.atomic():
        version = RiskModelVersion.objects.select_for_update().filter(pk=version_id).first()
        if version is None:
            raise RiskModelError(_("There is no such model version."))
        if version.state != RiskModelVersion.State.READY:
            raise RiskModelError(_("Only a trained model can be activated; version %(number)s is %(state)s.")
                                 % {"number": version.number, "state": version.get_state_display()})
        return _activate(version, user=user, action="risk_model_activate")


def risk_model_rollback(*, user) -> RiskModelVersion:
    """Activate again the version that was active before the current one (audited `risk_model_rollback`)."""
    with transaction.atomic():
        current = RiskModelVersion.objects.select_for_update().filter(active=True).first()
        if current is None:
            raise RiskModelError(_("No model is active: there is nothing to roll back."))
        previous = (RiskModelVersion.objects.select_for_update()
                    .filter(state=RiskModelVersion.State.READY, activated_at__isnull=False)
                    .exclude(pk=current.pk).order_by("-activated_at").first())
        if previous is None:
            raise RiskModelError(_("No version was active before version %(number)s.") % {"number": current.number})
        return _activate(previous, user=user, action="risk_model_rollback")


def risk_model_deactivate(*, user) -> None:
    """Score with no model: conditions on `model.score` then hold for no declaration (audited)."""
    with transaction.atomic():
        if not RiskModelVersion.objects.filter(active=True).exists():
            raise RiskModelError(_("No model is active."))
        _activate(None, user=user, action="risk_model_deactivate")
