"""The automated clearance end to end with real processes: uvicorn, Celery workers (not
eager), Redis and PostgreSQL. A worker killed with SIGKILL in the middle of a batch only
delays decisions: every declaration ends with exactly one assessment.
"""
import os
import signal
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psycopg2
import pytest
import redis

from bench.common import declaration_body
from tests.processes import (
    database_recreate,
    database_urls,
    free_port,
    manage,
    server_answers,
    spawn,
    stop,
    tail,
    wait_until,
)

pytestmark = pytest.mark.integration
REDIS_URL = "redis://127.0.0.1:6379/11"
DATABASE = "customs_portal_workers"


def _worker(env, log_dir: Path, name: str, *extra: str):
    return spawn(name, [sys.executable, "-m", "celery", "-A", "customs_portal", "worker", "-l", "info",
                        "-Q", "default,risk,payments,batch", "--concurrency", "2", "-P", "prefork", "-n", f"{name}@%h",
                        "--without-gossip", "--without-mingle", *extra], env=env, log_dir=log_dir)


@pytest.fixture(scope="module")
def clearance_portal(tmp_path_factory):
    log_dir = tmp_path_factory.mktemp("clearance")
    database_url, maintenance_url = database_urls(DATABASE)
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
    database_recreate(maintenance_url=maintenance_url, name=DATABASE)
    redis.Redis.from_url(REDIS_URL).flushdb()
    for command in (["migrate", "--noinput"], ["load_reference_data"], ["seed_demo", "--force"]):
        manage(*command, env=env, log_dir=log_dir)
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    server = spawn("uvicorn", [sys.executable, "-m", "uvicorn", "customs_portal.asgi:application", "--host", "127.0.0.1",
                               "--port", str(port), "--lifespan", "off"], env=env, log_dir=log_dir)
    wait_until(lambda: server_answers(f"{base_url}/accounts/login/"), what="uvicorn", processes={"uvicorn": server})
    state = {"env": env, "log_dir": log_dir, "base_url": base_url, "database_url": database_url, "processes": [server]}
    try:
        yield state
    finally:
        for process, _ in state["processes"]:
            stop(process)


def start_worker(portal, name, *extra):
    worker = _worker(portal["env"], portal["log_dir"], name, *extra)
    portal["processes"].append(worker)
    wait_until(lambda: " ready." in worker[1].read_text(errors="replace"), what=name, processes={name: worker})
    return worker


def trader_client(portal) -> httpx.Client:
    token = httpx.post(f"{portal['base_url']}/api/v1/auth/token/", json={"username": "trader1", "password": "demo12345"}).json()["token"]
    return httpx.Client(base_url=portal["base_url"], headers={"Authorization": f"Token {token}"}, timeout=60)


def query(portal, sql, params=()):
    connection = psycopg2.connect(portal["database_url"])
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    finally:
        connection.close()


def wait_for(condition, *, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


def test_submit_gets_a_channel_from_a_real_worker(clearance_portal):
    worker = start_worker(clearance_portal, "first")
    client = trader_client(clearance_portal)
    created = client.post("/api/v1/declarations/", json=declaration_body(10))
    assert created.status_code == 201, created.text
    declaration_id = created.json()["id"]
    submitted = client.post(f"/api/v1/declarations/{declaration_id}/submit/")
    assert submitted.status_code == 202
    assert submitted.json()["status"] == "registered"
    wait_for(lambda: client.get(f"/api/v1/declarations/{declaration_id}/").json()["channel"], timeout=30,
             what=f"a channel\n{tail(worker[1])}")
    data = client.get(f"/api/v1/declarations/{declaration_id}/").json()
    assert data["status"] in {"assessed", "under_review", "under_inspection", "cleared"}
    assert "risk" not in data
    assert query(clearance_portal, "SELECT count(*) FROM risk_assessment WHERE declaration_id = %s", (declaration_id,)) == [(1,)]


def test_a_worker_killed_mid_batch_loses_nothing_and_assesses_nothing_twice(clearance_portal):
    portal = clearance_portal
    client = trader_client(portal)
    body = declaration_body(10)
    ids = [client.post("/api/v1/declarations/", json=body).json()["id"] for _ in range(200)]
    victim = next((p for p in portal["processes"] if p[1].name == "first.log"), None) or start_worker(portal, "first")

    def submit(declaration_id):
        assert client.post(f"/api/v1/declarations/{declaration_id}/submit/").status_code == 202

    with ThreadPoolExecutor(max_workers=4) as pool:
        submitting = pool.map(submit, ids)
        wait_for(lambda: query(portal, "SELECT count(*) FROM risk_assessment WHERE declaration_id = ANY(%s)", (ids,))[0][0] >= 20,
                 timeout=60, what="the first assessments")
        os.killpg(victim[0].pid, signal.SIGKILL)
        victim[0].wait(timeout=10)
        list(submitting)
    assessed_at_kill = query(portal, "SELECT count(*) FROM risk_assessment WHERE declaration_id = ANY(%s)", (ids,))[0][0]
    assert assessed_at_kill < 200, "the worker finished before it was killed; the test proved nothing"

    # A new worker with the beat scheduler: the sweeper re-queues what the dead worker held.
    start_worker(portal, "second", "-B", "-s", str(portal["log_dir"] / "beat-schedule"))
    wait_for(
        lambda: query(portal, "SELECT count(*) FROM declarations_declaration WHERE id = ANY(%s) AND channel IS NOT NULL", (ids,))[0][0] == 200,
        timeout=180, what="every declaration to get a channel",
    )
    per_declaration = query(
        portal, "SELECT d.id, count(a.id) FROM declarations_declaration d LEFT JOIN risk_assessment a ON a.declaration_id = d.id "
                "WHERE d.id = ANY(%s) GROUP BY d.id", (ids,))
    assert sorted(count for _, count in per_declaration) == [1] * 200
    audits = query(portal, "SELECT declaration_id, count(*) FROM declarations_auditevent WHERE action = 'assess' "
                           "AND declaration_id = ANY(%s) GROUP BY declaration_id", (ids,))
    assert len(audits) == 200 and {count for _, count in audits} == {1}
    statuses = dict(query(portal, "SELECT status, count(*) FROM declarations_declaration WHERE id = ANY(%s) GROUP BY status", (ids,)))
    assert "registered" not in statuses
