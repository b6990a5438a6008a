import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "customs_portal.settings.local")

app = Celery("customs_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.task_prerun.connect
@signals.task_postrun.connect
def _database_connections_as_in_a_request(task=None, **kwargs):
    """Treat a task like a request: reuse a healthy connection up to DB_CONN_MAX_AGE, drop a broken one.

    (CELERY_DB_REUSE_MAX stops Celery's fix-up from closing the connection around every task.)
    """
    from django.db import close_old_connections

    if task is not None and getattr(task.request, "is_eager", False):
        return  # run in the caller's process and transaction (tests)
    close_old_connections()
