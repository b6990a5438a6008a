"""Real portal processes for integration tests: uvicorn and Celery workers on a database
of their own (customs_portal_integration) with the reference data and demo accounts, and a
Redis database of their own, so they never disturb other tests."""
import os
import sys

import pytest
import redis

from tests.processes import (
    database_urls,
    free_port,
    manage,
    portal_database_create,
    server_answers,
    spawn,
    stop,
    wait_until,
)

REDIS_URL = "redis://127.0.0.1:6379/11"
DATABASE = "customs_portal_integration"


@pytest.fixture(scope="session")
def portal(tmp_path_factory):
    log_dir = tmp_path_factory.mktemp("clearance")
    database_url, _ = database_urls(DATABASE)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "customs_portal.settings.test",
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "CELERY_BROKER_URL": REDIS_URL,
        "CHANNEL_LAYER_URL": REDIS_URL,
        "STATIC_ROOT": str(log_dir / "static"),
        "MEDIA_ROOT": str(log_dir / "media"),
        "RISK_SWEEP_AFTER_SECONDS": "5",
        "RISK_SWEEP_INTERVAL_SECONDS": "2",
        "PYTHONUNBUFFERED": "1",
    }
    # A copy of the run's template database: migrations, reference data, demo accounts.
    portal_database_create(DATABASE, env=env, log_dir=log_dir)
    redis.Redis.from_url(REDIS_URL).flushdb()
    # Without caps per compliance class (tested in tests/risk/test_selectivity_caps.py): these tests assess
    # several declarations of one class and expect each to get the channel its rules give.
    manage("shell", "-c", "from tests.factories import class_caps_off; class_caps_off()", env=env, log_dir=log_dir)
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    server = spawn("uvicorn", [sys.executable, "-m", "uvicorn", "customs_portal.asgi:application", "--host", "127.0.0.1",
                               "--port", str(port), "--lifespan", "off"],
                   env={**env, "DB_POOL": "true"}, log_dir=log_dir)  # the web server pools, as in production
    wait_until(lambda: server_answers(f"{base_url}/accounts/login/"), what="uvicorn", processes={"uvicorn": server})
    state = {"env": env, "log_dir": log_dir, "base_url": base_url, "database_url": database_url, "processes": [server]}
    try:
        yield state
    finally:
        for process, _ in state["processes"]:
            stop(process)


