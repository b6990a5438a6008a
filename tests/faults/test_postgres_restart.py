"""PostgreSQL restarts (`pg_ctl restart -m fast`: every session is cut) under a running web
server and worker, with the database connection settings of production (tests/faults/settings.py)
while another trader keeps submitting. Neither process is restarted: after a short window the
API answers again, and every declaration registered before, during and after the restart is
assessed by the same worker, exactly once (tasks cut by the restart retry on OperationalError,
the sweeper catches the rest).
"""
import threading
import time

import httpx
import pytest

from tests.faults.support import assessments_per_declaration, create_and_submit, page_session, unassessed
from tests.integration.support import client_for, query, wait_for
from tests.processes import tail

pytestmark = pytest.mark.faults

RECOVERY_WINDOW = 15  # seconds after the restart for the first API call to succeed
AFTER_RESTART = 20  # declarations created and submitted once the API answers: none may fail
ASSESSMENT_TIMEOUT = 60


def test_web_server_and_worker_recover_from_a_postgres_restart_without_being_restarted(fault_portal):
    portal = fault_portal
    worker, server = portal["worker"], portal["server"]
    pids = (worker[0].pid, server[0].pid)
    client = client_for(portal, "trader1")

    # The portal works before the restart.
    warm = [create_and_submit(client)[0] for _ in range(4)]
    assert None not in warm
    wait_for(lambda: unassessed(portal, warm) == 0, timeout=30, what=f"the warm-up assessments\n{tail(worker[1])}")

    # Submitted just before the restart: the last assessments may run into it.
    in_flight = [create_and_submit(client)[0] for _ in range(10)]
    assert None not in in_flight

    # Another trader keeps submitting through the restart; only calls started before the API
    # is back may fail.
    through: list[tuple[float, str, int]] = []  # (started, call, HTTP status or 0 for no answer)
    stop_submitting = threading.Event()

    def keep_submitting():
        other = client_for(portal, "trader2")
        while not stop_submitting.is_set():
            started = time.monotonic()
            try:
                _, made = create_and_submit(other)
            except httpx.HTTPError as exc:
                made = [(repr(exc), 0)]
            through.extend((started, call, status) for call, status in made)
            time.sleep(0.05)

    submitter = threading.Thread(target=keep_submitting, daemon=True)
    submitter.start()
    try:
        time.sleep(1)
        restart_started = time.monotonic()
        portal["postgres"].restart()
        restarted_in = time.monotonic() - restart_started

        back = time.monotonic()
        window_failures = []
        while True:
            try:
                response = client.get("/api/v1/declarations/")
                if response.status_code == 200:
                    break
                window_failures.append(response.status_code)
            except httpx.HTTPError as exc:
                window_failures.append(repr(exc))
            assert time.monotonic() - back < RECOVERY_WINDOW, \
                f"the API did not recover within {RECOVERY_WINDOW} s: {window_failures[-5:]}\n{tail(server[1])}"
            time.sleep(0.5)
        api_back = time.monotonic()
        api_back_in = api_back - back
        time.sleep(2)
    finally:
        stop_submitting.set()
        submitter.join(timeout=120)
    late = [call for call in through if call[0] > api_back and call[2] not in (201, 202)]
    assert not late, f"calls failed after the API was back: {late}\n{tail(server[1])}"
    assert any(call[0] > api_back for call in through)
    window = [call[1:] for call in through if call[2] not in (201, 202)]

    # No permanent failure: every call after the first success succeeds.
    after, calls = [], []
    for _ in range(AFTER_RESTART):
        declaration_id, made = create_and_submit(client)
        calls += made
        after.append(declaration_id)
    failures = [call for call in calls if call[1] not in (201, 202)]
    assert not failures, f"API calls failed after the restart: {failures}\n{tail(server[1])}"
    pages = page_session(portal["base_url"], "trader1")
    for path in ("/declarations/", f"/declarations/{after[0]}/"):
        assert pages.get(path).status_code == 200, path

    # Every declaration registered before, during and after the restart (also one whose submit
    # answer was lost in the restart) is assessed exactly once.
    everything = [row[0] for row in query(portal, "SELECT id FROM declarations_declaration WHERE number IS NOT NULL")]
    assert set(in_flight + after) <= set(everything)
    wait_for(lambda: unassessed(portal, everything) == 0, timeout=ASSESSMENT_TIMEOUT,
             what=f"every declaration to get a channel ({unassessed(portal, everything)} left)\n{tail(worker[1])}")
    assessed_in = time.monotonic() - back
    counts = assessments_per_declaration(portal, everything)
    assert sorted(counts.values()) == [1] * len(everything), {k: v for k, v in counts.items() if v != 1}

    # The same processes did it: nothing was restarted.
    assert (worker[0].poll(), server[0].poll()) == (None, None), "the worker or the web server died"
    assert (worker[0].pid, server[0].pid) == pids
    log = worker[1].read_text(errors="replace")
    assert all(f"declaration {declaration_id} assessed" in log for declaration_id in after)

    print(f"\nPostgreSQL restarted in {restarted_in:.1f} s; API answered {api_back_in:.1f} s later after "
          f"{len(window_failures)} failed calls {window_failures[:5]}; the other trader's calls around the restart: "
          f"{len(through)}, failed {window[:5]}; {len(everything)} declarations assessed {assessed_in:.1f} s after "
          f"the restart")
