"""Redis (broker, channel layer, rate-limit cache) is stopped for 30 s while traders submit.

Submissions still succeed: the declaration is stored and registered, and since Redis
keeps nothing on disk here, the assessment queued for it is lost or never queued; the
sweeper (beat, in the same worker) queues it again from the database once Redis is back.
The pages keep working, without live updates. Every declaration ends assessed exactly once,
by the worker that was running all along.
"""
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import pytest

from bench.common import declaration_body
from tests.faults.support import assessments_per_declaration, page_session, unassessed
from tests.integration.support import client_for, query, wait_for
from tests.processes import tail

pytestmark = pytest.mark.faults

OUTAGE_SECONDS = 30
TRADER_THREADS = 4
TRADERS = ("trader1", "trader2")
RECOVERY_TIMEOUT = 60  # seconds after Redis is back for every declaration to be assessed
SLOW_CALL = 3  # seconds: a call slower than this during the outage is waiting on Redis (normal: < 1 s)


def test_traders_submit_through_a_redis_outage_and_everything_is_assessed_after(fault_portal):
    portal = fault_portal
    worker, server = portal["worker"], portal["server"]
    pids = (worker[0].pid, server[0].pid)
    clients = {name: client_for(portal, name) for name in TRADERS}
    calls: list[tuple[str, int, float]] = []  # (call, HTTP status, seconds)
    submitted: list[int] = []
    page_calls: list[tuple[str, int, float]] = []
    lock = threading.Lock()
    first_of_trader1 = threading.Event()
    trader1_declarations: list[int] = []  # for the detail page

    def timed(name, call):
        started = time.monotonic()
        response = call()
        with lock:
            calls.append((name, response.status_code, time.monotonic() - started))
        return response

    def trader(index: int, until: float) -> None:
        username = TRADERS[index % len(TRADERS)]
        client = clients[username]
        while time.monotonic() < until:
            created = timed("create", lambda: client.post("/api/v1/declarations/", json=declaration_body(10)))
            if created.status_code != 201:
                time.sleep(0.2)
                continue
            declaration_id = created.json()["id"]
            response = timed("submit", partial(client.post, f"/api/v1/declarations/{declaration_id}/submit/"))
            if response.status_code == 202:
                with lock:
                    submitted.append(declaration_id)
                if username == "trader1":
                    trader1_declarations.append(declaration_id)
                    first_of_trader1.set()
            time.sleep(0.2)

    def pages(until: float) -> None:
        assert first_of_trader1.wait(timeout=20), "trader1 submitted nothing"
        while time.monotonic() < until:
            started = time.monotonic()
            try:
                session = page_session(portal["base_url"], "trader1")  # logs in through the login page
            except AssertionError as exc:
                page_calls.append((f"login {exc}", 0, time.monotonic() - started))
                time.sleep(1)
                continue
            page_calls.append(("login", 302, time.monotonic() - started))
            for path in ("/declarations/", f"/declarations/{trader1_declarations[-1]}/"):
                started = time.monotonic()
                response = session.get(path)
                page_calls.append((path, response.status_code, time.monotonic() - started))
            session.close()
            time.sleep(1)

    portal["redis"].stop()
    outage_started = time.monotonic()
    try:
        assert not portal["redis"].answers()
        until = outage_started + OUTAGE_SECONDS - 5  # every call starts and ends inside the outage
        with ThreadPoolExecutor(max_workers=TRADER_THREADS + 1) as pool:
            futures = [pool.submit(trader, index, until) for index in range(TRADER_THREADS)]
            futures.append(pool.submit(pages, until))
            for future in futures:
                future.result()
        assert not portal["redis"].answers(), "Redis came back during the outage: the test proved nothing"

        failures = [call for call in calls if call[1] not in (201, 202)]
        assert not failures, f"API calls failed during the Redis outage: {failures[:10]}\n{tail(server[1])}"
        slow = [call for call in calls if call[2] > SLOW_CALL]
        assert not slow, f"API calls waited on Redis: {slow[:10]}"
        assert len(submitted) >= 20, f"only {len(submitted)} declarations submitted during the outage"
        page_failures = [call for call in page_calls if call[1] not in (200, 302)]
        assert not page_failures, f"pages failed during the Redis outage: {page_failures[:10]}\n{tail(server[1])}"
        assert any(call[0].startswith("/declarations/") and call[0] != "/declarations/" for call in page_calls), \
            "no detail page was read during the outage"

        # Stored and registered, not yet assessed: nothing can reach the worker.
        states = dict(query(portal, "SELECT status, count(*) FROM declarations_declaration WHERE id = ANY(%s) "
                                    "AND number IS NOT NULL GROUP BY status", (submitted,)))
        assert states == {"registered": len(submitted)}, states

        time.sleep(max(0.0, outage_started + OUTAGE_SECONDS - time.monotonic()))
    finally:
        outage = time.monotonic() - outage_started
        portal["redis"].start()
    back = time.monotonic()

    wait_for(lambda: unassessed(portal, submitted) == 0, timeout=RECOVERY_TIMEOUT,
             what=f"every declaration submitted during the outage to get a channel "
                  f"({unassessed(portal, submitted)} of {len(submitted)} left)\n{tail(worker[1])}")
    recovered_in = time.monotonic() - back
    counts = assessments_per_declaration(portal, submitted)
    assert sorted(counts.values()) == [1] * len(submitted), {k: v for k, v in counts.items() if v != 1}

    # After the outage new submissions reach the worker again; the same processes serve them.
    client = clients["trader1"]
    fresh = []
    for _ in range(5):
        created = client.post("/api/v1/declarations/", json=declaration_body(10))
        assert created.status_code == 201, created.text
        fresh.append(created.json()["id"])
        assert client.post(f"/api/v1/declarations/{fresh[-1]}/submit/").status_code == 202
    wait_for(lambda: unassessed(portal, fresh) == 0, timeout=30, what=f"declarations submitted after the outage\n{tail(worker[1])}")
    assert (worker[0].poll(), server[0].poll()) == (None, None), "the worker or the web server died"
    assert (worker[0].pid, server[0].pid) == pids

    creates = sorted(seconds for name, _, seconds in calls if name == "create")
    submits = sorted(seconds for name, _, seconds in calls if name == "submit")
    print(f"\nRedis down {outage:.1f} s: {len(submitted)} declarations submitted, create max {creates[-1]:.2f} s, "
          f"submit max {submits[-1]:.2f} s, {len(page_calls)} page calls; all assessed {recovered_in:.1f} s after "
          f"Redis came back")
