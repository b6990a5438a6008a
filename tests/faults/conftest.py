"""A portal of its own for the fault tests, on services of its own.

`fault_portal` starts a dedicated PostgreSQL cluster and a dedicated redis-server on free
ports (tests/faults/support.py), builds the database (migrate, reference data, demo
accounts), then runs uvicorn and one Celery worker with embedded beat against them. The
tests stop Redis and restart PostgreSQL under these processes; the machine's shared
PostgreSQL and Redis are never touched. Everything is torn down at the end, even on failure.
"""
import os
import sys

import pytest

from bench.common import declaration_body
from tests.faults.support import PostgresCluster, RedisServer
from tests.integration.support import start_worker, trader_client, wait_for
from tests.processes import free_port, manage, server_answers, spawn, stop, tail, wait_until

DATABASE = "customs_portal_faults"


@pytest.fixture(scope="package")
def fault_portal(tmp_path_factory):
    log_dir = tmp_path_factory.mktemp("faults")
    state = {"log_dir": log_dir, "processes": []}
    PostgresCluster.reap_stale()
    postgres = PostgresCluster(log_dir)
    redis_server = RedisServer(log_dir)
    try:
        postgres.start()
        postgres.create_database(DATABASE)
        redis_server.start()
        database_url = postgres.url(DATABASE)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.faults.settings",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_server.url(0),
            "CELERY_BROKER_URL": redis_server.url(0),
            "CHANNEL_LAYER_URL": redis_server.url(1),
            "CACHE_URL": redis_server.url(2),
            "STATIC_ROOT": str(log_dir / "static"),
            "MEDIA_ROOT": str(log_dir / "media"),
            "RISK_SWEEP_AFTER_SECONDS": "5",
            "RISK_SWEEP_INTERVAL_SECONDS": "2",
            "PYTHONUNBUFFERED": "1",
        }
        for command in (["migrate", "--noinput"], ["load_reference_data"], ["seed_demo", "--force"]):
            manage(*command, env=env, log_dir=log_dir)
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        server = spawn("uvicorn", [sys.executable, "-m", "uvicorn", "customs_portal.asgi:application", "--host",
                                   "127.0.0.1", "--port", str(port), "--lifespan", "off"],
                       env={**env, "DB_POOL": "true"}, log_dir=log_dir)  # the web server pools, as in production
        state["processes"].append(server)
        wait_until(lambda: server_answers(f"{base_url}/accounts/login/"), what="uvicorn", processes={"uvicorn": server})
        state.update(env=env, base_url=base_url, database_url=database_url, postgres=postgres, redis=redis_server,
                     server=server)
        # The worker's environment sets DB_CONN_MAX_AGE=60, as in production.
        worker_state = {**state, "env": {**env, "DB_CONN_MAX_AGE": "60"}}  # same list of processes
        state["worker"] = start_worker(worker_state, "worker-faults", "-B", "-s", str(log_dir / "beat-schedule"))

        # The portal works end to end before anything is broken.
        client = trader_client(state)
        created = client.post("/api/v1/declarations/", json=declaration_body(10))
        assert created.status_code == 201, created.text
        declaration_id = created.json()["id"]
        assert client.post(f"/api/v1/declarations/{declaration_id}/submit/").status_code == 202
        wait_for(lambda: client.get(f"/api/v1/declarations/{declaration_id}/").json()["channel"], timeout=30,
                 what=f"the first channel\n{tail(state['worker'][1])}")
        yield state
    finally:
        for process, _ in reversed(state["processes"]):
            stop(process)
        redis_server.stop()
        postgres.destroy()
