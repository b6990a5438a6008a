"""The payment tasks are registered, routed to the payments queue, and scheduled daily by beat."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from celery.schedules import crontab
from django.conf import settings

from customs_portal.celery import app
from payments.tasks import late_interest_update_task
from tests.payments.conftest import registered_on


def test_tasks_are_registered_and_routed_to_the_payments_queue():
    app.loader.import_default_modules()
    for name in ("payments.late_interest_update", "payments.reconcile", "bank_simulator.deliver_callback"):
        assert name in app.tasks
    router = app.amqp.router
    assert router.route({}, "payments.reconcile")["queue"].name == "payments"
    assert router.route({}, "payments.late_interest_update")["queue"].name == "payments"


def test_beat_runs_them_every_day():
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["payments-late-interest-daily"] == {"task": "payments.late_interest_update",
                                                        "schedule": crontab(hour=0, minute=5)}
    assert schedule["payments-reconcile-daily"] == {"task": "payments.reconcile", "schedule": crontab(hour=6, minute=0)}


@pytest.mark.django_db
def test_late_interest_task_takes_a_date(assessed):
    declaration = registered_on(assessed, datetime(2026, 3, 1, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))
    assert late_interest_update_task.apply(args=[date(2026, 3, 4).isoformat()]).get() == 1
    declaration.refresh_from_db()
    assert declaration.amount_due > declaration.tax_total
