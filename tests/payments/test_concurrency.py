"""The same signed bank callback sent from 10 threads at once to a real server (uvicorn, real
PostgreSQL, a database of its own): exactly one credit. Also ten different bank transactions for
one payment, and one bank transaction for ten payments: exactly one credit each time."""
import json
import os
import sys
import threading
from urllib.parse import urlsplit, urlunsplit

import httpx
import psycopg2
import pytest
import redis

from payments.signing import signature_compute
from tests.payloads import plain_import_body
from tests.processes import free_port, manage, portal_database_create, server_answers, spawn, stop, wait_until

pytestmark = pytest.mark.integration

REDIS_URL = "redis://127.0.0.1:6379/13"
SECRET = "concurrency-test-secret"
THREADS = 10


def _database_urls() -> tuple[str, str]:
    """A database named after the suite's own (…_payments_live), so parallel runs on other databases never clash."""
    base = urlsplit(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/customs_portal_test"))
    name = f"{base.path.lstrip('/')}_payments_live"
    return urlunsplit(base._replace(path=f"/{name}")), urlunsplit(base._replace(path="/postgres"))


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    log_dir = tmp_path_factory.mktemp("payments_live")
    database_url, _ = _database_urls()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "customs_portal.settings.test", "DATABASE_URL": database_url,
           "REDIS_URL": REDIS_URL, "CELERY_BROKER_URL": REDIS_URL, "CHANNEL_LAYER_URL": REDIS_URL,
           "BANK_CALLBACK_SECRET": SECRET, "STATIC_ROOT": str(log_dir / "static"), "MEDIA_ROOT": str(log_dir / "media"),
           "PYTHONUNBUFFERED": "1"}
    # A copy of the run's template database: migrations, reference data, demo accounts.
    portal_database_create(urlsplit(database_url).path.lstrip("/"), env=env, log_dir=log_dir)
    redis.Redis.from_url(REDIS_URL).flushdb()
    manage("shell", "-c", "from tests.factories import random_selection_off; random_selection_off()",
           env=env, log_dir=log_dir)
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    server = spawn("uvicorn", [sys.executable, "-m", "uvicorn", "customs_portal.asgi:application", "--host", "127.0.0.1",
                               "--port", str(port), "--lifespan", "off"], env=env, log_dir=log_dir)
    try:
        wait_until(lambda: server_answers(f"{base_url}/accounts/login/"), what="uvicorn", processes={"uvicorn": server})
        token = httpx.post(f"{base_url}/api/v1/auth/token/", json={"username": "trader1", "password": "demo12345"}).json()["token"]
        trader = httpx.Client(base_url=base_url, headers={"Authorization": f"Token {token}"}, timeout=60)
        yield {"env": env, "log_dir": log_dir, "base_url": base_url, "database_url": database_url, "trader": trader}
    finally:
        stop(server[0])


def query(live, sql, params=()):
    connection = psycopg2.connect(live["database_url"])
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    finally:
        connection.close()


def green_declarations(live, count: int = 1) -> list[int]:
    """`count` green imports of trader1 with taxes owed, assessed (status assessed) by the real risk engine
    (in one management command for all of them: a Django start-up costs seconds)."""
    trader = live["trader"]
    declaration_ids = [trader.post("/api/v1/declarations/", json=plain_import_body()).json()["id"] for _ in range(count)]
    for declaration_id in declaration_ids:
        assert trader.post(f"/api/v1/declarations/{declaration_id}/submit/").status_code == 202
    manage("shell", "-c", "from risk.services.assessment import risk_assess\n"
                          f"for declaration_id in {declaration_ids!r}: risk_assess(declaration_id=declaration_id)",
           env=live["env"], log_dir=live["log_dir"])
    for declaration_id in declaration_ids:
        assert trader.get(f"/api/v1/declarations/{declaration_id}/").json()["status"] == "assessed"
    return declaration_ids


def at_once(live, bodies: list[bytes]) -> list[httpx.Response]:
    """POST each signed body from its own thread, all released together."""
    barrier = threading.Barrier(len(bodies))
    answers: list = [None] * len(bodies)

    def send(index):
        with httpx.Client(base_url=live["base_url"], timeout=60) as bank:
            barrier.wait()
            answers[index] = bank.post("/api/v1/payments/bank-callback/", content=bodies[index], headers={
                "Content-Type": "application/json",
                "X-Bank-Signature": signature_compute(body=bodies[index], secret=SECRET)})

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def body(reference, amount, txn) -> bytes:
    return json.dumps({"reference": reference, "amount": int(amount), "status": "success",
                       "bank_transaction_id": txn}).encode()


@pytest.mark.parametrize("round_", range(3))
def test_the_same_callback_from_ten_threads_credits_once(live, round_):
    (declaration_id,) = green_declarations(live)
    started = live["trader"].post(f"/api/v1/declarations/{declaration_id}/payments/").json()
    txn = f"SB-CONCURRENT-{round_}"
    answers = at_once(live, [body(started["reference"], started["amount"], txn)] * THREADS)

    assert [a.status_code for a in answers] == [200] * THREADS, [a.text for a in answers]
    results = sorted(a.json()["result"] for a in answers)
    assert results == ["already_credited"] * (THREADS - 1) + ["credited"]
    ((status, bank_txn, duplicates, receipt),) = query(
        live, "SELECT status, bank_transaction_id, duplicate_callbacks, receipt_number FROM payments_payment WHERE id = %s",
        (started["id"],))
    assert (status, bank_txn, duplicates) == ("credited", txn, THREADS - 1)
    assert {a.json()["receipt_number"] for a in answers} == {receipt}
    assert query(live, "SELECT status, payment_status, amount_due FROM declarations_declaration WHERE id = %s",
                 (declaration_id,)) == [("cleared", "paid", 0)]
    assert query(live, "SELECT from_status, to_status FROM declarations_auditevent WHERE declaration_id = %s "
                       "AND action = 'pay'", (declaration_id,)) == [("assessed", "cleared")]


def test_ten_bank_transactions_for_one_payment_credit_once(live):
    (declaration_id,) = green_declarations(live)
    started = live["trader"].post(f"/api/v1/declarations/{declaration_id}/payments/").json()
    answers = at_once(live, [body(started["reference"], started["amount"], f"SB-MANY-{i}") for i in range(THREADS)])

    codes = sorted(a.status_code for a in answers)
    assert codes == [200] + [409] * (THREADS - 1), [a.text for a in answers]
    assert {a.json().get("code") for a in answers if a.status_code == 409} == {"already_settled"}
    assert query(live, "SELECT count(*) FROM payments_rejectedcallback WHERE reference = %s AND reason = 'already_settled'",
                 (started["reference"],)) == [(THREADS - 1,)]
    assert query(live, "SELECT count(*) FROM declarations_auditevent WHERE declaration_id = %s AND action = 'pay'",
                 (declaration_id,)) == [(1,)]


def test_one_bank_transaction_for_ten_payments_credits_once(live):
    """Ten pending payments (ten declarations), one bank transaction id: the unique constraint lets one through."""
    payments = [live["trader"].post(f"/api/v1/declarations/{declaration_id}/payments/").json()
                for declaration_id in green_declarations(live, THREADS)]
    answers = at_once(live, [body(p["reference"], p["amount"], "SB-ONE-FOR-ALL") for p in payments])

    codes = sorted(a.status_code for a in answers)
    assert codes == [200] + [409] * (THREADS - 1), [a.text for a in answers]
    assert {a.json()["code"] for a in answers if a.status_code == 409} == {"transaction_conflict"}
    assert query(live, "SELECT count(*) FROM payments_payment WHERE bank_transaction_id = 'SB-ONE-FOR-ALL'") == [(1,)]
    references = tuple(p["reference"] for p in payments)
    assert query(live, "SELECT count(*) FROM payments_payment WHERE reference IN %s AND status = 'pending'",
                 (references,)) == [(THREADS - 1,)]
