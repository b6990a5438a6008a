"""The automated clearance end to end with real processes: uvicorn, Celery workers (not
eager), Redis and PostgreSQL. A worker killed with SIGKILL in the middle of a batch only
delays decisions: every declaration ends with exactly one assessment.
"""
import os
import signal
from concurrent.futures import ThreadPoolExecutor

import pytest

from bench.common import declaration_body
from tests.integration.support import query, start_worker, trader_client, wait_for
from tests.processes import tail

pytestmark = pytest.mark.integration


def test_submit_gets_a_channel_from_a_real_worker(portal):
    worker = start_worker(portal, "worker-first")
    client = trader_client(portal)
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
    assert query(portal, "SELECT count(*) FROM risk_assessment WHERE declaration_id = %s", (declaration_id,)) == [(1,)]


def test_a_worker_killed_mid_batch_loses_nothing_and_assesses_nothing_twice(portal):
    portal = portal
    client = trader_client(portal)
    body = declaration_body(10)
    ids = [client.post("/api/v1/declarations/", json=body).json()["id"] for _ in range(200)]
    victim = next((p for p in portal["processes"] if p[1].name == "worker-first.log"), None) or start_worker(portal, "worker-first")

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
    start_worker(portal, "worker-second", "-B", "-s", str(portal["log_dir"] / "beat-schedule"))
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
