"""Two officers decide on the same declaration at the same moment, through two HTTP requests
served in parallel by the real server on real PostgreSQL: exactly one wins, the other is told
who decided, and only one decision is recorded."""
import threading

import pytest

from bench.common import declaration_body
from tests.integration.support import client_for, ensure_worker, query, wait_for

pytestmark = pytest.mark.integration


def yellow_declaration(portal) -> int:
    trader = client_for(portal, "trader2")  # a new enterprise: the default rules send it to yellow
    declaration_id = trader.post("/api/v1/declarations/", json=declaration_body(3)).json()["id"]
    assert trader.post(f"/api/v1/declarations/{declaration_id}/submit/").status_code == 202
    wait_for(lambda: trader.get(f"/api/v1/declarations/{declaration_id}/").json()["status"] == "under_review",
             timeout=30, what="the declaration to reach review")
    return declaration_id


@pytest.mark.parametrize("round_", range(3))
def test_exactly_one_of_two_simultaneous_decisions_wins(portal, round_):
    ensure_worker(portal)
    declaration_id = yellow_declaration(portal)
    officers = [client_for(portal, "officer1"), client_for(portal, "officer1")]
    bodies = [{"action": "release", "note": "documents in order"}, {"action": "reject", "reason": "invoice forged"}]
    barrier = threading.Barrier(2)
    answers = [None, None]

    def decide(index):
        barrier.wait()
        answers[index] = officers[index].post(f"/api/v1/declarations/{declaration_id}/decisions/", json=bodies[index])

    threads = [threading.Thread(target=decide, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    codes = sorted(answer.status_code for answer in answers)
    assert codes == [201, 409], [a.text for a in answers]
    loser = next(a for a in answers if a.status_code == 409).json()
    assert "already recorded" in loser["detail"]
    decisions = query(portal, "SELECT action FROM declarations_auditevent WHERE declaration_id = %s AND action IN ('release', 'reject')",
                      (declaration_id,))
    assert len(decisions) == 1
    winner = next(a for a in answers if a.status_code == 201).json()
    (status,) = query(portal, "SELECT status FROM declarations_declaration WHERE id = %s", (declaration_id,))[0]
    assert status == winner["declaration"]["status"]
