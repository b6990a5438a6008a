"""The sweeper of model versions: a version whose training message was lost is queued again after five
minutes; one whose worker died while training is marked failed after thirty, with an error that says so."""
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from customs_portal.celery import app
from risk.learned_models import RiskModelVersion
from risk.services.risk_model import risk_model_train
from risk.services.risk_model_sweep import risk_model_versions_sweep
from risk.tasks import risk_model_sweep_task
from tests.factories import model_version_ready

pytestmark = pytest.mark.django_db


def version(number: int, state: str, *, asked: timedelta, started: timedelta | None = None) -> RiskModelVersion:
    """A version asked for `asked` ago (and started `started` ago)."""
    now = timezone.now()
    made = RiskModelVersion.objects.create(number=number, state=state,
                                           started_at=now - started if started is not None else None)
    RiskModelVersion.objects.filter(pk=made.pk).update(created_at=now - asked)
    return RiskModelVersion.objects.get(pk=made.pk)


class Queue:
    def __init__(self):
        self.ids = []

    def __call__(self, *, version_id):
        self.ids.append(version_id)


def test_a_version_pending_for_more_than_five_minutes_is_queued_again():
    old = version(1, "pending", asked=timedelta(minutes=6))
    version(2, "pending", asked=timedelta(minutes=4))
    queue = Queue()

    sweep = risk_model_versions_sweep(enqueue=queue)

    assert (sweep.queued, sweep.failed, queue.ids) == ([1], [], [old.pk])
    assert RiskModelVersion.objects.get(pk=old.pk).state == "pending"  # the worker will train it
    assert risk_model_versions_sweep(enqueue=queue).queued == [1]  # until it does: a repeat is harmless


def test_a_version_training_for_more_than_thirty_minutes_is_failed():
    dead = version(1, "training", asked=timedelta(minutes=40), started=timedelta(minutes=31))
    alive = version(2, "training", asked=timedelta(minutes=40), started=timedelta(minutes=29))
    ready = model_version_ready(3)
    RiskModelVersion.objects.filter(pk=ready.pk).update(created_at=timezone.now() - timedelta(days=2),
                                                        started_at=timezone.now() - timedelta(days=2))
    queue = Queue()

    sweep = risk_model_versions_sweep(enqueue=queue)

    assert (sweep.queued, sweep.failed, queue.ids) == ([], [1], [])
    dead.refresh_from_db()
    assert (dead.state, dead.finished_at is not None) == ("failed", True)
    assert dead.error == ("The training stopped without finishing: the version was still training 30 minutes after "
                          "it started (the worker that trained it probably stopped). Train a new version.")
    assert RiskModelVersion.objects.get(pk=alive.pk).state == "training"
    assert RiskModelVersion.objects.get(pk=ready.pk).state == "ready"
    # the message of the dead worker, given to another worker, leaves the failed version as it is
    assert risk_model_train(version_id=dead.pk).state == "failed"


def test_the_beat_task():
    dead = version(1, "training", asked=timedelta(hours=2), started=timedelta(hours=1))

    assert risk_model_sweep_task.apply().get() == {"queued": [], "failed": [1]}
    assert RiskModelVersion.objects.get(pk=dead.pk).state == "failed"


def test_beat_sweeps_every_minute_on_the_risk_queue_and_training_runs_on_the_batch_queue():
    entry = settings.CELERY_BEAT_SCHEDULE["risk-model-sweep"]
    assert entry == {"task": "risk.model_sweep", "schedule": 60.0, "options": {"expires": 60.0}}
    router = app.amqp.router
    assert router.route({}, risk_model_sweep_task.name)["queue"].name == "risk"
    assert router.route({}, "risk.model_train")["queue"].name == "batch"
    assert (settings.RISK_MODEL_PENDING_RETRY_SECONDS, settings.RISK_MODEL_TRAINING_TIMEOUT_SECONDS) == (300, 1800)
